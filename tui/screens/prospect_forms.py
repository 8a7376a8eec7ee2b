"""The prospects screen's forms: the archive card's ``FieldForm`` with labels of our own.

Saving, the messages beside fields, F2 and Esc are the card's form as it is; only the
labels (prospect fields are not archive fields) and an optional text under the fields
(the last contacts) differ. Coded fields (a contact's channel and outcome) are the card's
``ChoiceField`` with the card's lists and F1 hints. Every value is sent on save: the prospect's rules need the
whole form (the name is required), and a stale save is refused by its version anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from db.i18n import t
from tui.screens.card_forms import Check, Choices, FieldForm
from tui.screens.card_render import hint_key

# (field name, label catalogue key, initial value, placeholder)
Field = tuple[str, str, str, str]


class DoorsForm(FieldForm):
    CSS_PATH = ["card.tcss", "doors.tcss"]
    ROW_CLASSES = "form-row doors-row"

    def __init__(self, title: str, fields: Sequence[Field], save: Callable[[dict[str, str]], Any],
                 below: Text | None = None, choices: Choices | None = None,
                 check: Check | None = None) -> None:
        super().__init__(f"{title}  {t('doors.form.keys')}", [(name, value) for name, _, value, _ in fields], save,
                         placeholders={name: hint for name, _, _, hint in fields}, only_changed=False,
                         choices=choices, check=check)
        self._labels = {name: label for name, label, _, _ in fields}
        self._below = below

    def _label(self, name: str) -> str:
        return t(self._labels[name])

    def _help_key(self, name: str) -> str:
        return hint_key(name) if name in self._choices else f"doors.help.{name}"

    def compose_below(self) -> ComposeResult:
        if self._below is not None:
            yield Static(self._below, id="doors-form-below")
