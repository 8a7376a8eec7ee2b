"""A small keyboard form in a dialog: a title, a few fields, F2 or Enter on the last to
confirm, Escape to cancel. Returns ``{field id: text}`` or ``None``. Checking the values
is the caller's (db/) business; the caller reopens the form with the message if refused."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from db.i18n import t
from tui.keys import TranslatedBindings, help_binding
from tui.widgets.fields import TextField


@dataclass(frozen=True)
class AskField:
    id: str
    label_key: str
    value: str = ""
    password: bool = False
    max_length: int = 40
    help_key: str | None = None


class AskScreen(TranslatedBindings, ModalScreen[dict[str, str] | None]):
    CSS_PATH = "ask.tcss"
    HELP_KEY = "dialog.ask.help"
    BINDINGS = [
        Binding("f2", "confirm", "key.save", id="ask.confirm"),
        Binding("escape", "cancel", "key.back", id="ask.cancel"),
        help_binding("ask"),
    ]

    def __init__(self, title: str, fields: list[AskField], message: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(Text(self.title_text, style="bold"))
            for f in self.fields:
                yield Static(Text(t(f.label_key)), classes="ask-label")
                yield TextField(f.value, id=f"ask-{f.id}", password=f.password, max_length=f.max_length,
                                help_key=f.help_key, compact=True)
            yield Static(Text(self.message), id="ask-error", classes="error")
            yield Static(Text(t("ask.keys")), classes="hint")

    @on(Input.Submitted)
    def next_or_confirm(self, event: Input.Submitted) -> None:
        inputs = list(self.query(TextField))
        if event.input is inputs[-1]:
            self.action_confirm()
        else:
            inputs[inputs.index(event.input) + 1].focus()

    def action_confirm(self) -> None:
        self.dismiss({f.id: self.query_one(f"#ask-{f.id}", Input).value for f in self.fields})

    def action_cancel(self) -> None:
        """Esc asks first when something was typed (tui.screens.base)."""
        from tui.screens.base import cancel_form

        cancel_form(self, None)
