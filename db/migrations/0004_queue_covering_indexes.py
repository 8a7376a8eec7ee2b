"""Covering indexes for the call queues (issue 5), replacing 0003's single-column ones.

A queue's count must not read the vehicle or customer table row by row: on a station of
a million customers the rows of one queue lie on tens of thousands of pages, and the
reads dominate. Each index below holds every column its queue tests, so a count walks
one index range and reads nothing else (db/queues/lists.py names the index each queue uses).
Owners to leave out (merged, anonymised, refusing marketing) are found through their own
small indexes and excluded by id.
"""

OLD = (
    ("vehicle", "vehicle_purchase_date"),
    ("vehicle", "vehicle_registration_date"),
    ("vehicle", "vehicle_insurance_expiry"),
    ("vehicle", "vehicle_warranty_end_date"),
    ("customer", "customer_birth_date"),
)

# (table, name, columns); kept identical to the Meta indexes in db/models.py
COVERING = (
    ("vehicle", "vehicle_queue_visits", ("last_visit_date", "status", "owner_id")),
    ("vehicle", "vehicle_queue_maintenance", ("last_maintenance_date", "status", "owner_id",
                                              "last_maintenance_mileage", "last_visit_date",
                                              "last_mileage", "daily_km")),
    ("vehicle", "vehicle_queue_new", ("purchase_date", "status", "owner_id", "last_maintenance_date",
                                      "first_maintenance_date", "last_visit_date", "last_mileage",
                                      "daily_km")),
    ("vehicle", "vehicle_queue_insurance", ("insurance_expiry", "status", "owner_id")),
    ("vehicle", "vehicle_queue_inspection", ("registration_date", "status", "owner_id", "usage")),
    ("vehicle", "vehicle_queue_warranty", ("status", "owner_id", "warranty_end_date", "purchase_date",
                                           "registration_date", "warranty_end_km", "last_mileage")),
    ("customer", "customer_queue_birthday", ("birth_date", "merged_into_id", "anonymised_at",
                                             "marketing_consent")),
    ("customer", "customer_anonymised_at", ("anonymised_at",)),
    ("customer", "customer_marketing_consent", ("marketing_consent",)),
)

DECLINED_WHERE = "declined_work IS NOT NULL AND declined_work <> ''"


def up(migrator, db):
    from peewee import SQL

    operations = [migrator.drop_index(table, name) for table, name in OLD]
    operations += [migrator.add_index(table, columns, False, name=name) for table, name, columns in COVERING]
    operations.append(migrator.add_index("visit", ("visit_date", "vehicle_id"), False,
                                         where=SQL(DECLINED_WHERE), name="visit_queue_declined"))
    migrator.migrate(*operations)


def down(migrator, db):
    operations = [migrator.drop_index(table, name) for table, name, _ in COVERING]
    operations.append(migrator.drop_index("visit", "visit_queue_declined"))
    migrator.migrate(*operations)
