"""The standard archive's fields (domain.md: the four groups) and how complete an archive is.

This is the ONE list of the standard fields: the intake, the archive card and the daily
upkeep all score and name missing fields from here. The repair group's fields are filled
by the work order itself (number, date and fees are required there); the only one an
advisor can leave empty is the work done, so that is what the repair group counts. The
visit interval is derived from visits and never typed, so it is not counted.

The first-maintenance date counts only once the car is old enough to have had it
(``first_maintenance.months`` after purchase): a new car is not incomplete for lacking it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from peewee import JOIN, SQL, Case, fn

from db import settings
from db.clock import today
from db.i18n import t
from db.models import Customer, Vehicle, Visit
from db.segments import live_customer

GROUPS = ("customer", "vehicle", "repair", "observation")


@dataclass(frozen=True)
class StandardField:
    group: str  # one of GROUPS
    table: str  # customer | vehicle | visit
    name: str  # the model's field

    @property
    def label(self) -> str:
        return t(f"completeness.field.{self.name}")


def _fields(group: str, table: str, *names: str) -> tuple[StandardField, ...]:
    return tuple(StandardField(group, table, n) for n in names)


FIELDS: tuple[StandardField, ...] = (
    *_fields("customer", "customer", "name", "mobile", "id_number", "occupation", "home_address",
             "hobbies"),
    *_fields("vehicle", "vehicle", "vin", "model", "plate", "engine_no", "transmission_no", "color",
             "purchase_date", "first_maintenance_date"),
    *_fields("repair", "visit", "work_done"),
    *_fields("observation", "customer", "education", "income", "employer", "employer_address",
             "interests", "payment_method"),
)
CUSTOMER_FIELDS = tuple(f for f in FIELDS if f.table == "customer")
VEHICLE_FIELDS = tuple(f for f in FIELDS if f.table == "vehicle")
VISIT_FIELDS = tuple(f for f in FIELDS if f.table == "visit")
CONDITIONAL = "first_maintenance_date"


def first_maintenance_cutoff(day: dt.date | None = None) -> dt.date:
    """Cars bought on or before this day should have a first-maintenance date."""
    return (day or today()) - relativedelta(months=int(settings.get("first_maintenance.months")))


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


@dataclass
class Completeness:
    filled: int = 0
    expected: int = 0
    archives: int = 0  # live archives counted (``grouped``)
    missing: list[tuple[StandardField, int | None]] = field(default_factory=list)  # (field, row id)

    @property
    def score(self) -> float:
        """0–100; an archive with nothing expected (impossible: a name is) counts as complete."""
        return 100.0 if not self.expected else round(100.0 * self.filled / self.expected, 1)

    def count(self, f: StandardField, value: object, row_id: int | None = None) -> None:
        self.expected += 1
        if _filled(value):
            self.filled += 1
        else:
            self.missing.append((f, row_id))

    def by_group(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {g: [] for g in GROUPS}
        for f, _ in self.missing:
            if f.label not in groups[f.group]:
                groups[f.group].append(f.label)
        return groups


def vehicle_fields_for(vehicle: Vehicle, cutoff: dt.date) -> tuple[StandardField, ...]:
    due = vehicle.purchase_date is not None and vehicle.purchase_date <= cutoff
    return tuple(f for f in VEHICLE_FIELDS if f.name != CONDITIONAL or due)


def for_customer(customer_id: int) -> Completeness:
    """One archive: the customer's fields, each current vehicle's, each visit's work done."""
    customer = Customer.get_by_id(customer_id)
    result = Completeness()
    for f in CUSTOMER_FIELDS:
        result.count(f, getattr(customer, f.name))
    cutoff = first_maintenance_cutoff()
    for vehicle in Vehicle.select().where(Vehicle.owner == customer_id):
        for f in vehicle_fields_for(vehicle, cutoff):
            result.count(f, getattr(vehicle, f.name), vehicle.id)
    for visit in Visit.select(Visit.id, Visit.work_done).where(Visit.customer == customer_id):
        for f in VISIT_FIELDS:
            result.count(f, getattr(visit, f.name), visit.id)
    return result


