"""Daily upkeep (日常维护与管理): archives complete, values valid, no one archived twice.

Three lists, each paged so that a station with hundreds of thousands of archives answers
in a moment:

- incomplete archives, least complete first (the score comes from db/completeness.py,
  computed in SQL: one pass over the customer table with the vehicle and visit counts
  grouped by their indexed owner/customer columns);
- stored values that fail today's validators (older or imported data), and stored text
  holding control or invisible characters (``db.safe_text``: written by another client,
  an older version or straight into the file): scanned in id order, a chunk at a time,
  resumable from a cursor;
- suspected duplicates, found with GROUP BY over indexed keys: the same mobile under
  different names, the same person twice (same ID number, or same name and mobile), and
  the same VIN in different spellings (I/O/Q read as 1/0/0, separators dropped) or
  near-identical VINs (same maker code and same last eight characters).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from peewee import JOIN, SQL, Case, fn

from db import completeness as comp
from db import validate as v
from db.errors import Invalid
from db.i18n import t
from db.models import Customer, Vehicle, Visit
from db.safe_text import hidden_in
from db.segments import live_customer

# Not merged away, not anonymised. For passes over the whole table: the planner walks the
# merged_into index's NULL entries, which lie in row order (about a table scan, and
# GROUP BY then sorts instead of reading the rows in a key index's random order). A
# lookup by another index uses ``live_customer()`` instead, which no index answers:
# with this form SQLite walked every archive to find a page of duplicates by mobile.
LIVE = Customer.merged_into.is_null() & Customer.anonymised_at.is_null()
DUPLICATE_KINDS = ("mobile_names", "same_id", "same_name_mobile", "vin_spelling", "vin_near")


# ---------------------------------------------------------------- incomplete archives


@dataclass(frozen=True)
class ArchiveScore:
    customer_id: int
    name: str
    mobile: str | None
    filled: int
    expected: int

    @property
    def score(self) -> float:
        return round(100.0 * self.filled / self.expected, 1) if self.expected else 100.0


def _score_query():
    cutoff = comp.first_maintenance_cutoff()
    plain = [f for f in comp.VEHICLE_FIELDS if f.name != comp.CONDITIONAL]
    due = Vehicle.purchase_date.is_null(False) & (Vehicle.purchase_date <= cutoff)
    vehicle_filled = sum((comp.filled_sql(Vehicle, f.name) for f in plain[1:]),
                         comp.filled_sql(Vehicle, plain[0].name))
    cars = (Vehicle.select(Vehicle.owner.alias("owner_id"),
                           fn.COUNT(Vehicle.id).alias("n"),
                           fn.SUM(vehicle_filled + Case(None, [(due & Vehicle.first_maintenance_date.is_null(False), 1)], 0)).alias("filled"),
                           fn.SUM(Case(None, [(due, 1)], 0)).alias("due"))
            .where(Vehicle.owner.is_null(False)).group_by(Vehicle.owner).alias("cars"))
    visit_filled = comp.filled_sql(Visit, comp.VISIT_FIELDS[0].name)
    visits = (Visit.select(Visit.customer.alias("customer_id"), fn.COUNT(Visit.id).alias("n"),
                           fn.SUM(visit_filled).alias("filled"))
              .where(Visit.customer.is_null(False)).group_by(Visit.customer).alias("visits"))
    filled = (comp.customer_filled_sql() + fn.COALESCE(cars.c.filled, 0)
              + fn.COALESCE(visits.c.filled, 0))
    expected = (len(comp.CUSTOMER_FIELDS) + fn.COALESCE(cars.c.n, 0) * len(plain)
                + fn.COALESCE(cars.c.due, 0) + fn.COALESCE(visits.c.n, 0) * len(comp.VISIT_FIELDS))
    return (Customer.select(Customer.id, Customer.name, Customer.mobile, filled.alias("filled"),
                            expected.alias("expected"))
            .join(cars, JOIN.LEFT_OUTER, on=(cars.c.owner_id == Customer.id))
            .join(visits, JOIN.LEFT_OUTER, on=(visits.c.customer_id == Customer.id))
            .where(LIVE)), filled, expected


def incomplete(offset: int = 0, limit: int = 50) -> tuple[list[ArchiveScore], int]:
    """A page of archives missing standard fields, least complete first; and how many there are."""
    query, filled, expected = _score_query()
    query = query.where(filled < expected)
    total = query.count()
    # filled/expected as a float, so 3/20 sorts before 3/10
    ratio = filled * 1.0 / expected
    rows = query.order_by(ratio, Customer.id).offset(offset).limit(limit).tuples()
    return [ArchiveScore(*row) for row in rows], total


# ---------------------------------------------------------------- values failing validation


@dataclass(frozen=True)
class BadValue:
    table: str  # customer | vehicle
    row_id: int
    customer_id: int | None
    who: str  # the customer's name, or the VIN for an ownerless car
    field: str
    value: str
    reason: str


_CHECKS = {
    "customer": (Customer, ("mobile", "id_number"), {"mobile": v.mobile, "id_number": v.identifier}),
    # (an imported car's VIN that fails its check was confirmed or listed when it came in)
    "vehicle": (Vehicle, ("vin", "plate"), {"vin": v.vin_as_found, "plate": v.plate}),
}
# Free text checked for hidden characters only (the fields above are checked by their
# validators, which refuse such characters too).
_TEXT_FIELDS = {
    "customer": ("name", "occupation", "home_address", "district", "hobbies", "education", "income",
                 "employer", "employer_address", "interests", "value_class_reason"),
    "vehicle": ("brand", "model", "engine_no", "transmission_no", "color"),
}
CHECKED_FIELDS = tuple(name for _, names, _ in _CHECKS.values() for name in names)


def _hidden_reason(value: str) -> str | None:
    found = hidden_in(value)
    return t("quality.hidden", chars=" ".join(found)) if found else None


def _bad_in_chunk(table: str, after_id: int, chunk: int) -> tuple[list[BadValue], int | None]:
    model, checked, checks = _CHECKS[table]
    names = checked + tuple(n for n in _TEXT_FIELDS[table] if n not in checked)
    columns = [model.id, *(getattr(model, n) for n in names)]
    if model is Vehicle:
        columns += [Vehicle.owner, Customer.name]
        query = model.select(*columns).join(Customer, JOIN.LEFT_OUTER, on=(Vehicle.owner == Customer.id))
    else:
        query = model.select(*columns, Customer.name).where(LIVE)
    rows = list(query.where(model.id > after_id).order_by(model.id).limit(chunk).tuples())
    found: list[BadValue] = []
    for row in rows:
        values = dict(zip(names, row[1:1 + len(names)]))
        for name in names:
            value = values[name]
            if value in (None, ""):
                continue
            check = checks.get(name)
            if check is None:
                reason = _hidden_reason(value)
                if reason is None:
                    continue
            else:
                try:
                    if check(value) == value:
                        continue
                    reason = t("quality.normalised", value=check(value))  # stored in another spelling
                except Invalid as exc:
                    reason = str(exc)
            if model is Vehicle:
                owner, who = row[-2], row[-1] or values["vin"]
            else:
                owner, who = row[0], row[-1]
            found.append(BadValue(table, row[0], owner, who, name, value, reason))
    return found, (rows[-1][0] if len(rows) == chunk else None)


@dataclass
class BadPage:
    rows: list[BadValue]
    cursor: tuple[str, int] | None  # where the next page starts; None: the end


def bad_values(cursor: tuple[str, int] | None = None, limit: int = 50, chunk: int = 2000) -> BadPage:
    """The next ``limit`` stored values that fail validation, from ``cursor`` on."""
    table, after = cursor or ("customer", 0)
    found: list[BadValue] = []
    order = list(_CHECKS)
    while True:
        rows, next_after = _bad_in_chunk(table, after, chunk)
        found.extend(rows)
        if next_after is None:
            index = order.index(table) + 1
            if index == len(order):
                return BadPage(found, None)
            table, after = order[index], 0
        else:
            after = next_after
        if len(found) >= limit:
            return BadPage(found, (table, after))


def all_bad_values() -> Iterator[BadValue]:
    cursor: tuple[str, int] | None = None
    while True:
        page = bad_values(cursor, limit=500)
        yield from page.rows
        if page.cursor is None:
            return
        cursor = page.cursor


# ---------------------------------------------------------------- suspected duplicates


@dataclass(frozen=True)
class Member:
    customer_id: int | None
    name: str
    mobile: str | None
    id_number: str | None
    vehicle_id: int | None = None
    vin: str | None = None


@dataclass
class DuplicateGroup:
    kind: str  # one of DUPLICATE_KINDS
    key: str  # the shared value
    members: list[Member] = field(default_factory=list)


def _vin_spelling():
    """The VIN as it would read with separators dropped and I/O/Q taken as 1/0/0."""
    expression = fn.UPPER(Vehicle.vin)
    for old, new in ((" ", ""), ("-", ""), ("O", "0"), ("Q", "0"), ("I", "1")):
        expression = fn.REPLACE(expression, old, new)
    return expression


def _vin_near():
    """Maker code (positions 1–3) and serial part (10–17) of the VIN's spelling."""
    spelling = _vin_spelling()
    return fn.SUBSTR(spelling, 1, 3).concat(fn.SUBSTR(spelling, 10, 8))


