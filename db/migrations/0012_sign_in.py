"""The front door (issue 14): each advisor's SSH login and password, their public keys,
refused sign-ins (what slows and locks the next ones) and one-time session tickets.

Existing advisors get a login from their name's pinyin (``db.access.default_login``),
made unique with a number.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    from db.access import default_login

    migrator.migrate(
        migrator.add_column("advisor", "login", CharField(max_length=32, null=True)),
        migrator.add_column("advisor", "password_hash", CharField(max_length=128, null=True)),
    )
    taken: set[str] = set()
    for advisor_id, name in db.execute_sql('SELECT id, name FROM advisor ORDER BY id').fetchall():
        login = default_login(name, taken)
        taken.add(login)
        db.execute_sql('UPDATE advisor SET login = %s WHERE id = %s' % (db.param, db.param), (login, advisor_id))
    migrator.migrate(migrator.add_index("advisor", ("login",), True))

    class Advisor(Model):
        class Meta:
            database = db
            table_name = "advisor"

    class AdvisorKey(Model):
        advisor = ForeignKeyField(Advisor, backref="+", on_delete="CASCADE")
        fingerprint = CharField(max_length=64, unique=True)
        public_key = TextField()
        added_at = DateTimeField()

        class Meta:
            database = db
            table_name = "advisor_key"

    class SignInFailure(Model):
        login = CharField(max_length=64, index=True)
        address = CharField(max_length=64, null=True, index=True)
        at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "sign_in_failure"

    class SessionTicket(Model):
        token_hash = CharField(max_length=64, unique=True)
        advisor = ForeignKeyField(Advisor, backref="+", on_delete="CASCADE")
        address = CharField(max_length=64, null=True)
        fingerprint = CharField(max_length=64, null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "session_ticket"

    db.create_tables([AdvisorKey, SignInFailure, SessionTicket])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "session_ticket"')
    db.execute_sql('DROP TABLE IF EXISTS "sign_in_failure"')
    db.execute_sql('DROP TABLE IF EXISTS "advisor_key"')
    migrator.migrate(migrator.drop_index("advisor", "advisor_login"),
                     migrator.drop_column("advisor", "password_hash"),
                     migrator.drop_column("advisor", "login"))
