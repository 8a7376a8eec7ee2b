"""What is due for whom on a given day: the advisor's call queues (domain.md: 客户信息的应用).

Each queue is a ``Plan``: one or more index ranges (``Part``) over columns stored with the
car — the days it falls due and which queues may list it (``db.queues.stored_days`` keeps them from
``db.queues.car_dates``'s rules) — or over the customer's birthday, or the prospects. Limits that depend
on today are computed here as constants (``today - 15 days``), so the SQL is plain range
comparisons over indexes on SQLite and PostgreSQL:

- a count is an index range count (each index holds every column its queue tests), less
  the rows handled or put off, found from the few queue states rather than row by row;
- a page walks the same index in its order and stops after the page's rows, checking each
  row's state as it goes; its rows' owners are checked once more as the details are read
  (``db.queues.stored_days.listing_sql``).

A row leaves its queue once handled: ``QueueState`` is keyed by (queue, customer,
vehicle, due_key), where ``due_key`` names the occurrence (the last maintenance's date,
the visit's date, the insurance's expiry …); a new occurrence has a new key and comes
back by itself. "No answer" puts the row off to a later day and counts the try.

Rules decided here where the course and the issue are silent (all thresholds are
settings, read on every call):
- Maintenance reminders appear ``maintenance.lead_days`` before they fall due and stay
  ``maintenance.overdue_days`` after; a car overdue for longer is left to the drifting
  and lost queues. When a car falls due is ``db.queues.car_dates.next_maintenance`` (the mileage date
  predicted from the car's trend, ``maintenance.default_daily_km`` when unknown).
- A follow-up call is due from day ``follow_up.from_days`` after the last visit, late
  after ``follow_up.to_days`` and gone after ``follow_up.drop_days``.
- Drifting: the car's last visit was at least ``churn.drifting_months`` and less than
  ``churn.lost_months`` ago; lost: ``churn.lost_months`` or more. A car never seen in
  the workshop is in neither.
- Declined work is offered again from the car's latest visit with declined work, if no
  later day's visit came after it.
- Marketing queues (insurance, birthdays, drifting, lost, declined work, prospects,
  campaigns) leave out customers who refused marketing; service queues do not.
- Rows come most pressing first: by the day they fall due (follow-ups, declined work and
  lost cars: the latest first), birthdays and inspections by their day in the window.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dateutil.relativedelta import relativedelta
from peewee import JOIN, SQL, Expression, Value, fn

from db import segments, settings
from db.audit import write as audit
from db.clock import day_now, now, today
from db.connection import is_postgres, writing
from db.errors import Invalid
from db.i18n import number, t
from db.masking import mask_mobile
from db.models import Advisor, Appointment, Contact, Customer, Prospect, QueueState, Vehicle, Visit
from db.privacy import set_consent
from db.queues import stored_days as due_days
from db.queues.car_dates import next_maintenance, warranty
from db.queues.outcomes import CALL_OUTCOMES as OUTCOMES
from db.validate import text as valid_text

SERVICE, MARKETING = "service", "marketing"
CAMPAIGN = "campaign"
INSPECTION_MAX_YEARS = 30  # cars older than this are not reminded of inspections
BIRTHDAY_MAX_AGE = 110

_QUEUE_SETTINGS = (
    "first_maintenance.months", "first_maintenance.km", "maintenance.months", "maintenance.km",
    "maintenance.default_daily_km", "maintenance.lead_days", "maintenance.overdue_days",
    "follow_up.from_days", "follow_up.to_days", "follow_up.drop_days",
    "warranty.years", "warranty.km", "warranty_end.days", "warranty_end.km", "insurance.days",
    "inspection.days", "inspection.free_years", "inspection.every_years",
    "inspection.yearly_after_years", "birthday.days", "churn.drifting_months",
    "churn.lost_months", "declined.from_days", "declined.to_days",
    "calls.unanswered_for_letter", "calls.retry_days", "book.confirm_from_days", "book.confirm_to_days",
)


class Ctx(segments.Limits):
    """Today and the settings (the queues' and the segments'), read once per request."""

    @classmethod
    def make(cls, day: dt.date | None = None) -> Ctx:
        return cls(day or today(), settings.get_many(*_QUEUE_SETTINGS, *segments.SEGMENT_SETTINGS))

    @property
    def s(self) -> dict:
        return self.values

    def days(self, n: int) -> dt.date:
        return self.day + dt.timedelta(days=n)

    def months(self, n: int) -> dt.date:
        return self.day + relativedelta(months=n)


@dataclass(frozen=True)
class DueItem:
    """One row of a queue: whom to contact, about what, and why now."""

    queue: str
    due_key: str
    customer_id: int | None
    vehicle_id: int | None
    prospect_id: int | None
    name: str
    mobile_masked: str
    plate: str
    due_date: dt.date | None
    reason: str
    late: bool = False
    attempts: int = 0
    letter: bool = False  # tried often enough without an answer: send an SMS or letter
    last_outcome: str | None = None
    last_note: str = ""
    badges: list = field(default_factory=list)
    hint: str = ""

    @property
    def title(self) -> str:
        return t(f"queue.{self.queue}")

    @property
    def label(self) -> str:
        """One line for the intake brief's reminders."""
        return t("i18n.labelled", label=self.title, text=self.reason)


@dataclass(frozen=True)
class Part:
    """One index range of a queue, read in the index's order. A queue's parts follow one
    another: every row of the first comes before any row of the second."""

    where: Expression
    order: list
    key: Expression  # the row's due key (the occurrence), over the unit's table


