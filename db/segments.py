"""The six classifications of customers (domain.md: 客户的分类) and the value class.

Every segment is an SQL expression built from settings read at call time (so a manager's
change applies at once) and from constants computed here from today: a date limit such
as "bought less than 3 years ago" becomes ``purchase_date > today - 3 years``, a plain
comparison that works the same on SQLite and PostgreSQL and can use an index. Counts and
campaigns therefore run in the database; nothing loads customers into Python. The
per-customer badges use the very same expressions, so a badge never disagrees with a count.

Vehicle segments (age, use, class) describe a customer's active cars; customer segments
(value, occupation, region) the customer. Each segment's traits and treatment hint are
catalogue texts ``segment.<kind>.<code>[.traits|.hint]`` (db/texts/segments.py).

Boundaries (decided here; the course is silent):
- The warranty covers up to its end date, ``warranty_end_date`` or else the anniversary
  ``purchase + warranty.years``, and up to ``warranty_end_km`` or else ``warranty.km``:
  whichever ends first (the same terms as ``db.queues.car_dates.warranty``, which the brief shows).
- A car is "over 5 years" from the day after its fifth anniversary. The car's age counts
  from the purchase date, else the registration date; a car with neither has no age badge.
- Value class over the last ``value.months`` months: a paid visit is one with a fee that
  is not warranty or accident work and not paid by insurance. D means no visit of any
  kind in that window; a customer who came only for free work is C. Spending at least
  ``value.lift_spend`` lifts C to B and B to A.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from peewee import JOIN, Case, Expression, Value, fn

from db import settings
from db.audit.write import record
from db.clock import now, today
from db.connection import writing
from db.errors import Invalid, NotFound
from db.i18n import has, t
from db.models import Customer, Vehicle, Visit
from db.queues.stored_days import NONE
from db.validate import text as valid_text

KINDS = ("age", "use", "value", "occupation", "region", "class")
VEHICLE_KINDS = ("age", "use", "class")
AGE_CODES = ("warranty", "mid", "old")
USE_CODES = ("private", "official", "commercial")
VALUE_CODES = ("A", "B", "C", "D")
CLASS_CODES = ("economy", "mid", "premium")
# Work that the customer does not pay for (value class counts only paid visits).
UNPAID_KINDS = ("warranty", "accident")
UNPAID_PAYMENT = "insurance"

# Occupation keywords, first match wins (so "出租车司机" is a driver, "销售经理" a manager).
OCCUPATION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("retired", ("退休", "离休", "retired", "pensioner")),
    ("student", ("学生", "研究生", "student")),
    ("civil", ("公务员", "政府", "机关", "事业单位", "警察", "民警", "军人", "部队",
               "civil servant", "government", "police", "army", "officer")),
    ("driver", ("司机", "出租", "网约车", "快递", "物流", "运输", "货运", "代驾",
                "driver", "taxi", "courier", "logistics", "trucker")),
    ("manager", ("经理", "总监", "主管", "高管", "董事", "总裁", "厂长", "负责人",
                 "manager", "director", "executive", "ceo")),
    ("owner", ("老板", "个体", "自营", "商人", "经商", "店主", "企业主", "生意",
               "owner", "self-employed", "merchant", "shopkeeper")),
    ("professional", ("医生", "护士", "教师", "老师", "律师", "工程师", "会计", "设计师",
                      "程序员", "研究员", "教授", "记者", "doctor", "nurse", "teacher",
                      "lawyer", "engineer", "accountant", "designer", "programmer")),
    ("staff", ("职员", "员工", "白领", "文员", "销售", "工人", "技术员", "客服", "行政",
               "clerk", "staff", "worker", "sales", "employee")),
)
OCCUPATION_CODES = tuple(c for c, _ in OCCUPATION_KEYWORDS) + ("other",)

SEGMENT_SETTINGS = ("warranty.years", "warranty.km", "segment.old_years", "value.months",
                     "value.a_visits", "value.b_visits", "value.c_visits", "value.lift_spend")


@dataclass(frozen=True)
class Badge:
    """One segment a customer belongs to, in words an advisor can act on."""

    kind: str  # one of KINDS
    code: str
    label: str
    traits: str
    hint: str
    detail: str = ""  # e.g. a hand-set value class with its reason

    @property
    def title(self) -> str:
        return f"{t('segment.kind.' + self.kind)}·{self.label}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class CustomerSegments:
    """What the intake brief and the archive card show: badges and the leading hint."""

    badges: list[Badge]
    treatment: str


@dataclass(frozen=True)
class Limits:
    """The settings and the dates derived from today that every segment expression uses."""

    day: dt.date
    values: dict

    @classmethod
    def now(cls, day: dt.date | None = None) -> Limits:
        return cls(day or today(), settings.get_many(*SEGMENT_SETTINGS))

    def __getitem__(self, key: str):
        return self.values[key]

    def years_ago(self, years: int) -> dt.date:
        return self.day - relativedelta(years=years)

    @property
    def value_start(self) -> dt.date:
        """First day of the value window: visits on or after it count."""
        return self.day - relativedelta(months=self["value.months"]) + dt.timedelta(days=1)


# ---- vehicle segments ---------------------------------------------------------------

def born(vehicle=Vehicle):
    """The date a car's age counts from."""
    return fn.COALESCE(vehicle.purchase_date, vehicle.registration_date)


