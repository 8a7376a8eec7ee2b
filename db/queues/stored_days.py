"""What the call queues look up on each car, stored with the car.

At a million customers a queue's count must be an index range count and its first page
an index range scan, so what decides whether a car is due is kept on its vehicle row, in
indexed columns, instead of being worked out row by row at every count:

- the days it falls due (``due_first_maintenance``, ``due_maintenance``, ``warranty_due``,
  ``warranty_km_due``): ``db.queues.car_dates.queue_days``, the rules' one place, over the car's own
  columns and the settings named in ``db.queues.car_dates.QUEUE_DAY_SETTINGS``;
- its declined work still to offer (``declined_visit``, ``declined_on``): the latest
  visit with declined work, when no later day's visit came after it;
- which queues may list it (``listing``, see ``listing_sql``): none for a car that is sold,
  scrapped or has no owner, or whose owner is merged away or anonymised; service queues
  only when the owner refused marketing; every queue otherwise.

None of them depends on today. They are derived, never typed: ``db.derived`` recomputes
them, through ``refresh_vehicles`` and ``refresh_days``, when a transaction that wrote a
car or its owner commits, or changed a threshold they depend on (every car's days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from peewee import SQL, Case, Database, DatabaseProxy, DateField, Expression, IntegerField, PostgresqlDatabase, Table, fn

from db import settings
from db.connection import is_postgres, writing
from db.models import Customer, Vehicle, Visit
from db.queues.car_dates import QUEUE_DAY_SETTINGS, declined_to_offer, queue_days

NONE, SERVICE, MARKETING = 0, 1, 2  # ``listing``: which queues may list the car
BATCH = 5000  # cars per read and write when refreshing many
_IN_CHUNK = 500  # ids per IN list
Progress = Callable[[int, int], None]  # (cars done, cars in all)

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


# ---- refreshing ------------------------------------------------------------------------

def refresh_vehicles(ids: Iterable[int | None]) -> None:
    """Recompute everything stored for these cars (``db.derived`` calls it at commit)."""
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


def refresh_days(values: Mapping | None = None, batch: int = BATCH, progress: Progress | None = None) -> int:
    """Every car's days again (a threshold changed), in one transaction; cars changed.

    ``progress(done, total)`` after each batch, cars read of every car (a million take
    about half a minute); it runs inside the transaction, and raising in it undoes all."""
    values = values or _values()
    changed = 0
    with writing():
        total = Vehicle.select().count() if progress else 0
        done = 0
        if progress:
            progress(0, total)
        for lo, hi in _id_ranges(batch):
            read, written = _refresh_days((Vehicle.id > lo) & (Vehicle.id <= hi), values)
            changed += written
            if progress:
                done += read
                progress(done, total)
    return changed


def refresh_all(batch: int = BATCH) -> None:
    """Everything stored for every car, in batches of ``batch`` cars, in one transaction."""
    with writing():
        _refresh_all(batch)


def _refresh_all(batch: int) -> None:
    values = _values()
    # Every visit with declined work, read once in the cars' order beside the batches
    # (a million cars: one read, with or without an index on the visits).
    declined = _declined_query(None).order_by(Visit.vehicle).tuples().iterator()
    pending = next(declined, None)
    for lo, hi in _id_ranges(batch):
        visits: dict[int, list[tuple[int, dt.date]]] = {}
        while pending is not None and pending[0] <= hi:
            visits.setdefault(pending[0], []).append((pending[1], _date(pending[2])))
            pending = next(declined, None)
        _refresh((Vehicle.id > lo) & (Vehicle.id <= hi), values, visits)


def _values() -> dict:
    return settings.get_many(*QUEUE_DAY_SETTINGS)


def _database() -> Database:
    """The database the models are bound to now."""
    database = Vehicle._meta.database
    return database.obj if isinstance(database, DatabaseProxy) else database


def _id_ranges(batch: int):
    top = Vehicle.select(fn.MAX(Vehicle.id)).scalar() or 0
    for lo in range(0, top, batch):
        yield lo, lo + batch


def _refresh(where: Expression, values: Mapping,
             visits: Mapping[int, list[tuple[int, dt.date]]] | None = None) -> None:
    """Everything stored for the cars matching ``where``, written in one UPDATE: the
    days and the declined work from Python, the listing from SQL (PostgreSQL writes a
    new version of the row, and of every index entry, for each UPDATE of it).
    ``visits``: the cars' visits with declined work, when the caller has read them."""
    rows = _days(where, values)
    if not rows:
        return
    declined = _declined_work({i: last for i, _, _, last in rows}, visits)
    values_rows = [(i, *days, *declined.get(i, (None, None))) for i, days, _, _ in rows]
    update_rows(values_rows, (*DAY_COLUMNS, "declined_visit", "declined_on"), where,
                {Vehicle.listing: listing_sql()})


