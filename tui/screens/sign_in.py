"""First start: ask the advisor's name (remembered for this OS account)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from db.errors import Invalid
from db.i18n import t
from db.validate import name as valid_name
from tui.keys import TranslatedBindings
from tui.widgets.fields import TextField


class SignInScreen(TranslatedBindings, ModalScreen[str]):
    """Returns the typed name; the app signs in with it (in a worker)."""

    BINDINGS = [Binding("f2", "submit", "advisor.ok", id="sign_in.ok")]

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Static(Text(t("advisor.ask_title"), style="bold"))
            yield Static(Text(t("advisor.ask_help")), classes="hint")
            yield TextField(placeholder=t("advisor.ask_placeholder"), id="advisor-name",
                            help_key="advisor.ask_help", max_length=40)
            yield Static(Text(""), id="sign-in-error", classes="error")

    @on(Input.Submitted)
    def action_submit(self) -> None:
        field = self.query_one("#advisor-name", Input)
        try:
            cleaned = valid_name(field.value, "advisor")
        except Invalid as exc:
            self.query_one("#sign-in-error", Static).update(Text(str(exc)))
            return
        self.dismiss(cleaned)
