"""PostgreSQL-only schema details that SQLite gets for free.

Lookup reads the search keys (``name_key``, ``plate_rev``, …) with B-tree prefix ranges
(``key >= 'ZHANG' AND key < 'ZHANH'``). SQLite compares text byte by byte, so a range is
exactly "starts with". PostgreSQL compares in the database's collation (en_US, zh_CN …),
where a range and a prefix are different sets and ``LIKE 'x%'`` cannot use the index.
Declaring the key columns ``COLLATE "C"`` gives byte order to every comparison on them,
and the indexes on them are rebuilt in that order, so the lookup's queries stay the same
text on both backends.

The driver too is PostgreSQL's alone: peewee is loaded without it and is handed it when
a PostgreSQL target is opened (``load_driver``).
"""

from __future__ import annotations

import peewee
from peewee import Database


def load_driver() -> bool:
    """Import psycopg2 and give it to peewee, which was loaded without it (see
    ``db/__init__.py``): what peewee itself does with it on import. False when psycopg2
    is not installed."""
    if peewee.psycopg2 is not None:
        return True
    try:
        import psycopg2
        from psycopg2 import extensions
        from psycopg2.extras import Json, register_uuid
    except ImportError:
        return False
    register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, Json
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
    return True


def collation_of(database: Database, table: str, column: str) -> str | None:
    """The column's explicit collation (None: the database default)."""
    row = database.execute_sql(
        "SELECT c.collname FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation "
        "WHERE a.attrelid = %s::regclass AND a.attname = %s",
        (table, column),
    ).fetchone()
    return row[0] if row and row[0] != "default" else None
