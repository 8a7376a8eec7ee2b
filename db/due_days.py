"""What the call queues look up on each car, stored with the car (issue 5).

At a million customers a queue's count must be an index range count and its first page
an index range scan, so what decides whether a car is due is kept on its vehicle row, in
indexed columns, instead of being worked out row by row at every count:

- the days it falls due (``due_first_maintenance``, ``due_maintenance``, ``warranty_due``,
  ``warranty_km_due``): ``db.due.queue_days``, the rules' one place, over the car's own
  columns and the settings named in ``db.due.QUEUE_DAY_SETTINGS``;
- its declined work still to offer (``declined_visit``, ``declined_on``): the latest
  visit with declined work, when no later day's visit came after it;
- which queues may list it (``listing``, see ``listing_sql``): none for a car that is sold,
  scrapped or has no owner, or whose owner is merged away or anonymised; service queues
  only when the owner refused marketing; every queue otherwise.

None of them depends on today. They are derived, never typed: every write path that
changes an input refreshes the cars it touched inside its own transaction —
``refresh_vehicles`` (intake, card edits, import, anonymising) or ``refresh_owners``
(consent, merge, prospect conversion, a do-not-call) — and a changed threshold recomputes
every car's days in the same transaction as the change (``db.settings.set_value`` calls
``refresh_days``). The migration that added the columns fills them with ``refresh_all``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

from peewee import (SQL, Case, Database, DatabaseProxy, DateField, Expression, PostgresqlDatabase,
                    ValuesList, fn)

from db import settings
from db.connection import is_postgres, writing
from db.due import QUEUE_DAY_SETTINGS, queue_days
from db.models import Customer, Setting, Vehicle, Visit

NONE, SERVICE, MARKETING = 0, 1, 2  # ``listing``: which queues may list the car
BATCH = 5000  # cars per read and write when refreshing many
_IN_CHUNK = 500  # ids per IN list

_DAY_INPUTS = ("purchase_date", "registration_date", "first_maintenance_date", "last_maintenance_date",
               "last_maintenance_mileage", "last_mileage", "last_visit_date", "daily_km",
               "warranty_end_date", "warranty_end_km")
DAY_COLUMNS = ("due_first_maintenance", "due_maintenance", "warranty_due", "warranty_km_due")


def listing_sql(vehicle=Vehicle) -> Expression:
    """The ``listing`` a car should have, as SQL over the car and its owner's row.

    Used to refresh the stored value and, on a queue's page, to check each row listed
    once more against its owner as it is now."""
    owner = Customer.alias("listing_owner")
    standing = (owner.select(Case(None, [
        (owner.merged_into.is_null(False) | owner.anonymised_at.is_null(False), NONE),
        (owner.marketing_consent == False, SERVICE),  # noqa: E712
    ], MARKETING)).where(owner.id == vehicle.owner))
    return Case(None, [((vehicle.status != "active") | vehicle.owner.is_null(), NONE)],
                fn.COALESCE(standing, NONE))


def declined_condition(visit) -> Expression:
    # literal '' (not a parameter), so that SQLite sees the partial index's own condition
    return visit.declined_work.is_null(False) & (visit.declined_work != SQL("''"))


def _latest_declined(vehicle=Vehicle):
    visit = Visit.alias("declined_visit")
    return visit.select(fn.MAX(visit.id)).where(
        (visit.vehicle == vehicle.id) & (visit.visit_date >= vehicle.last_visit_date) & declined_condition(visit))


# ---- refreshing ------------------------------------------------------------------------

def refresh_vehicles(ids: Iterable[int | None]) -> None:
    """Recompute everything stored for these cars (call after writing their inputs)."""
    _refresh_each(Vehicle.id, ids)


def refresh_owners(customer_ids: Iterable[int | None]) -> None:
    """Recompute everything stored for these customers' cars (consent, merge …)."""
    _refresh_each(Vehicle.owner, customer_ids)


def _refresh_each(column, ids: Iterable[int | None]) -> None:
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return
    values = _values()
    with writing():
        for start in range(0, len(wanted), _IN_CHUNK):
            # whole numbers written out: peewee would compose a parameter per id
            listed = SQL("(" + ", ".join(map(str, wanted[start:start + _IN_CHUNK])) + ")")
            _refresh(column.in_(listed), values)


def refresh_days(values: Mapping | None = None, batch: int = BATCH) -> int:
    """Every car's days again (a threshold changed), in one transaction; cars changed."""
    values = values or _values()
    changed = 0
    with writing():
        for lo, hi in _id_ranges(batch):
            changed += _refresh_days((Vehicle.id > lo) & (Vehicle.id <= hi), values)
    return changed


