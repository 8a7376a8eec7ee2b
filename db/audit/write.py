"""The audit log: who did what to which archive, when (PIPL; the manager's desk reads it)."""

from __future__ import annotations

import json
from typing import Any

from db.clock import now
from db.models import AuditEntry


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(action: str, *, advisor_id: int | None, customer_id: int | None = None,
           field: str | None = None, before: Any = None, after: Any = None,
           detail: str | None = None) -> AuditEntry:
    """Write one entry. Call inside the writing transaction of the change it describes.
    ``field`` may list several names ("a,b,c"); it is clipped to the column (the full
    names are the keys of ``before``/``after``)."""
    limit = AuditEntry.field.max_length
    if field and len(field) > limit:
        field = field[:limit - 1] + "…"
    return AuditEntry.create(at=now(), advisor=advisor_id, action=action, customer=customer_id,
                             field=field, before=_dump(before), after=_dump(after), detail=detail)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after) dicts for an ``edit`` entry."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
