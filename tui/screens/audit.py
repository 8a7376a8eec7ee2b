"""The audit log for the manager: filter by advisor, customer and dates; paged."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from db.audit import read as auditlog
from db.audit.read import AuditFilter, PAGE_SIZE
from db.errors import Invalid
from db.i18n import t
from db.roles import list_advisors
from db.safe_text import LINES, visible
from db.validate import date as valid_date
from tui.desk import desk
from tui.screens.manager_base import ManagerScreen
from tui.widgets.fields import TextField
from tui.workers import db_work


def _cell(value: str) -> Text:
    """A cell cut at its column's edge shows that it is cut (…); the detail below has it whole."""
    return Text(visible(value or ""), no_wrap=True, overflow="ellipsis")


class LogTable(DataTable):
    """The log's table. The detail under it grows with the highlighted entry and takes
    rows from it: once resized, the highlighted row is scrolled back into sight."""

    def on_resize(self) -> None:
        self.call_after_refresh(lambda: self.move_cursor(row=self.cursor_row))


class AuditScreen(ManagerScreen):
    HELP_KEY = "audit.help"
    BINDINGS = [
        Binding("pagedown", "page(1)", "audit.key.next", id="audit.next", priority=True),
        Binding("pageup", "page(-1)", "audit.key.previous", id="audit.previous", priority=True),
        Binding("ctrl+r", "apply", "audit.key.apply", id="audit.apply"),
    ]

    class ChainChecked(Message):
        def __init__(self, report: object) -> None:
            super().__init__()
            self.report = report

    class Loaded(Message):
        def __init__(self, page: object, advisors: list[tuple[Text, int]] | None) -> None:
            super().__init__()
            self.page = page
            self.advisors = advisors

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.entry_total = 0
        self.entries: dict[str, object] = {}

    def compose_desk(self) -> ComposeResult:
        yield Static(Text(t("audit.title"), style="bold"), id="audit-title", classes="status")
        with Horizontal(classes="filters"):
            yield Select([], prompt=t("audit.all_advisors"), id="audit-advisor", compact=True)
            yield TextField(placeholder=t("audit.customer"), id="audit-customer", help_key="audit.help.customer",
                            compact=True, max_length=30)
            yield TextField(placeholder=t("audit.from"), id="audit-from", help_key="audit.help.dates",
                            compact=True, max_length=10)
            yield TextField(placeholder=t("audit.to"), id="audit-to", help_key="audit.help.dates",
                            compact=True, max_length=10)
        yield LogTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        # As tall as the highlighted entry needs, up to 60% of the body; beyond that it
        # scrolls (Enter on the row, or Tab, puts the focus in it for ↑/↓).
        with VerticalScroll(id="audit-detail"):
            yield Static(Text(""), id="audit-detail-text")
        yield Static(Text(""), id="audit-status", classes="status")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        for key, width in (("audit.col.at", 11), ("audit.col.advisor", 8), ("audit.col.action", 8),
                           ("audit.col.customer", 10), ("audit.col.what", 32)):
            table.add_column(t(key), width=width)
        self.load(first=True)

    # ---- loading

    def _filter(self):
        advisor = self.query_one("#audit-advisor", Select).value
        values = {}
        for name in ("from", "to"):
            text = self.query_one(f"#audit-{name}", Input).value.strip()
            values[name] = valid_date(text, f"audit-{name}") if text else None
        return AuditFilter(advisor_id=advisor if isinstance(advisor, int) else None,
                           customer=self.query_one("#audit-customer", Input).value,
                           date_from=values["from"], date_to=values["to"])

    def load(self, first: bool = False) -> None:
        try:
            flt = self._filter()
        except Invalid as exc:
            self.query_one("#audit-status", Static).update(Text(str(exc), style="bold red"))
            self.query_one(f"#{exc.field}", Input).focus()
            return
        self._load(flt, self.page_offset, desk(self).advisor_id, first)

    @db_work(group="audit-load")
    def _load(self, flt: object, offset: int, actor_id: int | None, first: bool) -> None:
        page = auditlog.page(actor_id, flt, offset)
        advisors = [(Text(visible(a.name)), a.id) for a in list_advisors()] if first else None  # names: plain text
        self.post_message(self.Loaded(page, advisors))

    @db_work(group="audit-chain")
    def _check_chain(self, actor_id: int | None) -> None:
        """The whole chain walked once the screen opens (a large log takes a while; the
        page is shown meanwhile): a break is told in the title line."""
        from db.audit import read as auditlog

        self.post_message(self.ChainChecked(auditlog.chain_check(actor_id)))

    @on(ChainChecked)
    def chain_checked(self, message: ChainChecked) -> None:
        report = message.report
        if not report.ok:
            title = self.query_one("#audit-title", Static)
            title.update(Text(t("chain.screen_broken", id=report.broken_id), style="bold"))
            title.add_class("chain-broken")

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        if message.advisors is not None:  # the first page: the manager may read the log
            self.query_one("#audit-advisor", Select).set_options(message.advisors)
            self._check_chain(desk(self).advisor_id)
        page = message.page
        self.entry_total = page.total
        table = self.query_one(DataTable)
        table.clear()
        self.entries = {}
        for row in page.rows:
            key = table.add_row(Text(row.at.strftime("%m-%d %H:%M")), _cell(row.advisor), _cell(row.action_label),
                                _cell(row.customer), _cell(row.what), key=str(row.id))
            self.entries[key.value] = row
        pages = max((page.total + page.limit - 1) // page.limit, 1)
        self.query_one("#audit-status", Static).update(Text(t(
            "audit.status", page=f"{page.offset // page.limit + 1:,}", pages=f"{pages:,}", total=f"{page.total:,}")))
        self._show_detail(Text(t("audit.empty") if not page.rows else ""))
        if page.rows and self.focused is None:
            table.focus()

    @on(DataTable.RowHighlighted)
    def detail(self, event: DataTable.RowHighlighted) -> None:
        row = self.entries.get(event.row_key.value)
        if row is None:
            return
        text = Text()
        text.append(visible(f"{row.at:%Y-%m-%d %H:%M:%S}  {row.advisor}  {row.action_label}  {row.customer}") + "\n")
        for change in row.changes:
            text.append(visible(change, LINES) + "\n")
        if row.note:
            text.append(visible(row.note, LINES) + "\n")
        if row.origin:
            text.append(visible(row.origin, LINES))
        text.rstrip()
        self._show_detail(text)

    def _show_detail(self, text: Text) -> None:
        self.query_one("#audit-detail-text", Static).update(text)
        self.query_one("#audit-detail", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowSelected)
    def read_detail(self) -> None:
        """Enter on a row: into its detail, to scroll one longer than the pane."""
        self.query_one("#audit-detail", VerticalScroll).focus()

    # ---- keys

    @on(Input.Submitted)
    @on(Select.Changed)
    def action_apply(self) -> None:
        self.page_offset = 0
        self.load()

    def action_page(self, step: int) -> None:
        new = max(self.page_offset + step * PAGE_SIZE, 0)
        if new == self.page_offset or new >= self.entry_total:
            return
        self.page_offset = new
        self.load()
