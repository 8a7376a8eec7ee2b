"""The report's visit and contact indexes, second step (issue 8): each replaces the
narrower index it starts with, so that no planner can prefer the narrower one.

SQLite's sampled statistics (a demo's ``analysis_limit``) gave the narrow indexes a
smaller row estimate than the covering ones of 0006: at a million customers the calls
were read row by row from ``contact_contact_at`` (13 s instead of half a second). And the
value class's facts per customer are read in customer order, from the index by customer,
instead of from the day index and sorted:

- ``visit_customer_facts`` (customer_id, visit_date, total_fee, kind, payment_method)
  replaces (customer_id, visit_date);
- ``visit_day_fee`` (visit_date, total_fee) replaces ``visit_visit_date`` and 0006's
  ``visit_report_day`` (the work orders and revenue per day);
- ``contact_report`` (0006) replaces ``contact_contact_at``.

Kept identical to the indexes declared in db/models.py (``_report_indexes``).
"""

ADD = (
    ("visit", "visit_customer_facts", ("customer_id", "visit_date", "total_fee", "kind", "payment_method")),
    ("visit", "visit_day_fee", ("visit_date", "total_fee")),
)
DROP = (
    ("visit", "visit_customer_id_visit_date", ("customer_id", "visit_date")),
    ("visit", "visit_visit_date", ("visit_date",)),
    ("visit", "visit_report_day", ("visit_date", "customer_id", "total_fee", "kind", "payment_method")),
    ("contact", "contact_contact_at", ("contact_at",)),
)


def _analyze(db, names) -> None:
    """Statistics for new indexes where the file has them for the others (see 0006)."""
    from peewee import PostgresqlDatabase

    if isinstance(db, PostgresqlDatabase):
        for table in ("visit", "contact"):
            db.execute_sql(f'ANALYZE "{table}"')
    elif db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        limit = db.execute_sql("PRAGMA analysis_limit").fetchone()[0]
        db.execute_sql("PRAGMA analysis_limit = 1000")
        for name in names:
            db.execute_sql(f'ANALYZE "{name}"')
        db.execute_sql(f"PRAGMA analysis_limit = {int(limit)}")


def up(migrator, db):
    operations = [migrator.add_index(table, columns, False, name=name) for table, name, columns in ADD]
    operations += [migrator.drop_index(table, name) for table, name, _ in DROP]
    migrator.migrate(*operations)
    _analyze(db, [name for _, name, _ in ADD])


def down(migrator, db):
    operations = [migrator.add_index(table, columns, False, name=name) for table, name, columns in DROP]
    operations += [migrator.drop_index(table, name) for table, name, _ in ADD]
    migrator.migrate(*operations)
