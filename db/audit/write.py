"""The audit log: who did what to which archive, when (PIPL; the manager's desk reads it).

Every entry carries, beside the advisor, where the act came from (``AuditContext``): the
OS account (from the process's uid, never from an environment variable), the terminal
and the client address (``SSH_CONNECTION`` for a local program reached over SSH), and an
SSH key's fingerprint when a session comes through ``advisor serve``, which passes its
own context (``set_context`` for its process, ``using`` around a session's work, or
``context=`` on one call). Entries are chained by hashes (``db.auditchain``).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from db.audit import chain as auditchain
from db.clock import now
from db.models import AuditEntry, database_proxy

REFUSED = "refused"  # an attempt the program refused (an advisor trying a manager's action)


@dataclass(frozen=True)
class AuditContext:
    """Where an act came from."""

    os_account: str | None = None
    terminal: str | None = None
    client: str | None = None  # the client's address (IP)
    client_key: str | None = None  # the SSH key's fingerprint, when there is one


def _os_account() -> str | None:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # no pwd (Windows) or a uid without a name
        return str(os.getuid()) if hasattr(os, "getuid") else None


def _terminal() -> str | None:
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd):
                return os.ttyname(fd)
        except OSError:
            continue
    return None


def _ssh_client() -> str | None:
    parts = os.environ.get("SSH_CONNECTION", "").split()
    return parts[0] if parts else None


def local_context() -> AuditContext:
    """This process's own: the uid's account, the controlling terminal, the SSH client."""
    return AuditContext(os_account=_os_account(), terminal=_terminal(), client=_ssh_client())


_default: AuditContext | None = None
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


def set_context(context: AuditContext | None) -> None:
    """The context of every entry this process writes (None: the local one, found again)."""
    global _default
    _default = context


def current_context() -> AuditContext:
    global _default
    context = _current.get()
    if context is not None:
        return context
    if _default is None:
        _default = local_context()
    return _default


@contextlib.contextmanager
def using(context: AuditContext) -> Iterator[None]:
    """Entries written inside (in this thread or task) carry ``context``."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _clip(value: str | None, column) -> str | None:
    limit = column.max_length
    if value and len(value) > limit:
        return value[:limit - 1] + "…"
    return value


def record(action: str, *, advisor_id: int | None, customer_id: int | None = None,
           field: str | None = None, before: Any = None, after: Any = None,
           detail: str | None = None, context: AuditContext | None = None,
           seal: dict[str, Any] | None = None) -> AuditEntry:
    """Write one entry, chained to the newest one. Call inside the writing transaction of
    the change it describes (outside one, it opens its own). ``field`` may list several
    names ("a,b,c"); it is clipped to the column (the full names are the keys of
    ``before``/``after``)."""
    from db.connection import writing

    database = database_proxy.obj
    if database is not None and database.transaction_depth() == 0:
        with writing():
            return record(action, advisor_id=advisor_id, customer_id=customer_id, field=field,
                          before=before, after=after, detail=detail, context=context, seal=seal)
    where = context or current_context()
    values = dict(at=now(), advisor_id=None if advisor_id is None else int(getattr(advisor_id, "id", advisor_id)),
                  action=action,
                  customer_id=None if customer_id is None else int(getattr(customer_id, "id", customer_id)),
                  field=_clip(field, AuditEntry.field), before=_dump(before), after=_dump(after), detail=detail,
                  os_account=_clip(where.os_account, AuditEntry.os_account),
                  terminal=_clip(where.terminal, AuditEntry.terminal),
                  client=_clip(where.client, AuditEntry.client),
                  client_key=_clip(where.client_key, AuditEntry.client_key),
                  seal=json.dumps(seal, sort_keys=True, separators=(",", ":")) if seal else None)
    values["hash"] = auditchain.link(auditchain.last_hash(database), auditchain.digest(values))
    return AuditEntry.create(**{("advisor" if k == "advisor_id" else "customer" if k == "customer_id" else k): v
                                for k, v in values.items()})


def refused(what: str, *, advisor_id: int | None, customer_id: int | None = None,
            detail: str | None = None, context: AuditContext | None = None) -> None:
    """Log a refused attempt (``what``: the refused action's text key). The entry outlives
    the rollback of the transaction it was refused in: it is written once that ends."""
    from db.connection import after_transaction

    where = context or current_context()  # the context now, not the one of a later thread

    def write() -> None:
        record(REFUSED, advisor_id=advisor_id, customer_id=customer_id, field=what, detail=detail,
               context=where)

    after_transaction(write)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after) dicts for an ``edit`` entry."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def clear_values(condition) -> tuple[int, dict[str, Any]]:
    """Clear the old and new values of the entries matching ``condition`` (anonymisation).
    Returns how many, and the seal for the entry that records it: each cleared entry's
    content digest before and after, so that the chain still verifies."""
    database = database_proxy.obj
    ids = [e.id for e in AuditEntry.select(AuditEntry.id).where(condition).order_by(AuditEntry.id)]
    rewritten: dict[str, list[str]] = {}
    p = auditchain.param(database)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join([p] * len(chunk))
        for entry in auditchain.rows(database, f'WHERE "id" IN ({marks})', tuple(chunk)):
            cleared = {**entry, "before": None, "after": None}
            rewritten[str(entry["id"])] = [auditchain.digest(entry), auditchain.digest(cleared)]
        AuditEntry.update(before=None, after=None).where(AuditEntry.id.in_(chunk)).execute()
    return len(ids), {"rewritten": rewritten}