def in_warranty(limits: Limits, vehicle=Vehicle) -> Expression:
    by_date = ((vehicle.warranty_end_date.is_null(False) & (vehicle.warranty_end_date >= limits.day))
               | (vehicle.warranty_end_date.is_null() & (born(vehicle) >= limits.years_ago(limits["warranty.years"]))))
    by_km = fn.COALESCE(vehicle.last_mileage, 0) <= fn.COALESCE(vehicle.warranty_end_km, limits["warranty.km"])
    return by_date & by_km


def age_terms(limits: Limits, vehicle=Vehicle) -> dict[str, Expression]:
    """Each age segment as a condition of its own: in warranty; out of it, up to
    ``segment.old_years`` old; older. A campaign tests one plainly (a planner estimates
    plain comparisons, not a CASE); ``age_expr`` names the one a car is in."""
    warranty = in_warranty(limits, vehicle)
    past = ~warranty & born(vehicle).is_null(False)
    old = limits.years_ago(limits["segment.old_years"])
    return {"warranty": warranty, "mid": past & (born(vehicle) >= old), "old": past & (born(vehicle) < old)}


def age_expr(limits: Limits, vehicle=Vehicle):
    """'warranty' | 'mid' | 'old' | NULL (age unknown and not in warranty)."""
    terms = age_terms(limits, vehicle)
    return Case(None, [(terms[code], code) for code in AGE_CODES], None)


# ---- value class --------------------------------------------------------------------

def _visits_in_window(limits: Limits, customer=Customer):
    visit = Visit.alias("vv")
    window = ((visit.customer == customer.id) & (visit.visit_date >= limits.value_start)
              & (visit.visit_date <= limits.day))
    return visit, window


def paid_visit(visit) -> Expression:
    return (visit.kind.not_in(UNPAID_KINDS) & (visit.total_fee > 0)
            & (visit.payment_method.is_null() | (visit.payment_method != UNPAID_PAYMENT)))


def value_case(paid_n, spend, recent, limits: Limits):
    """The value rule over three facts of the window: paid visits, their spend, any visit."""
    lifted = (spend >= limits["value.lift_spend"]) & (paid_n >= 1)
    a, b, c = limits["value.a_visits"], limits["value.b_visits"], limits["value.c_visits"]
    return Case(None, [
        (~recent, "D"),
        ((paid_n >= a) | ((paid_n >= b) & lifted), "A"),
        ((paid_n >= b) | ((paid_n >= c) & lifted), "B"),
    ], "C")


