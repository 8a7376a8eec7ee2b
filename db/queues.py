"""What is due for whom on a given day: the advisor's call queues (domain.md: 客户信息的应用).

Each queue is a function building one SQL query over the denormalised Vehicle columns
(``last_visit_date``, ``last_mileage``, ``last_maintenance_*``, ``daily_km``, …), the
visits, or the prospects; a count and a page of rows are that query with COUNT or
LIMIT/OFFSET. Limits that depend on today are computed here as constants (``today - 6
months``), so the SQL is plain comparisons over indexed columns on SQLite and PostgreSQL.
Only the mileage prediction needs date arithmetic in SQL (``_days``).

A row leaves its queue once handled: ``QueueState`` is keyed by (queue, customer,
vehicle, due_key), where ``due_key`` names the occurrence (the last maintenance's date,
the visit's date, the insurance's expiry …); a new occurrence has a new key and comes
back by itself. "No answer" puts the row off to a later day and counts the try.

Rules decided here where the course and the issue are silent (all thresholds are
settings, read on every call):
- Maintenance reminders appear ``maintenance.lead_days`` before they fall due and stay
  ``maintenance.overdue_days`` after; a car overdue for longer is left to the drifting
  and lost queues. The mileage date is predicted linearly from the last visit's
  mileage and the car's ``daily_km`` (``maintenance.default_daily_km`` when unknown).
- A follow-up call is due from day ``follow_up.from_days`` after the last visit, late
  after ``follow_up.to_days`` and gone after ``follow_up.drop_days``.
- Drifting: the car's last visit was at least ``churn.drifting_months`` and less than
  ``churn.lost_months`` ago; lost: ``churn.lost_months`` or more. A car never seen in
  the workshop is in neither.
- Marketing queues (insurance, birthdays, drifting, lost, declined work, prospects,
  campaigns) leave out customers who refused marketing; service queues do not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dateutil.relativedelta import relativedelta
from peewee import JOIN, SQL, Case, Expression, Value, fn

from db import segments, settings
from db.clock import now, today
from db.connection import is_postgres, writing
from db.due import next_maintenance, warranty
from db.errors import Invalid
from db.i18n import t
from db.masking import mask_mobile
from db.privacy import set_consent
from db.models import Contact, Customer, Prospect, QueueState, Vehicle, Visit

SERVICE, MARKETING = "service", "marketing"
OUTCOMES = ("reached", "no_answer", "booked", "declined", "wrong_number", "do_not_call")
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
    "calls.unanswered_for_letter", "calls.retry_days",
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
        return f"{self.title}：{self.reason}"


@dataclass
class Plan:
    """A queue's query before counting or paging.

    ``query`` reads only what its covering index holds (ids, the due key, the row's
    state): counting it touches no table rows. A page then takes ``details`` for its 50
    ids (``unit`` names the id) and ``explain`` says why each row is due."""

    query: object  # a peewee Select: ids, due_key, attempts, last_outcome
    order: list
    explain: Callable[[dict, Ctx], tuple[dt.date | None, str, bool]]
    unit: str = "vehicle_id"
    owner: object = Vehicle.owner  # the column naming the customer (due_for_customer)
    details: Callable[[list[int]], dict[int, dict]] | None = None
    # Sort apart: with ORDER BY … LIMIT on an expression no index yields, SQLite (without
    # statistics) walks a whole index instead of the queue's ranges; the page then sorts
    # the queue's rows, found as for the count, in a materialised CTE.
    sorted_apart: bool = False


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


def _state_open(ctx: Ctx) -> Expression:
    return QueueState.id.is_null() | ((QueueState.handled == False)  # noqa: E712
                                      & (QueueState.postponed_until.is_null()
                                         | (QueueState.postponed_until <= ctx.day)))


VEHICLE_COLUMNS = (
    Customer.id.alias("customer_id"), Customer.name, Customer.mobile, Customer.birth_date,
    Vehicle.id.alias("vehicle_id"), Vehicle.plate, Vehicle.purchase_date, Vehicle.registration_date,
    Vehicle.last_visit_date, Vehicle.last_mileage, Vehicle.last_maintenance_date,
    Vehicle.last_maintenance_mileage, Vehicle.daily_km, Vehicle.warranty_end_date,
    Vehicle.warranty_end_km, Vehicle.insurance_expiry, Vehicle.usage,
)
STATE_COLUMNS = (QueueState.attempts, QueueState.last_outcome)
EPOCH = dt.datetime(1900, 1, 1)
NEVER = dt.date(1900, 1, 1)  # stands in for a missing date where NULL must not reach an index


def _excluded(marketing: bool):
    """Owners whose cars leave the queues: merged, anonymised and, for marketing, those
    who refused. Few, and each found through its own index, so a queue excludes them by id
    instead of reading every owner's row."""
    query = (Customer.select(Customer.id).where(Customer.merged_into > 0)
             | Customer.select(Customer.id).where(Customer.anonymised_at > EPOCH))
    if marketing:
        query = query | Customer.select(Customer.id).where(Customer.marketing_consent == False)  # noqa: E712
    return query


