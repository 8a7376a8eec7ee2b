"""Loading many rows fast through peewee's database object, on SQLite and PostgreSQL.

Rows are plain tuples in a fixed column order. SQLite gets the DB-API ``executemany``
(one prepared statement, no per-row Python in peewee); other databases get peewee's
multi-row ``insert_many``. Secondary indexes are dropped for the load and rebuilt after:
building an index from sorted data is several times faster than keeping it up to date
row by row once the table outgrows the page cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from peewee import Database, SqliteDatabase

from db.connection import is_postgres
from db.models import BaseModel

_PG_BATCH = 1000  # rows per multi-row INSERT on PostgreSQL


def quoted(database: Database, name: str) -> str:
    """An identifier quoted the database's way (peewee keeps the quote pair in ``quote``)."""
    opening, closing = database.quote[0], database.quote[-1]
    return f"{opening}{name}{closing}"


class Table:
    """One model's bulk insert statement for the given field names."""

    def __init__(self, model: type[BaseModel], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.fields[name] for name in fields]
        self.width = len(fields)

    def sql(self, database: Database) -> str:
        columns = ", ".join(quoted(database, f.column_name) for f in self.fields)
        marks = ", ".join([database.param] * self.width)
        return f"INSERT INTO {quoted(database, self.model._meta.table_name)} ({columns}) VALUES ({marks})"

    def insert(self, database: Database, rows: list[tuple]) -> None:
        if not rows:
            return
        if isinstance(database, SqliteDatabase):
            database.cursor().executemany(self.sql(database), rows)
            return
        for start in range(0, len(rows), _PG_BATCH):
            self.model.insert_many(rows[start:start + _PG_BATCH], fields=self.fields).execute()


def _secondary_indexes(database: Database, models: Sequence[type[BaseModel]]):
    for model in models:
        for index in database.get_indexes(model._meta.table_name):
            # Primary keys and constraint-backed indexes (no CREATE statement) stay.
            if index.sql and not index.name.endswith("_pkey"):
                yield index


@contextlib.contextmanager
def fast_load(database: Database, models: Sequence[type[BaseModel]]) -> Iterator[None]:
    """Drop the models' secondary indexes (and relax SQLite's fsync) for a bulk load.

    Indexes are rebuilt, and ``synchronous`` restored, even when the load fails, so the
    database is never left without them.
    """
    indexes = list(_secondary_indexes(database, models))
    sqlite = isinstance(database, SqliteDatabase)
    if sqlite:
        synchronous, cache = database.pragma("synchronous"), database.pragma("cache_size")
        # A crash mid-load loses the demo, not real work; it is rebuilt from the seed.
        database.pragma("synchronous", 0)
        database.pragma("cache_size", -262_144)  # 256 MB: index builds sort in memory
    for index in indexes:
        database.execute_sql(f"DROP INDEX {quoted(database, index.name)}")
    try:
        yield
    finally:
        for index in indexes:
            database.execute_sql(index.sql)
        if sqlite:
            # Planner statistics from a sample; the WAL folded back so the file is complete.
            database.execute_sql("PRAGMA analysis_limit = 1000")
            database.execute_sql("ANALYZE")
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.pragma("synchronous", synchronous)
            database.pragma("cache_size", cache)
        elif is_postgres(database):
            _reset_sequences(database, models)
            database.execute_sql("ANALYZE")


def _reset_sequences(database: Database, models: Sequence[type[BaseModel]]) -> None:
    """Explicit ids leave PostgreSQL's serial counters behind: move them past the data."""
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {quoted(database, table)}), 0) + 1, false)")