def computed_value_expr(limits: Limits, customer=Customer):
    """The computed value class of each customer row, as SQL (correlated over the
    (customer, visit_date) index: a handful of index entries per customer)."""
    visit, window = _visits_in_window(limits, customer)
    paid_n = visit.select(fn.COUNT(visit.id)).where(window & paid_visit(visit))
    visit2, window2 = _visits_in_window(limits, customer)
    spend = visit2.select(fn.COALESCE(fn.SUM(visit2.total_fee), 0)).where(window2 & paid_visit(visit2))
    visit3, window3 = _visits_in_window(limits, customer)
    return value_case(paid_n, spend, fn.EXISTS(visit3.select(Value(1)).where(window3)), limits)


def _value_facts(limits: Limits, ids: list[int]):
    """The window's facts for a few customers in one pass over their visits."""
    visit = Visit.alias("vf")
    window = visit.customer.in_(ids) & (visit.visit_date >= limits.value_start) & (visit.visit_date <= limits.day)
    paid = paid_visit(visit)
    return (visit.select(visit.customer.alias("cid"),
                         fn.SUM(Case(None, [(paid, 1)], 0)).alias("paid_n"),
                         fn.SUM(Case(None, [(paid, visit.total_fee)], 0)).alias("spend"))
            .where(window).group_by(visit.customer))


def value_expr(limits: Limits, customer=Customer):
    """The class that counts: the hand-set one over the computed one."""
    return fn.COALESCE(customer.value_class_manual, computed_value_expr(limits, customer))


def set_value_class(customer_id: int, value_class: str | None, reason: str,
                    advisor_id: int | None) -> None:
    """Set (or with ``None`` clear) the class by hand; the reason is required to set it."""
    if value_class is not None:
        value_class = value_class.strip().upper()
        if value_class not in VALUE_CODES:
            raise Invalid(t("segment.value.bad_class"), field="value_class")
        reason = valid_text(reason or "", "value_class_reason", max_length=200) or ""
        if not reason:
            raise Invalid(t("segment.value.reason_needed"), field="value_class_reason")
    with writing():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise NotFound(t("db.not_found"))
        before = {"value_class_manual": customer.value_class_manual,
                  "value_class_reason": customer.value_class_reason}
        after = {"value_class_manual": value_class, "value_class_reason": reason if value_class else None}
        Customer.update(value_class_manual=value_class, value_class_reason=after["value_class_reason"],
                        value_class_set_by=advisor_id if value_class else None,
                        value_class_set_at=now() if value_class else None,
                        updated_at=now(), version=Customer.version + 1
                        ).where(Customer.id == customer_id).execute()
        record("edit", advisor_id=advisor_id, customer_id=customer_id, field="value_class",
               before=before, after=after)


# ---- occupation ---------------------------------------------------------------------

@lru_cache(maxsize=4096)
def occupation_category(text: str | None) -> str | None:
    """The category for a typed occupation (None when nothing is typed); occupations
    repeat, so answers are kept (the keywords are constants)."""
    if not text or not text.strip():
        return None
    low = text.strip().lower()
    for code, words in OCCUPATION_KEYWORDS:
        if any(word in low for word in words):
            return code
    return "other"


def occupation_fields(values: Mapping[str, Any]) -> dict[str, str | None]:
    """``{"occupation_category": …}`` when ``values`` write an occupation, else ``{}``.

    Every write of a customer's occupation adds this (the intake, the archive card, the
    sales import), so the stored category never lags the occupation it comes from.
    """
    if "occupation" not in values:
        return {}
    return {"occupation_category": occupation_category(values["occupation"])}


def occupation_case(column=Customer.occupation):
    """The same table as SQL (LIKE is case-blind for ASCII on SQLite; ILIKE on PostgreSQL)."""
    whens = [((column.is_null() | (fn.TRIM(column) == "")), None)]
    for code, words in OCCUPATION_KEYWORDS:
        condition = None
        for word in words:
            term = column.contains(word)
            condition = term if condition is None else (condition | term)
        whens.append((condition, code))
    return Case(None, whens, "other")


