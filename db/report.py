"""The station's results for a period: the figures a service manager steers by.

Every figure is one or a few aggregate SQL queries; nothing loads customers into Python.
How each is computed (also in the README):

- **Segments**: live customers and active cars per segment today (``db.segments``
  counts), and the work orders and revenue of the period per segment. A work order falls
  in the segment its car (age, use) or its customer (value) is in at the period's end.
- **Return rate of month M**: the customers *active* at M's start (at least one visit in
  the ``churn.lost_months`` months before M's first day) who came back during M, over all
  active ones. With a 6-month maintenance interval a healthy figure is about 1/6.
- **Churn of month M**: the active customers who became *lost* during M: their last visit
  turned ``churn.lost_months`` months old on a day of M, with no visit since. Over the
  same active base.
- **Calls**: contacts made from the call lists (purpose set, not at the desk) in the
  period, per advisor and outcome; the follow-up calls (回访) counted apart.
- **Completeness**: ``db.completeness`` over the station's live archives, and over the
  archives each advisor created.
- **Maintenance reminders**: maintenance and first-maintenance calls that reached the
  customer (reached, booked or declined) or went out in writing (SMS, WeChat, letter);
  *came back*: that car (or, without a car, that customer) had a visit within
  ``report.reminder_return_days`` days after the reminder.
- **Appointments**, per month and per advisor: the *appointment rate* is the share of
  the period's work orders that came by appointment (a booking marked arrived with its
  work order); the *show* and *no-show rates* are over the bookings of the period whose
  day has been settled (arrived or no-show; cancelled and still open ones left out).
  Per advisor: work orders by the advisor who opened them, bookings by the advisor they
  were booked for ("any" apart).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from peewee import Case, Cast, JOIN, NodeList, SQL, Value, fn

from db import completeness, segments, settings
from db.appointments import status_sql
from db.clock import today
from db.connection import is_postgres
from db.errors import Invalid
from db.i18n import t
from db.models import Advisor, Appointment, Contact, Customer, Vehicle, Visit
from db.validate import date as valid_date

SEGMENT_KINDS = ("age", "use", "value")  # the three the course details (domain.md)
REMINDER_PURPOSES = ("maintenance", "first_maintenance")
FOLLOW_UP_PURPOSE = "follow_up"
REACHED = ("reached", "booked", "declined")
WRITTEN = ("sms", "wechat", "letter")
OUTCOME_COLUMNS = ("reached", "booked", "no_answer", "declined", "other")


@dataclass(frozen=True)
class SegmentLine:
    kind: str
    code: str
    kind_label: str
    label: str
    customers: int  # live customers (value) or active cars (age, use) in it today
    visits: int
    revenue: Decimal


@dataclass(frozen=True)
class MonthLine:
    month: str  # YYYY-MM
    visits: int
    revenue: Decimal
    active: int  # customers active at the month's start
    returned: int
    churned: int

    @property
    def return_rate(self) -> float | None:
        return self.returned / self.active if self.active else None

    @property
    def churn_rate(self) -> float | None:
        return self.churned / self.active if self.active else None


@dataclass(frozen=True)
class AdvisorCalls:
    advisor: str
    calls: int
    follow_ups: int
    outcomes: dict[str, int]


@dataclass(frozen=True)
class AdvisorCompleteness:
    advisor: str
    archives: int
    score: float


@dataclass(frozen=True)
class Reminders:
    sent: int
    came_back: int
    within_days: int

    @property
    def rate(self) -> float | None:
        return self.came_back / self.sent if self.sent else None


@dataclass(frozen=True)
class BookingLine:
    """A month's (``key`` YYYY-MM) or an advisor's (``key`` the name, None: any) bookings."""

    key: str | None
    work_orders: int
    by_appointment: int  # work orders that came by appointment
    arrived: int  # bookings of the period that came
    no_shows: int  # … that did not

    @property
    def appointment_rate(self) -> float | None:
        return self.by_appointment / self.work_orders if self.work_orders else None

    @property
    def show_rate(self) -> float | None:
        settled = self.arrived + self.no_shows
        return self.arrived / settled if settled else None

    @property
    def no_show_rate(self) -> float | None:
        settled = self.arrived + self.no_shows
        return self.no_shows / settled if settled else None


@dataclass
class Report:
    date_from: dt.date
    date_to: dt.date
    visits: int = 0
    revenue: Decimal = Decimal(0)
    segments: list[SegmentLine] = field(default_factory=list)
    months: list[MonthLine] = field(default_factory=list)
    calls: list[AdvisorCalls] = field(default_factory=list)
    completeness: float = 100.0
    completeness_by_advisor: list[AdvisorCompleteness] = field(default_factory=list)
    reminders: Reminders = field(default_factory=lambda: Reminders(0, 0, 0))
    lost_months: int = 12  # churn.lost_months when the report was made (the months' base)
    booking_months: list[BookingLine] = field(default_factory=list)
    booking_advisors: list[BookingLine] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Plain values for ``advisor report --json`` (money as strings, rates rounded)."""
        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return f"{value:.2f}"
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        data = plain(asdict(self))
        for line, month in zip(data["months"], self.months):
            line["return_rate"] = _round(month.return_rate)
            line["churn_rate"] = _round(month.churn_rate)
        data["reminders"]["rate"] = _round(self.reminders.rate)
        for name in ("booking_months", "booking_advisors"):
            for line, booking in zip(data[name], getattr(self, name)):
                line.update(appointment_rate=_round(booking.appointment_rate), show_rate=_round(booking.show_rate),
                            no_show_rate=_round(booking.no_show_rate))
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def default_period(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, this month included: the span the month lines need."""
    day = day or today()
    return day.replace(day=1) - relativedelta(months=11), day


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _period_visits(date_from: dt.date, date_to: dt.date):
    return (Visit.visit_date >= date_from) & (Visit.visit_date <= date_to)


# ---- segments ------------------------------------------------------------------------

def segment_lines(date_from: dt.date, date_to: dt.date) -> list[SegmentLine]:
    """Age and use from one pass over the cars, value from one over the customers' visits."""
    limits = segments.Limits.now(date_to)
    found = {**_vehicle_segments(date_from, date_to, limits), **_value_segments(date_from, date_to, limits)}
    lines: list[SegmentLine] = []
    for kind in SEGMENT_KINDS:
        for code in segments.codes(kind):
            customers, n, fee = found.get((kind, code), (0, 0, Decimal(0)))
            lines.append(SegmentLine(kind, code, t(f"segment.kind.{kind}"), segments.segment_label(kind, code),
                                     customers, n, _money(fee)))
    return lines


def _add(found: dict, key: tuple[str, str], customers: int, n: int, fee: Any) -> None:
    had = found.get(key, (0, 0, Decimal(0)))
    found[key] = (had[0] + int(customers or 0), had[1] + int(n or 0), had[2] + _exact(fee))


def _vehicle_segments(date_from: dt.date, date_to: dt.date, limits) -> dict[tuple[str, str], tuple]:
    """Age and use: one pass over the cars, each joined to its period's work orders on
    the (vehicle, visit_date, total_fee) index (migration 0006) and grouped by car, so its
    segment is worked out once; then summed per segment. A car counts as one of its
    segment's when it is active with a live owner (its stored ``listing``, db.queues.stored_days)."""
    period = Visit.alias("car_visit")
    on = (period.vehicle == Vehicle.id) & (period.visit_date >= date_from) & (period.visit_date <= date_to)
    per_car = (Vehicle.select(segments.age_expr(limits).alias("age"), Vehicle.usage.alias("use"),
                              Case(None, [(segments.counted_car(), 1)], 0).alias("counted"),
                              fn.COUNT(period.id).alias("n"), fn.SUM(period.total_fee).alias("fee"))
               .join(period, JOIN.LEFT_OUTER, on=on).group_by(Vehicle.id)).alias("per_car")
    # GROUP BY (a sort of a small row per car) beat a SUM(CASE …) per segment at 1M cars
    query = (per_car.select_from(per_car.c.age, per_car.c.use, fn.SUM(per_car.c.counted),
                                 fn.SUM(per_car.c.n), fn.SUM(per_car.c.fee))
             .group_by(per_car.c.age, per_car.c.use).tuples())
    found: dict[tuple[str, str], tuple] = {}
    for age_code, use_code, cars, n, fee in query:
        if age_code is not None:
            _add(found, ("age", age_code), cars, n, fee)
        _add(found, ("use", use_code), cars, n, fee)
    return found


def _value_segments(date_from: dt.date, date_to: dt.date, limits) -> dict[tuple[str, str], tuple]:
    """Value: live customers per class today, and the period's work orders by their
    customer's class. One walk over the visits of the value window and the period in
    customer order, the class worked out from each customer's sums; a customer without
    such a visit is D. The few set apart (a class set by hand, merged
    away, anonymised) are found on their own small indexes and counted as they are."""
    recent = Visit.visit_date >= limits.value_start
    in_period = Visit.visit_date >= date_from
    paid = recent & segments.paid_visit(Visit)
    columns = [_count(paid).alias("paid_n"), _count(paid, Visit.total_fee).alias("spend"),
               _count(recent).alias("recent_n"), _count(in_period).alias("n"),
               _count(in_period, Visit.total_fee).alias("fee")]
    start = min(date_from, limits.value_start)

    def code_of(per):
        return segments.value_case(per.c.paid_n, per.c.spend, per.c.recent_n > 0, limits)

    per = _by_customer(columns, start, date_to)
    code = code_of(per)
    found: dict[tuple[str, str], tuple] = {}
    seen = 0
    for value_code, customers, n, fee in (per.select_from(code, fn.COUNT(SQL("*")), fn.SUM(per.c.n),
                                                          fn.SUM(per.c.fee)).group_by(code).tuples()):
        _add(found, ("value", value_code), customers, n, fee)
        seen += customers
    # Customers without a visit in the window are D.
    _add(found, ("value", "D"), Customer.select().count() - seen, 0, 0)
    # The few set apart (one query per small index: an OR of the three would read the
    # whole table) leave the class they were counted in and count as they are.
    apart = (Customer.select(Customer.id).where(Customer.value_class_manual.is_null(False))
             | Customer.select(Customer.id).where(Customer.merged_into.is_null(False))
             | Customer.select(Customer.id).where(Customer.anonymised_at.is_null(False)))
    per = _by_customer(columns, start, date_to, Visit.customer.in_(apart))
    computed = {cid: (code, n, fee) for cid, code, n, fee in
                per.select_from(per.c.cid, code_of(per), per.c.n, per.c.fee).tuples()}
    live = segments.live_customer()
    for cid, manual, is_live in (Customer.select(Customer.id, Customer.value_class_manual,
                                                 Case(None, [(live, 1)], 0))
                                 .where(Customer.id.in_(apart)).tuples()):
        code, n, fee = computed.get(cid, ("D", 0, 0))
        _add(found, ("value", code), -1, -int(n or 0), -_exact(fee))
        _add(found, ("value", manual or code), 1 if is_live else 0, n, fee)
    return found


# ---- work orders by day, return and churn by month ------------------------------------

def _months(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day counted) of each month of the period; the last one may be partial."""
    out = []
    start = date_from.replace(day=1)
    while start <= date_to:
        end = min(start + relativedelta(months=1) - dt.timedelta(days=1), date_to)
        out.append((start, end))
        start += relativedelta(months=1)
    return out


def _exact(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _daily(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, int, Decimal]]:
    """Work orders and their fees per day: one walk down the ``visit_day_fee`` index
    (migration 0008), already in day order, so nothing is sorted."""
    query = (Visit.select(Visit.visit_date, fn.COUNT(Visit.id), fn.SUM(Visit.total_fee))
             .where(_period_visits(date_from, date_to)).group_by(Visit.visit_date).tuples())
    return [(_as_date(day), n, _exact(fee)) for day, n, fee in query]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


MASK_BITS = 62  # months one customer's mask holds (a signed 64-bit integer, with room)
CHUNK_MONTHS = 36  # period months per mask; the rest of the bits look back


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(number: int) -> dt.date:
    return dt.date(number // 12, number % 12 + 1, 1)


def _month_number_sql(column):
    """``_month_number`` of a date column, in SQL."""

    if is_postgres():
        return Cast(fn.date_part("year", column) * 12 + fn.date_part("month", column), "integer") - 1
    return Cast(fn.substr(column, 1, 4), "integer") * 12 + Cast(fn.substr(column, 6, 2), "integer") - 1


def _bits(first: int, last: int) -> int:
    """A mask with bits ``first`` … ``last`` set (none when last < first)."""
    return ((1 << (last - first + 1)) - 1) << first if last >= first else 0


def _flows(months: list[tuple[dt.date, dt.date]], lost: int) -> list[tuple[int, int, int]]:
    """(active, returned, churned) of each month (see the module docstring), for months
    that follow one another: one walk over the customers' visits in customer order (the
    ``visit_customer_facts`` index, migration 0008, holds all it reads), grouped per
    customer, then sums of bit tests over the customers, in the same query; nothing is
    probed per customer and month.

    Per customer: a bit per month with a visit (the mask: up to ``CHUNK_MONTHS`` months
    of the period and ``MASK_BITS - CHUNK_MONTHS`` before them), the latest visit before
    the mask when ``lost`` reaches further back, and, for each month whose churn window
    ends before the month does (a partial month, a short February), whether a visit came
    after that end.
    """
    out: list[tuple[int, int, int]] = []
    for begin in range(0, len(months), CHUNK_MONTHS):
        out += _flows_chunk(months[begin:begin + CHUNK_MONTHS], lost)
    return out


def _count(condition, value=1):
    return fn.SUM(Case(None, [(condition, value)], 0))


def _by_customer(columns, date_from: dt.date, date_to: dt.date, where=None):
    """The visits from ``date_from`` to ``date_to`` grouped per customer, read in
    customer order (see ``_unindexed``)."""
    day = _unindexed(Visit.visit_date)
    condition = Visit.customer.is_null(False) & (day >= date_from) & (day <= date_to)
    return (Visit.select(Visit.customer.alias("cid"), *columns)
            .where(condition if where is None else condition & where)
            .group_by(Visit.customer)).alias("per_customer")


def _flows_chunk(months: list[tuple[dt.date, dt.date]], lost: int) -> list[tuple[int, int, int]]:
    m0 = _month_number(months[0][0])
    back = min(lost, MASK_BITS - len(months))  # months before the chunk held in the mask
    window = m0 - back  # the month of bit 0
    window_day = _first_of(window)
    reaches_before = back < lost  # then the walk starts before the mask's first month
    bit = _shifted_one(_month_number_sql(Visit.visit_date) - window)
    if reaches_before:
        bit = Case(None, [(Visit.visit_date >= window_day, bit)])
    columns = [_as_bigint(fn.SUM(fn.DISTINCT(bit))).alias("mask")]
    late: dict[int, str] = {}  # the mask bit of a month whose churn window ends early → its column
    for i, (_, end) in enumerate(months):
        number = m0 + i - lost  # the month the churn window lies in
        cut = end - relativedelta(months=lost)
        if number >= window and cut < _first_of(number + 1) - dt.timedelta(days=1):
            late[number - window] = f"late{i}"
            after = (Visit.visit_date > cut) & (Visit.visit_date < _first_of(number + 1))
            columns.append(fn.MAX(Case(None, [(after, 1)], 0)).alias(late[number - window]))
    if reaches_before:
        columns.append(fn.MAX(Case(None, [(Visit.visit_date < window_day, Visit.visit_date)])).alias("before"))
    per = _by_customer(columns, _first_of(m0 - lost), months[-1][1])
    # no mask only for a customer whose visits all came before it
    mask, before = (fn.COALESCE(per.c.mask, 0) if reaches_before else per.c.mask), per.c.before

    def any_of(bits: int):
        return mask.bin_and(bits) != 0 if bits else Value(False)

    sums = []
    for i, (_, end) in enumerate(months):
        own = back + i  # this month's bit
        looked_back = _first_of(m0 + i - lost)  # the first day of the active window
        active = any_of(_bits(max(0, own - lost), own - 1))
        if looked_back < window_day:
            active = active | (before >= looked_back)
        q = own - lost  # the bit of the month the churn window lies in (negative: before the mask)
        if q >= 0:
            churned = any_of(1 << q) & ~any_of(_bits(q + 1, own))
            if q in late:
                churned = churned & (getattr(per.c, late[q]) == 0)
        else:
            cut = end - relativedelta(months=lost)
            churned = ~any_of(_bits(0, own)) & (before >= looked_back) & (before <= cut)
        sums += [_count(active), _count(active & any_of(1 << own)), _count(churned)]
    row = per.select_from(*sums).tuples().first() or (0,) * len(sums)
    return [tuple(int(x or 0) for x in row[k:k + 3]) for k in range(0, len(sums), 3)]


def _shifted_one(position):
    """``1 << position`` as a 64-bit integer, in SQL."""
    return NodeList((_as_bigint(Value(1)), SQL("<<"), position), parens=True)


def _as_bigint(expression):
    return Cast(expression, "BIGINT")


def _unindexed(column):
    """The column, written so that SQLite will not walk an index for a test on it (a
    unary plus): a query grouped by another indexed column then reads that column's
    index in order instead of sorting. PostgreSQL's planner needs no such hint."""

    return column if is_postgres() else NodeList((SQL("+"), column))