def _unseekable(column, empty):
    """The column wrapped so that no index is used to seek on it. SQLite without
    statistics takes any equality on an indexed column (status = 'active',
    last_maintenance_date IS NULL) for a narrow one, and would walk that index instead of
    the queue's date range; the columns still come from the covering index."""
    return fn.COALESCE(column, empty)


def _active_car() -> Expression:
    # NOT IN an empty list is true even for a NULL owner: test the owner explicitly
    return (_unseekable(Vehicle.status, "") == "active") & (_unseekable(Vehicle.owner, 0) > 0)


def _vehicle_query(name: str, ctx: Ctx, key, marketing: bool, where: Expression, *, customer_terms: bool = False):
    """Active cars of live owners with this queue's state for this occurrence: ids only."""
    query = (Vehicle.select(Vehicle.id.alias("vehicle_id"), Vehicle.owner.alias("customer_id"),
                            key.alias("due_key"), *STATE_COLUMNS)
             .join(QueueState, JOIN.LEFT_OUTER,
                   on=((QueueState.queue == name) & (QueueState.customer == Vehicle.owner)
                       & (QueueState.vehicle == Vehicle.id) & (QueueState.due_key == key))))
    if customer_terms:  # a campaign on customer segments (value, occupation, region)
        query = query.join_from(Vehicle, Customer, on=(Vehicle.owner == Customer.id))
    return query.where(_active_car() & Vehicle.owner.not_in(_excluded(marketing)) & where & _state_open(ctx))


def _vehicle_details(ids: list[int]) -> dict[int, dict]:
    rows = (Vehicle.select(*VEHICLE_COLUMNS).join(Customer, on=(Vehicle.owner == Customer.id))
            .where(Vehicle.id.in_(ids)).dicts())
    return {row["vehicle_id"]: row for row in rows}


def _ranges(column, spans: list[tuple[dt.date, dt.date, str]]) -> tuple[Expression, Expression]:
    """A date column inside any of several [lo, hi] spans (each an index range), and the
    key of the span it is in."""
    terms = [column.between(lo, hi) for lo, hi, _ in spans]
    return _any(terms), Case(None, [(term, key) for term, (_, _, key) in zip(terms, spans)], None)


def _any(terms: list[Expression]) -> Expression:
    """OR of many terms as a balanced tree (a long left-deep chain overflows SQLite's parser)."""
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return _any(terms[:middle]) | _any(terms[middle:])


# ---- mileage prediction ------------------------------------------------------------------
# The rule itself is ``db.due.next_maintenance`` (the brief shows it): due at the earlier
# of the calendar date and the day the car's trend reaches the km, that day being the last
# reading's date plus km left / km a day rounded halves up, never before the reading. The SQL below
# computes that day once per car as a day number (one date function per row: parsing a
# date costs more than all the arithmetic) and compares it with constants.

EPOCH_DAY = dt.date(1970, 1, 1)
JULIAN_OF_ORDINAL = 1721424.5  # julianday('0001-01-01') - 1: SQLite's day numbers


def _day_number(column) -> Expression:
    if is_postgres():
        return column - Value(EPOCH_DAY).cast("date")  # whole days
    return fn.julianday(column)


def _day_const(day: dt.date) -> float:
    return (day - EPOCH_DAY).days if is_postgres() else day.toordinal() + JULIAN_OF_ORDINAL


