"""Moving a SQLite archive into PostgreSQL (``advisor migrate-to URL``).

The target gets its schema from the same migrations as any new database, then every
table's rows in primary-key order, in batches, inside ONE transaction: a failure or a
Ctrl+C leaves the target as empty as it was. Values travel through the models' own
fields (dates, money, flags come out of SQLite as Python values and go into PostgreSQL
typed). Each table's count is compared before the commit, and the id sequences are
moved past the copied ids so that new rows do not collide with them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from peewee import AutoField, BooleanField, Database, PostgresqlDatabase, SqliteDatabase

from db.connection import describe, make_database, translate, upgrade
from db.errors import DatabaseProblem
from db.i18n import t
from db.models import ALL_MODELS, Customer

BATCH = 2000
LOWEST_KEY = -(2**63)  # below every integer key; SQLite sorts any text key above it too
MoveProgress = Callable[[str, int, int], None]  # (table, rows done, rows in table)

# Self references are copied empty and filled in a second pass: a customer merged into
# one with a higher id would otherwise point at a row not yet copied.
SELF_REFERENCES = {Customer: ("merged_into",)}


@dataclass(frozen=True)
class MoveResult:
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def move_to_postgres(source: Database, url: str, progress: MoveProgress | None = None) -> MoveResult:
    """Copy every row of the open SQLite ``source`` into the empty PostgreSQL at ``url``."""
    if not isinstance(source, SqliteDatabase):
        raise DatabaseProblem(t("migrate.source_not_sqlite"))
    target = make_database(url)
    if not isinstance(target, PostgresqlDatabase):
        raise DatabaseProblem(t("migrate.not_postgres", target=describe(url)))
    try:
        target.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - the driver's own errors: message for the user
        raise translate(exc, url) from None
    try:
        upgrade(target)
        _refuse_unknown_tables(source)
        for model in ALL_MODELS:
            if model.select().bind(target).exists():
                raise DatabaseProblem(t("migrate.target_not_empty", target=describe(url),
                                        table=model._meta.table_name))
        with target.atomic():
            counts = {model._meta.table_name: _copy_table(model, source, target, progress)
                      for model in ALL_MODELS}
            for model, names in SELF_REFERENCES.items():
                _copy_self_references(model, names, source, target)
            _reset_sequences(target)
        target.execute_sql("ANALYZE")  # planner statistics for the new rows, before the first lookup
        return MoveResult(counts)
    except DatabaseProblem:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - the driver's own errors: message for the user
        raise translate(exc, url) from None
    finally:
        target.close()


def _refuse_unknown_tables(source: Database) -> None:
    """A table this program's models do not know would be left behind: refuse instead."""
    known = {m._meta.table_name for m in ALL_MODELS} | {"schema_migration"}
    unknown = [name for name in source.get_tables() if name not in known and not name.startswith("sqlite_")]
    if unknown:
        raise DatabaseProblem(t("db.newer_schema", names=", ".join(unknown)))


def _copy_table(model, source: Database, target: Database, progress: MoveProgress | None) -> int:
    fields = list(model._meta.sorted_fields)
    deferred = {i for i, f in enumerate(fields) if f.name in SELF_REFERENCES.get(model, ())}
    flags = {i for i, f in enumerate(fields) if isinstance(f, BooleanField)}
    total = model.select().bind(source).count()
    table, pk = model._meta.table_name, model._meta.primary_key
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    # Raw rows: SQLite's text dates and numbers are what PostgreSQL parses anyway; only
    # its 0/1 flags need to become booleans. (Through the models, converting every value
    # twice cost most of the time on a busy machine.)
    select = (f'SELECT {columns} FROM "{table}" WHERE "{pk.column_name}" > ? '
              f'ORDER BY "{pk.column_name}" LIMIT {BATCH}')
    # COPY, not INSERT: the server neither parses nor plans thousands of literals a batch.
    copy = f'COPY "{table}" ({columns}) FROM STDIN'
    key = fields.index(pk)
    done, last = 0, None
    while True:
        # Keyset pagination: each batch is an index range, not an ever-growing OFFSET.
        rows = source.execute_sql(select, (LOWEST_KEY if last is None else last,)).fetchall()
        if not rows:
            break
        last = rows[-1][key]
        text = "".join("\t".join(_copy_value(None if i in deferred else v, i in flags)
                                 for i, v in enumerate(row)) + "\n" for row in rows)
        target.cursor().copy_expert(copy, io.StringIO(text))
        done += len(rows)
        if progress is not None:
            progress(table, done, total)
    copied = model.select().bind(target).count()
    if copied != total or done != total:
        raise DatabaseProblem(t("migrate.counts_differ", table=table, source=total, target=copied))
    if progress is not None and total == 0:
        progress(table, 0, 0)
    return copied


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value, flag: bool) -> str:
    """One value in COPY's text format (\\N for NULL, t/f for flags, escaped text)."""
    if value is None:
        return "\\N"
    if flag:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


def _copy_self_references(model, names, source: Database, target: Database) -> None:
    pk = model._meta.primary_key
    for name in names:
        field = model._meta.fields[name]
        pairs = list(model.select(pk, field).where(field.is_null(False)).bind(source).tuples())
        for row_id, ref in pairs:
            model.update({field: ref}).where(pk == row_id).bind(target).execute()


def _reset_sequences(target: Database) -> None:
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        if not isinstance(pk, AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        target.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f"COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)")
