"""The audit log's hash chain: every entry seals its own content and the entry before it.

Each entry's ``hash`` is ``sha256(previous entry's hash + sha256(canonical content))``,
where the canonical content is a JSON array of its columns in a fixed order (``COLUMNS``)
with the time written as ``YYYY-MM-DD HH:MM:SS.ffffff``, so the same entry hashes alike
on SQLite and PostgreSQL (``migrate-to`` keeps ids and values). The first entry's previous
hash is ``GENESIS``. ``db.audit.record`` computes the hash inside the writing transaction,
after the writers' lock is taken (``BEGIN IMMEDIATE`` on SQLite, the advisory lock on
PostgreSQL), so the entry it reads as "previous" is the newest committed one.

``verify`` walks the log in id order and names the first entry whose hash does not
follow: an entry edited, deleted or inserted behind the program's back (``sqlite3``, a
PostgreSQL client) breaks the chain there.

Two writers legitimately touch entries after the fact, and say so in an entry of their own
(its ``seal`` column, JSON, itself chained):

- anonymisation clears old and new values of a customer's entries; its entry's seal
  lists each cleared entry's content digest before and after (``{"rewritten": {id:
  [before, after]}}``), so verify checks the entry as it now reads against the "after"
  digest and the chain against the "before" one;
- the upgrade to the chained log (migration 0010) chains the entries an earlier version
  wrote, as it found them, in id order, and writes an entry whose seal says which
  (``{"chained": [first id, last id], "entries": n}``): those entries are only as
  trustworthy as the file was before the upgrade.

What the chain proves and what it can't (README): anyone holding the file can recompute
the whole chain after a change. The newest hash, copied where the file's holder can't
reach it (the backup's check output, the daily report), is what lets a manager notice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
COLUMNS = ("at", "advisor_id", "action", "customer_id", "field", "before", "after", "detail",
           "os_account", "terminal", "client", "client_key", "seal")
BATCH = 2_000


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def digest(entry: Mapping[str, Any]) -> str:
    """The sha256 of one entry's content (``COLUMNS``; ids, not names)."""
    return _digest_values([entry.get(name) for name in COLUMNS])


_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=str).encode


def _digest_values(content: list[Any]) -> str:
    """``content``: the values of ``COLUMNS`` in order (the time first; the rest are text and ids)."""
    content[0] = _canonical_value(_as_datetime(content[0]))
    return hashlib.sha256(_encode(content).encode("ascii")).hexdigest()


def link(previous: str | None, content_digest: str) -> str:
    return hashlib.sha256(((previous or GENESIS) + content_digest).encode("ascii")).hexdigest()


def _select_sql(where: str = "") -> str:
    columns = ", ".join(f'"{c}"' for c in ("id", *COLUMNS, "hash"))
    return f'SELECT {columns} FROM "audit_entry" {where}'


def rows(database, where: str = "", params: tuple = ()) -> Iterator[dict[str, Any]]:
    cursor = database.execute_sql(_select_sql(where), params)
    names = ("id", *COLUMNS, "hash")
    for row in cursor.fetchall():
        entry = dict(zip(names, row))
        entry["at"] = _as_datetime(entry["at"])
        yield entry


def _as_datetime(value: Any) -> Any:
    """SQLite hands back the stored text; the digest uses the datetime's canonical form."""
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # not a time (written behind the program's back): hashed as it is
    return value


def param(database) -> str:
    return database.param if hasattr(database, "param") else "?"


def entries(database, after_id: int = 0) -> Iterator[dict[str, Any]]:
    """Every entry in id order, read in batches (a log of millions never sits in memory)."""
    p = param(database)
    last = after_id
    while True:
        batch = list(rows(database, f'WHERE "id" > {p} ORDER BY "id" LIMIT {BATCH}', (last,)))
        if not batch:
            return
        yield from batch
        last = batch[-1]["id"]


def last_hash(database) -> str | None:
    row = database.execute_sql('SELECT "hash" FROM "audit_entry" ORDER BY "id" DESC LIMIT 1').fetchone()
    return row[0] if row else None