@dataclass
class Plan:
    """A queue before counting or paging: its parts over one unit (a car, a customer or
    a prospect); ``explain`` says why a row of a page is due, from ``details``."""

    name: str
    unit: str  # vehicle | customer | prospect
    marketing: bool
    parts: list[Part]
    explain: Callable[[dict, Ctx], tuple[dt.date | None, str, bool]]
    details: Callable[[list[int]], dict[int, dict]] | None = None
    with_owner: bool = False  # the parts test the owner's columns (a campaign on customer segments)


@dataclass(frozen=True)
class QueueDef:
    name: str
    audience: str  # service | marketing
    build: Callable[..., Plan]


# ---- SQL helpers ---------------------------------------------------------------------

def _key(column) -> Expression:
    return column.cast("TEXT")


def _consent_ok(customer=Customer) -> Expression:
    return customer.marketing_consent.is_null() | (customer.marketing_consent == True)  # noqa: E712


def _state_closed(ctx: Ctx, state=QueueState) -> Expression:
    """A row's state that keeps it out of its queue today: handled, or put off beyond today."""
    return (state.handled == True) | (state.postponed_until > ctx.day)  # noqa: E712


def _level(marketing: bool) -> int:
    return due_days.MARKETING if marketing else due_days.SERVICE


def _listed(marketing: bool, vehicle=Vehicle) -> Expression:
    """The car may be listed (the stored ``listing``: only the index is read)."""
    return vehicle.listing >= _level(marketing)


def _live(customer=Customer, marketing: bool = True) -> Expression:
    """A live customer (not merged away, not anonymised) who, for marketing, did not
    refuse it. Written so that no index is sought on these columns: nearly every customer
    passes, and SQLite without statistics would take ``merged_into_id IS NULL`` for a
    narrow index range and walk it instead of the queue's own."""
    live = (fn.COALESCE(customer.merged_into, 0) == 0) & customer.anonymised_at.is_null()
    return live & _consent_ok(customer) if marketing else live


VEHICLE_COLUMNS = (
    Customer.id.alias("customer_id"), Customer.name, Customer.mobile, Customer.birth_date,
    Vehicle.id.alias("vehicle_id"), Vehicle.plate, Vehicle.purchase_date, Vehicle.registration_date,
    Vehicle.last_visit_date, Vehicle.last_mileage, Vehicle.last_maintenance_date,
    Vehicle.last_maintenance_mileage, Vehicle.first_maintenance_date, Vehicle.daily_km, Vehicle.warranty_end_date,
    Vehicle.warranty_end_km, Vehicle.insurance_expiry, Vehicle.usage,
    due_days.listing_sql().alias("listing_now"),
)
STATE_COLUMNS = (QueueState.attempts, QueueState.last_outcome)


def _vehicle_details(ids: list[int]) -> dict[int, dict]:
    rows = (Vehicle.select(*VEHICLE_COLUMNS).join(Customer, on=(Vehicle.owner == Customer.id))
            .where(Vehicle.id.in_(ids)).dicts())
    return {row["vehicle_id"]: row for row in rows}


def _any(terms: list[Expression]) -> Expression:
    """OR of many terms as a balanced tree (a long left-deep chain overflows SQLite's parser)."""
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return _any(terms[:middle]) | _any(terms[middle:])


# ---- anniversaries (birthdays, inspections) --------------------------------------------
# A day's anniversary falls in a window of days when its month and day do: both queues
# read an index on the month and day of the date (``month_day``, migration 0005), one range
# per calendar year the window touches, in the order of the window.

def _month_day_const(day: dt.date, leap_day: bool = False):
    month, dom = (2, 29) if leap_day else (day.month, day.day)
    return month * 100 + dom if is_postgres() else f"{month:02d}-{dom:02d}"


def _year(column) -> Expression:
    if is_postgres():
        return fn.date_part(SQL("'year'"), column).cast("INTEGER")
    return fn.SUBSTR(column, 1, 4).cast("INTEGER")


@dataclass(frozen=True)
class _Span:
    """One calendar year's slice of an anniversary window: the dates whose month and day
    fall in it (an index range), and those whose age there is one of the wanted ages."""

    window: Expression
    year: int

    def ages(self, column, ages: list[int], seek: bool = True) -> Expression:
        """The dates whose age here is one of ``ages``: ranges of the date (``seek``), or of
        its year (a filter that no planner turns into index ranges of its own)."""
        runs = _runs(ages)
        if not seek:
            years = [_year(column).between(self.year - b, self.year - a) for a, b in runs]
        else:
            years = [column.between(dt.date(self.year - b, 1, 1), dt.date(self.year - a, 12, 31)) for a, b in runs]
        return _any(years) if years else SQL("1 = 0")

    def key(self, column) -> Expression:
        return (Value(self.year) - _year(column)).cast("TEXT")  # the age: the occurrence


def _anniversary_spans(ctx: Ctx, column, days: int) -> list[_Span]:
    """The window [today, today + days - 1], one span per calendar year it touches, in
    order. A 29 February date has its anniversary on the 28th in other years."""
    first, last = ctx.day, ctx.days(days - 1)
    bounds = [(first, last)] if first.year == last.year else [
        (first, dt.date(first.year, 12, 31)), (dt.date(last.year, 1, 1), last)]
    spans = []
    for lo, hi in bounds:
        # in a common year the 29th's anniversary is the 28th: its month-day sorts next
        leap_day = (hi.month, hi.day) == (2, 28) and not calendar.isleap(lo.year)
        window = due_days.month_day(column).between(_month_day_const(lo), _month_day_const(hi, leap_day))
        spans.append(_Span(window, lo.year))
    return spans


def _runs(ages: list[int]) -> list[tuple[int, int]]:
    """[6, 8, 10, 11, 12] → [(6, 6), (8, 8), (10, 12)]."""
    runs: list[tuple[int, int]] = []
    for age in sorted(set(ages)):
        if runs and runs[-1][1] == age - 1:
            runs[-1] = (runs[-1][0], age)
        else:
            runs.append((age, age))
    return runs


