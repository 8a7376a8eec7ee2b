"""What every main screen shares: the greeting on top, the body, a short footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen


from tui.keys import TranslatedBindings
from tui.widgets.greeting import GreetingBanner
from tui.widgets.screen_strip import DeskFooter


class DeskScreen(TranslatedBindings, Screen):
    """A main screen. Subclasses implement ``compose_body`` and set ``HELP_KEY``."""

    HELP_KEY = "screen.home.help"
    BINDINGS = [Binding("escape", "back", "key.back", show=False, id="back")]

    def compose(self) -> ComposeResult:
        yield GreetingBanner(id="greeting")
        yield from self.compose_body()
        yield DeskFooter(show_command_palette=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        self.refresh_greeting()

    def on_mount(self) -> None:
        self.refresh_greeting()

    def refresh_greeting(self) -> None:
        from db.clock import today

        banner = next(iter(self.query(GreetingBanner)), None)
        if banner is None:  # the advisor became known before this screen was composed:
            return  # on_mount paints the greeting
        banner.advisor_name = getattr(self.app, "advisor_name", "") or ""
        banner.today = today().isoformat()

    def action_back(self) -> None:
        """Escape on a main screen returns to the desk's home."""
        if self.app.current_mode != "home":
            self.app.switch_mode("home")