def seal_of(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass
class ChainReport:
    """What ``verify`` found."""

    count: int = 0  # entries read
    ok: bool = True
    broken_id: int | None = None  # the first entry that does not follow
    broken_at: dt.datetime | None = None
    broken_action: str | None = None
    newest_hash: str | None = None
    newest_id: int | None = None
    chained_from: int | None = None  # entries chained as found when the log was upgraded
    chained_to: int | None = None
    chain_entry: int | None = None  # the entry that says so
    rewritten: int = 0  # entries whose values an anonymisation cleared (and vouched for)
    notes: list[str] = field(default_factory=list)


def _rewrites(database) -> tuple[dict[int, tuple[str, str, int]], tuple[int, int, int] | None]:
    """Anonymisations' vouchers {entry id: (digest before, digest after, voucher id)} and
    the upgrade's chained range (first, last, entry id)."""
    rewritten: dict[int, tuple[str, str, int]] = {}
    chained = None
    cursor = database.execute_sql('SELECT "id", "seal" FROM "audit_entry" WHERE "seal" IS NOT NULL ORDER BY "id"')
    for entry_id, raw in cursor.fetchall():
        seal = seal_of(raw)
        for key, pair in (seal.get("rewritten") or {}).items():
            if isinstance(pair, list) and len(pair) == 2 and str(key).isdigit() and int(key) < entry_id:
                rewritten[int(key)] = (str(pair[0]), str(pair[1]), entry_id)
        span = seal.get("chained")
        if chained is None and isinstance(span, list) and len(span) == 2:
            chained = (int(span[0]), int(span[1]), entry_id)
    return rewritten, chained


def verify(database) -> ChainReport:
    """Walk the chain in id order; stop at the first entry that does not follow."""
    report = ChainReport()
    rewritten, chained = _rewrites(database)
    if chained:
        report.chained_from, report.chained_to, report.chain_entry = chained
    previous = None
    for row in _raw_entries(database):  # (id, *COLUMNS, hash) tuples: a big log is read fast
        report.count += 1
        entry_id, stored = row[0], row[-1]
        content = _digest_values(list(row[1:-1]))
        voucher = rewritten.get(entry_id)
        if voucher is not None:
            before, after, _ = voucher
            if content == after:  # cleared exactly as the anonymisation said
                content = before
                report.rewritten += 1
        if stored != link(previous, content):
            report.ok = False
            report.broken_id, report.broken_at, report.broken_action = entry_id, _as_datetime(row[1]), row[3]
            return report
        previous = stored
        report.newest_hash, report.newest_id = stored, entry_id
    return report


def _raw_entries(database) -> Iterator[tuple]:
    p = param(database)
    last = 0
    while True:
        batch = database.execute_sql(_select_sql(f'WHERE "id" > {p} ORDER BY "id" LIMIT {BATCH}'), (last,)).fetchall()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def newest(database) -> tuple[int, str] | None:
    """(id, hash) of the newest entry: the figure a backup and the report carry. ``database``:
    a peewee database or a sqlite3 connection (a backup's copy)."""
    run = getattr(database, "execute_sql", None) or database.execute  # peewee, or a bare sqlite3 connection
    row = run('SELECT "id", "hash" FROM "audit_entry" ORDER BY "id" DESC LIMIT 1').fetchone()
    return (row[0], row[1]) if row and row[1] else None


def chain_existing(database) -> tuple[int, int, int] | None:
    """Chain, in id order and as found, entries written before the log was chained
    (migration 0010). Returns (first id, last id, count) or None when there were none."""
    p = param(database)
    first = last = None
    count = 0
    previous = None
    for entry in entries(database):
        previous = link(previous, digest(entry))
        database.execute_sql(f'UPDATE "audit_entry" SET "hash" = {p} WHERE "id" = {p}', (previous, entry["id"]))
        first = entry["id"] if first is None else first
        last = entry["id"]
        count += 1
    return (first, last, count) if count else None


def find_hash(database, value: str) -> int | None:
    """The id of the entry whose hash is ``value`` (copied from a backup or a report)."""
    p = param(database)
    row = database.execute_sql(f'SELECT "id" FROM "audit_entry" WHERE "hash" = {p}', (value,)).fetchone()
    return row[0] if row else None
