"""The station's business thresholds for the manager: read them, change one (logged).

Every change goes through ``db.roles.change_setting`` (manager only, written to the audit
log with the old and new value) and takes effect at once: ``db.settings.get`` reads the
table on every call.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

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

    def __init__(self) -> None:
        super().__init__()
        self.setting_rows: list = []

    def fetch(self, actor_id: int | None) -> list:
        from db.roles import setting_lines

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

    def action_change(self, message: str = "", typed: str | None = None) -> None:
        from db.roles import change_setting

        table = self.query_one(DataTable)
        if not self.setting_rows or table.cursor_row < 0:
            return
        line = self.setting_rows[table.cursor_row]

        def then(values: dict[str, str]) -> None:
            value = values["value"]
            self.act(lambda: change_setting(self.app.advisor_id, line.key, value), "settings_screen.changed",
                     retry=lambda reason: self.action_change(reason, value))

        value = str(line.value) if typed is None else typed
        self.ask(line.label, [AskField("value", "settings_screen.col.value", value, max_length=60)], then, message)