def _next_maintenance(row: dict, ctx: Ctx) -> tuple[dt.date, str, bool, int]:
    """(due, reason basis, late, km now) for a row, from the shared rule."""
    due = next_maintenance(purchase_date=row["purchase_date"], last_maintenance_date=row["last_maintenance_date"],
                           last_maintenance_mileage=row["last_maintenance_mileage"],
                           last_mileage=row["last_mileage"], last_visit_date=row["last_visit_date"],
                           daily_km=row["daily_km"], first_maintenance_date=row["first_maintenance_date"],
                           values=ctx.s)
    by_km = due.km_date is not None and due.due_date is not None and due.km_date < due.due_date
    reading_date = row["last_visit_date"] or row["last_maintenance_date"] or row["purchase_date"]
    reading = row["last_mileage"] or row["last_maintenance_mileage"] or 0
    rate = row["daily_km"] or ctx.s["maintenance.default_daily_km"]
    km_now = int(reading + rate * max((ctx.day - reading_date).days, 0))
    basis = t("queue.basis.km" if by_km else "queue.basis.date")
    return due.when, basis, due.when < ctx.day, km_now


def _vehicle_plan(name: str, marketing: bool, parts: list[Part], explain, details=_vehicle_details,
                  with_owner: bool = False) -> Plan:
    return Plan(name, "vehicle", marketing, parts, explain, details, with_owner)


# ---- the queues ----------------------------------------------------------------------

def _due_window(ctx: Ctx, column) -> Expression:
    """A stored maintenance day within [today - overdue days, today + lead days]."""
    return column.between(ctx.days(-ctx.s["maintenance.overdue_days"]), ctx.days(ctx.s["maintenance.lead_days"]))


def _first_maintenance(ctx: Ctx, name: str) -> Plan:
    def explain(row: dict, ctx: Ctx):
        due, basis, late, km_now = _next_maintenance(row, ctx)
        return due, t("queue.reason.first_maintenance", purchase=row["purchase_date"], km=number(km_now),
                      due=due, basis=basis), late

    column = Vehicle.due_first_maintenance
    return _vehicle_plan(name, False, [Part(_due_window(ctx, column), [column, Vehicle.id],
                                            _key(Vehicle.purchase_date))], explain)


def _maintenance(ctx: Ctx, name: str) -> Plan:
    def explain(row: dict, ctx: Ctx):
        due, basis, late, km_now = _next_maintenance(row, ctx)
        if row["last_maintenance_date"] is None:  # none known here: counted from the last visit
            return due, t("queue.reason.maintenance_visit", visit=row["last_visit_date"] or "—",
                          km=number(km_now), due=due, basis=basis), late
        return due, t("queue.reason.maintenance", last=row["last_maintenance_date"],
                      last_km=number(row['last_maintenance_mileage'] or 0), km=number(km_now),
                      due=due, basis=basis), late

    column = Vehicle.due_maintenance
    # the occurrence: the last maintenance, else the visit (or first maintenance elsewhere) it counts from
    key = _key(fn.COALESCE(Vehicle.last_maintenance_date, Vehicle.last_visit_date, Vehicle.first_maintenance_date))
    return _vehicle_plan(name, False, [Part(_due_window(ctx, column), [column, Vehicle.id], key)], explain)


def _follow_up(ctx: Ctx, name: str) -> Plan:
    late_from = ctx.days(-ctx.s["follow_up.to_days"])
    where = Vehicle.last_visit_date.between(ctx.days(-ctx.s["follow_up.drop_days"]),
                                            ctx.days(-ctx.s["follow_up.from_days"]))

    def explain(row: dict, ctx: Ctx):
        days = (ctx.day - row["last_visit_date"]).days
        late = row["last_visit_date"] < late_from
        key = "queue.reason.follow_up_late" if late else "queue.reason.follow_up"
        return row["last_visit_date"], t(key, visit=row["last_visit_date"], days=days), late

    # The freshest visits first: the call is worth most within the first days.
    order = [Vehicle.last_visit_date.desc(), Vehicle.id.desc()]
    return _vehicle_plan(name, False, [Part(where, order, _key(Vehicle.last_visit_date))], explain)


def _warranty_end(ctx: Ctx, name: str) -> Plan:
    """Warranties ending within ``warranty_end.days`` (by their last day), then those
    ending later whose km are within ``warranty_end.km`` of the limit."""
    window_end = ctx.days(ctx.s["warranty_end.days"])

    def explain(row: dict, ctx: Ctx):
        terms = warranty(row["purchase_date"] or row["registration_date"], row["last_mileage"],
                         end_date=row["warranty_end_date"], end_km=row["warranty_end_km"], on=ctx.day,
                         values=ctx.s)
        return terms.end_date, t("queue.reason.warranty_end", end=terms.end_date, end_km=number(terms.end_km),
                                 km=number(row['last_mileage'] or 0)), False

    key = fn.COALESCE(_key(Vehicle.warranty_end_date), "").concat(":").concat(
        fn.COALESCE(_key(Vehicle.warranty_end_km), ""))
    by_date = Part(Vehicle.warranty_due.between(ctx.day, window_end), [Vehicle.warranty_due, Vehicle.id], key)
    by_km = Part(Vehicle.warranty_km_due > window_end, [Vehicle.warranty_km_due, Vehicle.id], key)
    return _vehicle_plan(name, False, [by_date, by_km], explain)