def month_lines(date_from: dt.date, date_to: dt.date, lost_months: int,
                daily: list[tuple[dt.date, int, Decimal]] | None = None) -> list[MonthLine]:
    """The period's months: work orders, revenue, and the return and churn figures.
    ``daily``: ``_daily`` from the first month's first day, when already read."""
    months = _months(date_from, date_to)
    if not months:
        return []
    starts = [start for start, _ in months]
    visits, revenue = [0] * len(months), [Decimal(0)] * len(months)
    if daily is None:
        daily = _daily(months[0][0], months[-1][1])
    for day, n, fee in daily:
        if day < starts[0]:
            continue
        i = bisect.bisect_right(starts, day) - 1
        visits[i] += n
        revenue[i] += fee
    return [MonthLine(month=start.strftime("%Y-%m"), visits=visits[i], revenue=_money(revenue[i]),
                      active=active, returned=returned, churned=churned)
            for i, ((start, _), (active, returned, churned)) in enumerate(zip(months, _flows(months, lost_months)))]


# ---- calls ----------------------------------------------------------------------------

def _contact_period(date_from: dt.date, date_to: dt.date):
    return ((Contact.contact_at >= dt.datetime.combine(date_from, dt.time.min))
            & (Contact.contact_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)))


def call_lines(date_from: dt.date, date_to: dt.date) -> list[AdvisorCalls]:
    """One range of the ``contact_report`` index (migration 0006), grouped; the few
    advisors' names are looked up afterwards."""
    query = (Contact.select(Contact.advisor, Contact.outcome, Contact.purpose, fn.COUNT(Contact.id).alias("n"))
             .where(_contact_period(date_from, date_to) & Contact.purpose.is_null(False)
                    & (Contact.channel != "desk") & Contact.customer.is_null(False))
             .group_by(Contact.advisor, Contact.outcome, Contact.purpose).tuples())
    names = dict(Advisor.select(Advisor.id, Advisor.name).tuples())
    by_advisor: dict[str, dict[str, Any]] = {}
    for advisor_id, outcome, purpose, n in query:
        name = names.get(advisor_id) or "—"
        line = by_advisor.setdefault(name, {"calls": 0, "follow": 0, "outcomes": dict.fromkeys(OUTCOME_COLUMNS, 0)})
        line["calls"] += n
        line["follow"] += n if purpose == FOLLOW_UP_PURPOSE else 0
        column = outcome if outcome in OUTCOME_COLUMNS else "other"
        line["outcomes"][column] += n
    return [AdvisorCalls(name, v["calls"], v["follow"], v["outcomes"])
            for name, v in sorted(by_advisor.items(), key=lambda kv: (-kv[1]["calls"], kv[0]))]


