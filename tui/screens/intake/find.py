"""The find stage: one field for whatever the customer offers (a plate or its tail, a
mobile tail, a VIN or its tail, a name), the pick list when several archives match, and
after a save the saved work order's summary under the field."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from db.i18n import number, t
from db.safe_text import visible
from tui.desk import desk
from tui.screens.intake.brief import read_brief
from tui.screens.intake.form import FormStage
from tui.widgets.arrivals import ArrivalsBoard
from tui.widgets.brief_view import BriefText, saved_text
from tui.widgets.fields import TextField
from tui.workers import db_work

# "searching…" only when a find takes longer than this (seconds): a find answers in
# milliseconds, and a status painted meanwhile would only compete with the worker for
# the interpreter.
SEARCHING_NOTICE_AFTER = 0.2
FIND_LIMIT = 8  # a short pick list; the lookup screen (F4) pages through more


class FindStage(Vertical):
    """Enter in the field finds: one match's brief follows from the same worker (posted as
    ``BriefStage.Ready``), several are listed to pick from (``Picked``), none is said."""

    class Found(Message):
        def __init__(self, query: str, hits: list[Any]) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    class Picked(Message):
        """The hit picked from the list: its brief is wanted."""

        def __init__(self, hit: Any) -> None:
            super().__init__()
            self.hit = hit

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hits: list[Any] = []
        self._notice: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(t("intake.find.title"), style="bold"), classes="stage-title")
        yield TextField(placeholder=t("intake.find.placeholder"), id="find-input",
                        help_key="intake.find.help", max_length=40)
        yield Static(Text(t("intake.find.hint")), id="find-status", classes="hint")
        arrivals = ArrivalsBoard(id="arrivals")
        arrivals.display = False
        yield arrivals
        results = OptionList(id="find-results")
        results.display = False
        yield results
        summary = BriefText(Text(""), id="saved-text")
        summary.display = False
        yield summary

    class ArrivalsLoaded(Message):
        def __init__(self, bookings: list[Any]) -> None:
            super().__init__()
            self.bookings = bookings

    @db_work(group="intake-arrivals")
    def load_arrivals(self) -> None:
        """Today's expected cars, under the field (after the first frame, and again after
        each save); those past the no-show time are left out (a read: nothing is written)."""
        from db import appointments  # the book comes after the first frame, not before it

        self.post_message(self.ArrivalsLoaded(appointments.arrivals()))

    @on(ArrivalsLoaded)
    def _arrivals_loaded(self, message: ArrivalsLoaded) -> None:
        self.query_one(ArrivalsBoard).show(message.bookings)
        self._arrivals_between()
        self.screen.refresh_bindings()

    def _arrivals_between(self) -> None:
        """Today's arrivals under the field, except while a pick list is shown: between the
        list's line ("3 matches, pick with ↑↓") and its rows they parted the two."""
        board = self.arrivals
        board.display = bool(board.bookings) and not self.query_one("#find-results").display

    @property
    def arrivals(self) -> ArrivalsBoard:
        return self.query_one(ArrivalsBoard)

    @property
    def field(self) -> TextField:
        return self.query_one("#find-input", TextField)

    def submits(self, widget: Widget | None) -> bool:
        """Whether Enter on ``widget`` finds or picks here."""
        return widget is not None and widget in (self.field, self.query_one("#find-results"))

    @on(Input.Submitted, "#find-input")
    async def _search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            await desk(self).release_keys()  # nothing to find: what follows is typed here
            return
        self.query_one("#saved-text").display = False  # the next customer's search
        self._stop_notice()
        self._notice = self.set_timer(SEARCHING_NOTICE_AFTER, lambda: self._status(t("intake.find.searching")))
        self.find(query)

    def _stop_notice(self) -> None:
        if self._notice is not None:
            self._notice.stop()
            self._notice = None

    def _status(self, text: str) -> None:
        self.query_one("#find-status", Static).update(Text(text))

    @db_work(group="intake-find")
    def find(self, query: str) -> None:
        """The matches; for a single one its brief too, in the same worker (one hop less
        before the brief is painted)."""
        from db.search import find as find_archives  # with the first find, not before the first frame

        hits = find_archives(query, limit=FIND_LIMIT + 1)  # one more: whether more match
        brief = read_brief(hits[0].vehicle_id, hits[0].customer_id) if len(hits) == 1 else None
        self.post_message(self.Found(query, hits))  # both handled before the next frame
        if brief is not None:
            self.post_message(brief)

    @on(Found)
    async def _found(self, message: Found) -> None:
        self._stop_notice()
        more = len(message.hits) > FIND_LIMIT
        self._hits = message.hits = message.hits[:FIND_LIMIT]
        if len(message.hits) == 1:
            return  # its brief follows from the same worker; reset() makes this stage ready again
        results = self.query_one("#find-results", OptionList)
        results.clear_options()
        results.display = len(message.hits) > 1
        self._arrivals_between()
        self.screen.refresh_bindings()  # Ctrl+O goes with the arrivals
        if message.hits:
            self._status(t("intake.find.more" if more else "intake.find.many", n=number(len(message.hits))))
            results.add_options([Option(_hit_line(h), id=str(n)) for n, h in enumerate(message.hits)])
            results.highlighted = 0
        else:
            self._status(t("intake.find.none", query=message.query))
        # Keys typed ahead were meant for one customer's brief: with several to pick from or
        # none, they would pick blindly or pile up in the find field. Dropped, and said so.
        await desk(self).release_keys(results if message.hits else None, replay=False)

    @on(OptionList.OptionSelected, "#find-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        desk(self).hold_keys()  # for the brief (already held when Enter picked)
        self.post_message(self.Picked(self._hits[int(event.option.id or 0)]))

    def new_archive(self) -> None:
        """Ctrl+N: a new archive's form, prefilled from what was typed in the field."""
        desk(self).hold_keys()  # for the new archive's first field
        field = self.field
        # What was typed before Ctrl+N may still be on its way to the field: read it there.
        field.call_later(lambda: self._prefill(field.value))

    @db_work(group="intake-new")
    def _prefill(self, query: str) -> None:
        from db.intake.reception import prefill_from_query

        self.post_message(FormStage.Open(prefill_from_query(query)))

    def show_summary(self, saved: Any) -> None:
        """The work order just saved, under the field; the keys typed after F2 come here
        once it is drawn."""
        summary = self.query_one("#saved-text", BriefText)
        summary.show(saved_text(saved), then=lambda: self.screen.call_later(desk(self).release_keys, self.field))
        summary.display = True

    def show_printed(self, text: str) -> None:
        """Where the reception order went, under the summary (a path is shown whole, as
        plain text: the station chose the folder's name)."""
        if self.summary_shown:
            self._status(text)
        else:
            self.notify(text, timeout=10, markup=False)

    @property
    def summary_shown(self) -> bool:
        """The last save's summary is under the field (Ctrl+T prints its reception order)."""
        return bool(self.query_one("#saved-text").display)

    def reset(self) -> None:
        """Ready for the next customer: an empty field, no list, no summary."""
        self.field.value = ""
        self.query_one("#find-results", OptionList).display = False
        self._arrivals_between()
        self.query_one("#saved-text").display = False
        self._status(t("intake.find.hint"))

    def back(self) -> bool:
        """Esc: empties the field (and the pick list), else puts the summary away; False
        when neither was shown. The focus is back in the field, for the next query or Ctrl+N."""
        summary = self.query_one("#saved-text")
        results = self.query_one("#find-results", OptionList)
        if self.field.value or results.display:
            self.field.value = ""
            results.display = False
            self._arrivals_between()
            self.screen.refresh_bindings()
            self._status(t("intake.find.hint"))
        elif summary.display:
            summary.display = False
            self.screen.refresh_bindings()  # no summary, no Ctrl+T
        else:
            return False
        self.screen.set_focus(self.field)
        return True

    def on_key(self, event: events.Key) -> None:
        """A letter or digit typed in the pick list goes on the end of the query, in the
        field (to narrow a long list down)."""
        results = self.query_one("#find-results", OptionList)
        if self.screen.focused is results and event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            field, typed = self.field, event.character
            self.screen.set_focus(field)  # at once: the keys that follow go to the field

            def append() -> None:  # after the field's Focus, which selects the whole query
                field.cursor_position = len(field.value)
                field.insert_text_at_cursor(typed)

            field.call_later(append)

    def on_worker_error(self, worker: Any, error: BaseException) -> None:
        """A find (or a new archive's prefill) that failed: no next stage for the keys typed
        ahead, and it is searching no more."""
        self.screen.call_later(desk(self).release_keys, replay=False)
        self._stop_notice()
        self._status(t("intake.find.hint"))


def _hit_line(hit: Any) -> Text:
    """One pick-list row in aligned columns, the customer's values as plain text."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for value, width, style in ((hit.plate or "—", 10, "bold"), (hit.name, 10, ""),
                                (hit.mobile_masked, 13, ""), (f"…{hit.vin[-6:]}" if hit.vin else "", 9, "")):
        cell = Text(visible(value or ""), style=style)
        cell.truncate(width, overflow="ellipsis")
        text.append_text(cell)
        text.append(" " * (width - cell.cell_len + 1))
    if hit.last_visit:
        text.append(hit.last_visit.isoformat(), style="dim")
    return text