def _insurance(ctx: Ctx, name: str) -> Plan:
    where = Vehicle.insurance_expiry.between(ctx.day, ctx.days(ctx.s["insurance.days"]))

    def explain(row: dict, ctx: Ctx):
        expiry = row["insurance_expiry"]
        return expiry, t("queue.reason.insurance", expiry=expiry, days=(expiry - ctx.day).days), False

    return _vehicle_plan(name, True, [Part(where, [Vehicle.insurance_expiry, Vehicle.id],
                                           _key(Vehicle.insurance_expiry))], explain)


def inspection_years(commercial: bool, s: dict) -> list[int]:
    """The car ages (in years) at which an inspection falls due: a simple cadence after
    the Chinese rules: operating cars every year; other cars free for the first
    ``free_years``, then every ``every_years``, and every year from ``yearly_after_years``."""
    if commercial:
        return list(range(1, INSPECTION_MAX_YEARS + 1))
    free, every, yearly = s["inspection.free_years"], max(s["inspection.every_years"], 1), s["inspection.yearly_after_years"]
    ages = list(range(max(free, 1), yearly, every)) + list(range(max(yearly, free, 1), INSPECTION_MAX_YEARS + 1))
    return sorted(set(ages))


def _inspection(ctx: Ctx, name: str) -> Plan:
    days = ctx.s["inspection.days"] + 1  # due today up to `inspection.days` ahead
    column = Vehicle.registration_date
    every, cadence = inspection_years(True, ctx.s), inspection_years(False, ctx.s)
    # Operating cars are due at every age, other cars at the cadence's ages only (a filter
    # on the range, so that the range is walked in its order).
    parts = [Part(span.window & span.ages(column, every)
                  & ((Vehicle.usage == "commercial") | span.ages(column, cadence, seek=False)),
                  [due_days.month_day(column), column, Vehicle.id], span.key(column))
             for span in _anniversary_spans(ctx, column, days)]

    def explain(row: dict, ctx: Ctx):
        years = int(row["due_key"])
        due = row["registration_date"] + relativedelta(years=years)
        return due, t("queue.reason.inspection", reg=row["registration_date"], years=years, due=due), False

    return _vehicle_plan(name, False, parts, explain)


def _birthday(ctx: Ctx, name: str) -> Plan:
    column = Customer.birth_date
    ages = list(range(0, BIRTHDAY_MAX_AGE))
    parts = [Part(span.window & span.ages(column, ages), [due_days.month_day(column), column, Customer.id],
                  span.key(column))
             for span in _anniversary_spans(ctx, column, ctx.s["birthday.days"])]

    def details(ids: list[int]) -> dict[int, dict]:
        rows = (Customer.select(Customer.id.alias("customer_id"), Customer.name, Customer.mobile,
                                Customer.birth_date).where(Customer.id.in_(ids)).dicts())
        return {row["customer_id"]: row for row in rows}

    def explain(row: dict, ctx: Ctx):
        age = int(row["due_key"])
        day = row["birth_date"] + relativedelta(years=age)
        return day, t("queue.reason.birthday", day=day.strftime("%m-%d"), age=age), False

    return Plan(name, "customer", True, parts, explain, details)


def _churn(ctx: Ctx, name: str) -> Plan:
    drifting, lost = ctx.months(-ctx.s["churn.drifting_months"]), ctx.months(-ctx.s["churn.lost_months"])
    if name == "drifting":
        where = (Vehicle.last_visit_date <= drifting) & (Vehicle.last_visit_date > lost)
        order = [Vehicle.last_visit_date, Vehicle.id]  # closest to being lost first
    else:
        where = Vehicle.last_visit_date <= lost
        order = [Vehicle.last_visit_date.desc(), Vehicle.id.desc()]  # the most recently lost first

    def explain(row: dict, ctx: Ctx):
        last = row["last_visit_date"]
        gap = relativedelta(ctx.day, last)
        return last, t(f"queue.reason.{name}", last=last, months=gap.years * 12 + gap.months), False

    return _vehicle_plan(name, True, [Part(where, order, _key(Vehicle.last_visit_date))], explain)


def _declined(ctx: Ctx, name: str) -> Plan:
    where = Vehicle.declined_on.between(ctx.days(-ctx.s["declined.to_days"]), ctx.days(-ctx.s["declined.from_days"]))

    def details(ids: list[int]) -> dict[int, dict]:
        rows = (Vehicle.select(*VEHICLE_COLUMNS, Visit.visit_date, Visit.declined_work)
                .join(Customer, on=(Vehicle.owner == Customer.id))
                .join_from(Vehicle, Visit, on=(Visit.id == Vehicle.declined_visit))
                .where(Vehicle.id.in_(ids)).dicts())
        return {row["vehicle_id"]: row for row in rows}

    def explain(row: dict, ctx: Ctx):
        work = " ".join((row["declined_work"] or "").split())
        return row["visit_date"], t("queue.reason.declined", visit=row["visit_date"], work=work[:60]), False

    order = [Vehicle.declined_on.desc(), Vehicle.id.desc()]
    return _vehicle_plan(name, True, [Part(where, order, _key(Vehicle.declined_visit))], explain, details)


# ---- the appointment book's queues (db/appointments.py): a row is one appointment ---------

def _appointment_details(ids: list[int]) -> dict[int, dict]:
    rows = (Appointment.select(Appointment.id.alias("appointment_id"), Customer.name, Customer.mobile,
                               Vehicle.plate, Appointment.day, Appointment.slot, Appointment.request,
                               Advisor.name.alias("advisor_name"))
            .join(Customer, on=(Appointment.customer == Customer.id))
            .switch(Appointment).join(Vehicle, on=(Appointment.vehicle == Vehicle.id))
            .switch(Appointment).join(Advisor, JOIN.LEFT_OUTER, on=(Appointment.advisor == Advisor.id))
            .where(Appointment.id.in_(ids)).dicts())
    return {row["appointment_id"]: row for row in rows}


