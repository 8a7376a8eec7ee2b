"""The demo station's appointment book, added after everything else so that a seed's
customers, cars and visits stay exactly as they were without it.

- About half the past work orders came by appointment: an ``arrived`` booking on the
  visit's day, in a slot spread over the opening hours, for the advisor who opened it.
- A few bookings were not kept: a ``no_show`` a week before such a visit (about one in
  twenty booked visits), so the no-show rates and repeated no-shows on cards show.
- Cars falling due for maintenance are booked for today and the next days, up to about
  two thirds of the book's places: those three days ahead or more mostly unconfirmed, so
  the confirmation queue has rows; today's wait at reception.

Past bookings are chosen in SQL by a hash of the visit's id and the seed (no Python loop
over millions of visits), and placed within the book's capacity (a slot's cars, an
advisor's day): on a large station's busy days only some of the visits fit, as in life.
The future ones draw from their own random stream (``random.Random`` seeded from the
seed and the word "bookings"), never from the streams that made the station.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from db import appointments, settings
from db.clock import now
from db.connection import is_postgres, writing
from db.models import Appointment, Vehicle, Visit, database_proxy

SHARE = 2  # one visit in SHARE came by appointment
NO_SHOW = 20  # one booked visit in NO_SHOW had a missed booking a week before
FUTURE_DAYS = 7  # today and the next six days are booked
FILL = 2 / 3  # of the places on those days
CHANNELS = ("phone", "phone", "wechat", "call_list", "walk_in")


def _hash(seed: int, salt: int) -> str:
    """A well-mixed integer of the visit's id, in SQL that SQLite and PostgreSQL agree on."""
    return f'(("id" * 2654435761 + {int(seed) * 40503 + salt}) % 1000003)'


def add(seed: int, day: dt.date) -> int:
    """Book the demo station's visits (see the module). Returns the bookings made."""
    shape = appointments.hours()
    stamp = now().isoformat(sep=" ") if not is_postgres() else now()
    mark = "?"  # the driver's own mark for PostgreSQL in _execute
    room = _Room.of(shape)
    pick = _hash(seed, 1)
    channel = f"(CASE ({_hash(seed, 3)} % 5) WHEN 0 THEN 'wechat' WHEN 1 THEN 'call_list' ELSE 'phone' END)"
    week_before = ("CAST(\"visit_date\" AS DATE) - 7" if is_postgres() else "date(\"visit_date\", '-7 days')")
    visit_day = '"visit_date"'
    booked_visits = f'"customer_id" IS NOT NULL AND "visit_date" < {mark} AND {pick} % {SHARE} = 0'
    missed = f"{booked_visits} AND {_hash(seed, 5)} % {NO_SHOW} = 0"
    with writing():
        # arrived: about half the work orders before today, as many as the day's places allow
        _execute(
            'INSERT INTO "appointment" ("customer_id", "vehicle_id", "day", "slot", "advisor_id", "request", '
            '"waiting", "channel", "booked_by_id", "status", "overbooked", "visit_id", "created_at", '
            '"updated_at", "version") '
            f'SELECT "customer_id", "vehicle_id", "day", {room.slot_of("place", shape)}, "advisor_id", '
            f'"work_requested", ({_hash(seed, 4)} % 3 <> 0), {channel}, "advisor_id", \'arrived\', {_false()}, "id", '
            f'{mark}, {mark}, 1 '
            f'FROM {_within(room.arrived_slot, room.arrived_advisor, shape, booked_visits, visit_day, seed)}',
            (stamp, stamp, day))
        # no-shows: a missed booking a week before some of those visits, in the places left
        _execute(
            'INSERT INTO "appointment" ("customer_id", "vehicle_id", "day", "slot", "advisor_id", "request", '
            '"waiting", "channel", "booked_by_id", "status", "overbooked", "created_at", "updated_at", "version") '
            f'SELECT "customer_id", "vehicle_id", "day", {room.slot_of("place", shape)}, "advisor_id", '
            f'"work_requested", {_true()}, \'phone\', "advisor_id", \'no_show\', {_false()}, {mark}, {mark}, 1 '
            f'FROM {_within(room.no_show_slot, room.no_show_advisor, shape, missed, week_before, seed)}',
            (stamp, stamp, day))
        future = _future(seed, day, shape)
        if future:
            Appointment.insert_many(future).execute()
    return Appointment.select().count()


