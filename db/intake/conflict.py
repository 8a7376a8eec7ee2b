"""Another advisor saved the archive while this reception was open (``Conflict``): what
they changed, beside what this advisor typed, so that nothing is overwritten unseen.

``merge(base, mine, theirs)``: ``base`` is the form as it was loaded, ``mine`` as it is
now, ``theirs`` the archive as it stands (``start_for`` again). The customer and vehicle
groups are compared field by field (``db.versioning.compare``, the one rule): what only
they changed goes into the form, what both changed is a ``Difference`` to choose. The
merged form carries the archive's new versions, so the next save goes over it. A mobile
or ID number shown masked is compared masked: an untouched masked field keeps whatever
the archive holds now, and their new number is shown masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from db.intake.reception import IntakeData, keeps_masked
from db.masking import MASKS
from db.versioning import compare

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
    merged = Merged(replace(mine, masked=dict(theirs.masked)), replace(mine, masked=dict(theirs.masked)))
    for group in GROUPS:
        loaded, typed, now = (getattr(d, group) for d in (base, mine, theirs))
        if loaded.id is None or now.id != loaded.id:
            continue  # a new customer or car: nobody else can have saved it
        names = _names(loaded)
        # an empty masked field is the number as loaded (masked), whatever it is now
        as_typed = {n: (_shown(base, group, n) if keeps_masked(base, f"{group}.{n}", getattr(typed, n))
                        else str(getattr(typed, n) or "")) for n in names}
        result = compare({n: _shown(base, group, n) for n in names}, as_typed,
                         {n: _shown(theirs, group, n) for n in names}, same=_same if group == "customer" else None)
        shown = replace(typed, id=now.id, version=now.version)  # the next save goes over theirs
        for name in result.taken:
            # their value goes in; a masked number stays masked (empty keeps the archive's)
            setattr(shown, name, "" if group == "customer" and name in theirs.masked else _shown(theirs, group, name))
            merged.taken.append(f"{group}.{name}")
        merged.both += [Difference(f"{group}.{d.name}", d.mine, d.theirs) for d in result.both]
        setattr(merged.form, group, shown)
        setattr(merged.base, group, replace(now))
    return merged


def _same(name: str, mine: str, theirs_shown: str) -> bool:
    """Mine typed in full, theirs shown masked: the same number masks the same."""
    mask = MASKS.get(name)
    return mask is not None and "*" in theirs_shown and mask(mine) == theirs_shown
