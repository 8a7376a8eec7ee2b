"""The station's business thresholds for the manager: read them, change one (logged).

Every change goes through ``db.roles.change_setting`` (manager only, written to the audit
log with the old and new value) and takes effect at once: ``db.settings.get`` reads the
table on every call. A threshold the queues' stored days depend on recomputes every car
in the change's transaction (half a minute at a million cars): the line under the table
counts the cars done, Enter is refused until the save ends, and the line then says how
it ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from db.errors import AdvisorError
from db.i18n import t
from db.roles import change_setting, setting_lines
from tui.screens.ask import AskField
from tui.screens.manager_base import ListDesk


class SettingsScreen(ListDesk):
    HELP_KEY = "settings_screen.help"
    TITLE_KEY = "settings_screen.title"
    HINT_KEY = "settings_screen.hint"
    TABLE_ID = "settings-table"
    COLUMNS = (("settings_screen.col.what", 44), ("settings_screen.col.value", 14),
               ("settings_screen.col.default", 12))
    # priority: the table would take Enter for itself
    BINDINGS = [Binding("enter", "change", "settings_screen.key.change", id="settings.change", priority=True)]

    @dataclass
    class Recomputing(Message):
        """Cars whose due dates are worked out so far, of all cars (from the save's worker)."""

        done: int
        total: int

    def __init__(self) -> None:
        super().__init__()
        self.setting_rows: list = []
        self.saving: Worker | None = None  # the change being saved, if any
        self._cars: int | None = None  # cars recomputed by it, once it has said

    def fetch(self, actor_id: int | None) -> list:
        return setting_lines(actor_id)

    def show(self, lines: list) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.setting_rows = lines
        for line in lines:
            changed = line.value != line.default
            table.add_row(Text(line.label), Text(str(line.value), style="bold" if changed else ""),
                          Text(str(line.default), style="dim"), key=line.key)
        if lines:
            table.move_cursor(row=min(max(row, 0), len(lines) - 1))

    def action_change(self) -> None:
        if self.saving is not None:
            # one change at a time: a second would wait for the first's lock, unseen
            self.notify(t("settings_screen.busy"), severity="warning")
            return
        self._ask()

    def _ask(self, message: str = "", typed: str | None = None) -> None:
        """The form for the setting under the cursor (again with ``message`` and what was
        typed when the value was refused)."""
        table = self.query_one(DataTable)
        if not self.setting_rows or table.cursor_row < 0:
            return
        line = self.setting_rows[table.cursor_row]

        def then(values: dict[str, str]) -> None:
            self._save(line.key, values["value"])

        value = str(line.value) if typed is None else typed
        self.ask(line.label, [AskField("value", "settings_screen.col.value", value, max_length=60)], then, message)

    def _save(self, key: str, value: str) -> None:
        def progress(done: int, total: int) -> None:  # in the worker's thread
            self.post_message(self.Recomputing(done, total))

        self._cars = None
        self._say(t("settings_screen.saving"))
        self.saving = self.act(lambda: change_setting(self.app.advisor_id, key, value, progress=progress),
                               "settings_screen.changed",
                               retry=lambda reason: self._ask(reason, value))

    @on(Recomputing)
    def recomputing(self, message: Recomputing) -> None:
        self._cars = message.total
        percent = 100.0 * message.done / message.total if message.total else 100.0
        self._say(t("settings_screen.recomputing", done=f"{message.done:,}", total=f"{message.total:,}",
                    percent=percent))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # (a failure also reaches the app's one handler, which notifies)
        if event.worker is not self.saving or not event.worker.is_finished:
            return
        self.saving = None
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            reason = str(error) if isinstance(error, AdvisorError) else type(error).__name__
            self._say(t("settings_screen.failed", reason=reason))
        elif event.state == WorkerState.SUCCESS and self._cars is not None:
            self._say(t("settings_screen.recomputed", total=f"{self._cars:,}"))
        else:  # saved without a recompute, refused (the form is open again) or left
            self._say(t(self.HINT_KEY))

    def _say(self, text: str) -> None:
        self.query_one("#desk-hint", Static).update(Text(text))
