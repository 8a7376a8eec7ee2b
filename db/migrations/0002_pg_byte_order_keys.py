"""PostgreSQL: search keys compare byte by byte (COLLATE "C"), as on SQLite; see db/pg.py.

A later migration that adds a search key column calls ``byte_order`` for it too.
"""

from db.pg import byte_order

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