def _booked_at(row: dict) -> str:
    day = row["day"] if isinstance(row["day"], dt.date) else dt.date.fromisoformat(str(row["day"])[:10])
    return f"{day.isoformat()} {row['slot'] // 60:02d}:{row['slot'] % 60:02d}"


def _confirm(ctx: Ctx, name: str) -> Plan:
    """Bookings ``book.confirm_from_days``–``book.confirm_to_days`` days ahead not yet confirmed."""
    where = ((Appointment.status == "booked")
             & Appointment.day.between(ctx.days(ctx.s["book.confirm_from_days"]),
                                       ctx.days(ctx.s["book.confirm_to_days"])))

    def explain(row: dict, ctx: Ctx):
        return row["day"], t("queue.reason.confirm", at=_booked_at(row),
                             advisor=row["advisor_name"] or t("book.anyone"),
                             request=" ".join((row["request"] or "").split())[:40]), False

    order = [Appointment.day, Appointment.slot, Appointment.id]
    return Plan(name, "appointment", False, [Part(where, order, _key(Appointment.id))], explain,
                _appointment_details)


def _no_show(ctx: Ctx, name: str) -> Plan:
    """No-shows of today and yesterday (marked or seen by the time: ``no_show_where``): a
    call the same day or the next."""
    from db.appointments import no_show_where

    where = no_show_where() & Appointment.day.between(ctx.days(-1), ctx.day)

    def explain(row: dict, ctx: Ctx):
        return row["day"], t("queue.reason.no_show", at=_booked_at(row)), False

    order = [Appointment.day.desc(), Appointment.slot.desc(), Appointment.id.desc()]
    return Plan(name, "appointment", False, [Part(where, order, _key(Appointment.id))], explain,
                _appointment_details)


def _prospects(ctx: Ctx, name: str) -> Plan:
    where = ((Prospect.next_contact_date <= ctx.day) & (Prospect.status == "open")
             & (Prospect.marketing_consent.is_null() | (Prospect.marketing_consent == True)))  # noqa: E712

    def explain(row: dict, ctx: Ctx):
        step = row["next_step"] or row["interest"] or ""
        due = row["next_contact_date"]
        return due, t("queue.reason.prospects", due=due, step=step), due < ctx.day

    return Plan(name, "prospect", True, [Part(where, [Prospect.next_contact_date, Prospect.id],
                                              _key(Prospect.next_contact_date))], explain)


def _campaign(ctx: Ctx, name: str, segment: str | None = None) -> Plan:
    if not segment:
        raise Invalid(t("queue.campaign_needed"), field="segment")
    condition = segments.spec_condition(segment, ctx)
    label = segments.spec_label(segment)
    customer_terms = any(kind not in segments.VEHICLE_KINDS for kind, _ in segments.parse_spec(segment))

    def explain(row: dict, ctx: Ctx):
        return None, t("queue.reason.campaign", segment=label), False

    return _vehicle_plan(name, True, [Part(condition, [Vehicle.id], Value(segment))], explain,
                         with_owner=customer_terms)


QUEUES: list[QueueDef] = [
    QueueDef("follow_up", SERVICE, _follow_up),
    QueueDef("first_maintenance", SERVICE, _first_maintenance),
    QueueDef("maintenance", SERVICE, _maintenance),
    QueueDef("warranty_end", SERVICE, _warranty_end),
    QueueDef("inspection", SERVICE, _inspection),
    QueueDef("insurance", MARKETING, _insurance),
    QueueDef("birthday", MARKETING, _birthday),
    QueueDef("declined", MARKETING, _declined),
    QueueDef("drifting", MARKETING, _churn),
    QueueDef("lost", MARKETING, _churn),
    QueueDef("prospects", MARKETING, _prospects),
    QueueDef("confirm", SERVICE, _confirm),
    QueueDef("no_show", SERVICE, _no_show),
    QueueDef(CAMPAIGN, MARKETING, _campaign),
]
_BY_NAME = {q.name: q for q in QUEUES}
DAILY = [q.name for q in QUEUES if q.name != CAMPAIGN]  # the queues counted every day


def queue(name: str) -> QueueDef:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise Invalid(t("queue.unknown", name=name, names=", ".join(_BY_NAME)), field="queue") from None


def plan(name: str, ctx: Ctx, segment: str | None = None) -> Plan:
    definition = queue(name)
    if name == CAMPAIGN:
        return definition.build(ctx, name, segment)
    return definition.build(ctx, name)


# ---- counting and paging -------------------------------------------------------------

_TABLE = {"vehicle": Vehicle, "customer": Customer, "prospect": Prospect, "appointment": Appointment}


def _candidates(p: Plan, part: Part, columns: list) -> object:
    """The part's rows, tested only on what its index holds (no state, no owner's row)."""
    if p.unit == "vehicle":
        query = Vehicle.select(*columns)
        if p.with_owner:
            query = query.join(Customer, on=(Vehicle.owner == Customer.id))
        return query.where(part.where & _listed(p.marketing))
    if p.unit == "appointment":
        return Appointment.select(*columns).where(part.where)
    if p.unit == "customer":
        return Customer.select(*columns).where(part.where & _live(marketing=p.marketing))
    return Prospect.select(*columns).where(part.where)


def _closed(p: Plan, ctx: Ctx, parts: list[Part]) -> int:
    """How many of the parts' rows are handled or put off: found from the queue's states
    (few), each checked against its row by id, rather than from every row."""
    if p.unit == "prospect":
        return 0
    if p.unit == "vehicle":
        same = (Vehicle.id == QueueState.vehicle) & (Vehicle.owner == QueueState.customer)
    elif p.unit == "appointment":
        same = (Appointment.vehicle == QueueState.vehicle) & (Appointment.customer == QueueState.customer)
    else:
        same = (Customer.id == QueueState.customer) & QueueState.vehicle.is_null()
    matches = _any([part.where & (QueueState.due_key == part.key) for part in parts])
    inner = _candidates(p, Part(matches, [], Value(None)), [SQL("1")]).where(same)
    return (QueueState.select(fn.COUNT(QueueState.id))
            .where((QueueState.queue == p.name) & _state_closed(ctx) & fn.EXISTS(inner)).scalar() or 0)