@dataclass(frozen=True)
class _Room:
    """How the past bookings share a day's places: the arrived ones take all but one place
    of each slot and all but two of an advisor's day, the no-shows what is left (a no-show
    lands on a day other visits were booked on too). So no past slot or advisor's day is
    over the book's capacity."""

    arrived_slot: int  # cars a slot
    no_show_slot: int
    arrived_advisor: int  # cars an advisor's day
    no_show_advisor: int

    @classmethod
    def of(cls, shape: appointments.Hours) -> _Room:
        per_slot = max(1, shape.cars_per_slot - 1) if shape.cars_per_slot > 0 else 0
        per_advisor = max(1, shape.per_advisor_day - 2) if shape.per_advisor_day > 0 else 0
        return cls(per_slot, max(0, shape.cars_per_slot - per_slot), per_advisor,
                   max(0, shape.per_advisor_day - per_advisor))

    @staticmethod
    def slot_of(place: str, shape: appointments.Hours) -> str:
        """The n-th place of a day goes to slot n mod slots: each slot fills one car at a time."""
        return f'({shape.opens} + ("{place}" % {len(shape.slots)}) * {shape.slot_minutes})'


def _within(per_slot: int, per_advisor: int, shape: appointments.Hours, where: str, day: str, seed: int) -> str:
    """The visits chosen by ``where`` on the day ``day`` (an SQL expression), at most
    ``per_advisor`` of an advisor's a day and ``per_slot`` times the slots a day, in the
    order of a hash of the visit's id (no random draw: the demo's streams stay as they
    are), each with its ``place`` in the day (0, 1, …)."""
    order = f'{_hash(seed, 6)}, "id"'
    per_day = per_slot * len(shape.slots)
    return ('(SELECT * FROM ('
            f'SELECT "chosen".*, ROW_NUMBER() OVER (PARTITION BY "day" ORDER BY {order}) - 1 AS "place" FROM ('
            f'SELECT "id", "customer_id", "vehicle_id", "advisor_id", "work_requested", {day} AS "day", '
            f'ROW_NUMBER() OVER (PARTITION BY {day}, "advisor_id" ORDER BY {order}) AS "of_advisor" '
            f'FROM "visit" WHERE {where}) AS "chosen" '
            f'WHERE "advisor_id" IS NULL OR "of_advisor" <= {per_advisor}) AS "placed" '
            f'WHERE "place" < {per_day}) AS "booked"')


def _execute(sql: str, params: tuple) -> None:
    """``?`` marks the parameters; psycopg2 wants ``%s`` and reads ``%`` (modulo) as one."""
    if is_postgres():
        sql = sql.replace("%", "%%").replace("?", "%s")
    database_proxy.obj.execute_sql(sql, params)


def _true() -> str:
    return "TRUE" if is_postgres() else "1"


def _false() -> str:
    return "FALSE" if is_postgres() else "0"


def _future(seed: int, day: dt.date, shape: appointments.Hours) -> list[dict]:
    """Today's and the next days' bookings: cars due for maintenance around then."""
    rng = random.Random(f"{seed}:bookings")
    places = int(shape.cars_per_slot * len(shape.slots) * FILL)
    last = day + dt.timedelta(days=FUTURE_DAYS + 30)
    cars = list(Vehicle.select(Vehicle.id, Vehicle.owner, Vehicle.due_maintenance)
                .where(Vehicle.due_maintenance.between(day, last) & Vehicle.owner.is_null(False)
                       & (Vehicle.status == "active"))
                .order_by(Vehicle.due_maintenance, Vehicle.id).limit(places * FUTURE_DAYS * 3).tuples())
    rng.shuffle(cars)
    advisors = [a for (a,) in Visit.select(Visit.advisor).where(Visit.advisor.is_null(False))
                .distinct().order_by(Visit.advisor).tuples()]
    confirm_to = settings.get("book.confirm_to_days")
    stamp = now()
    rows = []
    per_day = min(places, max(1, len(cars) // FUTURE_DAYS))  # a small station's cars spread over the days
    for offset in range(FUTURE_DAYS):
        booked_day = day + dt.timedelta(days=offset)
        load: dict[int, int] = {}  # an advisor's bookings that day
        for place in range(per_day):
            if not cars:
                return rows
            vehicle_id, owner_id, _ = cars.pop()
            ahead = offset >= confirm_to
            status = "booked" if (ahead and rng.random() < 0.8) or (not ahead and rng.random() < 0.3) else "confirmed"
            advisor = rng.choice(advisors + [None]) if advisors else None
            if advisor is not None and load.get(advisor, 0) >= shape.per_advisor_day:
                advisor = None  # that advisor's day is full: booked for any (the draw stays the same)
            if advisor is not None:
                load[advisor] = load.get(advisor, 0) + 1
            rows.append(dict(customer=owner_id, vehicle=vehicle_id, day=booked_day,
                             slot=shape.slots[place % len(shape.slots)], advisor=advisor,
                             request=rng.choice(REQUESTS), waiting=rng.random() < 0.6,
                             channel=rng.choice(CHANNELS), booked_by=rng.choice(advisors) if advisors else None,
                             status=status, overbooked=False, created_at=stamp, updated_at=stamp))
    return rows


REQUESTS = ("常规保养", "保养，顺便检查空调", "更换刹车片", "左前轮异响，检查底盘", "保养，换雨刮",
            "首保", "更换轮胎", "仪表盘故障灯亮", "年检前检查", "钣金喷漆报价")
