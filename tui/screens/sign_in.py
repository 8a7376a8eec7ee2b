"""Sign-in: ask the advisor's name (remembered for this OS account), then the PIN when
the advisor has one (db.roles.identify decides; this screen only asks)."""

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
from db.safe_text import visible
from db.validate import name as valid_name
from tui.keys import TranslatedBindings, help_binding
from tui.widgets.fields import TextField


class SignInScreen(TranslatedBindings, ModalScreen[object]):
    """Returns the typed name, or (name, PIN) when asked for ``pin_for``'s PIN; the app
    signs in with it (in a worker) and comes back here with a message if refused."""

    HELP_KEY = "dialog.sign_in.help"
    BINDINGS = [
        Binding("f2", "submit", "advisor.ok", id="sign_in.ok"),
        Binding("escape", "other_name", "signin.other_name", id="sign_in.other_name"),
        help_binding("sign_in"),
    ]

    def screen_key_rule(self) -> str:
        """Answered before anything else: the palette's "go to" never closes it."""
        return "keep"

    def __init__(self, pin_for: str | None = None, message: str = "") -> None:
        super().__init__()
        self.pin_for = pin_for
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            if self.pin_for:
                yield Static(Text(visible(self.pin_for), style="bold"))
                yield Static(Text(t("signin.pin_help")), classes="hint")
                yield TextField(placeholder=t("signin.pin_placeholder"), id="advisor-pin",
                                help_key="signin.pin_help", max_length=8, password=True)
            else:
                yield Static(Text(t("advisor.ask_title"), style="bold"))
                yield Static(Text(t("advisor.ask_help")), classes="hint")
                yield TextField(placeholder=t("advisor.ask_placeholder"), id="advisor-name",
                                help_key="advisor.ask_help", max_length=40)
            yield Static(Text(self.message), id="sign-in-error", classes="error")

    def action_other_name(self) -> None:
        """From the PIN question back to the name (someone else is at the keyboard)."""
        if self.pin_for:
            self.dismiss(None)

    @on(Input.Submitted)
    def action_submit(self) -> None:
        if self.pin_for:
            self.dismiss((self.pin_for, self.query_one("#advisor-pin", Input).value))
            return
        field = self.query_one("#advisor-name", Input)
        try:
            cleaned = valid_name(field.value, "advisor")
        except Invalid as exc:
            self.query_one("#sign-in-error", Static).update(Text(str(exc)))
            return
        self.dismiss(cleaned)
