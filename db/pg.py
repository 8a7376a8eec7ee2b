"""PostgreSQL-only schema details that SQLite gets for free.

Lookup reads the search keys (``name_key``, ``plate_rev``, …) with B-tree prefix ranges
(``key >= 'ZHANG' AND key < 'ZHANH'``). SQLite compares text byte by byte, so a range is
exactly "starts with". PostgreSQL compares in the database's collation (en_US, zh_CN …),
where a range and a prefix are different sets and ``LIKE 'x%'`` cannot use the index.
Declaring the key columns ``COLLATE "C"`` gives byte order to every comparison on them,
and the indexes on them are rebuilt in that order, so the lookup's queries stay the same
text on both backends (migration 0002 declares it; ``collation_of`` checks it).
"""

from __future__ import annotations

from peewee import Database


def collation_of(database: Database, table: str, column: str) -> str | None:
    """The column's explicit collation (None: the database default)."""
    row = database.execute_sql(
        "SELECT c.collname FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation "
        "WHERE a.attrelid = %s::regclass AND a.attname = %s",
        (table, column),
    ).fetchone()
    return row[0] if row and row[0] != "default" else None
