"""PostgreSQL: search keys compare byte by byte (COLLATE "C"), as on SQLite; see db/pg.py.

A later migration that adds a search key column does the same for it. ``byte_order`` is
written out here, not imported: what a migration does must not change with the code.
"""

from peewee import PostgresqlDatabase


def byte_order(database, table, *columns):
    """Give ``columns`` of ``table`` the "C" collation (their indexes follow); no-op off PostgreSQL."""
    if not isinstance(database, PostgresqlDatabase):
        return
    for column in columns:
        (type_name,) = database.execute_sql(
            "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = %s::regclass AND a.attname = %s AND NOT a.attisdropped",
            (table, column),
        ).fetchone()
        database.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {type_name} COLLATE "C"')

# Every column the lookup reads with a prefix range (and the plain identifiers people
# type the start of: plate, VIN, work-order number).
KEY_COLUMNS = {
    "customer": ("name_key", "pinyin_full", "pinyin_initials", "mobile_rev", "employer_key", "mobile"),
    "vehicle": ("plate_rev", "vin_rev", "plate", "vin"),
    "prospect": ("name_key", "mobile_rev", "mobile"),
    "visit": ("work_order_no",),
}


def up(migrator, db):
    for table, columns in KEY_COLUMNS.items():
        byte_order(db, table, *columns)
