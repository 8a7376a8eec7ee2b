"""F6: prospects in the service area: a paged list, the form, and the contact log.

The list shows open prospects, the ones due for a contact first. Typing in the box
filters by name (prefix) or mobile (tail): every key loads at once, one load at a time,
the newest text when the load under way answers (``tui.workers.Newest``, as the lookup).
Letters typed while the list has the focus go to the box, so typing always filters.
Ctrl+N adds one, Enter edits, Ctrl+L logs a contact, Ctrl+B books one into the
appointment book (the booking asks for the car and makes the archive), Ctrl+D drops the highlighted one
(from the box too: Ctrl+D there is not the box's delete-right). Ctrl+T switches to the
dropped ones (and back), where Ctrl+R opens a dropped prospect again. All database work
runs in workers posting typed messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker

from db import prospects
from db.clock import today
from db.i18n import number, t
from db.masking import mask_mobile
from db.safe_text import LINES, visible
from db.validate import date_example
from tui.desk import desk
from tui.screens.base import DeskScreen
from tui.screens.prospect_forms import DoorsForm
from tui.widgets.fields import TextField
from tui.workers import Newest, db_work

PAGE_SIZE = 30
COLUMNS = ("name", "mobile", "district", "current_car", "next_contact_date")
# Columns get their widths from the first page's widest cell, up to this many cells:
# DataTable measures auto-width columns only when next idle, and a frame painted before
# that can stay cached with narrow columns (Textual issue #4470).
COLUMN_MAX_CELLS = 24
FORM_FIELDS = ("name", "mobile", "district", "current_car", "heard_from", "interest", "next_step",
               "next_contact_date")


def _label_key(name: str) -> str:
    return f"completeness.field.{name}" if name in ("name", "mobile") else f"prospects.field.{name}"


class ProspectsScreen(DeskScreen):
    HELP_KEY = "prospects.help"
    CSS_PATH = "doors.tcss"
    AUTO_FOCUS = "#prospects-table"
    BINDINGS = [
        Binding("ctrl+n", "new", "prospects.key.new", id="prospects.new"),
        Binding("ctrl+l", "contact", "prospects.key.contact", id="prospects.contact"),
        Binding("ctrl+d", "drop", "prospects.key.drop", id="prospects.drop"),
        Binding("ctrl+b", "book", "prospects.key.book", id="prospects.book"),
        Binding("ctrl+f", "find", "prospects.key.find", show=False, id="prospects.find"),
        # Ctrl+T switches lists: off the open list's footer (Ctrl+B took its room; the
        # list's status line names it), on the dropped list's (the way back)
        Binding("ctrl+t", "switch_list('dropped')", "prospects.key.dropped", show=False, id="prospects.dropped"),
        Binding("ctrl+t", "switch_list('open')", "prospects.key.dropped", id="prospects.back"),
        Binding("ctrl+r", "reopen", "prospects.key.reopen", id="prospects.reopen"),
    ]

    @dataclass
    class PageLoaded(Message):
        generation: int
        page: object  # db.prospects.Page
        due: int

    @dataclass
    class Opened(Message):
        prospect: object  # db.models.Prospect
        contacts: list
        intent: str  # edit | contact

    def __init__(self) -> None:
        super().__init__()
        self._rows: list = []
        self._total = 0
        self.loads = Newest(self._start_load)  # first pages, for the text and list asked
        self.status = "open"  # the list shown: open prospects, or the dropped ones

    def compose_body(self) -> ComposeResult:
        # Not selected on focus: letters typed on the list are added to what is there.
        # Ctrl+D drops the highlighted prospect from here too (Delete still deletes).
        yield TextField(placeholder=t("prospects.find_placeholder"), id="prospects-find",
                        help_key="prospects.find_help", compact=True, select_on_focus=False,
                        leave_keys=("ctrl+d",))
        yield Static(Text(""), id="prospects-status")
        table: DataTable = DataTable(id="prospects-table", cursor_type="row", zebra_stripes=True)
        self._set_columns(table, [])
        yield table

    @staticmethod
    def _set_columns(table: DataTable, cells: list[list[Text]]) -> None:
        table.clear(columns=True)
        for number, name in enumerate(COLUMNS):
            label = t(_label_key(name))
            width = max([Text(label).cell_len, *(row[number].cell_len for row in cells)])
            table.add_column(label, key=name, width=min(width, COLUMN_MAX_CELLS))

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    # ---- loading

    def reload(self) -> None:
        """The list's first page for the text typed now (after the load under way, if any)."""
        self.loads.ask()

    def _start_load(self, generation: int) -> Worker:
        return self.load_page(generation, self.query_one("#prospects-find", Input).value, 0, self.status)

    @db_work(group="prospects")
    def load_page(self, generation: int, query: str, offset: int, status: str) -> None:
        page = prospects.list_page(status=status, query=query, offset=offset, limit=PAGE_SIZE)
        self.post_message(self.PageLoaded(generation, page, prospects.due_count(today())))

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if not self.loads.answered(message.generation):
            return  # typed on since: a newer load is coming

        page = message.page
        table = self.query_one("#prospects-table", DataTable)
        day = today()
        cells = [self._cells(row, day) for row in page.rows]
        if page.offset == 0:
            self._set_columns(table, cells)
            self._rows = []
        for row, row_cells in zip(page.rows, cells):
            table.add_row(*row_cells, key=str(row.id))
            self._rows.append(row)
        self._total = page.total
        shown, total = number(len(self._rows)), number(page.total)
        status = (t("prospects.status", shown=shown, total=total, due=number(message.due))
                  if self.status == "open" else t("prospects.status_dropped", shown=shown, total=total))
        self.query_one("#prospects-status", Static).update(Text(status))
        self.refresh_bindings()  # Ctrl+D / Ctrl+R need a row to act on

    @staticmethod
    def _cells(row, day: dt.date) -> list[Text]:
        due = row.next_contact_date
        return [Text(visible(row.name)), Text(visible(mask_mobile(row.mobile))), Text(visible(row.district or "")),
                Text(visible(row.current_car or "")),
                Text(due.isoformat() if due else "", style="bold" if due and due <= day else "")]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.loads.worker_changed(event)

    @on(Input.Changed, "#prospects-find")
    def typed(self) -> None:
        self.reload()

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the list filters: the focus goes to the box at once (keys
        right behind it land there too) and the letter is added to the text."""
        if not (event.is_printable and event.character) or not isinstance(self.focused, DataTable):
            return
        find = self.query_one("#prospects-find", Input)
        self.set_focus(find)
        find.cursor_position = len(find.value)
        find.insert_text_at_cursor(event.character)
        event.stop()
        event.prevent_default()

    @on(Input.Submitted, "#prospects-find")
    def to_table(self) -> None:
        self.query_one("#prospects-table", DataTable).focus()

    @on(DataTable.RowHighlighted, "#prospects-table")
    def near_end(self, event: DataTable.RowHighlighted) -> None:
        # not while a first page is coming: the next page would follow the old text
        if event.cursor_row >= len(self._rows) - 1 and len(self._rows) < self._total and not self.loads.busy:
            self.load_page(self.loads.generation, self.query_one("#prospects-find", Input).value, len(self._rows),
                           self.status)

    def _current(self):
        table = self.query_one("#prospects-table", DataTable)
        if not self._rows or not (0 <= table.cursor_row < len(self._rows)):
            self.notify(t("prospects.none_selected"), severity="warning")
            return None
        return self._rows[table.cursor_row]

    # ---- actions

    def action_find(self) -> None:
        self.query_one("#prospects-find", Input).focus()

    def action_new(self) -> None:
        advisor_id = desk(self).advisor_id
        fields = [(n, _label_key(n), "", date_example() if n == "next_contact_date" else "")
                  for n in FORM_FIELDS]
        self.app.push_screen(DoorsForm(t("prospects.new_title"), fields,
                                       lambda values: prospects.create(values, advisor_id),
                                       check=prospects.check_field),
                             callback=self._after_form)

    @on(DataTable.RowSelected, "#prospects-table")
    def edit(self) -> None:
        row = self._current()
        if row is not None:
            self.open_prospect(row.id, "edit")

    def action_contact(self) -> None:
        row = self._current()
        if row is not None:
            self.open_prospect(row.id, "contact")

    @db_work(group="prospects-open")
    def open_prospect(self, prospect_id: int, intent: str) -> None:
        self.post_message(self.Opened(prospects.get(prospect_id), prospects.contacts(prospect_id, 5), intent))

    @on(Opened)
    def show_form(self, message: Opened) -> None:
        from tui.screens.card_edit import choices

        p = message.prospect
        history = self._history(message.contacts)
        if message.intent == "contact":
            advisor_id = desk(self).advisor_id
            fields = [("channel", "prospects.field.channel", "phone", ""),
                      ("outcome", "prospects.field.outcome", "", ""),
                      ("note", "prospects.field.note", "", ""),
                      ("next_contact_date", "prospects.field.next_contact_date", "", date_example())]
            coded = {name: options for name, options in choices().items() if name in ("channel", "outcome")}
            self.app.push_screen(DoorsForm(t("prospects.contact_title", name=p.name), fields,
                                           lambda values: prospects.log_contact(p.id, advisor_id, values),
                                           below=history, choices=coded, check=prospects.check_field),
                                 callback=self._after_form)
            return
        current = {n: getattr(p, n) for n in FORM_FIELDS}
        fields = [(n, _label_key(n), "" if current[n] is None else str(current[n]), "") for n in FORM_FIELDS]
        self.app.push_screen(DoorsForm(t("prospects.edit_title", name=p.name), fields,
                                       lambda values: prospects.update(p.id, p.version, values),
                                       below=history,
                                       check=partial(prospects.check_field, kept_date=p.next_contact_date)),
                             callback=self._after_form)

    @staticmethod
    def _history(contacts: list) -> Text:
        text = Text(t("prospects.history") + "\n", style="bold")
        if not contacts:
            text.append(t("prospects.no_contacts"), style="dim")
        for c in contacts:
            outcome = t(f"contact.outcome.{c.outcome}") if c.outcome else ""  # the form's own words
            text.append(f"{c.contact_at:%Y-%m-%d %H:%M} {outcome} ")
            text.append(visible(c.note or "", LINES))  # typed by an advisor: plain text, never markup
            text.append("\n")
        return text

    def _after_form(self, saved: bool | None) -> None:
        if saved:
            self.notify(t("prospects.saved"))
            self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+D in the open list, Ctrl+R in the dropped one: each list offers its own,
        while it shows a row to act on."""
        if action == "drop":
            return self.status == "open" and bool(self._rows)
        if action == "reopen":
            return self.status == "dropped" and bool(self._rows)
        if action == "book":
            return self.status == "open" and bool(self._rows)
        if action == "switch_list":
            return parameters[0] != self.status
        return True

    async def action_book(self) -> None:
        """Ctrl+B: the appointment book for the highlighted prospect; booking a place asks
        for the car and makes the archive (db.book_prospect)."""
        from tui.book_request import BookRequest

        row = self._current()
        if row is not None:
            label = f"{row.name} {mask_mobile(row.mobile)}" if row.mobile else row.name
            await self.app.open_book(BookRequest(None, None, label, prospect_id=row.id))

    def action_drop(self) -> None:
        row = self._current()
        if row is not None:
            self.drop(row.id, row.version)

    @db_work(group="prospects-drop")
    def drop(self, prospect_id: int, version: int) -> None:
        prospects.set_status(prospect_id, version, "dropped")
        self.app.call_from_thread(self._dropped)

    def _dropped(self) -> None:
        self.notify(t("prospects.dropped"))
        self.reload()

    def action_switch_list(self, to: str) -> None:
        """Open prospects, or the dropped ones (which Ctrl+R opens again)."""
        self.status = to
        self.refresh_bindings()
        self.reload()
        self.query_one("#prospects-table", DataTable).focus()

    def action_reopen(self) -> None:
        row = self._current()
        if row is not None:
            self.reopen(row.id, row.version, row.name)

    @db_work(group="prospects-drop")
    def reopen(self, prospect_id: int, version: int, name: str) -> None:
        """Refused (with who holds it) when the mobile now belongs to another open prospect
        or to a customer: db.prospects.set_status checks as for a new one."""
        prospects.set_status(prospect_id, version, "open")
        self.app.call_from_thread(self._reopened, name)

    def _reopened(self, name: str) -> None:
        self.notify(t("prospects.reopened", name=name), markup=False)  # a typed name: never markup
        self.reload()