def _daily(ctx: Ctx, column=Vehicle.daily_km):
    # ``daily_km or default`` in db.due: an unknown or zero trend takes the default
    return fn.COALESCE(fn.NULLIF(column, 0), ctx.s["maintenance.default_daily_km"])


def _km_day(target, from_date, from_km, ctx: Ctx) -> Expression:
    """SQL: the day number on which the trend reaches ``target`` km."""
    left = target - from_km
    return _day_number(from_date) + Case(None, [(left <= 0, 0)], _half_up(left / _daily(ctx)))


def _half_up(positive) -> Expression:
    """Round a positive number halves up, the same on both backends as
    ``db.due.days_to_cover`` in Python (plain ROUND differs between them)."""
    if is_postgres():
        return fn.FLOOR(positive + 0.5)
    return (positive + 0.5).cast("INTEGER")  # CAST truncates: floor for positive values


def _interval_window(ctx: Ctx, base, months: int, target, from_date, from_km) -> Expression:
    """Due = the earlier of ``base + months`` and the km day; the row shows while due is
    within [today - overdue, today + lead]. ``base`` bounds the index range."""
    lo = ctx.days(-ctx.s["maintenance.overdue_days"])
    hi = ctx.days(ctx.s["maintenance.lead_days"])
    km_day = _km_day(target, from_date, from_km, ctx)
    due_by_date_in_time = base <= hi - relativedelta(months=months)
    return ((base >= lo - relativedelta(months=months))
            & Case(None, [(due_by_date_in_time, km_day >= _day_const(lo))],
                   km_day.between(_day_const(lo), _day_const(hi))))


def _next_maintenance(row: dict, ctx: Ctx) -> tuple[dt.date, str, bool, int]:
    """(due, reason basis, late, km now) for a row, from the shared rule."""
    due = next_maintenance(purchase_date=row["purchase_date"], last_maintenance_date=row["last_maintenance_date"],
                           last_maintenance_mileage=row["last_maintenance_mileage"],
                           last_mileage=row["last_mileage"], last_visit_date=row["last_visit_date"],
                           daily_km=row["daily_km"])
    by_km = due.km_date is not None and due.due_date is not None and due.km_date < due.due_date
    reading_date = row["last_visit_date"] or row["last_maintenance_date"] or row["purchase_date"]
    reading = row["last_mileage"] or row["last_maintenance_mileage"] or 0
    rate = row["daily_km"] or ctx.s["maintenance.default_daily_km"]
    km_now = int(reading + rate * max((ctx.day - reading_date).days, 0))
    basis = t("queue.basis.km" if by_km else "queue.basis.date")
    return due.when, basis, due.when < ctx.day, km_now


# ---- the queues ----------------------------------------------------------------------

def _first_maintenance(ctx: Ctx, name: str) -> Plan:
    months, target = ctx.s["first_maintenance.months"], ctx.s["first_maintenance.km"]
    from_date = fn.COALESCE(Vehicle.last_visit_date, Vehicle.purchase_date)
    from_km = fn.COALESCE(Vehicle.last_mileage, 0)
    where = ((_unseekable(Vehicle.last_maintenance_date, NEVER) == NEVER) & Vehicle.first_maintenance_date.is_null()
             & Vehicle.purchase_date.is_null(False)
             & _interval_window(ctx, Vehicle.purchase_date, months, target, from_date, from_km))

    def explain(row: dict, ctx: Ctx):
        due, basis, late, km_now = _next_maintenance(row, ctx)
        return due, t("queue.reason.first_maintenance", purchase=row["purchase_date"], km=f"{km_now:,}",
                      due=due, basis=basis), late

    query = _vehicle_query(name, ctx, _key(Vehicle.purchase_date), False, where)
    return Plan(query, [Vehicle.purchase_date, Vehicle.id], explain, details=_vehicle_details)


