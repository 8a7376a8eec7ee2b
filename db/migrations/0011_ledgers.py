"""Sales ledgers as stores keep them.

Customers get a kind (person or organisation: a company buyer's archive holds its unified
social credit code in ``id_number``), a second phone (a landline or a second mobile
written beside the mobile), and a second pinyin reading of the name, indexed like the
first (乐 read le as well as yue, 覃 tan as well as qin, 吕 typed lu as well as lv), filled
here for the archives already kept.
"""

from peewee import CharField, PostgresqlDatabase

ALT = ("pinyin_alt", "pinyin_alt_initials")


def _byte_order(db, table, *columns):
    """The columns compared byte by byte on PostgreSQL, as migration 0002's keys."""
    for column in columns:
        (type_name,) = db.execute_sql(
            "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = %s::regclass AND a.attname = %s AND NOT a.attisdropped",
            (table, column)).fetchone()
        db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {type_name} COLLATE "C"')


def up(migrator, db):
    # The one import of live code: the second reading is a search key, which must be
    # spelled as the live lookup asks for it (as migration 0010's hashes must match the
    # live verifier); the schema change itself is frozen here.
    from db.search import pinyin_readings

    # NOT NULL with a default in the statement itself: neither SQLite nor PostgreSQL then
    # rewrites the table (peewee's add_column fills the column and, on SQLite, copies the
    # whole table to make it NOT NULL: minutes for a large archive)
    db.execute_sql("ALTER TABLE customer ADD COLUMN kind VARCHAR(12) NOT NULL DEFAULT 'person'")
    migrator.migrate(
        migrator.add_column("customer", "phone2", CharField(max_length=40, null=True)),
        migrator.add_column("customer", "pinyin_alt", CharField(max_length=120, null=True)),
        migrator.add_column("customer", "pinyin_alt_initials", CharField(max_length=30, null=True)),
    )
    if isinstance(db, PostgresqlDatabase):
        _byte_order(db, "customer", *ALT)
        for column in ALT:  # with the id after the key, as migration 0009's
            db.execute_sql(f'CREATE INDEX IF NOT EXISTS "customer_{column}_id" ON "customer" ("{column}", "id")')
    else:
        for column in ALT:
            db.execute_sql(f'CREATE INDEX IF NOT EXISTS "customer_{column}" ON "customer" ("{column}")')
    last = 0
    while True:
        rows = db.execute_sql(f"SELECT id, name FROM customer WHERE id > {db.param} ORDER BY id LIMIT 5000",
                              (last,)).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        changes = []
        for pk, name in rows:
            alt = pinyin_readings(name or "")[1]
            if alt is not None:
                changes.append((alt[0], alt[1], pk))
        if changes:
            db.cursor().executemany(
                f"UPDATE customer SET pinyin_alt = {db.param}, pinyin_alt_initials = {db.param} "
                f"WHERE id = {db.param}", changes)


def down(migrator, db):
    for column in ALT:
        db.execute_sql(f'DROP INDEX IF EXISTS "customer_{column}_id"')
        db.execute_sql(f'DROP INDEX IF EXISTS "customer_{column}"')
    migrator.migrate(*(migrator.drop_column("customer", c) for c in ("kind", "phone2", *ALT)))