def _count(p: Plan, ctx: Ctx, parts: list[Part] | None = None) -> int:
    parts = p.parts if parts is None else parts
    total = sum(_candidates(p, part, [fn.COUNT(SQL("*"))]).scalar() or 0 for part in parts)
    return total - _closed(p, ctx, parts)


def _same_row(p: Plan, part: Part, state) -> Expression:
    """The state (``QueueState`` or an alias) of the part's row for its current occurrence."""
    if p.unit == "vehicle":
        return ((state.queue == p.name) & (state.customer == Vehicle.owner) & (state.vehicle == Vehicle.id)
                & (state.due_key == part.key))
    if p.unit == "appointment":
        return ((state.queue == p.name) & (state.customer == Appointment.customer)
                & (state.vehicle == Appointment.vehicle) & (state.due_key == part.key))
    return ((state.queue == p.name) & (state.customer == Customer.id) & state.vehicle.is_null()
            & (state.due_key == part.key))


def _part_query(p: Plan, part: Part, ctx: Ctx):
    """A part's open rows with their state, for a page: ids and the due key. A closed
    state is tested with NOT EXISTS (a planner then expects, as is so, that few rows are
    closed, and walks the index in the page's order)."""
    if p.unit == "prospect":
        return Prospect.select(Prospect.id.alias("prospect_id"), Prospect.name, Prospect.mobile,
                               Prospect.next_contact_date, Prospect.next_step, Prospect.interest,
                               part.key.alias("due_key")).where(part.where)
    if p.unit == "vehicle":
        ids = [Vehicle.id.alias("vehicle_id"), Vehicle.owner.alias("customer_id")]
    elif p.unit == "appointment":
        ids = [Appointment.id.alias("appointment_id"), Appointment.vehicle.alias("vehicle_id"),
               Appointment.customer.alias("customer_id")]
    else:
        ids = [Customer.id.alias("customer_id")]
    closed = QueueState.alias("closed_state")
    shut = closed.select(SQL("1")).where(_same_row(p, part, closed) & _state_closed(ctx, closed))
    return (_candidates(p, part, [*ids, part.key.alias("due_key"), *STATE_COLUMNS])
            .join_from(_TABLE[p.unit], QueueState, JOIN.LEFT_OUTER, on=_same_row(p, part, QueueState))
            .where(~fn.EXISTS(shut)))


def statements(name: str, day: dt.date | None = None, segment: str | None = None) -> list[tuple[str, object]]:
    """The queries behind a queue's count and first page, part by part, as (what, query):
    for reading their plans (EXPLAIN, ``bench/queues.py --explain``, the plan tests)."""
    ctx = Ctx.make(day)
    p = plan(name, ctx, segment)
    found: list[tuple[str, object]] = []
    for number, part in enumerate(p.parts, 1):
        found.append((f"count {number}", _candidates(p, part, [fn.COUNT(SQL("*"))])))
        found.append((f"page {number}", _part_query(p, part, ctx).order_by(*part.order).limit(50)))
    return found


def count(name: str, day: dt.date | None = None, segment: str | None = None) -> int:
    ctx = Ctx.make(day)
    return _count(plan(name, ctx, segment), ctx)


def counts(day: dt.date | None = None) -> dict[str, int]:
    """Today's count of every daily queue (the campaign queue is counted when chosen)."""
    ctx = Ctx.make(day)
    return {name: _count(plan(name, ctx), ctx) for name in DAILY}


def rows(name: str, day: dt.date | None = None, offset: int = 0, limit: int = 50,
         segment: str | None = None, with_badges: bool = True) -> list[DueItem]:
    """One page of a queue, most pressing first, with badges and the last contact's note."""
    ctx = Ctx.make(day)
    p = plan(name, ctx, segment)
    return _items(name, _page(p, ctx, offset, limit), p, ctx, with_badges)


def _page(p: Plan, ctx: Ctx, offset: int, limit: int, extra: Expression | None = None) -> list[dict]:
    """The page's ids from the parts' indexes in order, then its rows' details by id."""
    unit = f"{p.unit}_id"
    keys: list[dict] = []
    for number, part in enumerate(p.parts):
        if limit <= 0:
            break
        if offset and number < len(p.parts) - 1:
            # a later page may start in a later part: skip the parts it lies beyond
            inside = _count(p, ctx, [part])
            if offset >= inside:
                offset -= inside
                continue
        query = _part_query(p, part, ctx)
        if extra is not None:
            query = query.where(extra)
        found = list(query.order_by(*part.order).offset(offset).limit(limit).dicts())
        keys += found
        limit -= len(found)
        offset = 0
    if p.details is None:
        return keys
    details = p.details([k[unit] for k in keys]) if keys else {}
    # The owner as the details found them, once more: should a write path ever have left
    # a car's stored listing behind, a refusal still wins (the row is left off the page).
    level = _level(p.marketing)
    return [{**details[k[unit]], **k} for k in keys
            if k[unit] in details and details[k[unit]].get("listing_now", level) >= level]


