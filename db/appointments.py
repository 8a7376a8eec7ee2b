"""The appointment book (预约): booking a car into a slot, and what becomes of the booking.

States: booked → confirmed → arrived (a work order opened) / no_show / cancelled (with a
reason). A booking holds a place while it is booked, confirmed or arrived. Capacity comes
from the settings (``book.*``): the slot length, the opening hours, how many cars a slot
takes and how many a day one advisor takes. The day is the day clock's (``db.clock``:
pinned or real); the audit keeps the real time.

Two desks booking the last place at once: the count and the insert happen in one writing
transaction (``BEGIN IMMEDIATE`` on SQLite, the writers' advisory lock on PostgreSQL), so
the second one counts the first one's booking and is refused with ``SlotFull``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from db import settings
from db.audit import write as audit
from db.clock import day_now, now, today
from db.connection import writing
from db.errors import AdvisorError, Invalid, NotFound
from db.i18n import t
from db.models import Advisor, Appointment, Customer, Vehicle

STATES = ("booked", "confirmed", "arrived", "no_show", "cancelled")
HOLDING = ("booked", "confirmed", "arrived")  # states that take a place in a slot
OPEN = ("booked", "confirmed")  # states still waiting for the car
CHANNELS = ("phone", "walk_in", "call_list", "wechat")
AUDIT_ACTION = "appointment"
AT_FORMAT = "%Y-%m-%d %H:%M"


class SlotFull(AdvisorError):
    """The slot (or the advisor's day) is full; ``free`` holds the nearest free slots."""

    def __init__(self, message: str, free: list[dt.datetime]) -> None:
        super().__init__(message)
        self.free = free


@dataclass(frozen=True)
class Hours:
    """The book's shape on any day, from the settings."""

    slot_minutes: int
    opens: int  # minutes after midnight
    closes: int
    cars_per_slot: int
    per_advisor_day: int

    @property
    def slots(self) -> list[int]:
        """Each slot's start (a slot ends by closing time)."""
        return list(range(self.opens, self.closes - self.slot_minutes + 1, self.slot_minutes))


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def hours() -> Hours:
    values = settings.get_many("book.slot_minutes", "book.opens", "book.closes", "book.cars_per_slot",
                               "book.per_advisor_day")
    return Hours(max(5, values["book.slot_minutes"]), _minutes(values["book.opens"]),
                 _minutes(values["book.closes"]), values["book.cars_per_slot"], values["book.per_advisor_day"])


def slot_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def at_of(day: dt.date, slot: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(slot // 60, slot % 60))


def at_text(value: dt.datetime) -> str:
    return value.strftime(AT_FORMAT)


def parse_at(text: str) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (the shell's and the screen's form), else ``Invalid``."""
    try:
        return dt.datetime.strptime(" ".join(str(text).split()), AT_FORMAT)
    except ValueError:
        raise Invalid(t("book.at_bad", text=text), "at") from None


@dataclass
class Booking:
    """One appointment as the screens and the shell show it."""

    id: int
    customer_id: int
    vehicle_id: int
    name: str
    plate: str | None
    at: dt.datetime
    advisor_id: int | None
    advisor_name: str | None
    status: str
    request: str | None = None
    due_items: str | None = None
    waiting: bool = True
    channel: str = "phone"
    reason: str | None = None
    overbooked: bool = False
    visit_id: int | None = None
    booked_by: str | None = None
    late: bool = False  # open and its slot has begun

    def as_json(self) -> dict[str, object]:
        """The shell's object (``advisor book --json``, ``advisor appointments --json``)."""
        return {"appointment_id": self.id, "customer_id": self.customer_id, "vehicle_id": self.vehicle_id,
                "plate": self.plate, "name": self.name, "at": at_text(self.at), "status": self.status,
                "advisor": self.advisor_name, "request": self.request, "waiting": self.waiting,
                "channel": self.channel, "reason": self.reason, "overbooked": self.overbooked,
                "visit_id": self.visit_id}


_BookedFor = Advisor.alias()
_BookedBy = Advisor.alias()
_COLUMNS = (Appointment.id, Appointment.customer, Appointment.vehicle, Customer.name, Vehicle.plate,
            Appointment.day, Appointment.slot, Appointment.advisor, _BookedFor.name, Appointment.status,
            Appointment.request, Appointment.due_items, Appointment.waiting, Appointment.channel,
            Appointment.reason, Appointment.overbooked, Appointment.visit, _BookedBy.name)


def _query():
    return (Appointment.select(*_COLUMNS)
            .join(Customer, on=(Appointment.customer == Customer.id))
            .switch(Appointment).join(Vehicle, on=(Appointment.vehicle == Vehicle.id))
            .switch(Appointment).join(_BookedFor, JOIN.LEFT_OUTER, on=(Appointment.advisor == _BookedFor.id))
            .switch(Appointment).join(_BookedBy, JOIN.LEFT_OUTER, on=(Appointment.booked_by == _BookedBy.id)))


def _booking(row: tuple, moment: dt.datetime, cut: dt.datetime) -> Booking:
    (id_, customer, vehicle, name, plate, day, slot, advisor, advisor_name, status, request, due_items,
     waiting, channel, reason, overbooked, visit, booked_by) = row
    at = at_of(_as_date(day), slot)
    status = _seen_status(status, at, cut)
    return Booking(id_, customer, vehicle, name, plate, at, advisor, advisor_name, status, request, due_items,
                   bool(waiting), channel, reason, bool(overbooked), visit, booked_by,
                   status in OPEN and moment >= at)


# ---- no-shows, seen on read ------------------------------------------------------------
# A booking still open ``book.no_show_minutes`` after its slot began *is* a no-show: every
# reader (the book, the arrivals, the queue, the report, the shell) computes that from the
# time and the stored state, and none of them writes. The stored state becomes "no_show"
# only by an act: a transition from it (arrived late, cancelled) or the audited sweep
# ``mark_no_shows`` (``advisor appointments --mark-no-shows``, e.g. nightly from cron).

def no_show_cut(moment: dt.datetime | None = None) -> dt.datetime:
    """Open bookings whose slot began before this moment (the day clock's, to the minute)
    are no-shows."""
    moment = (moment or day_now()) - dt.timedelta(minutes=settings.get("book.no_show_minutes"))
    return moment.replace(second=0, microsecond=0)


def _seen_status(status: str, at: dt.datetime, cut: dt.datetime) -> str:
    return "no_show" if status in OPEN and at < cut else status


def _overdue(cut: dt.datetime):
    """SQL: the booking's slot began before ``cut`` (whatever its state)."""
    minutes = cut.hour * 60 + cut.minute
    return ((Appointment.day < cut.date())
            | ((Appointment.day == cut.date()) & (Appointment.slot < minutes)))


def no_show_where(cut: dt.datetime | None = None):
    """SQL: the bookings that are no-shows, marked or not yet (the queue, the report, the card)."""
    cut = cut or no_show_cut()
    # an IN at the top, not an OR: SQLite then reads the (status, day, slot) index ranges
    # instead of every no-show ever made (a "MULTI-INDEX OR" over all the days)
    return Appointment.status.in_(("no_show",) + OPEN) & ~(Appointment.status.in_(OPEN) & ~_overdue(cut))


def status_sql(cut: dt.datetime | None = None):
    """SQL: the state as seen now (a column to group by)."""
    cut = cut or no_show_cut()
    return Case(None, [(Appointment.status.in_(OPEN) & _overdue(cut), "no_show")], Appointment.status)


def _holding_where(cut: dt.datetime | None = None):
    """SQL: the bookings that take a place (a no-show, marked or not, gives it back)."""
    cut = cut or no_show_cut()
    return Appointment.status.in_(HOLDING) & ~(Appointment.status.in_(OPEN) & _overdue(cut))  # an IN: see above


def _seen(row: Appointment) -> str:
    return _seen_status(row.status, at_of(_as_date(row.day), row.slot), no_show_cut())


def get(appointment_id: int) -> Booking:
    rows = _rows(_query().where(Appointment.id == appointment_id))
    if not rows:
        raise NotFound(t("book.not_found", id=appointment_id))
    return rows[0]


# ---- capacity ----------------------------------------------------------------------

def _taken(day_from: dt.date, day_to: dt.date, advisor_id: int | None = None,
           leave_out: int | None = None) -> dict[tuple[dt.date, int], int]:
    """Places held per (day, slot) between two days."""
    query = (Appointment.select(Appointment.day, Appointment.slot, fn.COUNT(Appointment.id))
             .where(Appointment.day.between(day_from, day_to) & _holding_where()))
    if advisor_id is not None:
        query = query.where(Appointment.advisor == advisor_id)
    if leave_out is not None:
        query = query.where(Appointment.id != leave_out)
    return {(_as_date(day), slot): count for day, slot, count in query.group_by(Appointment.day, Appointment.slot).tuples()}


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def advisor_load(day: dt.date, leave_out: int | None = None) -> dict[int, int]:
    """Bookings holding a place that day, per advisor booked for (None: any)."""
    query = (Appointment.select(Appointment.advisor, fn.COUNT(Appointment.id))
             .where((Appointment.day == day) & _holding_where()))
    if leave_out is not None:
        query = query.where(Appointment.id != leave_out)
    return dict(query.group_by(Appointment.advisor).tuples())


def nearest_free(at: dt.datetime, count: int = 3, advisor_id: int | None = None,
                 leave_out: int | None = None) -> list[dt.datetime]:
    """The ``count`` free slots nearest to ``at`` (not before now, within
    ``book.free_days_searched`` days either side), nearest first. With ``advisor_id``,
    only days that advisor still has room on."""
    shape = hours()
    span = settings.get("book.free_days_searched")
    first = max(at.date() - dt.timedelta(days=span), today())
    last = at.date() + dt.timedelta(days=span)
    taken = _taken(first, last, leave_out=leave_out)
    per_advisor: dict[dt.date, int] = {}
    if advisor_id is not None:
        for (day, _), n in _taken(first, last, advisor_id, leave_out).items():
            per_advisor[day] = per_advisor.get(day, 0) + n
    moment = day_now()
    found = []
    day = first
    while day <= last:
        if advisor_id is None or per_advisor.get(day, 0) < shape.per_advisor_day:
            for slot in shape.slots:
                start = at_of(day, slot)
                if start > moment and start != at and taken.get((day, slot), 0) < shape.cars_per_slot:
                    found.append(start)
        day += dt.timedelta(days=1)
    found.sort(key=lambda s: (abs((s - at).total_seconds()), s))
    return found[:count]


def _check_time(at: dt.datetime, shape: Hours) -> int:
    """The slot ``at`` starts, or ``Invalid`` (outside the hours, off the grid, past)."""
    minutes = at.hour * 60 + at.minute
    if minutes not in shape.slots:
        if shape.opens <= minutes < shape.closes:
            raise Invalid(t("book.off_grid", at=at_text(at), minutes=shape.slot_minutes), "at")
        raise Invalid(t("book.closed", at=at_text(at), opens=slot_text(shape.opens),
                        closes=slot_text(shape.closes)), "at")
    if at <= day_now():
        raise Invalid(t("book.past", at=at_text(at)), "at")
    return minutes


def _check_room(at: dt.datetime, slot: int, advisor_id: int | None, shape: Hours, overbook: bool,
                leave_out: int | None = None) -> bool:
    """Whether the booking goes over a full slot or day (allowed only with ``overbook``)."""
    held = _taken(at.date(), at.date(), leave_out=leave_out).get((at.date(), slot), 0)
    over = held >= shape.cars_per_slot
    if over and not overbook:
        free = nearest_free(at, advisor_id=advisor_id, leave_out=leave_out)
        raise SlotFull(t("book.full", at=at_text(at), cars=shape.cars_per_slot,
                         free=_free_text(free)), free)
    if advisor_id is not None:
        day_load = advisor_load(at.date(), leave_out).get(advisor_id, 0)
        if day_load >= shape.per_advisor_day:
            if not overbook:
                free = nearest_free(at, advisor_id=advisor_id, leave_out=leave_out)
                name = Advisor.get_by_id(advisor_id).name
                raise SlotFull(t("book.advisor_full", name=name, day=at.date().isoformat(),
                                 cars=shape.per_advisor_day, free=_free_text(free)), free)
            over = True
    return over


def _free_text(free: list[dt.datetime]) -> str:
    return "、".join(at_text(s) for s in free) if free else t("book.none_free")


# ---- changes -------------------------------------------------------------------------

def _log(row: Appointment, change: str, advisor_id: int | None, before: dict | None, after: dict | None,
         detail: str | None = None) -> None:
    audit.record(AUDIT_ACTION, advisor_id=advisor_id, customer_id=row.customer_id, field=change,
                 before=before, after=after, detail=detail or f"#{row.id}")


def _state(row: Appointment) -> dict[str, object]:
    """The booking as the audit keeps it: its state as seen (a no-show not yet swept is one)."""
    return {"at": at_text(at_of(_as_date(row.day), row.slot)), "status": _seen(row),
            "advisor": row.advisor_id, "vehicle": row.vehicle_id}


def book(*, vehicle_id: int, at: dt.datetime, booked_by: int | None, customer_id: int | None = None,
         advisor_id: int | None = None, request: str | None = None, due_items: str | None = None,
         waiting: bool = True, channel: str = "phone", overbook: bool = False, call: object = None) -> Booking:
    """Book the car into the slot starting at ``at`` (for ``advisor_id``, or any advisor).

    ``SlotFull`` (with the nearest free slots) when the slot or the advisor's day is full,
    unless a manager overbooks on purpose (``overbook``; recorded on the row and in the
    audit). ``Invalid`` for a time outside the hours, off the slot grid or past. ``call``
    (a call list's row) records that call's outcome "booked" in the same transaction."""
    if channel not in CHANNELS:
        raise Invalid(t("book.channel_bad", channel=channel), "channel")
    shape = hours()
    slot = _check_time(at, shape)
    with writing():
        car = Vehicle.get_or_none(Vehicle.id == vehicle_id)
        if car is None:
            raise NotFound(t("book.no_car"))
        customer_id = customer_id or car.owner_id
        if customer_id is None:
            raise Invalid(t("book.no_owner", plate=car.plate or car.vin), "vehicle")
        same_day = (Appointment.select(Appointment.slot)
                    .where((Appointment.vehicle == car.id) & (Appointment.day == at.date())
                           & Appointment.status.in_(OPEN) & ~_overdue(no_show_cut())).first())
        if same_day is not None:
            raise Invalid(t("book.car_booked", plate=car.plate or car.vin,
                            at=at_text(at_of(at.date(), same_day.slot))), "vehicle")
        if overbook:
            from db.roles import require_manager

            require_manager(booked_by, "book.action.overbook")
        over = _check_room(at, slot, advisor_id, shape, overbook)
        stamp = now()
        row = Appointment.create(customer=customer_id, vehicle=car.id, day=at.date(), slot=slot,
                                 advisor=advisor_id, request=(request or "").strip() or None,
                                 due_items=due_items or None, waiting=waiting, channel=channel,
                                 booked_by=booked_by, status="booked", overbooked=over,
                                 created_at=stamp, updated_at=stamp)
        _log(row, "overbook" if over else "book", booked_by, None, _state(row))
        if call is not None:  # F5's "booked": the call is recorded with the booking, or neither
            from db.queues.lists import record_outcome

            record_outcome(call, "booked", booked_by, booked_date=at.date(), booking={"id": row.id, "made": True})
    return get(row.id)


def _locked(appointment_id: int) -> Appointment:
    row = Appointment.get_or_none(Appointment.id == appointment_id)
    if row is None:
        raise NotFound(t("book.not_found", id=appointment_id))
    return row


def _transition(appointment_id: int, to: str, allowed: tuple[str, ...], advisor_id: int | None,
                **values) -> Booking:
    with writing():
        row = _locked(appointment_id)
        if _seen(row) not in allowed:
            raise Invalid(t("book.state_bad", id=row.id, status=t(f"book.status.{_seen(row)}"),
                            to=t(f"book.status.{to}")), "status")
        before = _state(row)
        row.status = to
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now()
        row.version += 1
        row.save()
        after = _state(row)
        if values.get("reason"):
            after["reason"] = values["reason"]
        _log(row, to, advisor_id, before, after)
    return get(appointment_id)


def confirm(appointment_id: int, advisor_id: int | None) -> Booking:
    """The customer said they are coming."""
    return _transition(appointment_id, "confirmed", ("booked",), advisor_id)


def cancel(appointment_id: int, advisor_id: int | None, reason: str | None = None) -> Booking:
    """Cancelled (the reason kept): the place is free again."""
    reason = (reason or "").strip() or None
    return _transition(appointment_id, "cancelled", OPEN + ("no_show",), advisor_id, reason=reason)


def arrive(appointment_id: int, advisor_id: int | None, visit_id: int | None = None) -> Booking:
    """The car came in and its work order was opened (``visit_id``)."""
    return _transition(appointment_id, "arrived", OPEN + ("no_show",), advisor_id, visit=visit_id)


def arrive_for_visit(vehicle_id: int, visit_id: int, advisor_id: int | None,
                     appointment_id: int | None = None) -> int | None:
    """The reception saved a work order for the car: the booking it came for (the one
    chosen on today's arrivals, else the car's open booking today) is marked arrived with
    that work order. Returns its id, or None when the car had no booking. Inside the
    reception's transaction."""
    row = None
    if appointment_id is not None:
        row = Appointment.get_or_none((Appointment.id == appointment_id) & (Appointment.vehicle == vehicle_id)
                                      & Appointment.status.in_(OPEN + ("no_show",)))
    if row is None:
        row = (Appointment.select().where((Appointment.vehicle == vehicle_id) & (Appointment.day == today())
                                          & Appointment.status.in_(OPEN + ("no_show",)))
               .order_by(Appointment.slot).first())
    if row is None:
        return None
    arrive(row.id, advisor_id, visit_id)
    return row.id


def move(appointment_id: int, at: dt.datetime, advisor_id: int | None, *, for_advisor: int | None | object = ...,
         overbook: bool = False, call: object = None) -> Booking:
    """Another slot (and, when given, another advisor) for an open booking; its state
    stays. The new slot's room is checked as for a new booking. ``call`` (a confirmation
    call's row): the customer agreed to the new time on the phone, so the booking is
    confirmed and the call recorded as "booked" on the new day, in the same transaction."""
    shape = hours()
    slot = _check_time(at, shape)
    with writing():
        row = _locked(appointment_id)
        if _seen(row) not in OPEN:
            raise Invalid(t("book.state_bad", id=row.id, status=t(f"book.status.{_seen(row)}"),
                            to=t("book.moved")), "status")
        target_advisor = row.advisor_id if for_advisor is ... else for_advisor
        if overbook:
            from db.roles import require_manager

            require_manager(advisor_id, "book.action.overbook")
        over = _check_room(at, slot, target_advisor, shape, overbook, leave_out=row.id)
        before = _state(row)
        row.day, row.slot, row.advisor = at.date(), slot, target_advisor
        row.overbooked = over
        row.updated_at = now()
        row.version += 1
        row.save()
        _log(row, "move", advisor_id, before, _state(row), detail=f"#{row.id} overbook" if over else None)
        if call is not None:
            from db.queues.lists import record_outcome

            undo = {"id": row.id, "at": before["at"], "status": before["status"], "advisor": before["advisor"]}
            if row.status == "booked":
                confirm(row.id, advisor_id)
            record_outcome(call, "booked", advisor_id, booked_date=at.date(), booking=undo)
    return get(appointment_id)


def state_for_undo(appointment_id: int) -> dict:
    """What a call is about to change in a booking, for the call's undo."""
    row = _locked(appointment_id)
    return {"id": row.id, **_state(row)}


def undo_for_call(booking: dict, advisor_id: int | None) -> None:
    """A call's outcome was undone (``db.queues.lists.undo_last_call``): the booking it made
    is cancelled, or the booking it confirmed, cancelled or moved is put back as it was.
    Audited as the change ``undo``; a place taken back is not checked for room (it was
    the booking's before the call)."""
    row = Appointment.get_or_none(Appointment.id == booking["id"])
    if row is None:
        return
    before = _state(row)
    if booking.get("made"):
        if row.status not in OPEN:
            return
        row.status, row.reason = "cancelled", t("book.call_undone")
    else:
        if "at" in booking:
            at = parse_at(booking["at"])
            row.day, row.slot = at.date(), at.hour * 60 + at.minute
        row.status = booking.get("status", row.status)
        if row.status != "cancelled":
            row.reason = None
        if "advisor" in booking:
            row.advisor = booking["advisor"]
    row.updated_at = now()
    row.version += 1
    row.save()
    _log(row, "undo", advisor_id, before, _state(row))


def mark_no_shows(advisor_id: int | None = None) -> int:
    """The sweep: open bookings that are no-shows (``no_show_cut``) get the stored state
    "no_show", each one audited. Readers never call it (they see no-shows without it); it
    is an act of its own (``advisor appointments --mark-no-shows``). Returns how many."""
    cut = no_show_cut()
    overdue = Appointment.status.in_(OPEN) & _overdue(cut)
    if not Appointment.select(Appointment.id).where(overdue).exists():
        return 0
    with writing():
        rows = list(Appointment.select().where(overdue))
        for row in rows:
            before = {**_state(row), "status": row.status}
            row.status = "no_show"
            row.updated_at = now()
            row.version += 1
            row.save()
            _log(row, "no_show", advisor_id, before, _state(row))
    return len(rows)


# ---- reading -------------------------------------------------------------------------

def _rows(query) -> list[Booking]:
    moment = day_now()
    cut = no_show_cut(moment)
    return [_booking(row, moment, cut) for row in query.tuples()]


def day_list(day: dt.date, *, with_closed: bool = True) -> list[Booking]:
    """A day's appointments by time (cancelled ones too unless ``with_closed`` is off)."""
    query = _query().where(Appointment.day == day)
    if not with_closed:
        query = query.where(_holding_where())
    return _rows(query.order_by(Appointment.slot, Appointment.id))


def arrivals(day: dt.date | None = None) -> list[Booking]:
    """Today's expected cars: booked or confirmed, by time (reception's board)."""
    day = day or today()
    rows = _rows(_query().where((Appointment.day == day) & Appointment.status.in_(OPEN))
                 .order_by(Appointment.slot, Appointment.id))
    return [b for b in rows if b.status in OPEN]  # those past the no-show time are gone


def for_vehicle_today(vehicle_id: int) -> Booking | None:
    """The car's open appointment today, if it has one (reception recognises it)."""
    rows = _rows(_query().where((Appointment.vehicle == vehicle_id) & (Appointment.day == today())
                                & Appointment.status.in_(OPEN)).order_by(Appointment.slot))
    rows = [b for b in rows if b.status in OPEN]
    return rows[0] if rows else None


def no_show_count(customer_id: int) -> int:
    """How many times the customer did not come (the card shows repeated no-shows)."""
    return Appointment.select().where((Appointment.customer == customer_id) & no_show_where()).count()


@dataclass
class Slot:
    start: int
    bookings: list[Booking] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(1 for b in self.bookings if b.status in HOLDING)


@dataclass
class DayGrid:
    """A day of the book: slots down, places across; the load per advisor."""

    day: dt.date
    hours: Hours
    slots: list[Slot]
    load: list[tuple[str | None, int]]  # (advisor's name, or None for any; bookings)

    def free(self, slot: Slot) -> int:
        return max(0, self.hours.cars_per_slot - slot.held)


def day_grid(day: dt.date) -> DayGrid:
    shape = hours()
    by_slot = {s: Slot(s) for s in shape.slots}
    for booking in day_list(day):
        minutes = booking.at.hour * 60 + booking.at.minute
        by_slot.setdefault(minutes, Slot(minutes)).bookings.append(booking)
    load: dict[str | None, int] = {}
    for slot in by_slot.values():
        for b in slot.bookings:
            if b.status in HOLDING:
                load[b.advisor_name] = load.get(b.advisor_name, 0) + 1
    ordered = sorted(load.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return DayGrid(day, shape, [by_slot[s] for s in sorted(by_slot)], ordered)


def due_text(item) -> str:
    """What a call list's row knew was due, as the booking's request prefilled (the
    advisor changes it to what the customer says)."""
    return t("i18n.labelled", label=t(f"queue.{item.queue}"), text=item.reason) if getattr(item, "queue", None) else ""


def find_car(query: str):
    """The one car a query (as typed for ``find``) names, or ``Invalid`` saying none or how
    many: a booking is for one car."""
    from db.search import search

    page = search(query, limit=10)
    cars = {(hit.customer_id, hit.vehicle_id): hit for hit in page.hits if hit.vehicle_id is not None}
    if not cars:
        raise Invalid(t("book.query_none", query=query), "query")
    if len(cars) > 1:
        shown = "、".join(hit.plate or hit.vin or "?" for hit in list(cars.values())[:5])
        raise Invalid(t("book.query_several", query=query, count=len(cars) if not page.has_more else f"{len(cars)}+",
                        cars=shown), "query")
    return next(iter(cars.values()))


def advisor_named(name: str) -> Advisor:
    """The active advisor of that name (``--for``), or ``Invalid``."""
    row = Advisor.get_or_none((Advisor.name == name.strip()) & (Advisor.active == True))  # noqa: E712
    if row is None:
        raise Invalid(t("book.advisor_unknown", name=name), "advisor")
    return row
