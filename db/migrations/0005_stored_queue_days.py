"""What the call queues look up, stored with each car, and indexes over it (issue 5).

At a million customers 0004's covering indexes still left each queue reading hundreds of
thousands of index entries and working out every car's due day, warranty and owner
row by row. This migration adds to the vehicle the columns ``db/queues/stored_days.py`` keeps (the
days a car falls due, its declined work still to offer, which queues may list it), fills
them for every car in batches, and indexes each with the car's id and its listing: a
queue's count is then one index range, its first page a walk down that range in order.
Birthdays and inspections get indexes on the month and day of their date. 0004's indexes
for the same queues go.
"""

from peewee import DateField, IntegerField

COLUMNS = (
    ("due_first_maintenance", DateField(null=True)),
    ("due_maintenance", DateField(null=True)),
    ("warranty_due", DateField(null=True)),
    ("warranty_km_due", DateField(null=True)),
    ("declined_visit", IntegerField(null=True)),
    ("declined_on", DateField(null=True)),
    ("listing", IntegerField(null=True)),
)

OLD = (
    ("vehicle", "vehicle_queue_visits"),
    ("vehicle", "vehicle_queue_maintenance"),
    ("vehicle", "vehicle_queue_new"),
    ("vehicle", "vehicle_queue_insurance"),
    ("vehicle", "vehicle_queue_inspection"),
    ("customer", "customer_queue_birthday"),
    # found the owners that 0004's queues left out by id; the stored listing replaces that
    ("customer", "customer_anonymised_at"),
    ("customer", "customer_marketing_consent"),
)

# (name, columns) on vehicle; kept identical to the Meta indexes in db/models.py
INDEXES = (
    ("vehicle_due_visits", ("last_visit_date", "id", "listing")),
    ("vehicle_due_first_maintenance", ("due_first_maintenance", "id", "listing")),
    ("vehicle_due_maintenance", ("due_maintenance", "id", "listing")),
    ("vehicle_due_warranty", ("warranty_due", "id", "listing")),
    ("vehicle_due_warranty_km", ("warranty_km_due", "id", "listing")),
    ("vehicle_due_insurance", ("insurance_expiry", "id", "listing")),
    ("vehicle_due_declined", ("declined_on", "id", "listing")),
)

PROSPECTS = ("prospect_due", ("next_contact_date", "id", "status", "marketing_consent"))

# (table, name, date column, further columns): the month and day of the date first
ANNIVERSARIES = (
    ("vehicle", "vehicle_due_inspection", "registration_date", ("registration_date", "id", "listing", "usage")),
    ("customer", "customer_due_birthday", "birth_date",
     ("birth_date", "id", "merged_into_id", "anonymised_at", "marketing_consent")),
)


def up(migrator, db):
    from peewee import PostgresqlDatabase

    from db.queues.stored_days import month_day_ddl, refresh_all

    # The old indexes go first and the new ones come last: filling every car's row keeps
    # every index on it up to date (on PostgreSQL a new entry in each, per row).
    migrator.migrate(*[migrator.drop_index(table, name) for table, name in OLD],
                     *[migrator.add_column("vehicle", name, field) for name, field in COLUMNS])
    refresh_all(db)
    operations = [migrator.add_index("vehicle", columns, False, name=name) for name, columns in INDEXES]
    operations.append(migrator.add_index("prospect", PROSPECTS[1], False, name=PROSPECTS[0]))
    migrator.migrate(*operations)
    postgres = isinstance(db, PostgresqlDatabase)
    for table, name, column, columns in ANNIVERSARIES:
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ({month_day_ddl(column, postgres)}, {listed})')
    if postgres:
        db.execute_sql("ANALYZE vehicle")
        db.execute_sql("ANALYZE customer")


def down(migrator, db):
    import importlib

    covering = {(table, name): columns for table, name, columns
                in importlib.import_module("db.migrations.0004_queue_covering_indexes").COVERING}
    operations = [migrator.drop_index(table, name) for table, name, _, _ in ANNIVERSARIES]
    operations += [migrator.drop_index("vehicle", name) for name, _ in INDEXES]
    operations.append(migrator.drop_index("prospect", PROSPECTS[0]))
    operations += [migrator.drop_column("vehicle", name) for name, _ in COLUMNS]
    operations += [migrator.add_index(table, covering[(table, name)], False, name=name) for table, name in OLD]
    migrator.migrate(*operations)
