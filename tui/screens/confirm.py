"""A question with a few answers, asked in a dialog: owner change, lower mileage, discard, resume."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from db.i18n import t
from tui.keys import TranslatedBindings, help_binding

CANCEL = "cancel"


class ConfirmDialog(TranslatedBindings, ModalScreen[str]):
    """Returns the chosen answer's value; Escape returns ``cancel``."""

    CSS_PATH = "confirm.tcss"
    HELP_KEY = "dialog.confirm.help"
    BINDINGS = [
        Binding("escape", "choose('cancel')", "intake.confirm.cancel", id="confirm.cancel"),
        Binding("left", "app.focus_previous", show=False, id="confirm.previous"),
        Binding("right", "app.focus_next", show=False, id="confirm.next"),
        help_binding("confirm"),
    ]

    def __init__(self, message: str | Text, answers: list[tuple[str, str]]) -> None:
        """``answers``: (value, catalogue key of its label), the first one focused.
        A ``Text`` message keeps its styles (and customer values in it stay plain text)."""
        super().__init__()
        self.message = message
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            message = self.message if isinstance(self.message, Text) else Text(self.message)
            yield Static(message, id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                for value, key in self.answers:
                    yield Button(t(key), id=f"answer-{value}", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_choose(self, value: str) -> None:
        self.dismiss(value)
