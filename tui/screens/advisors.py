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
from db.safe_text import visible
from tui.desk import desk
from tui.screens.ask import AskField
from tui.screens.manager_base import ListDesk


class AdvisorsScreen(ListDesk):
    HELP_KEY = "advisors.help"
    TITLE_KEY = "advisors.title"
    HINT_KEY = "advisors.hint"
    TABLE_ID = "advisors-table"
    COLUMNS = (("advisors.col.name", 10), ("advisors.col.role", 8), ("advisors.col.status", 4),
               ("advisors.col.pin", 3), ("advisors.col.login", 12), ("advisors.col.keys", 4),
               ("advisors.col.account", 9), ("advisors.col.orders", 5), ("advisors.col.contacts", 5))
    BINDINGS = [
        Binding("n", "add", "advisors.key.add", id="advisors.add"),
        Binding("r", "rename", "advisors.key.rename", id="advisors.rename"),
        Binding("d", "retire", "advisors.key.retire", id="advisors.retire"),
        Binding("m", "role", "advisors.key.role", id="advisors.role"),
        Binding("p", "pin", "advisors.key.pin", id="advisors.pin"),
        # The SSH sign-in (advisor serve): in the hint line and F1, not the footer.
        Binding("l", "login", "advisors.key.login", id="advisors.login", show=False),
        Binding("k", "add_key", "advisors.key.add_key", id="advisors.add_key", show=False),
        Binding("x", "drop_key", "advisors.key.drop_key", id="advisors.drop_key", show=False),
        Binding("w", "password", "advisors.key.password", id="advisors.password", show=False),
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
            key = table.add_row(*self.fit([
                Text(visible(line.name), style=style), Text(t(f"roles.{line.role}"), style=style),
                Text(t("advisors.active" if line.active else "advisors.retired"), style=style),
                Text("✓" if line.has_pin else "", style=style), Text(visible(line.login or ""), style=style),
                Text(str(len(line.keys)) if line.keys else "", justify="right", style=style),
                Text(visible(line.os_user or ""), style=style),
                Text(f"{line.work_orders:,}", justify="right"), Text(f"{line.contacts:,}", justify="right")]),
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

    # ---- the SSH sign-in (db.access checks the role again and logs each change)

    def action_login(self, message: str = "", login: str | None = None) -> None:
        from db import access

        line = self._current()
        if line is None:
            return

        def then(values: dict[str, str]) -> None:
            self.act(lambda: access.set_login(desk(self).advisor_id, line.id, values["login"]),
                     "advisors.done.login", retry=lambda m: self.action_login(m, values["login"]))

        self.ask(t("advisors.ask.login", name=line.name),
                 [AskField("login", "advisors.col.login", line.login if login is None else login, max_length=32)],
                 then, message)

    def action_add_key(self, message: str = "", text: str = "") -> None:
        from db import access

        line = self._current()
        if line is None:
            return

        def then(values: dict[str, str]) -> None:
            self.act(lambda: access.add_key(desk(self).advisor_id, line.id, values["key"]),
                     "advisors.done.key_add", retry=lambda m: self.action_add_key(m, values["key"]))

        self.ask(t("advisors.ask.key", name=line.name),
                 [AskField("key", "advisors.ask.key_line", text, max_length=2000)], then, message)

    def action_drop_key(self, message: str = "") -> None:
        from db import access

        line = self._current()
        if line is None:
            return
        if not line.keys:
            self.notify(t("advisors.no_keys", name=line.name), markup=False)
            return

        def then(values: dict[str, str]) -> None:
            self.act(lambda: access.remove_key(desk(self).advisor_id, line.id, values["fingerprint"]),
                     "advisors.done.key_drop", retry=lambda m: self.action_drop_key(m))

        shown = ", ".join(f[7:15] + "…" for f in line.keys)
        self.ask(t("advisors.ask.drop_key", name=line.name, keys=shown),
                 [AskField("fingerprint", "advisors.ask.fingerprint", line.keys[-1], max_length=64)], then, message)

    def action_password(self, message: str = "") -> None:
        from db import access
        from db.errors import Invalid

        line = self._current()
        if line is None:
            return

        def then(values: dict[str, str]) -> None:
            def call() -> None:
                if values["password"] != values["again"]:
                    raise Invalid(t("cli.password.differ"))
                access.set_password(desk(self).advisor_id, line.id, values["password"] or None)

            self.act(call, "advisors.done.password", retry=lambda m: self.action_password(m))

        self.ask(t("advisors.ask.password", name=line.name),
                 [AskField("password", "advisors.ask.password_new", password=True, max_length=64),
                  AskField("again", "advisors.ask.password_again", password=True, max_length=64)], then, message)
