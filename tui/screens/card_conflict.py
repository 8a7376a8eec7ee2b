"""A card form's save refused because another advisor saved first (``Conflict``): their
values beside the advisor's, field by field, and a choice for each field both changed.

The form reads what the archive holds now (its ``current`` callable, in a worker), and
``db.versioning.compare`` says what to do with each field: what only they changed goes
into the field, what both changed is shown beside it and asked (keep mine / take theirs).
The form then opens on their values, so its next F2 sends only what the advisor still
changes over theirs, and the card (reloaded) carries their version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from db.i18n import t
from db.safe_text import visible
from db.versioning import Compared, Difference, compare
from tui.screens.confirm import ConfirmDialog

# What the archive holds now, as the form would open with it: (field, value) in order,
# and the masked numbers (field -> mask) shown as placeholders of empty fields.
Current = Callable[[], tuple[list[tuple[str, str]], dict[str, str]]]


class Theirs(Message):
    def __init__(self, values: list[tuple[str, str]], masked: dict[str, str]) -> None:
        super().__init__()
        self.values, self.masked = values, masked


def shown(values: list[tuple[str, str]] | dict[str, str], masked: dict[str, str]) -> dict[str, str]:
    """Each field as the advisor sees it: an empty masked field shows its mask."""
    pairs = values.items() if isinstance(values, dict) else values
    return {name: (masked[name] if not value and name in masked else value) for name, value in pairs}


def apply(form: Any, message: Theirs) -> Compared:
    """Their values into ``form`` (a FieldForm) where only they changed; each field both
    changed gets their value beside it. The form then counts from their values."""
    typed = form._typed()
    result = compare(shown(form._initial, form._placeholders), shown(typed, form._placeholders),
                     shown(message.values, message.masked))
    now = dict(message.values)
    for name in result.taken:
        take(form, name, now[name], message.masked.get(name))
    for difference in result.both:
        theirs = visible(label_of(form, difference.name, difference.theirs))
        say(form, difference.name, t("intake.conflict.theirs", value=theirs))
    form._initial = message.values
    form._placeholders = {**form._placeholders, **message.masked}
    return result


def take(form: Any, name: str, value: str, mask: str | None) -> None:
    field = form.query_one(f"#field-{name}")
    field.value = value
    if mask is not None:
        field.placeholder = mask
    say(form, name, t("intake.conflict.taken"))


def say(form: Any, name: str, message: str) -> None:
    """A note under the field (not an error: typing in the field does not clear it)."""
    line = form.query_one(f"#error-{name}", Static)
    line.update(Text(message))
    line.add_class("-note")
    line.display = True


def label_of(form: Any, name: str, value: str) -> str:
    """A value as the field shows it: a choice by its label; nothing, said."""
    if not value.strip():
        return t("intake.conflict.empty")
    return dict(form._choices.get(name, ())).get(value, value)


def choose(form: Any, left: list[Difference], masked: dict[str, str]) -> None:
    """Ask for each field both changed, one after the other."""
    if not left:
        form.notify(t("intake.conflict.done"), timeout=6, markup=False)
        return
    difference, rest = left[0], left[1:]
    theirs, mine = (visible(label_of(form, difference.name, v)) for v in (difference.theirs, difference.mine))
    question = Text(t("intake.conflict.ask", field=form._label(difference.name), theirs=theirs, mine=mine))

    def answered(value: str | None) -> None:
        if value == "theirs":
            masked_value = difference.name in masked and "*" in difference.theirs
            take(form, difference.name, "" if masked_value else difference.theirs, masked.get(difference.name))
        choose(form, rest, masked)

    form.app.push_screen(ConfirmDialog(question, [("mine", "intake.conflict.keep_mine"),
                                                  ("theirs", "intake.conflict.take_theirs")]), answered)
