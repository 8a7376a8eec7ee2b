"""SQL the demo's after-passes (bookings, reception orders) share: a per-row hash both
databases compute alike, and statements written with ``?`` marks for either driver."""

from __future__ import annotations

from db.connection import is_postgres
from db.models import database_proxy


def row_hash(seed: int, salt: int, column: str = "id") -> str:
    """A well-mixed integer of ``column`` (a row's id, a car's id), in SQL that SQLite and
    PostgreSQL agree on; ``salt`` makes independent draws of the same row."""
    return f'(("{column}" * 2654435761 + {int(seed) * 40503 + salt}) % 1000003)'


def execute(sql: str, params: tuple) -> None:
    """``?`` marks the parameters; psycopg2 wants ``%s`` and reads ``%`` (modulo) as one."""
    if is_postgres():
        sql = sql.replace("%", "%%").replace("?", "%s")
    database_proxy.obj.execute_sql(sql, params)