def recompute_occupation_categories(batch: int = 20000) -> int:
    """Refill ``occupation_category`` for every customer, in id ranges of ``batch`` rows
    (one short writing transaction each, so advisors saving meanwhile wait little)."""
    top = Customer.select(fn.MAX(Customer.id)).scalar() or 0
    changed = 0
    for start in range(0, top, batch):
        category = occupation_case()
        with writing():
            changed += (Customer.update(occupation_category=category)
                        .where((Customer.id > start) & (Customer.id <= start + batch)
                               & ((Customer.occupation_category.is_null() & category.is_null(False))
                                  | Customer.occupation_category.is_null(False) & category.is_null()
                                  | (Customer.occupation_category != category)))
                        .execute())
    return changed


# ---- segment specifications for campaigns and counts --------------------------------

def codes(kind: str) -> tuple[str, ...]:
    return {"age": AGE_CODES, "use": USE_CODES, "value": VALUE_CODES,
            "occupation": OCCUPATION_CODES, "class": CLASS_CODES}.get(kind, ())


def parse_spec(spec: str) -> list[tuple[str, str]]:
    """``"age:mid,use:private"`` → [("age", "mid"), ("use", "private")]; refuses unknowns."""
    pairs = []
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        kind, _, code = part.partition(":")
        kind, code = kind.strip(), code.strip()
        if kind not in KINDS or not code or (kind != "region" and code not in codes(kind)):
            raise Invalid(t("segment.unknown", spec=part), field="segment")
        pairs.append((kind, code))
    if not pairs:  # nothing chosen: say so, not "unknown segment" with nothing after it
        raise Invalid(t("segment.none"), field="segment")
    return pairs


def condition(kind: str, code: str, limits: Limits, vehicle=Vehicle, customer=Customer) -> Expression:
    """The rows (a vehicle joined to its owner) that belong to one segment."""
    if kind == "age":
        return age_terms(limits, vehicle)[code]
    if kind == "use":
        return vehicle.usage == code
    if kind == "class":
        return vehicle.vehicle_class == code
    if kind == "region":
        return customer.district == code
    if kind == "occupation":
        return customer.occupation_category == code
    if kind == "value":
        return value_expr(limits, customer) == code
    raise Invalid(t("segment.unknown", spec=kind), field="segment")


def spec_condition(spec: str, limits: Limits | None = None, vehicle=Vehicle, customer=Customer) -> Expression:
    limits = limits or Limits.now()
    result = None
    for kind, code in parse_spec(spec):
        term = condition(kind, code, limits, vehicle, customer)
        result = term if result is None else (result & term)
    return result


def spec_label(spec: str) -> str:
    return "·".join(segment_label(kind, code) for kind, code in parse_spec(spec))


def segment_label(kind: str, code: str) -> str:
    if kind == "region":
        return t("segment.region", district=code)
    return t(f"segment.{kind}.{code}")


def live_customer(customer=Customer) -> Expression:
    """Archives that take part in segments and queues (not merged away, not anonymised).

    Written so that no index is used for it: nearly every archive is live, and a planner
    without statistics would otherwise walk the merged_into index instead of the
    queue's own date range."""
    return (fn.COALESCE(customer.merged_into, 0) == 0) & customer.anonymised_at.is_null()


def counted_car(vehicle=Vehicle) -> Expression:
    """An active car with a live owner: the cars the vehicle segments count. The car's
    stored ``listing`` (``db.queues.stored_days``) says just that, kept current by ``db.derived``,
    so no owner row is read."""
    return vehicle.listing > NONE