def _items(name: str, found: list[dict], p: Plan, ctx: Ctx, with_badges: bool) -> list[DueItem]:
    customer_ids = [r["customer_id"] for r in found if r.get("customer_id")]
    notes = _last_notes(customer_ids, [r["prospect_id"] for r in found if r.get("prospect_id")])
    badge_map = (segments.badges_by_car([(r["customer_id"], r.get("vehicle_id")) for r in found
                                         if r.get("customer_id")], ctx.day) if with_badges else {})
    letter_after = ctx.s["calls.unanswered_for_letter"]
    items = []
    for row in found:
        due, reason, late = p.explain(row, ctx)
        customer_id, prospect_id = row.get("customer_id"), row.get("prospect_id")
        attempts = row.get("attempts") or 0
        found_badges = badge_map.get((customer_id, row.get("vehicle_id")), [])
        items.append(DueItem(
            queue=name, due_key=str(row["due_key"]), customer_id=customer_id,
            vehicle_id=row.get("vehicle_id"), prospect_id=prospect_id, name=row["name"],
            mobile_masked=mask_mobile(row.get("mobile")), plate=row.get("plate") or "",
            due_date=due, reason=reason, late=late, attempts=attempts,
            letter=bool(letter_after) and attempts >= letter_after, last_outcome=row.get("last_outcome"),
            last_note=notes.get(("c", customer_id) if customer_id else ("p", prospect_id), ""),
            badges=found_badges, hint=segments.hint(found_badges)))
    return items


def _last_notes(customer_ids: list[int], prospect_ids: list[int]) -> dict[tuple[str, int], str]:
    """The last contact's note (or its outcome) for each customer and prospect of a page."""
    notes: dict[tuple[str, int], str] = {}
    for tag, column, ids in (("c", Contact.customer, customer_ids), ("p", Contact.prospect, prospect_ids)):
        if not ids:
            continue
        latest = (Contact.select(fn.MAX(Contact.id)).where(column.in_(sorted(set(ids)))).group_by(column))
        for contact in Contact.select().where(Contact.id.in_(latest)):
            owner = contact.customer_id if tag == "c" else contact.prospect_id
            text = contact.note or (t(f"contact.outcome.{contact.outcome}") if contact.outcome in OUTCOMES else "")
            notes[(tag, owner)] = f"{contact.contact_at:%Y-%m-%d} {text}".strip()
    return notes


def due_for_customer(customer_id: int, day: dt.date | None = None) -> list[DueItem]:
    """Everything due today for one customer (the intake brief shows it)."""
    ctx = Ctx.make(day)
    items: list[DueItem] = []
    for name in DAILY:
        if name == "prospects":
            continue
        p = plan(name, ctx)
        owner = {"vehicle": Vehicle.owner, "appointment": Appointment.customer}.get(p.unit, Customer.id)
        found = _page(p, ctx, 0, 20, extra=(owner == customer_id))
        items.extend(_items(name, found, p, ctx, with_badges=False))
    return items


# ---- recording what happened -----------------------------------------------------------

def _state_for(item: DueItem) -> QueueState | None:
    vehicle = (QueueState.vehicle == item.vehicle_id) if item.vehicle_id else QueueState.vehicle.is_null()
    return QueueState.get_or_none((QueueState.queue == item.queue) & (QueueState.customer == item.customer_id)
                                  & vehicle & (QueueState.due_key == item.due_key))


def _save_state(item: DueItem, **changes) -> QueueState:
    state = _state_for(item)
    if state is None:
        state = QueueState(queue=item.queue, customer=item.customer_id, vehicle=item.vehicle_id,
                           due_key=item.due_key)
    for name, value in changes.items():
        setattr(state, name, value)
    state.updated_at = now()
    state.save()
    return state


def record_outcome(item: DueItem, outcome: str, advisor_id: int | None, note: str | None = None,
                   booked_date: dt.date | None = None, booking: dict | None = None) -> Contact:
    """Write the call as a Contact and take the row out of its queue until it is next due.

    "No answer" puts it off ``calls.retry_days`` and counts the try; "do not call again"
    also withdraws the customer's marketing consent (logged). ``booking``: what the call
    did in the appointment book (``db.appointments``), kept in the call's entry so that
    undoing the call undoes it too."""
    if outcome not in OUTCOMES:
        raise Invalid(t("queue.outcome.bad", outcome=outcome), field="outcome")
    note = valid_text(note or "", "note", max_length=500)
    day = today()
    if outcome == "booked":
        if booked_date is None:
            raise Invalid(t("queue.booked_date_needed"), field="booked_date")
        if booked_date < day:
            raise Invalid(t("queue.booked_date_past"), field="booked_date")
    retry = next_try(day)
    with writing():
        before = _call_state(item)
        contact = Contact.create(customer=item.customer_id, prospect=item.prospect_id, vehicle=item.vehicle_id,
                                 advisor=advisor_id, contact_at=day_now(), channel="phone", purpose=item.queue,
                                 outcome=outcome, booked_date=booked_date if outcome == "booked" else None,
                                 note=note)
        if item.prospect_id:
            _prospect_outcome(item, outcome, retry)
        else:
            state = _state_for(item)
            attempts = (state.attempts if state else 0) + 1 if outcome == "no_answer" else 0
            _save_state(item, handled=outcome != "no_answer", attempts=attempts, last_outcome=outcome,
                        postponed_until=retry if outcome == "no_answer" else None, last_contact=contact.id)
        if outcome == "do_not_call" and item.customer_id:
            set_consent(advisor_id, item.customer_id, False, channel="phone")  # logged there
        if item.queue == "confirm" and outcome in ("reached", "declined"):
            # A confirmation call: reached confirms the booking, declined cancels it (the note
            # is the reason). "Booked" moves it in the appointment book (db.appointments.move).
            from db import appointments

            booking = appointments.state_for_undo(int(item.due_key))
            if outcome == "reached":
                appointments.confirm(int(item.due_key), advisor_id)
            else:
                appointments.cancel(int(item.due_key), advisor_id, note or t("contact.outcome.declined"))
        # what undo_last_call puts back: the row's state before this call (and the booking's)
        after = {"outcome": outcome, **({"booking": booking} if booking else {})}
        audit.record("call", advisor_id=advisor_id, customer_id=item.customer_id, field=item.queue,
                     before=before, after=after, detail=f"contact {contact.id}")
    return contact


