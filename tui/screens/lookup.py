"""F4: find an archive while typing, and open its card.

Every key searches at once, one search at a time: keys typed while one runs wait for it,
then the newest text is searched (``tui.workers.Newest``: a fixed debounce delay would
add to the wait after the last key, while a lookup costs milliseconds). One exclusive
worker runs ``db.search``; an answer for an older text is dropped, so a slow answer never
overwrites a newer one. The table holds pages of rows (the first at once, the next when
the cursor reaches the last row or on Ctrl+N), never every match; a next page continues
after the last row shown (``db.search.After``), so it only appends, even when archives
were created or changed in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker

from db import search as lookup
from db.i18n import number, t
from db.safe_text import visible
from tui.screens.base import DeskScreen
from tui.widgets.fields import TextField
from tui.widgets.result_list import ResultList, row_text
from tui.workers import Newest, db_work

PAGE_SIZE = 20  # a screenful at 80×24 and a few more
# Column widths in cells (73 with the gaps, the scrollbar fits at 80).
COLUMNS = {"name": 10, "mobile": 11, "plate": 9, "vin": 17, "last_visit": 10, "match": 8}


class LookupScreen(DeskScreen):
    HELP_KEY = "screen.lookup.help"
    CSS_PATH = "lookup.tcss"
    AUTO_FOCUS = "#lookup-query"
    BINDINGS = [
        Binding("ctrl+f", "focus_query", "lookup.key.search", id="lookup.search"),
        Binding("down", "focus_results", "lookup.key.open", show=False, id="lookup.results"),
        Binding("ctrl+n", "more", "lookup.key.more", show=False, id="lookup.more"),
        Binding("ctrl+b", "book", "lookup.key.book", id="lookup.book"),
    ]

    @dataclass
    class Answer(Message):
        """One page of results for the search of ``generation``."""

        generation: int
        query: str
        offset: int
        page: object  # db.search.Page

    def __init__(self) -> None:
        super().__init__()
        self.searches = Newest(self._start_search)  # the first pages' searches
        self._hits: list = []
        self._shown_pairs: set[tuple[int, int | None]] = set()  # (customer, vehicle) in the list
        self._next = None  # db.search.After: where the next page starts
        self._has_more = False
        self._loading_more = False
        self._query = ""
        self.shown = 0  # the generation whose answer the list holds (tests and bench/lookup.py wait on it)

    def compose_body(self) -> ComposeResult:
        yield TextField(placeholder=t("lookup.placeholder"), id="lookup-query", help_key="lookup.field_help")
        yield Static(Text(t("lookup.status.idle")), id="lookup-status")
        header = row_text([Text(t(f"lookup.col.{c}")) for c in COLUMNS], list(COLUMNS.values()))
        yield Static(header, id="lookup-header")
        yield ResultList(list(COLUMNS.values()), id="lookup-results")

    # ---- typing

    @on(Input.Changed, "#lookup-query")
    def typed(self, event: Input.Changed) -> None:
        """Search now, or, while a search runs, as soon as it answers."""
        self.searches.ask()

    def _start_search(self, generation: int) -> Worker | None:
        query = self.query_one("#lookup-query", Input).value
        self._query = query
        if not query.strip():
            self._show_page(query, 0, None)
            self.shown = generation
            return None
        return self.run_search(generation, query)

    @db_work(group="lookup")
    def run_search(self, generation: int, query: str, after=None) -> None:
        page = lookup.search(query, limit=PAGE_SIZE, after=after)
        self.post_message(self.Answer(generation, query, after.shown if after else 0, page))

    @on(Answer)
    def answered(self, message: Answer) -> None:
        if not self.searches.answered(message.generation):
            return  # typed on since: a newer search is coming
        self._show_page(message.query, message.offset, message.page)
        self.shown = message.generation

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.searches.worker_changed(event)

    # ---- showing

    def _show_page(self, query: str, offset: int, page) -> None:
        results = self.query_one("#lookup-results", ResultList)
        self._loading_more = False
        if offset == 0:
            self._hits = []
            self._shown_pairs = set()
        # A row already in the list (its archive changed so it sorts later now) stays where it is.
        hits = [hit for hit in (page.hits if page is not None else [])
                if (hit.customer_id, hit.vehicle_id) not in self._shown_pairs]
        self._shown_pairs.update((hit.customer_id, hit.vehicle_id) for hit in hits)
        self._has_more = bool(page and page.has_more)
        self._next = page.next if page is not None else None
        rows = [self._cells(hit) for hit in hits]
        if offset == 0:
            results.replace_rows(rows)
        else:
            results.add_rows(rows)
        self._hits.extend(hits)
        self._update_status(query)

    @staticmethod
    def _cells(hit) -> list[Text]:
        # Customer values as Text: a name like "[b]x[/b]" is shown as typed, never as markup,
        # and a control character in it as its escape (db.safe_text), never raw.
        return [
            Text(visible(hit.name)), Text(visible(hit.mobile_masked or "")), Text(visible(hit.plate or "")),
            Text(visible(hit.vin or "")),
            Text(hit.last_visit.isoformat() if hit.last_visit else ""),
            Text(t(f"lookup.match.{hit.match}"), style="dim"),
        ]

    def _update_status(self, query: str) -> None:
        if not query.strip():
            text = t("lookup.status.idle")
        elif not self._hits:
            text = t("lookup.status.none", query=query.strip())
        elif self._has_more:
            text = t("lookup.status.more", n=number(len(self._hits)))
        else:
            text = t("lookup.status.some", n=number(len(self._hits)))
        # One line of fixed height (lookup.tcss): its text changes, never its size, so no
        # layout of the screen for it at each keystroke.
        self.query_one("#lookup-status", Static).update(Text(text), layout=False)

    # ---- paging and opening

    @on(ResultList.Highlighted, "#lookup-results")
    def near_end(self, event: ResultList.Highlighted) -> None:
        if event.index >= len(self._hits) - 1:
            self.action_more()

    def action_more(self) -> None:
        if self._has_more and not self._loading_more and not self.searches.busy:
            self._loading_more = True
            self.run_search(self.searches.generation, self._query, self._next)

    @on(Input.Submitted, "#lookup-query")
    def open_from_box(self) -> None:
        if self._hits:
            self._open(self.query_one("#lookup-results", ResultList).cursor)

    @on(ResultList.Selected, "#lookup-results")
    def open_row(self, event: ResultList.Selected) -> None:
        self._open(event.index)

    def _open(self, index: int) -> None:
        if 0 <= index < len(self._hits):
            from tui.screens.card import ArchiveCard

            self.app.push_screen(ArchiveCard(self._hits[index].customer_id))

    async def action_book(self) -> None:
        """Ctrl+B: the appointment book for the car of the result under the cursor."""
        from tui.book_request import BookRequest

        index = self.query_one("#lookup-results", ResultList).cursor
        if not 0 <= index < len(self._hits):
            return
        hit = self._hits[index]
        if hit.vehicle_id is None:
            self.notify(t("card.book_no_car"), severity="warning")
            return
        await self.app.open_book(BookRequest(hit.customer_id, hit.vehicle_id, f"{hit.plate or hit.vin} {hit.name}"))

    def action_back(self) -> None:
        """Esc in the list returns to the box (to type again); Esc in the box leaves."""
        if self.focused is self.query_one("#lookup-results", ResultList):
            self.action_focus_query()
        else:
            super().action_back()

    def action_focus_query(self) -> None:
        self.query_one("#lookup-query", Input).focus()

    def arrived(self) -> None:
        """F4: in the box, the last query selected, so the next key starts a new one."""
        box = self.query_one("#lookup-query", Input)
        box.focus()
        box.select_all()

    def action_focus_results(self) -> None:
        if self._hits:
            self.query_one("#lookup-results", ResultList).focus()
