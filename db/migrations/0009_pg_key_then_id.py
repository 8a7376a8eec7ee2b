"""PostgreSQL: the lookup's customer keys indexed with the customer's id after the key.

A lookup reads a key range in (key, id) order and stops after one page. SQLite's index
on a key holds the rowid after it, so that order comes from the index; PostgreSQL's
does not, and a key many customers share (an employer, a common name's initials) was
sorted whole before the first page: 130 ms for an employer prefix at a million
customers. With the id in the index the page is read in order. Each index replaces the
key-only one (which it serves as well).

And the planner learns how many archives are live: every lookup filters on
``COALESCE(merged_into_id, 0) = 0``, which PostgreSQL guessed true for one row in 200,
so for a common set of initials it fetched every match and sorted them (40-60 ms)
rather than read the first page in order (under 1 ms). Statistics on that expression
(PostgreSQL 14 and later) give it the real share. Nothing changes on SQLite.
"""

from peewee import PostgresqlDatabase

KEYS = ("name_key", "pinyin_full", "pinyin_initials", "mobile_rev", "employer_key")


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for column in KEYS:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "customer_{column}_id" ON "customer" ("{column}", "id")')
        db.execute_sql(f'DROP INDEX IF EXISTS "customer_{column}"')
    (version,) = db.execute_sql("SHOW server_version_num").fetchone()
    if int(version) >= 140000:
        db.execute_sql('CREATE STATISTICS IF NOT EXISTS "customer_live" '
                       'ON (COALESCE("merged_into_id", 0)) FROM "customer"')
    db.execute_sql('ANALYZE "customer"')


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql('DROP STATISTICS IF EXISTS "customer_live"')
    for column in KEYS:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "customer_{column}" ON "customer" ("{column}")')
        db.execute_sql(f'DROP INDEX IF EXISTS "customer_{column}_id"')
