"""One form row: the label, the field, and a line beside it for its error or a hint.

Rows are addressed by the db field path (``customer.mobile``); the widget ids are derived
from it so the screen can put each error returned by ``db.intake.validate`` beside its field.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from db.i18n import t


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


class FieldRow(Vertical):
    """Label and field on one line; the message line below shows only when it has text."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: 1; }
    FieldRow > Horizontal.-tall { height: auto; }
    FieldRow .row-label { width: 16; color: $text-muted; }
    FieldRow .row-message { display: none; padding-left: 16; }
    FieldRow .row-message.-shown { display: block; }
    FieldRow .row-message.-error { color: $error; }
    FieldRow .row-message.-note { color: $text-muted; }
    """

    def __init__(self, path: str, label_key: str, field: Widget, *, required: bool = False) -> None:
        super().__init__(id="row-" + path.replace(".", "-"))
        self.path = path
        self.label_key = label_key
        self.field = field
        self.required = required

    def compose(self) -> ComposeResult:
        # One line for the label and field (a fixed height lays out much faster than auto);
        # a multi-line field such as the tag picker asks for an auto height.
        with Horizontal(classes="-tall" if getattr(self.field, "TALL", False) else ""):
            label = t(self.label_key) + ("*" if self.required else "")
            yield Label(Text(label), classes="row-label")
            yield self.field
        yield Static(Text(""), classes="row-message")

    def show(self, message: str | None, *, error: bool = True) -> None:
        """An error (red) or a note (dim) beside the field; None clears it."""
        line = self.query_one(".row-message", Static)
        if not message and not line.has_class("-shown"):
            return  # nothing shown, nothing to show: no repaint (a form has dozens of rows)
        line.update(Text(message or ""))
        line.set_class(bool(message), "-shown")
        line.set_class(bool(message) and error, "-error")
        line.set_class(bool(message) and not error, "-note")

    @property
    def has_message(self) -> bool:
        return self.query_one(".row-message", Static).has_class("-shown")

    @property
    def has_error(self) -> bool:
        return self.query_one(".row-message", Static).has_class("-error")
