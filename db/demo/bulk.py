"""Loading many rows fast through peewee's database object, on SQLite and PostgreSQL.

Rows are plain tuples in a fixed column order, numbered from 1 within their chunk; the
loader shifts ids into place in SQL (``Table`` offsets). Two ways to carry a chunk:

- ``RowsCarrier`` (any database): the rows themselves, inserted with multi-row
  ``INSERT … VALUES (…), (…)`` (SQLite: one prepared ``executemany``);
- ``FileCarrier`` (SQLite): the worker that made the chunk writes it to a scratch SQLite
  file, and the loader copies each table with one ``INSERT … SELECT`` from it, attached.
  Rows then never cross between processes as Python objects, and the loading process,
  the one that cannot be parallel, does no work per row in Python.

Secondary indexes are dropped for the load and rebuilt after: building an index from the
finished table is several times faster than keeping it up to date row by row.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from peewee import Database, SqliteDatabase

from db.connection import is_postgres, writing
from db.models import BaseModel

_BATCH = 1000  # rows per multi-row INSERT outside SQLite


def quoted(database: Database | None, name: str) -> str:
    """An identifier quoted the database's way (peewee keeps the quote pair in ``quote``)."""
    quote = database.quote if database is not None else '""'
    return f"{quote[0]}{name}{quote[-1]}"


class Table:
    """One model's bulk load for the given field names, in that order.

    ``offsets`` names, per field, a counter whose current value the database adds to the
    value given (``? + 1200``): rows made with local ids are shifted into place by SQL,
    at no Python cost per row. NULL stays NULL. ``renumber`` names fields whose values
    are replaced, at load and in load order, each by a function of it (the work-order
    and settlement numbers): the loader's functions, in the same order.
    """

    def __init__(self, model: type[BaseModel], fields: Sequence[str], attr: str,
                 offsets: Mapping[str, str] | None = None, renumber: Sequence[str] = ()) -> None:
        self.model = model
        self.attr = attr  # where a chunk's rows for this table are
        self.name = model._meta.table_name
        self.fields = [model._meta.fields[name] for name in fields]
        self.counters = [(offsets or {}).get(name) for name in fields]
        self.renumber = [list(fields).index(name) for name in renumber]

    def _columns(self, database: Database | None) -> str:
        return ", ".join(quoted(database, f.column_name) for f in self.fields)

    def _shifted(self, database: Database, expressions: list[str], shift: Mapping[str, int]) -> str:
        out = []
        for expression, counter in zip(expressions, self.counters):
            amount = int(shift.get(counter, 0)) if counter else 0
            out.append(f"{expression} + {amount}" if amount else expression)
        return ", ".join(out)

    def insert(self, database: Database, rows: list[tuple], shift: Mapping[str, int],
               renumber: Sequence[Callable]) -> None:
        """Insert rows given as tuples."""
        if not rows:
            return
        for i, function in zip(self.renumber, renumber):
            rows = [row[:i] + (function(row[i]),) + row[i + 1:] for row in rows]
        values = "(" + self._shifted(database, [database.param] * len(self.fields), shift) + ")"
        head = f"INSERT INTO {quoted(database, self.name)} ({self._columns(database)}) VALUES "
        if isinstance(database, SqliteDatabase):
            database.cursor().executemany(head + values, rows)
            return
        # Elsewhere one statement per batch of rows: a round trip per row would dominate.
        for start in range(0, len(rows), _BATCH):
            batch = rows[start:start + _BATCH]
            database.execute_sql(head + ", ".join([values] * len(batch)),
                                 [value for row in batch for value in row])

    def copy(self, database: Database, schema: str, shift: Mapping[str, int], function: str) -> None:
        """Copy the rows of the attached scratch database ``schema`` (SQLite); the
        renumbering functions are ``function0``, ``function1``, …"""
        plain = [quoted(database, f"c{i}") for i in range(len(self.fields))]
        for k, i in enumerate(self.renumber):
            plain[i] = f"{function}{k}({plain[i]})"
        database.execute_sql(
            f"INSERT INTO main.{quoted(database, self.name)} ({self._columns(database)}) "
            f"SELECT {self._shifted(database, plain, shift)} "
            f"FROM {schema}.{quoted(database, self.name)} ORDER BY rowid")

    def scratch(self, connection: sqlite3.Connection, rows: list[tuple]) -> None:
        """Write rows to a scratch database as they are (columns without types)."""
        width = len(self.fields)
        columns = ", ".join(quoted(None, f"c{i}") for i in range(width))
        connection.execute(f"CREATE TABLE {quoted(None, self.name)} ({columns})")
        connection.executemany(f"INSERT INTO {quoted(None, self.name)} VALUES "
                               f"({', '.join('?' * width)})", rows)


class RowsCarrier:
    """Chunks travel as their rows; any database."""

    def __init__(self, tables: Sequence[Table]) -> None:
        self.tables = tables

    def pack(self, number: int, rows):
        return rows

    def load(self, database: Database, rows, shift: Mapping[str, int],
             renumber: Sequence[Callable]) -> None:
        with writing():
            for table in self.tables:
                table.insert(database, getattr(rows, table.attr), shift, renumber)

    def close(self) -> None:
        pass


class FileCarrier:
    """Chunks travel as scratch SQLite files (in RAM where /dev/shm exists); SQLite only."""

    SCHEMA = "chunk"
    FUNCTION = "demo_renumber"

    def __init__(self, tables: Sequence[Table]) -> None:
        self.tables = tables
        shm = Path("/dev/shm")
        where = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.folder = Path(tempfile.mkdtemp(prefix="advisor-demo-", dir=where))

    def pack(self, number: int, rows) -> str:
        path = self.folder / f"chunk-{number}.sqlite"
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            for table in self.tables:
                table.scratch(connection, getattr(rows, table.attr))
            connection.execute("COMMIT")
        finally:
            connection.close()
        return str(path)

    def load(self, database: Database, path: str, shift: Mapping[str, int],
             renumber: Sequence[Callable]) -> None:
        connection = database.connection()
        for k, function in enumerate(renumber):
            connection.create_function(f"{self.FUNCTION}{k}", 1, function)
        database.execute_sql(f"ATTACH DATABASE ? AS {self.SCHEMA}", (path,))
        try:
            with writing():
                for table in self.tables:
                    table.copy(database, self.SCHEMA, shift, self.FUNCTION)
        finally:
            database.execute_sql(f"DETACH DATABASE {self.SCHEMA}")
            for k in range(len(renumber)):
                connection.create_function(f"{self.FUNCTION}{k}", 1, None)
            os.unlink(path)

    def close(self) -> None:
        for leftover in self.folder.glob("*"):
            leftover.unlink()
        self.folder.rmdir()


def carrier(database: Database, tables: Sequence[Table]) -> RowsCarrier | FileCarrier:
    return FileCarrier(tables) if isinstance(database, SqliteDatabase) else RowsCarrier(tables)


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
        database.pragma("threads", 2)  # and sort with a helper thread
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
            database.pragma("threads", 0)
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