def _call_state(item: DueItem) -> dict:
    """A queue row's handling before a call: its QueueState (None: none yet) or the
    prospect's next date and consent, and the owner's consent."""
    where = {"queue": item.queue, "customer_id": item.customer_id, "vehicle_id": item.vehicle_id,
             "due_key": item.due_key, "prospect_id": item.prospect_id}
    if item.prospect_id:
        prospect = Prospect.get_by_id(item.prospect_id)
        return {**where, "next_contact_date": prospect.next_contact_date,
                "prospect_consent": prospect.marketing_consent}
    state = _state_for(item)
    consent = Customer.get_by_id(item.customer_id).marketing_consent if item.customer_id else None
    kept = None if state is None else {
        "handled": state.handled, "postponed_until": state.postponed_until, "attempts": state.attempts,
        "last_outcome": state.last_outcome, "last_contact": state.last_contact_id}
    return {**where, "state": kept, "consent": consent}


def last_call(advisor_id: int | None) -> AuditEntry | None:
    """The advisor's latest call outcome today that is not undone yet (None: nothing to undo)."""
    from db.models import AuditEntry

    start = dt.datetime.combine(now().date(), dt.time())
    calls = (AuditEntry.select().where((AuditEntry.action.in_(("call", "call_undo")))
                                       & (AuditEntry.advisor == advisor_id) & (AuditEntry.at >= start))
             .order_by(AuditEntry.id.desc()).limit(1))
    found = next(iter(calls), None)
    return found if found is not None and found.action == "call" else None


def undo_last_call(advisor_id: int | None) -> str | None:
    """Take back the advisor's last call outcome today: the row's handling as it was, the
    contact it wrote removed, a "do not call" consent withdrawal reversed (logged). The
    call's audit entry stays, and the undo gets its own. The outcome undone, or None."""
    import json

    from db.models import AuditEntry

    with writing():
        entry = last_call(advisor_id)
        if entry is None:
            return None
        before = json.loads(entry.before or "{}")
        outcome = json.loads(entry.after or "{}").get("outcome")
        contact_id = int(entry.detail.split()[-1])
        item = DueItem(queue=before["queue"], due_key=before["due_key"], customer_id=before["customer_id"],
                       vehicle_id=before["vehicle_id"], prospect_id=before["prospect_id"], name="",
                       mobile_masked="", plate="", due_date=None, reason="")
        if item.prospect_id:
            day = before["next_contact_date"]
            Prospect.update({Prospect.next_contact_date: dt.date.fromisoformat(day) if day else None,
                             Prospect.marketing_consent: before["prospect_consent"],
                             Prospect.updated_at: now(), Prospect.version: Prospect.version + 1}
                            ).where(Prospect.id == item.prospect_id).execute()
        else:
            state = _state_for(item)
            kept = before.get("state")
            if kept is None and state is not None:
                state.delete_instance()
            elif kept is not None:
                _save_state(item, handled=kept["handled"], attempts=kept["attempts"],
                            last_outcome=kept["last_outcome"], last_contact=kept["last_contact"],
                            postponed_until=dt.date.fromisoformat(kept["postponed_until"])
                            if kept["postponed_until"] else None)
            if outcome == "do_not_call" and item.customer_id:
                customer = Customer.get_or_none(Customer.id == item.customer_id)
                if customer is not None and customer.marketing_consent != before.get("consent"):
                    set_consent(advisor_id, item.customer_id, before.get("consent"), channel="phone")
        booking = json.loads(entry.after or "{}").get("booking")
        if booking:  # what the call did in the appointment book goes back too
            from db import appointments

            appointments.undo_for_call(booking, advisor_id)
        Contact.delete().where(Contact.id == contact_id).execute()
        audit.record("call_undo", advisor_id=advisor_id, customer_id=item.customer_id, field=item.queue,
                     before={"outcome": outcome}, after=None, detail=f"contact {contact_id}")
    return outcome


def _prospect_outcome(item: DueItem, outcome: str, retry: dt.date) -> None:
    """A prospect's next contact date is its queue state (the prospect list owns it)."""
    changes = {Prospect.next_contact_date: retry if outcome == "no_answer" else None,
               Prospect.updated_at: now(), Prospect.version: Prospect.version + 1}
    if outcome == "do_not_call":
        changes[Prospect.marketing_consent] = False
    Prospect.update(changes).where(Prospect.id == item.prospect_id).execute()


def next_try(day: dt.date | None = None) -> dt.date:
    """The day to call again: where "no answer" puts a row, and the day the put-off
    dialog suggests (a later call is the same wait, whatever kept it from happening)."""
    return (day or today()) + dt.timedelta(days=max(settings.get("calls.retry_days"), 1))


def postpone(item: DueItem, until: dt.date, advisor_id: int | None = None) -> None:
    """Put the row off: it returns to its queue on ``until`` (if still due then)."""
    if until <= today():
        raise Invalid(t("queue.postpone_past"), field="postponed_until")
    with writing():
        if item.prospect_id:
            Prospect.update({Prospect.next_contact_date: until, Prospect.updated_at: now(),
                             Prospect.version: Prospect.version + 1}).where(Prospect.id == item.prospect_id).execute()
        else:
            _save_state(item, handled=False, postponed_until=until)


def with_badges(item: DueItem) -> DueItem:
    found = segments.badges(item.customer_id) if item.customer_id else []
    return replace(item, badges=found, hint=segments.hint(found))
