"""The archive: models, rules and queries. Imports no Textual.

A test or a script drives it directly::

    from db.connection import open_database
    database = open_database("station.sqlite")
"""

import sys as _sys


def _peewee_without_psycopg2() -> None:
    """Load peewee with psycopg2 hidden from it.

    peewee imports psycopg2, when it is installed, as it loads: a cost every start of
    the program would pay, though most stations run on SQLite. A PostgreSQL target hands
    the driver to peewee when it is opened (``db.pg.load_driver``). When either is
    already loaded (a script that imported peewee first) nothing changes.
    """
    if "peewee" in _sys.modules or "psycopg2" in _sys.modules:
        return
    _sys.modules["psycopg2"] = None  # type: ignore[assignment]  # `import psycopg2` fails
    try:
        import peewee  # noqa: F401
    finally:
        del _sys.modules["psycopg2"]


_peewee_without_psycopg2()
