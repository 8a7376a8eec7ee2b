"""The station's results for a period (issue 8): the figures a service manager steers by.

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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from peewee import JOIN, Case, fn

from db import settings
from db.clock import today
from db.errors import Invalid
from db.i18n import t
from db.models import Advisor, Contact, Customer, Visit

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

def _per(column, date_from: dt.date, date_to: dt.date):
    """The period's visits summed per car or per customer, as a subquery: the segment
    expression is then computed once per car or customer, not once per work order."""
    return (Visit.select(column.alias("key"), fn.COUNT(Visit.id).alias("n"), fn.SUM(Visit.total_fee).alias("fee"))
            .where(_period_visits(date_from, date_to) & column.is_null(False))
            .group_by(column)).alias("period")


def segment_lines(date_from: dt.date, date_to: dt.date) -> list[SegmentLine]:
    from db import segments
    from db.models import Vehicle

    limits = segments.Limits.now(date_to)
    lines: list[SegmentLine] = []
    for kind in SEGMENT_KINDS:
        counts = segments.segment_counts(kind, limits)
        if kind == "value":
            per, model, expr = _per(Visit.customer, date_from, date_to), Customer, segments.value_expr(limits)
        else:
            per, model = _per(Visit.vehicle, date_from, date_to), Vehicle
            expr = {"age": segments.age_expr(limits), "use": Vehicle.usage}[kind]
        query = (model.select(expr.alias("code"), fn.SUM(per.c.n).alias("n"), fn.SUM(per.c.fee).alias("fee"))
                 .join(per, on=(per.c.key == model.id)).group_by(expr))
        money = {row["code"]: (int(row["n"] or 0), _money(row["fee"])) for row in query.dicts()}
        for code in segments.codes(kind):
            n, fee = money.get(code, (0, _money(0)))
            lines.append(SegmentLine(kind, code, t(f"segment.kind.{kind}"), segments.segment_label(kind, code),
                                     counts.get(code, 0), n, fee))
    return lines


# ---- return and churn by month ---------------------------------------------------------

def _months(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day counted) of each month of the period; the last one may be partial."""
    out = []
    start = date_from.replace(day=1)
    while start <= date_to:
        end = min(start + relativedelta(months=1) - dt.timedelta(days=1), date_to)
        out.append((start, end))
        start += relativedelta(months=1)
    return out


def _distinct_customers(where) -> int:
    return (Visit.select(fn.COUNT(fn.DISTINCT(Visit.customer)))
            .where(where & Visit.customer.is_null(False)).scalar() or 0)


def month_line(start: dt.date, end: dt.date, lost_months: int) -> MonthLine:
    base_from = start - relativedelta(months=lost_months)
    earlier = Visit.alias("earlier")
    came_back = fn.EXISTS(earlier.select(earlier.id).where(
        (earlier.customer == Visit.customer) & (earlier.visit_date >= base_from)
        & (earlier.visit_date < start)))
    in_month = (Visit.visit_date >= start) & (Visit.visit_date <= end)
    # Lost during M: a visit between base_from and end − L months with no later visit up
    # to M's end (a range of one month of visits, each probed on (customer, visit_date)).
    later = Visit.alias("later")
    no_later = ~fn.EXISTS(later.select(later.id).where(
        (later.customer == Visit.customer) & (later.visit_date > Visit.visit_date) & (later.visit_date <= end)))
    churned = _distinct_customers(
        Visit.visit_date.between(base_from, end - relativedelta(months=lost_months)) & no_later)
    row = Visit.select(fn.COUNT(Visit.id), fn.SUM(Visit.total_fee)).where(in_month).tuples().first()
    # Active: one probe per customer on the (customer, visit_date) index reads the index
    # alone; counting distinct customers over the window's visits reads every visit row.
    probe = Visit.alias("probe")
    active_count = Customer.select().where(fn.EXISTS(probe.select(probe.id).where(
        (probe.customer == Customer.id) & (probe.visit_date >= base_from) & (probe.visit_date < start)))).count()
    return MonthLine(month=start.strftime("%Y-%m"), visits=row[0] or 0, revenue=_money(row[1]),
                     active=active_count,
                     returned=_distinct_customers(in_month & came_back),
                     churned=churned or 0)


