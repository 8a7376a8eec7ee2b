"""Indexes the call queues and segments read with date ranges (issue 5).

Purchase, registration and insurance dates and birthdays are compared with ranges
computed from today (db/queues/lists.py), so each needs a B-tree to answer without a scan.
"""

INDEXES = (
    ("vehicle", ("purchase_date",)),
    ("vehicle", ("registration_date",)),
    ("vehicle", ("insurance_expiry",)),
    ("vehicle", ("warranty_end_date",)),
    ("customer", ("birth_date",)),
)


def up(migrator, db):
    migrator.migrate(*[migrator.add_index(table, columns, False) for table, columns in INDEXES])


def down(migrator, db):
    migrator.migrate(*[migrator.drop_index(table, f"{table}_{'_'.join(columns)}") for table, columns in INDEXES])