def _maintenance(ctx: Ctx, name: str) -> Plan:
    months, step = ctx.s["maintenance.months"], ctx.s["maintenance.km"]
    target = fn.COALESCE(Vehicle.last_maintenance_mileage, 0) + step
    from_date = fn.COALESCE(Vehicle.last_visit_date, Vehicle.last_maintenance_date)
    from_km = fn.COALESCE(Vehicle.last_mileage, Vehicle.last_maintenance_mileage, 0)
    where = (Vehicle.last_maintenance_date.is_null(False)
             & _interval_window(ctx, Vehicle.last_maintenance_date, months, target, from_date, from_km))

    def explain(row: dict, ctx: Ctx):
        due, basis, late, km_now = _next_maintenance(row, ctx)
        return due, t("queue.reason.maintenance", last=row["last_maintenance_date"],
                      last_km=f"{row['last_maintenance_mileage'] or 0:,}", km=f"{km_now:,}",
                      due=due, basis=basis), late

    query = _vehicle_query(name, ctx, _key(Vehicle.last_maintenance_date), False, where)
    return Plan(query, [Vehicle.last_maintenance_date, Vehicle.id], explain, details=_vehicle_details)


def _follow_up(ctx: Ctx, name: str) -> Plan:
    late_from = ctx.days(-ctx.s["follow_up.to_days"])
    where = Vehicle.last_visit_date.between(ctx.days(-ctx.s["follow_up.drop_days"]),
                                            ctx.days(-ctx.s["follow_up.from_days"]))

    def explain(row: dict, ctx: Ctx):
        days = (ctx.day - row["last_visit_date"]).days
        late = row["last_visit_date"] < late_from
        key = "queue.reason.follow_up_late" if late else "queue.reason.follow_up"
        return row["last_visit_date"], t(key, visit=row["last_visit_date"], days=days), late

    query = _vehicle_query(name, ctx, _key(Vehicle.last_visit_date), False, where)
    # The freshest visits first: the call is worth most within the first days.
    return Plan(query, [Vehicle.last_visit_date.desc(), Vehicle.id], explain, details=_vehicle_details)


def _warranty_end(ctx: Ctx, name: str) -> Plan:
    years, km, days, km_ahead = (ctx.s["warranty.years"], ctx.s["warranty.km"],
                                 ctx.s["warranty_end.days"], ctx.s["warranty_end.km"])
    hi = ctx.days(days)
    born = segments.born()
    ends_soon = ((Vehicle.warranty_end_date.is_null(False) & (Vehicle.warranty_end_date <= hi))
                 | (Vehicle.warranty_end_date.is_null() & (born <= hi - relativedelta(years=years))))
    km_soon = fn.COALESCE(Vehicle.last_mileage, 0) >= fn.COALESCE(Vehicle.warranty_end_km, km) - km_ahead
    where = segments.in_warranty(ctx) & (ends_soon | km_soon)

    def explain(row: dict, ctx: Ctx):
        terms = warranty(row["purchase_date"] or row["registration_date"], row["last_mileage"],
                         end_date=row["warranty_end_date"], end_km=row["warranty_end_km"], on=ctx.day)
        return terms.end_date, t("queue.reason.warranty_end", end=terms.end_date, end_km=f"{terms.end_km:,}",
                                 km=f"{row['last_mileage'] or 0:,}"), False

    key = fn.COALESCE(_key(Vehicle.warranty_end_date), "").concat(":").concat(
        fn.COALESCE(_key(Vehicle.warranty_end_km), ""))
    query = _vehicle_query(name, ctx, key, False, where)
    # the end's day number; a default end is the anniversary, near enough for an order
    end = _day_number(fn.COALESCE(Vehicle.warranty_end_date, born)) + Case(
        None, [(Vehicle.warranty_end_date.is_null(), round(years * 365.25))], 0)
    return Plan(query.select_extend(end.alias("sort_key")), [end, Vehicle.id], explain,
                details=_vehicle_details, sorted_apart=True)


def _insurance(ctx: Ctx, name: str) -> Plan:
    where = Vehicle.insurance_expiry.between(ctx.day, ctx.days(ctx.s["insurance.days"]))

    def explain(row: dict, ctx: Ctx):
        expiry = row["insurance_expiry"]
        return expiry, t("queue.reason.insurance", expiry=expiry, days=(expiry - ctx.day).days), False

    query = _vehicle_query(name, ctx, _key(Vehicle.insurance_expiry), True, where)
    return Plan(query, [Vehicle.insurance_expiry, Vehicle.id], explain, details=_vehicle_details)