def _group_keys(kind: str):
    """(key expression, model, extra condition) for each kind: GROUP BY key HAVING COUNT > 1."""
    if kind == "mobile_names":
        return (Customer.select(Customer.mobile.alias("k")).where(LIVE & Customer.mobile.is_null(False))
                .group_by(Customer.mobile).having(fn.COUNT(fn.DISTINCT(Customer.name_key)) > 1))
    if kind == "same_id":
        return (Customer.select(Customer.id_number.alias("k")).where(LIVE & Customer.id_number.is_null(False))
                .group_by(Customer.id_number).having(fn.COUNT(Customer.id) > 1))
    if kind == "same_name_mobile":
        key = Customer.mobile.concat("|").concat(Customer.name_key)
        return (Customer.select(key.alias("k")).where(LIVE & Customer.mobile.is_null(False))
                .group_by(Customer.mobile, Customer.name_key).having(fn.COUNT(Customer.id) > 1))
    if kind == "vin_spelling":
        key = _vin_spelling()
        return Vehicle.select(key.alias("k")).group_by(key).having(fn.COUNT(Vehicle.id) > 1)
    if kind == "vin_near":
        key = _vin_near()
        return (Vehicle.select(key.alias("k")).group_by(key)
                .having(fn.COUNT(fn.DISTINCT(_vin_spelling())) > 1))
    raise ValueError(kind)


