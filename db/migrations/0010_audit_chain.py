"""The audit log says where each act came from and is chained by hashes (issue 13).

Adds to ``audit_entry`` the OS account, terminal, client address and SSH key fingerprint
(``db.audit.AuditContext``), the chain's ``hash`` and the ``seal`` note of entries that
rewrite or chain others (``db/audit/chain.py``). The entries an earlier version wrote are
chained as they are found, in id order, and one more entry says which ones were (the
log's own record of where the chain began: before it, the log was only as safe as the
file). On PostgreSQL the writers' lock is held meanwhile, so no desk writes an entry
between the ones being chained.
"""

from peewee import CharField, PostgresqlDatabase, TextField

COLUMNS = (
    ("os_account", CharField(max_length=64, null=True)),
    ("terminal", CharField(max_length=64, null=True)),
    ("client", CharField(max_length=64, null=True)),
    ("client_key", CharField(max_length=128, null=True)),
    ("seal", TextField(null=True)),
    ("hash", CharField(max_length=64, null=True)),
)


def up(migrator, db):
    import json

    from db.audit import chain as auditchain
    from db.audit.write import local_context
    from db.clock import now

    migrator.migrate(*[migrator.add_column("audit_entry", name, column) for name, column in COLUMNS])
    if isinstance(db, PostgresqlDatabase):
        from db.connection import WRITE_LOCK_KEY

        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    chained = auditchain.chain_existing(db)
    if chained is None:
        return
    first, last, count = chained
    where = local_context()
    entry = {"at": now(), "advisor_id": None, "action": "chain", "customer_id": None, "field": None,
             "before": None, "after": None, "detail": None, "os_account": where.os_account,
             "terminal": where.terminal, "client": where.client, "client_key": None,
             "seal": json.dumps({"chained": [first, last], "entries": count}, sort_keys=True, separators=(",", ":"))}
    entry["hash"] = auditchain.link(auditchain.last_hash(db), auditchain.digest(entry))
    if not isinstance(db, PostgresqlDatabase):
        entry["at"] = entry["at"].strftime("%Y-%m-%d %H:%M:%S")  # as peewee stores it
    names = list(entry)
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join([auditchain.param(db)] * len(names))
    db.execute_sql(f'INSERT INTO "audit_entry" ({columns}) VALUES ({marks})', tuple(entry[n] for n in names))


def down(migrator, db):
    db.execute_sql('DELETE FROM "audit_entry" WHERE "action" = \'chain\'')
    migrator.migrate(*[migrator.drop_column("audit_entry", name) for name, _ in COLUMNS])