def inspection_years(commercial: bool, s: dict) -> list[int]:
    """The car ages (in years) at which an inspection falls due: a simple cadence after
    the Chinese rules: operating cars every year; other cars free for the first
    ``free_years``, then every ``every_years``, and every year from ``yearly_after_years``."""
    if commercial:
        return list(range(1, INSPECTION_MAX_YEARS + 1))
    free, every, yearly = s["inspection.free_years"], max(s["inspection.every_years"], 1), s["inspection.yearly_after_years"]
    ages = list(range(max(free, 1), yearly, every)) + list(range(max(yearly, free, 1), INSPECTION_MAX_YEARS + 1))
    return sorted(set(ages))


def _anniversary_spans(ctx: Ctx, ages: list[int], days: int) -> list[tuple[dt.date, dt.date, str]]:
    """For each age n: the dates whose n-th anniversary falls in [today, today + days - 1]."""
    spans = []
    last = ctx.days(days - 1)
    for n in ages:
        lo, hi = ctx.day - relativedelta(years=n), last - relativedelta(years=n)
        # A 29 February date has its anniversary on the 28th in other years.
        if (last.month, last.day) == (2, 28) and not calendar.isleap(last.year) and calendar.isleap(hi.year):
            hi += dt.timedelta(days=1)
        if (ctx.day.month, ctx.day.day) == (2, 29) and (lo.month, lo.day) == (2, 28):
            lo += dt.timedelta(days=1)
        spans.append((lo, hi, str(n)))
    return spans


def _inspection(ctx: Ctx, name: str) -> Plan:
    days = ctx.s["inspection.days"] + 1  # due today up to `inspection.days` ahead
    commercial = Vehicle.usage == "commercial"
    in_c, key_c = _ranges(Vehicle.registration_date, _anniversary_spans(ctx, inspection_years(True, ctx.s), days))
    in_p, key_p = _ranges(Vehicle.registration_date, _anniversary_spans(ctx, inspection_years(False, ctx.s), days))
    # Operating cars' ages include every other car's: their ranges, OR-ed at the top, let
    # SQLite walk only those slices of the registration index.
    where = in_c & (commercial | in_p)
    key = Case(None, [(commercial, key_c)], key_p)

    def explain(row: dict, ctx: Ctx):
        years = int(row["due_key"])
        due = row["registration_date"] + relativedelta(years=years)
        return due, t("queue.reason.inspection", reg=row["registration_date"], years=years, due=due), False

    query = _vehicle_query(name, ctx, key, False, where)
    anniversary = fn.SUBSTR(_key(Vehicle.registration_date), 6)
    return Plan(query.select_extend(anniversary.alias("sort_key")), [anniversary, Vehicle.id], explain,
                details=_vehicle_details, sorted_apart=True)


def _birthday(ctx: Ctx, name: str) -> Plan:
    spans = _anniversary_spans(ctx, list(range(0, BIRTHDAY_MAX_AGE)), ctx.s["birthday.days"])
    inside, key = _ranges(Customer.birth_date, spans)
    query = (Customer.select(Customer.id.alias("customer_id"), key.alias("due_key"), *STATE_COLUMNS)
             .join_from(Customer, QueueState, JOIN.LEFT_OUTER,
                        on=((QueueState.queue == name) & (QueueState.customer == Customer.id)
                            & QueueState.vehicle.is_null() & (QueueState.due_key == key)))
             .where(inside & Customer.id.not_in(_excluded(True)) & _state_open(ctx)))

    def details(ids: list[int]) -> dict[int, dict]:
        rows = (Customer.select(Customer.id.alias("customer_id"), Customer.name, Customer.mobile,
                                Customer.birth_date).where(Customer.id.in_(ids)).dicts())
        return {row["customer_id"]: row for row in rows}

    def explain(row: dict, ctx: Ctx):
        age = int(row["due_key"])
        day = row["birth_date"] + relativedelta(years=age)
        return day, t("queue.reason.birthday", day=day.strftime("%m-%d"), age=age), False

    day = fn.SUBSTR(_key(Customer.birth_date), 6)
    return Plan(query.select_extend(day.alias("sort_key")), [day, Customer.id], explain,
                unit="customer_id", owner=Customer.id, details=details, sorted_apart=True)