# ---- completeness -----------------------------------------------------------------------

def completeness_lines() -> tuple[float, list[AdvisorCompleteness]]:
    """The station's score and each advisor's (over the archives they created), from one
    grouped pass (``db.completeness.grouped``); the station is the sum of the groups."""
    by_advisor = completeness.grouped(Customer.created_by)
    station = completeness.Completeness()
    for result in by_advisor.values():
        station.filled += result.filled
        station.expected += result.expected
    names = dict(Advisor.select(Advisor.id, Advisor.name).tuples())
    lines = [AdvisorCompleteness(names[advisor_id], result.archives, result.score)
             for advisor_id, result in by_advisor.items() if advisor_id is not None and result.archives]
    return station.score, sorted(lines, key=lambda line: line.advisor)


# ---- maintenance reminders ----------------------------------------------------------------

def _within_days(day_column, days: int):
    """The last day of a window of ``days`` days from a timestamp's date, in SQL (SQLite
    and PostgreSQL spell date arithmetic apart)."""

    if is_postgres():
        return (day_column.cast("date") + SQL(f"{int(days)}")), day_column.cast("date")
    return fn.date(day_column, f"+{int(days)} days"), fn.date(day_column)


def reminders(date_from: dt.date, date_to: dt.date) -> Reminders:
    days = int(settings.get("report.reminder_return_days"))
    sent = (_contact_period(date_from, date_to) & Contact.purpose.in_(REMINDER_PURPOSES)
            & Contact.customer.is_null(False)
            & (Contact.outcome.in_(REACHED) | Contact.channel.in_(WRITTEN)))
    last_day, first_day = _within_days(Contact.contact_at, days)
    # That car (or, for a reminder without a car, that customer) came in within the window.
    who = ((Contact.vehicle.is_null(False) & (Visit.vehicle == Contact.vehicle))
           | (Contact.vehicle.is_null() & (Visit.customer == Contact.customer)))
    back = fn.EXISTS(Visit.select(Visit.id).where(
        who & (Visit.visit_date >= first_day) & (Visit.visit_date <= last_day)))
    row = (Contact.select(fn.COUNT(Contact.id), fn.SUM(Case(None, [(back, 1)], 0)))
           .where(sent).tuples().first())
    return Reminders(row[0] or 0, int(row[1] or 0), days)


