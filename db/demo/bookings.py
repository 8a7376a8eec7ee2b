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
over millions of visits); the future ones draw from their own random stream
(``random.Random`` seeded from the seed and the word "bookings"), never from the
streams that made the station.
"""

from __future__ import annotations

import datetime as dt
import random

from db import appointments, settings
from db.clock import now
from db.connection import is_postgres, writing
from db.demo.sql import execute as _execute
from db.demo.sql import row_hash as _hash
from db.models import Appointment, Vehicle, Visit

SHARE = 2  # one visit in SHARE came by appointment
NO_SHOW = 20  # one booked visit in NO_SHOW had a missed booking a week before
FUTURE_DAYS = 7  # today and the next six days are booked
FILL = 2 / 3  # of the places on those days
CHANNELS = ("phone", "phone", "wechat", "call_list", "walk_in")


def add(seed: int, day: dt.date) -> int:
    """Book the demo station's visits (see the module). Returns the bookings made."""
    shape = appointments.hours()
    slots = len(shape.slots)
    stamp = now().isoformat(sep=" ") if not is_postgres() else now()
    mark = "?"  # the driver's own mark for PostgreSQL in _execute
    pick = _hash(seed, 1)
    slot = f"({shape.opens} + ({_hash(seed, 2)} % {slots}) * {shape.slot_minutes})"
    channel = f"(CASE ({_hash(seed, 3)} % 5) WHEN 0 THEN 'wechat' WHEN 1 THEN 'call_list' ELSE 'phone' END)"
    week_before = ("CAST(\"visit_date\" AS DATE) - 7" if is_postgres() else "date(\"visit_date\", '-7 days')")
    with writing():
        # arrived: about half the work orders (the ones before today)
        _execute(
            'INSERT INTO "appointment" ("customer_id", "vehicle_id", "day", "slot", "advisor_id", "request", '
            '"waiting", "channel", "booked_by_id", "status", "overbooked", "visit_id", "created_at", '
            '"updated_at", "version") '
            f'SELECT "customer_id", "vehicle_id", "visit_date", {slot}, "advisor_id", "work_requested", '
            f'({_hash(seed, 4)} % 3 <> 0), {channel}, "advisor_id", \'arrived\', {_false()}, "id", {mark}, {mark}, 1 '
            f'FROM "visit" WHERE "customer_id" IS NOT NULL AND "visit_date" < {mark} AND {pick} % {SHARE} = 0',
            (stamp, stamp, day))
        # no-shows: a missed booking a week before some of those visits
        _execute(
            'INSERT INTO "appointment" ("customer_id", "vehicle_id", "day", "slot", "advisor_id", "request", '
            '"waiting", "channel", "booked_by_id", "status", "overbooked", "created_at", "updated_at", "version") '
            f'SELECT "customer_id", "vehicle_id", {week_before}, {slot}, "advisor_id", "work_requested", '
            f'{_true()}, \'phone\', "advisor_id", \'no_show\', {_false()}, {mark}, {mark}, 1 '
            f'FROM "visit" WHERE "customer_id" IS NOT NULL AND "visit_date" < {mark} AND {pick} % {SHARE} = 0 '
            f'AND {_hash(seed, 5)} % {NO_SHOW} = 0',
            (stamp, stamp, day))
        future = _future(seed, day, shape)
        if future:
            Appointment.insert_many(future).execute()
    return Appointment.select().count()


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
        for place in range(per_day):
            if not cars:
                return rows
            vehicle_id, owner_id, _ = cars.pop()
            ahead = offset >= confirm_to
            status = "booked" if (ahead and rng.random() < 0.8) or (not ahead and rng.random() < 0.3) else "confirmed"
            rows.append(dict(customer=owner_id, vehicle=vehicle_id, day=booked_day,
                             slot=shape.slots[place % len(shape.slots)],
                             advisor=rng.choice(advisors + [None]) if advisors else None,
                             request=rng.choice(REQUESTS), waiting=rng.random() < 0.6,
                             channel=rng.choice(CHANNELS), booked_by=rng.choice(advisors) if advisors else None,
                             status=status, overbooked=False, created_at=stamp, updated_at=stamp))
    return rows


REQUESTS = ("常规保养", "保养，顺便检查空调", "更换刹车片", "左前轮异响，检查底盘", "保养，换雨刮",
            "首保", "更换轮胎", "仪表盘故障灯亮", "年检前检查", "钣金喷漆报价")