def _churn(ctx: Ctx, name: str) -> Plan:
    drifting, lost = ctx.months(-ctx.s["churn.drifting_months"]), ctx.months(-ctx.s["churn.lost_months"])
    if name == "drifting":
        where = (Vehicle.last_visit_date <= drifting) & (Vehicle.last_visit_date > lost)
        order = [Vehicle.last_visit_date, Vehicle.id]  # closest to being lost first
    else:
        where = Vehicle.last_visit_date <= lost
        order = [Vehicle.last_visit_date.desc(), Vehicle.id]  # the most recently lost first

    def explain(row: dict, ctx: Ctx):
        last = row["last_visit_date"]
        gap = relativedelta(ctx.day, last)
        return last, t(f"queue.reason.{name}", last=last, months=gap.years * 12 + gap.months), False

    query = _vehicle_query(name, ctx, _key(Vehicle.last_visit_date), True, where)
    return Plan(query, order, explain, details=_vehicle_details)


def _declined(ctx: Ctx, name: str) -> Plan:
    # The partial index visit_queue_declined holds exactly the visits with declined work.
    where = (Visit.visit_date.between(ctx.days(-ctx.s["declined.to_days"]), ctx.days(-ctx.s["declined.from_days"]))
             # literal '' (not a parameter), so that SQLite sees the partial index's own condition
             & Visit.declined_work.is_null(False) & (Visit.declined_work != SQL("''"))
             & (Visit.visit_date >= Vehicle.last_visit_date))  # nothing came after it
    key = _key(Visit.id)
    query = (Visit.select(Visit.id.alias("visit_id"), Vehicle.id.alias("vehicle_id"),
                          Vehicle.owner.alias("customer_id"), key.alias("due_key"), *STATE_COLUMNS)
             .join(Vehicle, on=(Visit.vehicle == Vehicle.id))
             .join_from(Visit, QueueState, JOIN.LEFT_OUTER,
                        on=((QueueState.queue == name) & (QueueState.customer == Vehicle.owner)
                            & (QueueState.vehicle == Vehicle.id) & (QueueState.due_key == key)))
             .where(where & _active_car() & Vehicle.owner.not_in(_excluded(True)) & _state_open(ctx)))

    def details(ids: list[int]) -> dict[int, dict]:
        rows = (Visit.select(*VEHICLE_COLUMNS, Visit.id.alias("visit_id"), Visit.visit_date, Visit.declined_work)
                .join(Vehicle, on=(Visit.vehicle == Vehicle.id))
                .join(Customer, on=(Vehicle.owner == Customer.id)).where(Visit.id.in_(ids)).dicts())
        return {row["visit_id"]: row for row in rows}

    def explain(row: dict, ctx: Ctx):
        work = " ".join((row["declined_work"] or "").split())
        return row["visit_date"], t("queue.reason.declined", visit=row["visit_date"], work=work[:60]), False

    return Plan(query, [Visit.visit_date.desc(), Visit.id], explain, unit="visit_id", details=details)


def _prospects(ctx: Ctx, name: str) -> Plan:
    query = (Prospect.select(Prospect.id.alias("prospect_id"), Prospect.name, Prospect.mobile,
                             Prospect.next_contact_date, Prospect.next_step, Prospect.interest,
                             _key(Prospect.next_contact_date).alias("due_key"))
             .where((Prospect.next_contact_date <= ctx.day) & (Prospect.status == "open")
                    & (Prospect.marketing_consent.is_null() | (Prospect.marketing_consent == True))))  # noqa: E712

    def explain(row: dict, ctx: Ctx):
        step = row["next_step"] or row["interest"] or ""
        due = row["next_contact_date"]
        return due, t("queue.reason.prospects", due=due, step=step), due < ctx.day

    return Plan(query, [Prospect.next_contact_date, Prospect.id], explain, unit="prospect_id", owner=None)


def _campaign(ctx: Ctx, name: str, segment: str | None = None) -> Plan:
    if not segment:
        raise Invalid(t("queue.campaign_needed"), field="segment")
    condition = segments.spec_condition(segment, ctx)
    label = segments.spec_label(segment)
    customer_terms = any(kind not in segments.VEHICLE_KINDS for kind, _ in segments.parse_spec(segment))
    query = _vehicle_query(name, ctx, Value(segment), True, condition, customer_terms=customer_terms)

    def explain(row: dict, ctx: Ctx):
        return None, t("queue.reason.campaign", segment=label), False

    return Plan(query, [Vehicle.id], explain, details=_vehicle_details)


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