def refresh_all(database: Database | None = None, batch: int = BATCH) -> None:
    """Everything stored for every car, in batches of ``batch`` cars. ``database``: a
    migration's own (in its transaction), which need not be the one the program has open
    (``advisor migrate-to`` upgrades its target while the source is open)."""
    if database is None:
        with writing():
            _refresh_all(batch)
        return
    with database.bind_ctx([Vehicle, Customer, Visit, Setting]):
        _refresh_all(batch)


def _refresh_all(batch: int) -> None:
    values = _values()
    declined_cars = Visit.select(Visit.vehicle).where(declined_condition(Visit))
    for lo, hi in _id_ranges(batch):
        where = (Vehicle.id > lo) & (Vehicle.id <= hi)
        Vehicle.update(listing=listing_sql()).where(where).execute()
        # only cars with declined work anywhere can have some to offer
        _refresh_declined(where & Vehicle.id.in_(declined_cars.where(
            (Visit.vehicle > lo) & (Visit.vehicle <= hi))))
        _refresh_days(where, values)


def _values() -> dict:
    return settings.get_many(*QUEUE_DAY_SETTINGS)


def _database() -> Database:
    """The database the models are bound to now (a migration binds its own)."""
    database = Vehicle._meta.database
    return database.obj if isinstance(database, DatabaseProxy) else database


def _id_ranges(batch: int):
    top = Vehicle.select(fn.MAX(Vehicle.id)).scalar() or 0
    for lo in range(0, top, batch):
        yield lo, lo + batch


def _refresh(where: Expression, values: Mapping) -> None:
    Vehicle.update(listing=listing_sql()).where(where).execute()
    _refresh_declined(where)
    _refresh_days(where, values)


def _refresh_declined(where: Expression) -> None:
    Vehicle.update(declined_visit=_latest_declined()).where(where).execute()
    visit = Visit.alias("declined_day")
    day = visit.select(visit.visit_date).where(visit.id == Vehicle.declined_visit)
    Vehicle.update(declined_on=day).where(where).execute()


def _refresh_days(where: Expression, values: Mapping) -> int:
    """The days of the cars matching ``where``, computed by ``db.due.queue_days``;
    only the cars whose days changed are written. Rows are read raw (a million cars:
    peewee's per-value conversion would cost more than the rules)."""
    fields = [getattr(Vehicle, name) for name in ("id", *DAY_COLUMNS, *_DAY_INPUTS)]
    dates = [i for i, f in enumerate(fields) if isinstance(f, DateField)]
    sql, params = Vehicle.select(*fields).where(where).sql()
    changed = []
    width = len(DAY_COLUMNS)
    for raw in _database().execute_sql(sql, params):
        row = list(raw)
        for i in dates:
            if row[i] is not None:
                row[i] = _date(row[i])
        days = queue_days(**dict(zip(_DAY_INPUTS, row[1 + width:])), values=values)
        new = (days.first_maintenance, days.maintenance, days.warranty, days.warranty_by_km)
        if new != tuple(row[1:1 + width]):
            changed.append((row[0], *new))
    _write_days(changed)
    return len(changed)


@lru_cache(maxsize=65536)
def _date(value) -> dt.date:
    """A stored date as a date (SQLite returns ISO text; a station shares few thousand)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _write_days(rows: list[tuple]) -> None:
    """Write (id, day, day, day, day) rows: one statement per batch."""
    if not rows:
        return
    database = _database()
    if not isinstance(database, PostgresqlDatabase):
        sets = ", ".join(f'"{name}" = ?' for name in DAY_COLUMNS)
        database.cursor().executemany(
            f'UPDATE "vehicle" SET {sets} WHERE "id" = ?',
            [(*(d.isoformat() if d else None for d in row[1:]), row[0]) for row in rows])
        return
    for start in range(0, len(rows), BATCH):
        values = ValuesList(rows[start:start + BATCH], columns=("id", *DAY_COLUMNS), alias="new_days")
        (Vehicle.update({getattr(Vehicle, name): getattr(values.c, name).cast("date") for name in DAY_COLUMNS})
         .from_(values).where(Vehicle.id == values.c.id).execute())


# ---- anniversary indexes ----------------------------------------------------------------
# Birthdays and inspections look up dates by their month and day (db.queues). The index's
# expression and the queries' must be the same, so both come from here.

def month_day(column) -> Expression:
    """The month and day of a date column, as the anniversary indexes hold it."""
    if is_postgres():
        return fn.date_part(SQL("'month'"), column) * SQL("100") + fn.date_part(SQL("'day'"), column)
    return fn.SUBSTR(column, SQL("6"))  # SQLite keeps dates as ISO text: 'MM-DD'


def month_day_ddl(column: str, postgres: bool) -> str:
    """``month_day`` as written in CREATE INDEX."""
    if postgres:
        return f"((date_part('month', \"{column}\") * 100) + date_part('day', \"{column}\"))"
    return f'substr("{column}", 6)'
