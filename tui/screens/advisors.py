"""The advisors' list for the manager: add, rename, retire or bring back, role, PIN.

Every action goes through db.roles (which checks the role again and logs it); this
screen asks, shows and reloads. A retired advisor keeps their name on every work order.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from db import roles
from db.i18n import t
from db.roles import advisor_lines
from tui.desk import desk
from tui.screens.ask import AskField
from tui.screens.manager_base import ListDesk


class AdvisorsScreen(ListDesk):
    HELP_KEY = "advisors.help"
    TITLE_KEY = "advisors.title"
    HINT_KEY = "advisors.hint"
    TABLE_ID = "advisors-table"
    COLUMNS = (("advisors.col.name", 12), ("advisors.col.role", 10), ("advisors.col.status", 6),
               ("advisors.col.pin", 4), ("advisors.col.account", 12), ("advisors.col.orders", 7),
               ("advisors.col.contacts", 7))
    BINDINGS = [
        Binding("n", "add", "advisors.key.add", id="advisors.add"),
        Binding("r", "rename", "advisors.key.rename", id="advisors.rename"),
        Binding("d", "retire", "advisors.key.retire", id="advisors.retire"),
        Binding("m", "role", "advisors.key.role", id="advisors.role"),
        Binding("p", "pin", "advisors.key.pin", id="advisors.pin"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.advisor_rows: dict[str, object] = {}

    def on_mount(self) -> None:  # Textual calls ListDesk.on_mount too (each class's own)
        self.query_one(DataTable).focus()

    def fetch(self, actor_id: int | None) -> list:
        return advisor_lines(actor_id)

    def show(self, lines: list) -> None:
        table = self.query_one(DataTable)
        current = self._current()  # the cursor stays on the same person after a reload
        table.clear()
        self.advisor_rows = {}
        for line in lines:
            style = "" if line.active else "dim"
            key = table.add_row(
                Text(line.name, style=style), Text(t(f"roles.{line.role}"), style=style),
                Text(t("advisors.active" if line.active else "advisors.retired"), style=style),
                Text("✓" if line.has_pin else "", style=style), Text(line.os_user, style=style),
                Text(f"{line.work_orders:,}", justify="right"), Text(f"{line.contacts:,}", justify="right"),
                key=str(line.id))
            self.advisor_rows[key.value] = line
        ids = [line.id for line in lines]
        if current is not None and current.id in ids:
            table.move_cursor(row=ids.index(current.id))

    def _current(self):
        table = self.query_one(DataTable)
        if not self.advisor_rows or table.cursor_row < 0:
            return None
        return list(self.advisor_rows.values())[table.cursor_row]

    # ---- actions: ask, then run the db.roles function in a worker (ListDesk.act)

    def action_add(self, message: str = "", name: str = "", pin: str = "") -> None:
        def then(values: dict[str, str]) -> None:
            self.act(lambda: roles.add_advisor(desk(self).advisor_id, values["name"], pin=values["pin"] or None),
                     "advisors.done.add", retry=lambda m: self.action_add(m, values["name"], values["pin"]))

        self.ask(t("advisors.ask.add"), [AskField("name", "advisors.col.name", name),
                                         AskField("pin", "advisors.ask.pin_optional", pin, password=True,
                                                  max_length=8)], then, message)

    def action_rename(self, message: str = "", name: str | None = None) -> None:
        line = self._current()
        if line is None:
            return

        def then(values: dict[str, str]) -> None:
            self.act(lambda: roles.rename_advisor(desk(self).advisor_id, line.id, values["name"]),
                     "advisors.done.rename", retry=lambda m: self.action_rename(m, values["name"]))

        self.ask(t("advisors.ask.rename", name=line.name),
                 [AskField("name", "advisors.col.name", line.name if name is None else name)], then, message)

    def action_retire(self) -> None:
        line = self._current()
        if line is not None:
            self.act(lambda: roles.set_active(desk(self).advisor_id, line.id, not line.active),
                     "advisors.done.retire" if line.active else "advisors.done.return")

    def action_role(self) -> None:
        line = self._current()
        if line is not None:
            role = roles.ADVISOR if line.role == roles.MANAGER else roles.MANAGER
            self.act(lambda: roles.set_role(desk(self).advisor_id, line.id, role), "advisors.done.role")

    def action_pin(self, message: str = "") -> None:
        line = self._current()
        if line is None:
            return

        def then(values: dict[str, str]) -> None:
            self.act(lambda: roles.set_pin(desk(self).advisor_id, line.id, values["pin"] or None),
                     "advisors.done.pin", retry=lambda m: self.action_pin(m))

        self.ask(t("advisors.ask.pin", name=line.name),
                 [AskField("pin", "advisors.ask.pin_or_empty", password=True, max_length=8)], then, message)
