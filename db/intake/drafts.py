"""An advisor's typed-in, unsaved intake, kept as it is typed (the Draft table, JSON).

The interface saves the draft a moment after each keystroke, so a dropped SSH line or a
closed window (SIGHUP) loses nothing; the next start offers to resume it. One draft per
advisor and kind: a new one replaces the old.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from db.clock import now
from db.connection import writing
from db.models import Draft


@dataclass(frozen=True)
class SavedDraft:
    data: dict[str, Any]
    updated_at: dt.datetime


def save_draft(advisor_id: int, data: dict[str, Any], kind: str = "intake") -> None:
    text = json.dumps(data, ensure_ascii=False, default=str)
    stamp = now()
    with writing():
        Draft.insert(advisor=advisor_id, kind=kind, data=text, updated_at=stamp).on_conflict(
            conflict_target=[Draft.advisor, Draft.kind],
            update={Draft.data: text, Draft.updated_at: stamp},
        ).execute()


def load_draft(advisor_id: int, kind: str = "intake") -> SavedDraft | None:
    """The advisor's draft, or None (also for one that cannot be read any more)."""
    row = Draft.get_or_none((Draft.advisor == advisor_id) & (Draft.kind == kind))
    if row is None:
        return None
    try:
        data = json.loads(row.data)
    except ValueError:
        return None
    return SavedDraft(data, row.updated_at) if isinstance(data, dict) else None


def discard_draft(advisor_id: int, kind: str = "intake") -> None:
    with writing():
        Draft.delete().where((Draft.advisor == advisor_id) & (Draft.kind == kind)).execute()
