"""What the manager-only screens share: opened over the report (Escape returns to it),
and a refusal in place of the body when the person at the keyboard is not a manager.
The check itself is db.roles.require_manager, run by the screen's first load."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from db.errors import Forbidden
from tui.screens.base import DeskScreen


class ManagerScreen(DeskScreen):
    CSS_PATH = "manager.tcss"
    AUTO_FOCUS = "DataTable"
    refused = False

    def compose_body(self) -> ComposeResult:
        yield Static(Text(""), id="refusal")
        with Vertical(id="manager-body"):
            yield from self.compose_desk()

    def compose_desk(self) -> ComposeResult:
        yield from ()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_worker_error(self, worker: object, error: BaseException) -> None:
        """Refused loading hides the desk; a refused action (say, retiring the last
        manager) only shows the app's notification."""
        if isinstance(error, Forbidden) and getattr(worker, "group", "").endswith("-load"):
            self.refuse(str(error))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once refused, the desk's own keys leave the footer; Escape and F1 stay."""
        if self.refused and action not in ("back", "help") and hasattr(self, f"action_{action}"):
            return False
        return True

    def refuse(self, message: str) -> None:
        """An advisor sees why, and nothing of what only a manager may see."""
        self.refused = True
        self.refresh_bindings()
        self.query_one("#manager-body").display = False
        refusal = self.query_one("#refusal", Static)
        refusal.update(Text(message))
        refusal.display = True
