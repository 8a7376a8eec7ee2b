"""What the manager-only screens share: opened over the report (Escape returns to it),
and a refusal in place of the body when the person at the keyboard is not a manager.
The check itself is db.roles.require_manager, run by the screen's first load.

``ListDesk`` is the skeleton of the plain lists (advisors, settings): a title, a table of
fixed-width columns and a hint, loaded in a worker; an action asks in a form, runs in a
worker, and on a refused value opens the form again with the reason and what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from db.errors import Forbidden, Invalid
from db.i18n import t
from tui.desk import desk
from tui.screens.ask import AskField, AskScreen
from tui.screens.base import DeskScreen
from tui.workers import db_work


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


class ListDesk(ManagerScreen):
    TITLE_KEY = ""
    HINT_KEY = ""
    TABLE_ID = ""
    COLUMNS: tuple[tuple[str, int], ...] = ()  # (label catalogue key, width)

    class Loaded(Message):
        def __init__(self, lines: list) -> None:
            super().__init__()
            self.lines = lines

    def compose_desk(self) -> ComposeResult:
        yield Static(Text(t(self.TITLE_KEY), style="bold"), classes="status")
        yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(Text(t(self.HINT_KEY)), id="desk-hint", classes="status")

    def on_mount(self) -> None:  # DeskScreen.on_mount is called by Textual too, no super()
        table = self.query_one(DataTable)
        for key, width in self.COLUMNS:
            table.add_column(t(key), width=width)
        self.reload()

    def reload(self) -> None:
        self._load(desk(self).advisor_id)

    def fit(self, cells: list[Text]) -> list[Text]:
        """Each cell cut to its column's width with an ellipsis, so a cut value (a long
        login) is seen to be cut rather than read as the whole of it."""
        for cell, (_, width) in zip(cells, self.COLUMNS):
            cell.truncate(width, overflow="ellipsis")
        return cells

    def fetch(self, actor_id: int | None) -> list:
        """The lines (in the worker); raises Forbidden for anyone but a manager."""
        raise NotImplementedError

    def show(self, lines: list) -> None:
        raise NotImplementedError

    @db_work(group="desk-load")
    def _load(self, actor_id: int | None) -> None:
        self.post_message(self.Loaded(self.fetch(actor_id)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.show(message.lines)

    def ask(self, title: str, fields: list[AskField], then: Callable[[dict[str, str]], None],
            message: str = "") -> None:
        """The form; ``then`` gets the typed values, unless Escape."""

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                then(values)

        self.app.push_screen(AskScreen(title, fields, message), callback=answered)

    @db_work(group="desk-act")
    def act(self, call: Callable[[], Any], done_key: str, retry: Callable[[str], None] | None = None) -> None:
        """Run ``call`` (a db.roles function); a refused value goes to ``retry`` (the form
        again, typed values kept) where there is one, else to the app's handler."""
        try:
            call()
        except Invalid as exc:
            if retry is None:
                raise
            self.app.call_from_thread(retry, str(exc))
            return
        self.app.call_from_thread(self.app.notify, t(done_key))
        self.app.call_from_thread(self.reload)
