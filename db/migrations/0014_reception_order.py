"""The reception order (接车单) and the settlement statement.

A visit gains the walk-around check (fuel, warning lights, valuables, spare tyre and
tools, damage marks: db/walkaround.py's stored forms), the advisor's diagnosis, the
promised completion time, whether the customer waits, what happens to the old parts,
the labour hours, and once its statement is issued a settlement number and date. A part
line gains its kind (original, aftermarket, repaired, used), the owner's consent for a
repaired or used part, and its part code. All nullable: visits kept before this know
none of it, and adding a nullable column rewrites no table.
"""

from peewee import BooleanField, CharField, DateField, DateTimeField, DecimalField, TextField

VISIT = (
    ("fuel_level", CharField(max_length=4, null=True)),
    ("warning_lights", CharField(max_length=200, null=True)),
    ("valuables", CharField(max_length=200, null=True)),
    ("spare_tyre", BooleanField(null=True)),
    ("tools", BooleanField(null=True)),
    ("damage", TextField(null=True)),
    ("diagnosis", TextField(null=True)),
    ("promised_at", DateTimeField(null=True)),
    ("waiting", BooleanField(null=True)),
    ("old_parts", CharField(max_length=8, null=True)),
    ("labour_hours", DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)),
    ("settlement_no", CharField(max_length=32, null=True)),
    ("settled_on", DateField(null=True)),
)
PART = (
    ("kind", CharField(max_length=12, null=True)),
    ("consent", BooleanField(null=True)),
    ("code", CharField(max_length=40, null=True)),
)


def up(migrator, db):
    migrator.migrate(*(migrator.add_column("visit", name, column) for name, column in VISIT),
                     *(migrator.add_column("visit_part", name, column) for name, column in PART))
    # One statement number per visit; the health record reads the settled visits by date.
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "visit_settlement_no" ON "visit" ("settlement_no")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "visit_settled_on" ON "visit" ("settled_on")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "visit_settled_on"')
    db.execute_sql('DROP INDEX IF EXISTS "visit_settlement_no"')
    migrator.migrate(*(migrator.drop_column("visit_part", name) for name, _ in PART),
                     *(migrator.drop_column("visit", name) for name, _ in VISIT))
