"""Optimistic locking for archive edits: save only over the version you read.

Two advisors may open the same archive. Each edit carries the version it was read at;
the UPDATE matches on it and bumps it. Nothing matched means someone saved first: the
caller gets ``Conflict`` with who and when, and keeps its typed input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peewee import Model

from db.clock import now
from db.errors import Conflict, NotFound
from db.i18n import t
from db.models import AuditEntry, Customer


def update_versioned(model: type[Model], row_id: int, expected_version: int,
                     changes: dict[str, Any]) -> int:
    """Apply ``changes`` to one row if it is still at ``expected_version``; return the new version.

    Call inside ``writing()``. ``changes`` maps field names to values.
    """
    values = {getattr(model, name): value for name, value in changes.items()}
    values[model.version] = expected_version + 1
    if hasattr(model, "updated_at"):
        values[model.updated_at] = now()
    matched = (model.update(values)
               .where((model.id == row_id) & (model.version == expected_version))
               .execute())
    if matched:
        return expected_version + 1
    current = model.get_or_none(model.id == row_id)
    if current is None:
        raise NotFound(t("db.not_found"))
    raise Conflict(_conflict_message(model, row_id, current))


def _conflict_message(model: type[Model], row_id: int, current: Model) -> str:
    who, when = "", getattr(current, "updated_at", None)
    if model is Customer:
        entry = (AuditEntry.select().where((AuditEntry.customer == row_id) & (AuditEntry.action == "edit"))
                 .order_by(AuditEntry.at.desc()).first())
        if entry is not None and entry.advisor_id:
            who = entry.advisor.name
            when = entry.at
    who = who or t("versioning.someone")
    when_text = when.strftime("%H:%M:%S") if hasattr(when, "strftime") else "?"
    return t("db.conflict", who=who, when=when_text)


# ---------------------------------------------------------------- after a conflict


@dataclass(frozen=True)
class Difference:
    """A field both advisors changed, to different values: the advisor chooses."""

    name: str
    mine: str
    theirs: str


@dataclass
class Compared:
    taken: list[str] = field(default_factory=list)  # only they changed it: their value goes in
    both: list[Difference] = field(default_factory=list)  # both changed it: keep mine or take theirs


def compare(loaded: Mapping[str, str], typed: Mapping[str, str], now: Mapping[str, str],
            same: Callable[[str, str, str], bool] | None = None) -> Compared:
    """What a refused save (``Conflict``) tells the advisor, field by field: ``loaded`` is
    what the form opened with, ``typed`` what it holds now, ``now`` what the archive holds
    after the other advisor's save. A field they left alone says nothing; one only they
    changed takes their value (a save would otherwise put the old one back); one both
    changed differently is asked. ``same(name, mine, theirs)``: the two agree although
    spelled apart (a number typed in full, theirs shown masked)."""
    result = Compared()
    for name, before in loaded.items():
        after, mine = now.get(name, before), typed.get(name, before)
        if after == before:
            continue
        if mine == before:
            result.taken.append(name)
        elif mine != after and not (same is not None and same(name, mine, after)):
            result.both.append(Difference(name, mine, after))
    return result