# ---- appointments ---------------------------------------------------------------------

def booking_lines(date_from: dt.date, date_to: dt.date) -> tuple[list[BookingLine], list[BookingLine]]:
    """Per month and per advisor: work orders, those by appointment, bookings arrived and
    not. Grouped by day and by advisor in SQL (a few hundred rows at most)."""
    in_period = _period_visits(date_from, date_to)
    months: dict[str, list[int]] = {}
    advisors: dict[int | None, list[int]] = {}

    def add(table: dict, key, column: int, n: int) -> None:
        table.setdefault(key, [0, 0, 0, 0])[column] += n

    for day, n in Visit.select(Visit.visit_date, fn.COUNT(Visit.id)).where(in_period).group_by(Visit.visit_date).tuples():
        add(months, f"{_as_date(day):%Y-%m}", 0, n)
    for advisor, n in Visit.select(Visit.advisor, fn.COUNT(Visit.id)).where(in_period).group_by(Visit.advisor).tuples():
        add(advisors, advisor, 0, n)
    booked = (Appointment.select(Visit.visit_date, Visit.advisor, fn.COUNT(Appointment.id))
              .join(Visit, on=(Appointment.visit == Visit.id))
              .where(in_period & (Appointment.status == "arrived"))
              .group_by(Visit.visit_date, Visit.advisor).tuples())
    for day, advisor, n in booked:
        add(months, f"{_as_date(day):%Y-%m}", 1, n)
        add(advisors, advisor, 1, n)
    seen = status_sql()  # a booking past its no-show time counts as one, swept or not
    settled = (Appointment.select(Appointment.day, Appointment.advisor, seen, fn.COUNT(Appointment.id))
               .where(Appointment.day.between(date_from, date_to) & seen.in_(("arrived", "no_show")))
               .group_by(Appointment.day, Appointment.advisor, seen).tuples())
    for day, advisor, status, n in settled:
        column = 2 if status == "arrived" else 3
        add(months, f"{_as_date(day):%Y-%m}", column, n)
        add(advisors, (advisor, "booked"), column, n)
    names = dict(Advisor.select(Advisor.id, Advisor.name).tuples())
    month_lines = [BookingLine(key, *values) for key, values in sorted(months.items())]
    merged: dict[str | None, list[int]] = {}
    for key, values in advisors.items():
        advisor = key[0] if isinstance(key, tuple) else key
        line = merged.setdefault(names.get(advisor) if advisor else None, [0, 0, 0, 0])
        for column, n in enumerate(values):
            line[column] += n
    advisor_lines = [BookingLine(key, *values) for key, values in
                     sorted(merged.items(), key=lambda item: (item[0] is None, item[0] or ""))]
    return month_lines, advisor_lines


