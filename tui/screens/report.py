"""F8: the station's results, with the manager's desk (audit log, advisors, settings) one
key away."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from db import report as station_report
from db.errors import Invalid
from db.i18n import t
from tui.screens.base import DeskScreen
from tui.widgets.fields import TextField
from tui.workers import db_work


class ReportScreen(DeskScreen):
    CSS_PATH = "report.tcss"
    HELP_KEY = "report.help"
    BINDINGS = [
        Binding("ctrl+r", "reload", "report.key.reload", show=False, id="report.reload"),
        Binding("ctrl+o", "audit", "report.key.audit", id="report.audit"),
        Binding("ctrl+u", "advisors", "report.key.advisors", id="report.advisors"),
        Binding("ctrl+t", "settings", "report.key.settings", id="report.settings"),
    ]

    class Loaded(Message):
        def __init__(self, report: object) -> None:
            super().__init__()
            self.report = report

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="report-period"):
            yield Static(Text(t("report.period_label")), classes="label")
            yield TextField(placeholder="YYYY-MM-DD", id="report-from", help_key="report.help.from", max_length=10)
            yield Static(Text("—"), classes="label")
            yield TextField(placeholder="YYYY-MM-DD", id="report-to", help_key="report.help.to", max_length=10)
            yield Static(Text(""), id="report-error", classes="error")
        with VerticalScroll(id="report-body"):
            yield Static(Text(t("report.loading"), style="italic"), id="report-text")

    def on_mount(self) -> None:
        self.query_one("#report-body").focus()
        self.action_reload()

    @on(Input.Submitted)
    def action_reload(self) -> None:
        self.query_one("#report-error", Static).update(Text(""))
        self.load(self.query_one("#report-from", Input).value.strip(),
                  self.query_one("#report-to", Input).value.strip())

    @db_work(group="report")
    def load(self, date_from: str, date_to: str) -> None:
        self.post_message(self.Loaded(station_report.build(date_from or None, date_to or None)))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        from tui.report_render import render

        report = message.report
        self.query_one("#report-from", Input).value = report.date_from.isoformat()
        self.query_one("#report-to", Input).value = report.date_to.isoformat()
        width = max(self.query_one("#report-body").size.width - 2, 60)
        self.query_one("#report-text", Static).update(render(report, width))

    def on_worker_error(self, worker: object, error: BaseException) -> None:
        """A bad date stays in its field with the reason beside it (the app also notifies)."""
        if isinstance(error, Invalid):
            self.query_one("#report-error", Static).update(Text(str(error)))
            self.query_one("#report-from" if error.field == "date_from" else "#report-to", Input).focus()

    def action_audit(self) -> None:
        from tui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_settings(self) -> None:
        from tui.screens.settings_screen import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_advisors(self) -> None:
        from tui.screens.advisors import AdvisorsScreen

        self.app.push_screen(AdvisorsScreen())
