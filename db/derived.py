"""Derived data, rebuilt in one place when the transaction that changed its sources commits.

Two kinds of stored copies serve speed, never typed: the search keys (``db.search``: the
customers', cars' and prospects' ``*_key`` and ``*_rev`` columns) and what the call
queues look up on each car (``db.queues.stored_days``: its due days, declined work and
listing).
A write path says which rows it wrote, inside ``db.connection.writing()``:

- ``customers(ids)``: their keys, and their cars' stored columns (a car's listing follows
  its owner's consent, merge and erasure);
- ``vehicles(ids)``: their keys and stored columns (a visit counts as a change of its car);
- ``prospects(ids)``: their keys;
- ``everything()``: every row of the three (a bulk load: the demo);
- a changed threshold (``db.settings.observe``, registered below): every car's days.

Just before the transaction commits, ``writing()`` runs ``_Changes.before_commit``: each
kind once, over all the rows noted, read and written a batch at a time, so an import
batch or the demo goes the same way as one intake. Write paths neither compute a key nor
refresh a day: the values always come from the rows as they are at commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from peewee import SQL, Database, DatabaseProxy, SqliteDatabase

from db import settings
from db.connection import before_commit
from db.models import Customer, Prospect, Vehicle
from db.queues import stored_days
from db.queues.car_dates import QUEUE_DAY_SETTINGS
from db.search import customer_keys, prospect_keys, vehicle_keys

BATCH = 4000  # rows per read and per UPDATE when every row is rebuilt
_IN_CHUNK = 500  # ids per IN list

# model: (its source columns, its key columns, the keys from the sources)
_KEYS: dict[type, tuple[tuple[str, ...], tuple[str, ...], Callable[..., dict]]] = {
    Customer: (("name", "mobile", "employer"),
               ("name_key", "pinyin_full", "pinyin_initials", "mobile_rev", "employer_key",
                "pinyin_alt", "pinyin_alt_initials"),
               lambda name, mobile, employer: customer_keys(name, mobile, employer).as_dict()),
    Vehicle: (("vin", "plate"), ("vin_rev", "plate_rev"), vehicle_keys),
    Prospect: (("name", "mobile"), ("name_key", "mobile_rev"), prospect_keys),
}


class _Changes:
    """What the open writing transaction changed, as far as derived data goes."""

    def __init__(self) -> None:
        self.customers: set[int] = set()
        self.vehicles: set[int] = set()
        self.prospects: set[int] = set()
        self.everything = False
        self.days = False  # a threshold changed: every car's days
        self.progress: settings.Progress | None = None

    def before_commit(self) -> None:
        if self.everything:
            for model in _KEYS:
                _rebuild_keys(model, None)
            stored_days.refresh_all()
            return
        if self.days:
            stored_days.refresh_days(progress=self.progress)
        for model, ids in ((Customer, self.customers), (Vehicle, self.vehicles), (Prospect, self.prospects)):
            if ids:
                _rebuild_keys(model, ids)
        stored_days.refresh_vehicles(self.vehicles | _cars_of(self.customers))


def _changes() -> _Changes:
    return before_commit("derived", _Changes)


def _ids(ids: Iterable[int | None]) -> set[int]:
    return {int(i) for i in ids if i is not None}


def customers(ids: Iterable[int | None]) -> None:
    """These customers were written in the open transaction (created, edited, merged,
    their consent or erasure): their keys and their cars' stored columns follow."""
    _changes().customers.update(_ids(ids))


def vehicles(ids: Iterable[int | None]) -> None:
    """These cars were written (created, edited, visited, changed hands, left an owner)."""
    _changes().vehicles.update(_ids(ids))


def prospects(ids: Iterable[int | None]) -> None:
    """These prospects were written (their name or mobile may have changed)."""
    _changes().prospects.update(_ids(ids))


def everything() -> None:
    """Every customer, car and prospect was written (a bulk load): all is rebuilt."""
    _changes().everything = True


def _threshold_changed(key: str, before: Any, after: Any, progress: settings.Progress | None) -> None:
    changes = _changes()
    changes.days = True
    changes.progress = progress or changes.progress


for _key in QUEUE_DAY_SETTINGS:
    settings.observe(_key, _threshold_changed)


# ---- rebuilding ------------------------------------------------------------------------

def _database() -> Database:
    database = Customer._meta.database
    return database.obj if isinstance(database, DatabaseProxy) else database


def _listed(ids: list[int]) -> SQL:
    """Whole numbers written out as an IN list (peewee would compose a parameter each)."""
    return SQL("(" + ", ".join(map(str, ids)) + ")")


def _cars_of(owners: set[int]) -> set[int]:
    wanted = sorted(owners)
    found: set[int] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        found.update(i for (i,) in Vehicle.select(Vehicle.id).where(
            Vehicle.owner.in_(_listed(wanted[start:start + _IN_CHUNK]))).tuples())
    return found


def _rebuild_keys(model: type, ids: set[int] | None) -> None:
    """The search keys of ``ids`` (None: every row) from their source columns; only the
    rows whose keys differ are written."""
    if ids is None:
        top = model.select(model.id).order_by(model.id.desc()).limit(1).scalar() or 0
        parts = [(model.id > lo) & (model.id <= lo + BATCH) for lo in range(0, top, BATCH)]
    else:
        wanted = sorted(ids)
        parts = [model.id.in_(_listed(wanted[start:start + _IN_CHUNK]))
                 for start in range(0, len(wanted), _IN_CHUNK)]
    sources, keys, compute = _KEYS[model]
    fields = [getattr(model, name) for name in ("id", *sources, *keys)]
    width = len(sources)
    database = _database()
    for where in parts:
        sql, params = model.select(*fields).where(where).sql()
        changed = []
        for row in database.execute_sql(sql, params):
            new = compute(*row[1:1 + width])
            values = tuple(new[name] for name in keys)
            if values != tuple(row[1 + width:]):
                changed.append((row[0], *values))
        if changed:
            _write(model, keys, changed, where)


def _write(model: type, names: tuple[str, ...], rows: list[tuple], where) -> None:
    """(id, value per name) rows written: SQLite by id, one statement run for each row,
    which costs it less than joining a list of values; elsewhere one joined UPDATE."""
    database = _database()
    if isinstance(database, SqliteDatabase):
        sets = ", ".join(f'"{name}" = ?' for name in names)
        database.cursor().executemany(f'UPDATE "{model._meta.table_name}" SET {sets} WHERE "id" = ?',
                                      [(*row[1:], row[0]) for row in rows])
        return
    stored_days.update_rows(rows, names, where, model=model)