# ---- calls ----------------------------------------------------------------------------

def _contact_period(date_from: dt.date, date_to: dt.date):
    return ((Contact.contact_at >= dt.datetime.combine(date_from, dt.time.min))
            & (Contact.contact_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)))


def call_lines(date_from: dt.date, date_to: dt.date) -> list[AdvisorCalls]:
    query = (Contact.select(Contact.advisor, Advisor.name, Contact.outcome, Contact.purpose,
                            fn.COUNT(Contact.id).alias("n"))
             .join(Advisor, JOIN.LEFT_OUTER, on=(Contact.advisor == Advisor.id))
             .where(_contact_period(date_from, date_to) & Contact.purpose.is_null(False)
                    & (Contact.channel != "desk") & Contact.customer.is_null(False))
             .group_by(Contact.advisor, Advisor.name, Contact.outcome, Contact.purpose).tuples())
    by_advisor: dict[str, dict[str, Any]] = {}
    for _, name, outcome, purpose, n in query:
        line = by_advisor.setdefault(name or "—", {"calls": 0, "follow": 0,
                                                    "outcomes": dict.fromkeys(OUTCOME_COLUMNS, 0)})
        line["calls"] += n
        line["follow"] += n if purpose == FOLLOW_UP_PURPOSE else 0
        column = outcome if outcome in OUTCOME_COLUMNS else "other"
        line["outcomes"][column] += n
    return [AdvisorCalls(name, v["calls"], v["follow"], v["outcomes"])
            for name, v in sorted(by_advisor.items(), key=lambda kv: (-kv[1]["calls"], kv[0]))]


# ---- completeness -----------------------------------------------------------------------

def completeness_lines() -> tuple[float, list[AdvisorCompleteness]]:
    from db import completeness

    station = completeness.station().score
    by_advisor = completeness.grouped(Customer.created_by)
    live = Customer.merged_into.is_null() & Customer.anonymised_at.is_null()
    archives = dict(Customer.select(Customer.created_by, fn.COUNT(Customer.id))
                    .where(live & Customer.created_by.is_null(False)).group_by(Customer.created_by).tuples())
    names = dict(Advisor.select(Advisor.id, Advisor.name).tuples())
    lines = [AdvisorCompleteness(names[advisor_id], archives[advisor_id], by_advisor[advisor_id].score)
             for advisor_id in archives if advisor_id in by_advisor]
    return station, sorted(lines, key=lambda line: line.advisor)


# ---- maintenance reminders ----------------------------------------------------------------

def _within_days(day_column, days: int):
    """The last day of a window of ``days`` days from a timestamp's date, in SQL (SQLite
    and PostgreSQL spell date arithmetic apart)."""
    from peewee import SQL

    from db.connection import is_postgres

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


# ---- the whole report ------------------------------------------------------------------

def parse_period(date_from: str | dt.date | None, date_to: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for; an empty end is today, an empty start 11 months before."""
    from db.validate import date as valid_date

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
    row = Visit.select(fn.COUNT(Visit.id), fn.SUM(Visit.total_fee)).where(_period_visits(start, end)).tuples().first()
    report.visits, report.revenue = row[0] or 0, _money(row[1])
    report.segments = segment_lines(start, end)
    lost = report.lost_months = int(settings.get("churn.lost_months"))
    report.months = [month_line(a, b, lost) for a, b in _months(start, end)]
    report.calls = call_lines(start, end)
    report.completeness, report.completeness_by_advisor = completeness_lines()
    report.reminders = reminders(start, end)
    return report
