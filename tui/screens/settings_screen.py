"""The station's business thresholds for the manager: read them, change one (logged).

Every change goes through ``db.roles.change_setting`` (manager only, written to the audit
log with the old and new value) and takes effect at once: ``db.settings.get`` reads the
table on every call.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from db.errors import Invalid
from db.i18n import t
from tui.screens.ask import AskField, AskScreen
from tui.screens.manager_base import ManagerScreen
from tui.workers import db_work


class SettingsScreen(ManagerScreen):
    HELP_KEY = "settings_screen.help"
    # priority: the table would take Enter for itself
    BINDINGS = [Binding("enter", "change", "settings_screen.key.change", id="settings.change", priority=True)]

    class Loaded(Message):
        def __init__(self, lines: list) -> None:
            super().__init__()
            self.lines = lines

    def __init__(self) -> None:
        super().__init__()
        self.setting_rows: list = []

    def compose_desk(self) -> ComposeResult:
        yield Static(Text(t("settings_screen.title"), style="bold"), classes="status")
        yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("settings_screen.hint")), classes="status")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        for key, width in (("settings_screen.col.what", 44), ("settings_screen.col.value", 14),
                           ("settings_screen.col.default", 12)):
            table.add_column(t(key), width=width)
        self.reload()

    def reload(self) -> None:
        self._load(self.app.advisor_id)

    @db_work(group="settings-load")
    def _load(self, actor_id: int | None) -> None:
        from db.roles import setting_lines

        self.post_message(self.Loaded(setting_lines(actor_id)))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.setting_rows = message.lines
        for line in message.lines:
            changed = line.value != line.default
            table.add_row(Text(line.label), Text(str(line.value), style="bold" if changed else ""),
                          Text(str(line.default), style="dim"), key=line.key)
        if message.lines:
            table.move_cursor(row=min(max(row, 0), len(message.lines) - 1))

    def action_change(self, message: str = "", typed: str | None = None) -> None:
        table = self.query_one(DataTable)
        if not self.setting_rows or table.cursor_row < 0:
            return
        line = self.setting_rows[table.cursor_row]

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self._change(line.key, values["value"])

        value = str(line.value) if typed is None else typed
        self.app.push_screen(AskScreen(line.label, [AskField("value", "settings_screen.col.value", value,
                                                             max_length=60)], message), callback=answered)

    @db_work(group="settings-change")
    def _change(self, key: str, value: str) -> None:
        from db.roles import change_setting

        try:
            change_setting(self.app.advisor_id, key, value)
        except Invalid as exc:  # the form again, with the reason and what was typed
            self.app.call_from_thread(self.action_change, str(exc), value)
            return
        self.app.call_from_thread(self.app.notify, t("settings_screen.changed"))
        self.app.call_from_thread(self.reload)
