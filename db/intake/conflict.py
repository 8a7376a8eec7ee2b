"""Another advisor saved the archive while this reception was open (``Conflict``): what
they changed, beside what this advisor typed, so that nothing is overwritten unseen.

``merge(base, mine, theirs)``: ``base`` is the form as it was loaded, ``mine`` as it is
now, ``theirs`` the archive as it stands (``start_for`` again). Per field of the customer
and vehicle groups:
- only they changed it: their value goes into the form (a save would otherwise put the
  old one back);
- both changed it, to different values: a ``Difference`` for the advisor to choose
  (keep mine / take theirs);
- else nothing to say.
The merged form carries the archive's new versions, so the next save goes over it.
A mobile or ID number shown masked is compared masked: an untouched masked field keeps
whatever the archive holds now, and their new number is shown masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from db.intake.reception import IntakeData, keeps_masked
from db.masking import MASKS

GROUPS = ("customer", "vehicle")


@dataclass(frozen=True)
class Difference:
    path: str  # group.field, as the form's fields
    mine: str
    theirs: str  # as shown: a number masked


@dataclass
class Merged:
    form: IntakeData  # what the form shows now: mine, with what only they changed
    base: IntakeData  # the new base: the archive as it stands (ids, versions, masks)
    taken: list[str] = field(default_factory=list)  # paths where their value went in
    both: list[Difference] = field(default_factory=list)  # both changed: the advisor chooses


def _shown(data: IntakeData, group: str, name: str) -> str:
    if group == "customer" and name in data.masked:
        return data.masked[name]
    return str(getattr(getattr(data, group), name) or "")


def _names(form: object) -> list[str]:
    return [f.name for f in fields(form) if f.name not in ("id", "version")]  # type: ignore[arg-type]


def merge(base: IntakeData, mine: IntakeData, theirs: IntakeData) -> Merged:
    form = replace(mine, masked=dict(theirs.masked))
    new_base = replace(mine, masked=dict(theirs.masked))
    merged = Merged(form, new_base)
    for group in GROUPS:
        loaded, typed, now = (getattr(d, group) for d in (base, mine, theirs))
        if loaded.id is None or now.id != loaded.id:
            continue  # a new customer or car: nobody else can have saved it
        shown = replace(typed, id=now.id, version=now.version)  # the next save goes over theirs
        for name in _names(loaded):
            path = f"{group}.{name}"
            before, after = _shown(base, group, name), _shown(theirs, group, name)
            value = str(getattr(typed, name) or "")
            if before == after:
                continue  # they left it as it was
            if keeps_masked(base, path, value) or value == str(getattr(loaded, name) or ""):
                # only they changed it: theirs goes in (a masked number stays masked)
                setattr(shown, name, "" if group == "customer" and name in theirs.masked else after)
                merged.taken.append(path)
            elif not _same(group, name, value, after):
                merged.both.append(Difference(path, value, after))
        setattr(merged.form, group, shown)
        setattr(merged.base, group, replace(now))
    return merged


def _same(group: str, name: str, mine: str, theirs_shown: str) -> bool:
    """Mine typed in full, theirs shown masked: the same number masks the same."""
    mask = MASKS.get(name) if group == "customer" else None
    return (mask(mine) if mask and "*" in theirs_shown else mine) == theirs_shown