def _members(kind: str, keys: list[str]) -> dict[str, list[Member]]:
    found: dict[str, list[Member]] = {k: [] for k in keys}
    if not keys:
        return found
    if kind in ("mobile_names", "same_id", "same_name_mobile"):
        if kind == "mobile_names":
            key_of, where = (lambda c: c.mobile), Customer.mobile.in_(keys)
        elif kind == "same_id":
            key_of, where = (lambda c: c.id_number), Customer.id_number.in_(keys)
        else:
            key_of = lambda c: f"{c.mobile}|{c.name_key}"  # noqa: E731
            where = Customer.mobile.in_([k.split("|", 1)[0] for k in keys])
        people = [c for c in Customer.select().where(live_customer() & where).order_by(Customer.id)
                  if key_of(c) in found]
        cars = _latest_cars([c.id for c in people])  # the VIN column shows each one's car
        for c in people:
            vehicle_id, vin = cars.get(c.id, (None, None))
            found[key_of(c)].append(Member(c.id, c.name, c.mobile, c.id_number, vehicle_id, vin))
        return found
    key = _vin_spelling() if kind == "vin_spelling" else _vin_near()
    query = (Vehicle.select(key.alias("k"), Vehicle.id, Vehicle.vin, Customer.id, Customer.name,
                            Customer.mobile, Customer.id_number)
             .join(Customer, JOIN.LEFT_OUTER, on=(Vehicle.owner == Customer.id))
             .where(key.in_(keys)).order_by(Vehicle.id).tuples())
    for k, vehicle_id, vin, customer_id, name, mobile, id_number in query:
        found[k].append(Member(customer_id, name or "", mobile, id_number, vehicle_id, vin))
    return found


def _latest_cars(customer_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each customer's most recently added car as (vehicle id, VIN)."""
    found: dict[int, tuple[int, str]] = {}
    if customer_ids:
        for owner, vehicle_id, vin in (Vehicle.select(Vehicle.owner, Vehicle.id, Vehicle.vin)
                                       .where(Vehicle.owner.in_(customer_ids))
                                       .order_by(Vehicle.id).tuples()):
            found[owner] = (vehicle_id, vin)
    return found


def duplicates(kind: str, offset: int = 0, limit: int = 20) -> tuple[list[DuplicateGroup], int]:
    """A page of suspected-duplicate groups of one kind, and how many groups there are."""
    groups = _group_keys(kind)
    total = groups.count()
    keys = [row[0] for row in groups.order_by(SQL("k")).offset(offset).limit(limit).tuples()]
    members = _members(kind, keys)
    return [DuplicateGroup(kind, k, members[k]) for k in keys], total


# ---------------------------------------------------------------- the report (CLI, screen header)


def live_archives() -> int:
    """How many archives are live: all of them less the few merged away or anonymised,
    counted on their own small indexes (no pass over the customer table)."""
    gone = (Customer.select(Customer.id).where(Customer.merged_into.is_null(False))
            | Customer.select(Customer.id).where(Customer.anonymised_at.is_null(False)))
    return Customer.select().count() - gone.count()


@dataclass
class Report:
    station_score: float
    archives: int
    incomplete: int
    bad_values: int
    duplicates: dict[str, int]
    worst: list[ArchiveScore]
    bad: list[BadValue]
    groups: dict[str, list[DuplicateGroup]]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["worst"] = [{**asdict(a), "score": a.score} for a in self.worst]
        return data


def report(limit: int = 20, count_bad: bool = True) -> Report:
    """Everything for ``advisor quality``: counts, and the first ``limit`` of each list."""
    station = comp.station()
    worst, incomplete_total = incomplete(0, limit)
    bad = list(all_bad_values()) if count_bad else bad_values(limit=limit).rows
    groups: dict[str, list[DuplicateGroup]] = {}
    totals: dict[str, int] = {}
    for kind in DUPLICATE_KINDS:
        groups[kind], totals[kind] = duplicates(kind, 0, limit)
    archives = live_archives()
    return Report(station.score, archives, incomplete_total, len(bad), totals, worst, bad[:limit], groups)