# ---------------------------------------------------------------- SQL forms (station, lists)


def filled_sql(model: type, name: str):
    """1 when the column holds a value (not NULL, not blank), else 0: for SUM() and ORDER BY."""
    column = getattr(model, name)
    if column.field_type in ("VARCHAR", "TEXT"):
        return Case(None, [((column.is_null(False) & (fn.TRIM(column) != "")), 1)], 0)
    return Case(None, [(column.is_null(False), 1)], 0)


def customer_filled_sql():
    """Filled customer-table standard fields of a customer row, as one SQL expression."""
    expression = None
    for f in CUSTOMER_FIELDS:
        part = filled_sql(Customer, f.name)
        expression = part if expression is None else expression + part
    return expression


def missing_work_sql(visit=Visit):
    """A visit whose work done is not written: the condition of the partial index
    ``visit_work_missing`` (migration 0006), spelled with a literal '' so that SQLite
    sees the index's own condition."""
    return visit.work_done.is_null() | (fn.TRIM(visit.work_done) == SQL("''"))


def station(where=None) -> Completeness:
    """The whole station: every live archive's fields summed, in three aggregate queries.
    ``where`` narrows it to some customers."""
    return grouped(where=where).get(None, Completeness())


def grouped(group=None, where=None) -> dict[object, Completeness]:
    """``station`` split by a customer column (the report: ``Customer.created_by``, the
    advisor who made each archive), still three aggregate queries in all.

    The customer table is read once: each live customer's fields, and its visits counted
    on the (customer, visit_date) index, never reading a visit row; the visits without
    work done come from their small partial index (migration 0006). The cars are read
    once, each joined to its owner by primary key. Liveness is tested on the row
    (``live_customer``), so no planner walks an index of merged or anonymised ones.
    """
    results: dict[object, Completeness] = {}
    live = live_customer()
    if where is not None:
        live = live & where
    key = [group] if group is not None else []

    def rows(query):
        query = query.where(live)
        for row in (query.group_by(group) if group is not None else query).tuples():
            yield results.setdefault(row[0] if key else None, Completeness()), row[len(key):]

    every = Visit.alias("every_visit")
    visits = every.select(fn.COUNT(every.id)).where(every.customer == Customer.id)
    for result, row in rows(Customer.select(*key, fn.COUNT(Customer.id), fn.SUM(customer_filled_sql()),
                                            fn.SUM(visits))):
        archives, filled, visit_count = (int(x or 0) for x in row)
        result.archives += archives
        result.expected += archives * len(CUSTOMER_FIELDS) + visit_count * len(VISIT_FIELDS)
        result.filled += filled + visit_count * len(VISIT_FIELDS)
    # then the few visits without work done, from the partial index (CROSS JOIN keeps SQLite
    # reading that index first whatever its statistics say), taken off
    query = (Visit.select(*key, fn.COUNT(Visit.id)).join(Customer, JOIN.CROSS)
             .where((Customer.id == Visit.customer) & missing_work_sql()))
    for result, row in rows(query):
        result.filled -= int(row[0] or 0) * len(VISIT_FIELDS)

    cutoff = first_maintenance_cutoff()
    plain = [f for f in VEHICLE_FIELDS if f.name != CONDITIONAL]
    due = Vehicle.purchase_date.is_null(False) & (Vehicle.purchase_date <= cutoff)
    filled = sum((filled_sql(Vehicle, f.name) for f in plain[1:]), filled_sql(Vehicle, plain[0].name))
    filled += Case(None, [(due & Vehicle.first_maintenance_date.is_null(False), 1)], 0)
    query = (Vehicle.select(*key, fn.COUNT(Vehicle.id), fn.SUM(filled), fn.SUM(Case(None, [(due, 1)], 0)))
             .join(Customer, on=(Vehicle.owner == Customer.id)))
    for result, row in rows(query):
        cars, filled_count, due_count = (int(x or 0) for x in row)
        result.expected += cars * len(plain) + due_count
        result.filled += filled_count
    return results