def count(name: str, day: dt.date | None = None, segment: str | None = None) -> int:
    return plan(name, Ctx.make(day), segment).query.count()


def counts(day: dt.date | None = None) -> dict[str, int]:
    """Today's count of every daily queue (the campaign queue is counted when chosen)."""
    ctx = Ctx.make(day)
    return {name: plan(name, ctx).query.count() for name in DAILY}


def rows(name: str, day: dt.date | None = None, offset: int = 0, limit: int = 50,
         segment: str | None = None, with_badges: bool = True) -> list[DueItem]:
    """One page of a queue, most pressing first, with badges and the last contact's note."""
    ctx = Ctx.make(day)
    p = plan(name, ctx, segment)
    return _items(name, _page(p, p.query, offset, limit), p, ctx, with_badges)


def _page(p: Plan, query, offset: int, limit: int) -> list[dict]:
    """The page's ids from the index, then its rows' details by id."""
    if p.sorted_apart:
        due = query.cte("due", materialized=True)
        query = due.select_from(SQL("*")).order_by(due.c.sort_key, getattr(due.c, p.unit))
    else:
        query = query.order_by(*p.order)
    keys = list(query.offset(offset).limit(limit).dicts())
    if p.details is None:
        return keys
    details = p.details([k[p.unit] for k in keys]) if keys else {}
    return [{**details[k[p.unit]], **k} for k in keys if k[p.unit] in details]


def _items(name: str, found: list[dict], p: Plan, ctx: Ctx, with_badges: bool) -> list[DueItem]:
    customer_ids = [r["customer_id"] for r in found if r.get("customer_id")]
    notes = _last_notes(customer_ids, [r["prospect_id"] for r in found if r.get("prospect_id")])
    badge_map = segments.badges_many(customer_ids, ctx.day) if with_badges else {}
    letter_after = ctx.s["calls.unanswered_for_letter"]
    items = []
    for row in found:
        due, reason, late = p.explain(row, ctx)
        customer_id, prospect_id = row.get("customer_id"), row.get("prospect_id")
        attempts = row.get("attempts") or 0
        found_badges = badge_map.get(customer_id, [])
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
            text = contact.note or (t(f"queue.outcome.{contact.outcome}") if contact.outcome in OUTCOMES else "")
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
        found = _page(p, p.query.where(p.owner == customer_id), 0, 20)
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
                   booked_date: dt.date | None = None) -> Contact:
    """Write the call as a Contact and take the row out of its queue until it is next due.

    "No answer" puts it off ``calls.retry_days`` and counts the try; "do not call again"
    also withdraws the customer's marketing consent (logged)."""
    from db.validate import text as valid_text

    if outcome not in OUTCOMES:
        raise Invalid(t("queue.outcome.bad", outcome=outcome), field="outcome")
    note = valid_text(note or "", "note", max_length=500)
    day = today()
    if outcome == "booked":
        if booked_date is None:
            raise Invalid(t("queue.booked_date_needed"), field="booked_date")
        if booked_date < day:
            raise Invalid(t("queue.booked_date_past"), field="booked_date")
    retry = day + dt.timedelta(days=max(settings.get("calls.retry_days"), 1))
    with writing():
        contact = Contact.create(customer=item.customer_id, prospect=item.prospect_id, vehicle=item.vehicle_id,
                                 advisor=advisor_id, contact_at=now(), channel="phone", purpose=item.queue,
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
    return contact


def _prospect_outcome(item: DueItem, outcome: str, retry: dt.date) -> None:
    """A prospect's next contact date is its queue state (the prospect list owns it)."""
    changes = {Prospect.next_contact_date: retry if outcome == "no_answer" else None,
               Prospect.updated_at: now(), Prospect.version: Prospect.version + 1}
    if outcome == "do_not_call":
        changes[Prospect.marketing_consent] = False
    Prospect.update(changes).where(Prospect.id == item.prospect_id).execute()


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
