"""Indexes the manager's report reads (issue 8), so that no part of it reads table rows
it does not need: at a million customers the visit table alone is over a gigabyte.

- The period's work orders by day and the value class's facts per customer: one range
  of ``visit_report_day`` holding every column they test.
- Each car's work orders of the period and their fees: ``(vehicle_id, visit_date,
  total_fee)``, which replaces the model's ``(vehicle_id, visit_date)`` (its prefix).
- Archive completeness counts the visits without work done on a small partial index.
- Calls and maintenance reminders of the period: one range of ``contact_report``.
- The few customers the value segments set apart (a class set by hand, anonymised) are
  found on partial indexes of their own (merged ones on the merged_into index).

A SQLite database that has planner statistics (a demo, a moved archive: both ANALYZE)
gets them for the new indexes too, sampled as the demo samples: with statistics for the
old indexes and none for the new, the planner would take the old ones.

Kept identical to the indexes declared in db/models.py (``_report_indexes``).
"""

from peewee import SQL

# (table, name, columns, partial condition or None)
INDEXES = (
    ("visit", "visit_report_day", ("visit_date", "customer_id", "total_fee", "kind", "payment_method"), None),
    ("visit", "visit_vehicle_id_visit_date_total_fee", ("vehicle_id", "visit_date", "total_fee"), None),
    ("visit", "visit_work_missing", ("customer_id",), "work_done IS NULL OR TRIM(work_done) = ''"),
    ("contact", "contact_report", ("contact_at", "purpose", "channel", "outcome", "advisor_id",
                                   "customer_id", "vehicle_id"), None),
    ("customer", "customer_anonymised", ("anonymised_at",), "anonymised_at IS NOT NULL"),
    ("customer", "customer_value_manual", ("value_class_manual",), "value_class_manual IS NOT NULL"),
)
REPLACED = ("visit", "visit_vehicle_id_visit_date")


def up(migrator, db):
    from peewee import PostgresqlDatabase

    operations = [migrator.add_index(table, columns, False, name=name, where=SQL(where) if where else None)
                  for table, name, columns, where in INDEXES]
    operations.append(migrator.drop_index(*REPLACED))
    migrator.migrate(*operations)
    if isinstance(db, PostgresqlDatabase):
        for table in ("visit", "contact", "customer"):
            db.execute_sql(f'ANALYZE "{table}"')
    elif db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        limit = db.execute_sql("PRAGMA analysis_limit").fetchone()[0]
        db.execute_sql("PRAGMA analysis_limit = 1000")
        for _, name, _, _ in INDEXES:
            db.execute_sql(f'ANALYZE "{name}"')
        db.execute_sql(f"PRAGMA analysis_limit = {int(limit)}")


def down(migrator, db):
    operations = [migrator.add_index(REPLACED[0], ("vehicle_id", "visit_date"), False, name=REPLACED[1])]
    operations += [migrator.drop_index(table, name) for table, name, _, _ in INDEXES]
    migrator.migrate(*operations)