# ---- the whole report ------------------------------------------------------------------

def parse_period(date_from: str | dt.date | None, date_to: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for; an empty end is today, an empty start 11 months before."""
    default_from, default_to = default_period()
    start = valid_date(date_from, "date_from") if date_from else default_from
    end = valid_date(date_to, "date_to") if date_to else default_to
    if not date_from and end < start:
        start = end.replace(day=1) - relativedelta(months=11)
    if start > end:
        raise Invalid(t("report.bad_period", start=start, end=end), field="date_from")
    return start, end


def build(date_from: str | dt.date | None = None, date_to: str | dt.date | None = None) -> Report:
    start, end = parse_period(date_from, date_to)
    report = Report(start, end)
    daily = _daily(start.replace(day=1), end)
    in_period = [(n, fee) for day, n, fee in daily if day >= start]
    report.visits = sum(n for n, _ in in_period)
    report.revenue = _money(sum((fee for _, fee in in_period), Decimal(0)))
    report.segments = segment_lines(start, end)
    lost = report.lost_months = int(settings.get("churn.lost_months"))
    report.months = month_lines(start, end, lost, daily)
    report.calls = call_lines(start, end)
    report.completeness, report.completeness_by_advisor = completeness_lines()
    report.reminders = reminders(start, end)
    report.booking_months, report.booking_advisors = booking_lines(start, end)
    return report