def segment_counts(kind: str, limits: Limits | None = None) -> dict[str, int]:
    """How many active cars (vehicle kinds) or live customers (customer kinds) per segment."""
    limits = limits or Limits.now()
    if kind in VEHICLE_KINDS:
        expr = {"age": age_expr(limits), "use": Vehicle.usage, "class": Vehicle.vehicle_class}[kind]
        query = Vehicle.select(expr.alias("code"), fn.COUNT(Vehicle.id).alias("n")).where(counted_car())
    else:
        expr = {"value": value_expr(limits), "occupation": Customer.occupation_category,
                "region": Customer.district}[kind]
        query = Customer.select(expr.alias("code"), fn.COUNT(Customer.id).alias("n")).where(live_customer())
    return {row["code"]: row["n"] for row in query.group_by(expr).dicts() if row["code"] is not None}


def regions(limit: int = 30) -> list[str]:
    """The districts with most customers, for choosing a campaign."""
    query = (Customer.select(Customer.district).where(Customer.district.is_null(False) & live_customer())
             .group_by(Customer.district).order_by(fn.COUNT(Customer.id).desc()).limit(limit))
    return [row.district for row in query]


# ---- badges -------------------------------------------------------------------------

def make_badge(kind: str, code: str, detail: str = "", district: str = "") -> Badge:
    if kind == "region":
        return Badge(kind, code, t("segment.region", district=district or code),
                     t("segment.region.traits", district=district or code), t("segment.region.hint"))
    base = f"segment.{kind}.{code}"
    traits = t(base + ".traits") if has(base + ".traits") else ""
    hint = t(base + ".hint") if has(base + ".hint") else ""
    return Badge(kind, code, t(base), traits, hint, detail)


def _vehicle_badges(where: Expression, limits: Limits, by_car: bool = False) -> dict[int, list[Badge]]:
    """Age, use and class badges of the active cars matching ``where``, by owner (or by car)."""
    rows = (Vehicle.select(Vehicle.owner, Vehicle.id, age_expr(limits).alias("age"), Vehicle.usage,
                           Vehicle.vehicle_class)
            .where(where & (Vehicle.status == "active"))
            .order_by(Vehicle.owner, Vehicle.purchase_date.desc(nulls="last"), Vehicle.id).dicts())
    found: dict[int, list[Badge]] = {}
    for row in rows:
        for kind, code in (("age", row["age"]), ("use", row["usage"]), ("class", row["vehicle_class"])):
            if code and code in codes(kind):
                found.setdefault(row["id" if by_car else "owner"], []).append(make_badge(kind, code))
    return found


def badges_many(customer_ids: Iterable[int], day: dt.date | None = None) -> dict[int, list[Badge]]:
    """Badges of several customers in three queries (a queue page, an intake brief)."""
    ids = sorted(set(customer_ids))
    result: dict[int, list[Badge]] = {cid: [] for cid in ids}
    if not ids:
        return result
    limits = Limits.now(day)
    per_vehicle = _vehicle_badges(Vehicle.owner.in_(ids), limits)
    facts = _value_facts(limits, ids).alias("facts")
    computed = value_case(fn.COALESCE(facts.c.paid_n, 0), fn.COALESCE(facts.c.spend, 0),
                           facts.c.cid.is_null(False), limits)
    customer_rows = (Customer.select(Customer.id, Customer.occupation, Customer.occupation_category,
                                     Customer.district, Customer.value_class_manual,
                                     Customer.value_class_reason, computed.alias("computed"))
                     .join(facts, JOIN.LEFT_OUTER, on=(facts.c.cid == Customer.id))
                     .where(Customer.id.in_(ids)).dicts())
    for row in customer_rows:
        computed, manual = row["computed"], row["value_class_manual"]
        detail = ""
        if manual:
            detail = t("segment.value.manual", manual=manual, computed=computed,
                       reason=row["value_class_reason"] or "")
        badges = [make_badge("value", manual or computed, detail)]
        occupation = row["occupation_category"] or occupation_category(row["occupation"])
        if occupation:
            badges.append(make_badge("occupation", occupation))
        if row["district"]:
            badges.append(make_badge("region", row["district"]))
        seen: set[tuple[str, str]] = set()
        ordered = []
        for badge in per_vehicle.get(row["id"], []) + badges:
            if (badge.kind, badge.code) not in seen:
                seen.add((badge.kind, badge.code))
                ordered.append(badge)
        result[row["id"]] = sorted(ordered, key=lambda b: KINDS.index(b.kind))
    return result