def update_rows(rows: list[tuple], names: tuple[str, ...], where: Expression | None = None,
                also: dict | None = None, model: type = Vehicle) -> None:
    """One UPDATE of ``model``'s rows in ``rows`` (id, then a value per name in ``names``),
    and ``also`` (column: SQL) beside. The rows are written out here as a WITH … VALUES
    list: peewee composes thousands of values slowly. ``where``: the rows' own condition
    again (the join alone would make PostgreSQL read every row of the table each time)."""
    database = _database()
    postgres = isinstance(database, PostgresqlDatabase)
    new = Table("new_values", ("id", *names))
    changes = {getattr(model, name): _typed(getattr(new, name), getattr(model, name), postgres)
               for name in names}
    changes.update(also or {})
    match = model.id == new.id
    sql, params = model.update(changes).from_(new).where(match if where is None else (match & where)).sql()
    row = "(" + ", ".join([database.param] * (1 + len(names))) + ")"
    columns = ", ".join(f'"{name}"' for name in ("id", *names))
    head = f'WITH "new_values" ({columns}) AS (VALUES {", ".join([row] * len(rows))}) '
    flat = [value for values in rows for value in _params(values, postgres)]
    database.execute_sql(head + sql, [*flat, *params])


def _typed(column, field, postgres: bool):
    """PostgreSQL takes a VALUES list's parameters as text: dates and numbers are cast."""
    if not postgres:
        return column
    if isinstance(field, DateField):
        return column.cast("date")
    if isinstance(field, IntegerField):
        return column.cast("integer")
    return column


def _refresh_days(where: Expression, values: Mapping) -> tuple[int, int]:
    """Only the days of the cars matching ``where``; only changed ones are written.
    (cars read, cars changed)."""
    rows = _days(where, values)
    changed = [(i, *days) for i, days, old, _ in rows if days != old]
    _write_days(changed)
    return len(rows), len(changed)


def _days(where: Expression, values: Mapping) -> list[tuple[int, tuple, tuple, dt.date | None]]:
    """(id, days, stored days, last visit) of the cars matching ``where``, the days
    computed by ``db.queues.car_dates.queue_days``. Rows are read raw: for a million cars peewee's
    conversion of every value would cost more than the rules."""
    fields = [getattr(Vehicle, name) for name in ("id", *DAY_COLUMNS, *_DAY_INPUTS)]
    dates = [i for i, f in enumerate(fields) if isinstance(f, DateField)]
    sql, params = Vehicle.select(*fields).where(where).sql()
    found = []
    width = len(DAY_COLUMNS)
    for raw in _database().execute_sql(sql, params):
        row = list(raw)
        for i in dates:
            if row[i] is not None:
                row[i] = _date(row[i])
        inputs = dict(zip(_DAY_INPUTS, row[1 + width:]))
        days = queue_days(**inputs, values=values)
        found.append((row[0], (days.first_maintenance, days.maintenance, days.warranty, days.warranty_by_km),
                      tuple(row[1:1 + width]), inputs["last_visit_date"]))
    return found


def _declined_work(last_visits: Mapping[int, dt.date | None],
                   visits: Mapping[int, list[tuple[int, dt.date]]] | None = None) -> dict[int, tuple[int, dt.date]]:
    """Each car's declined work still to offer (``db.queues.car_dates.declined_to_offer``) as (visit id,
    its day). ``visits`` by car, else read from the index of such visits by car."""
    cars = [i for i, last in last_visits.items() if last is not None]
    if visits is None:
        visits = {}
        if cars:
            listed = SQL("(" + ", ".join(map(str, cars)) + ")")
            for car, visit, day in _declined_query(Visit.vehicle.in_(listed)).tuples():
                visits.setdefault(car, []).append((visit, _date(day)))
    found: dict[int, tuple[int, dt.date]] = {}
    for car in cars:
        offer = declined_to_offer(visits.get(car, ()), last_visits[car])
        if offer is not None:
            found[car] = offer
    return found


def _declined_query(where: Expression | None):
    """Visits with declined work (the partial index ``visit_declined`` holds them by car)."""
    condition = Visit.declined_work.is_null(False) & (Visit.declined_work != SQL("''"))
    return Visit.select(Visit.vehicle, Visit.id, Visit.visit_date).where(
        condition if where is None else (where & condition))


def _params(values: tuple, postgres: bool) -> tuple:
    """Values as the driver takes them: SQLite's dates as ISO text."""
    if postgres:
        return values
    return tuple(v.isoformat() if isinstance(v, dt.date) else v for v in values)


@lru_cache(maxsize=65536)
def _date(value) -> dt.date:
    """A stored date as a date (SQLite returns ISO text; a station shares few thousand)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _write_days(rows: list[tuple]) -> None:
    """Write (id, day, day, day, day) rows."""
    database = _database()
    if rows and not isinstance(database, PostgresqlDatabase):
        sets = ", ".join(f'"{name}" = ?' for name in DAY_COLUMNS)
        database.cursor().executemany(f'UPDATE "vehicle" SET {sets} WHERE "id" = ?',
                                      [(*_params(row[1:], False), row[0]) for row in rows])
        return
    for start in range(0, len(rows), BATCH):
        update_rows(rows[start:start + BATCH], DAY_COLUMNS)


# ---- anniversary indexes ----------------------------------------------------------------
# Birthdays and inspections look up dates by their month and day (db.queues.lists). The index's
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