def badges_by_car(rows: Iterable[tuple[int, int | None]], day: dt.date | None = None
                  ) -> dict[tuple[int, int | None], list[Badge]]:
    """Badges of (customer, car) rows (a queue page): the customer's own, and the car
    badges (age, use, class) of the row's car only, not of the customer's other cars; a
    row without a car keeps all of the customer's."""
    pairs = sorted(set(rows), key=lambda p: (p[0], p[1] or 0))
    people = badges_many([c for c, _ in pairs], day)
    cars = [v for _, v in pairs if v is not None]
    own = _vehicle_badges(Vehicle.id.in_(cars), Limits.now(day), by_car=True) if cars else {}
    found = {}
    for customer, car in pairs:
        mine = people.get(customer, [])
        if car is not None:
            mine = sorted(own.get(car, []) + [b for b in mine if b.kind not in VEHICLE_KINDS],
                          key=lambda b: KINDS.index(b.kind))
        found[(customer, car)] = mine
    return found


def badges(customer_id: int, day: dt.date | None = None) -> list[Badge]:
    """A customer's segments as badges, in the order age, use, value, occupation, region,
    class; the intake brief and the archive card show them with ``hint(...)``."""
    return badges_many([customer_id], day).get(customer_id, [])


def badges_for(customer_id: int, vehicle_id: int | None = None,
               day: dt.date | None = None) -> CustomerSegments:
    """The brief's segments: the customer's badges, the car's own when one is named
    (the car at the desk, whoever owns it), and the leading treatment hint."""
    found = badges_by_car([(customer_id, vehicle_id)], day)[(customer_id, vehicle_id)]
    return CustomerSegments(found, hint(found))


def value_class(customer_id: int, day: dt.date | None = None) -> tuple[str, str | None]:
    """(computed class, hand-set class or None): both stay visible."""
    limits = Limits.now(day)
    row = (Customer.select(computed_value_expr(limits).alias("computed"), Customer.value_class_manual)
           .where(Customer.id == customer_id).dicts().first())
    if row is None:
        raise NotFound(t("db.not_found"))
    return row["computed"], row["value_class_manual"]


# The badge whose hint leads: the car's age says most about what to offer, then its use.
HINT_ORDER = ("age", "use", "value", "class", "occupation", "region")


def hint(found: list[Badge]) -> str:
    """The one treatment hint to show beside a customer (the most telling segment's)."""
    for kind in HINT_ORDER:
        for badge in found:
            if badge.kind == kind and badge.hint:
                return badge.hint
    return ""


def choices() -> list[tuple[str, str, str]]:
    """(spec, kind label, segment label) for every fixed segment: the campaign chooser."""
    rows = []
    for kind in KINDS:
        for code in codes(kind):
            rows.append((f"{kind}:{code}", t(f"segment.kind.{kind}"), segment_label(kind, code)))
    return rows


def region_choices(limit: int = 30) -> list[tuple[str, str, str]]:
    """The districts with most customers as ``choices()`` rows (this one reads the
    database). A district with a comma cannot stand in a spec and is left out."""
    return [(f"region:{d}", t("segment.kind.region"), segment_label("region", d))
            for d in regions(limit) if d.strip() and "," not in d]


__all__ = ["Badge", "CustomerSegments", "Limits", "badges", "badges_for", "badges_many", "hint", "value_class", "set_value_class",
           "occupation_category", "occupation_fields", "recompute_occupation_categories", "segment_counts",
           "spec_condition", "parse_spec", "spec_label", "choices", "region_choices", "regions", "live_customer"]
