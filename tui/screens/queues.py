"""F5: today's call queues. Left, every queue with today's count; right, the chosen
queue's rows (drawn through the Line API, fetched a page at a time) and, for the row
under the cursor, its segment badges and treatment hint, why it is due, the masked
mobile and the last contact's note. Keys 1–6 record a call, R opens the outcome dialog,
P puts the row off, C chooses the campaign's segment."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db.errors import Invalid
from db.i18n import t
from db.queues import lists as queues
from db.queues.lists import QUEUES
from db.queues.outcomes import CALL_OUTCOMES
from db.safe_text import LINES, visible
from db.segments import spec_label
from tui.desk import desk
from tui.screens.base import DeskScreen
from tui.screens.queue_dialogs import BOOK, DateDialog, OutcomeDialog, SegmentDialog, save_outcome
from tui.widgets.queue_rows import PAGE, QueueRows
from tui.workers import db_work

CAMPAIGN = "campaign"
ROW_CELLS = 21  # a queue's name and its count, in the list's 24 cells
# One key records at once; these open the dialog first (a date to type, consent to confirm).
NEEDS_DIALOG = ("booked", "do_not_call")


class QueuesScreen(DeskScreen):
    HELP_KEY = "screen.queues.help"
    CSS_PATH = "queues.tcss"
    BINDINGS = [
        Binding("r", "outcome", "key.queues.outcome", id="queues.outcome"),
        Binding("p", "postpone", "key.queues.postpone", id="queues.postpone"),
        Binding("c", "campaign", "key.queues.campaign", id="queues.campaign"),
        Binding("u", "undo", "key.queues.undo", id="queues.undo"),
        *[Binding(str(i + 1), f"record({i})", f"key.queues.{name}", show=False, id=f"queues.{name}")
          for i, name in enumerate(CALL_OUTCOMES)],
    ]

    class CountsLoaded(Message):
        def __init__(self, counts: dict[str, int], segment: str | None, next_try: dt.date) -> None:
            super().__init__()
            self.counts, self.segment = counts, segment  # the campaign's count is this segment's
            self.next_try = next_try  # the day P suggests, read with the counts (a setting)

    class QueueOpened(Message):
        def __init__(self, key: tuple[str, str | None], total: int, keep_cursor: bool) -> None:
            super().__init__()
            self.key, self.total, self.keep_cursor = key, total, keep_cursor

    class PageLoaded(Message):
        def __init__(self, key: tuple[str, str | None], offset: int, items: list) -> None:
            super().__init__()
            self.key, self.offset, self.items = key, offset, items

    class Recorded(Message):
        def __init__(self, text: str, undoable: bool = True) -> None:
            super().__init__()
            self.text = text
            self.undoable = undoable  # a call outcome U can take back (not a put-off)

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.segment: str | None = None
        self.campaign_count: tuple[str, int] | None = None  # (segment, its count) once counted
        self.open_key: tuple[str, str | None] | None = None
        self.next_try: dt.date | None = None  # P's suggested day, once the counts came
        self.can_undo = False  # U: the last call outcome recorded here can be taken back

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="queues-body"):
            yield OptionList(*[Option(self._queue_label(q.name), id=q.name) for q in QUEUES], id="queue-list")
            with Vertical(id="queue-pane"):
                yield Static(Text(t("queues.choose")), id="queue-title")
                yield QueueRows(id="queue-rows")
                yield Static(Text(""), id="queue-detail")

    def on_mount(self) -> None:
        self.query_one("#queue-list", OptionList).focus()
        self.load_counts()

    def on_screen_resume(self) -> None:
        self.load_counts()

    # ---- counts

    def _queue_label(self, name: str) -> Text:
        if name == CAMPAIGN:
            return self._campaign_label()
        count = f"{self.counts[name]:,}" if name in self.counts else "…"
        return _label_row(t(f"queue.{name}"), Text(count, style="bold"))

    def _campaign_label(self) -> Text:
        """No count without a segment: the row says how to choose one. With one, its name
        on a second line, so that the count beside it says what it counts ("…" until
        counted, as every queue's count while it is on its way)."""
        if not self.segment:
            return _label_row(t(f"queue.{CAMPAIGN}"), Text(t("queues.campaign_choose"), style="dim"))

        counted = self.campaign_count
        count = f"{counted[1]:,}" if counted and counted[0] == self.segment else "…"
        label = _label_row(t(f"queue.{CAMPAIGN}"), Text(count, style="bold"))
        chosen = Text("  " + spec_label(self.segment), style="dim")
        chosen.truncate(ROW_CELLS, overflow="ellipsis")
        return label.append("\n").append_text(chosen)

    def _relabel(self) -> None:
        listing = self.query_one("#queue-list", OptionList)
        for index in range(listing.option_count):
            option = listing.get_option_at_index(index)
            listing.replace_option_prompt_at_index(index, self._queue_label(option.id))

    @db_work(group="queues-counts")
    def load_counts(self) -> None:
        segment = self.segment
        found = queues.counts()
        if segment:
            try:
                found[CAMPAIGN] = queues.count(CAMPAIGN, segment=segment)
            except Invalid:
                pass
        self.post_message(self.CountsLoaded(found, segment, queues.next_try()))

    @on(CountsLoaded)
    def show_counts(self, message: CountsLoaded) -> None:
        self.counts = message.counts
        self.next_try = message.next_try
        if message.segment and CAMPAIGN in message.counts:
            self.campaign_count = (message.segment, message.counts[CAMPAIGN])
        self._relabel()

    # ---- opening a queue

    @on(OptionList.OptionSelected, "#queue-list")
    def queue_chosen(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if name == CAMPAIGN and not self.segment:
            self.action_campaign()
            return
        self.open_queue(name)

    def open_queue(self, name: str, keep_cursor: bool = False) -> None:
        self.open_key = (name, self.segment if name == CAMPAIGN else None)
        title = t(f"queue.{name}")
        if name == CAMPAIGN and self.segment:
            from db.segments import spec_label

            title = t("i18n.labelled", label=title, text=spec_label(self.segment))
        self.query_one("#queue-title", Static).update(Text(title, style="bold"))
        self.query_one(QueueRows).focus()
        self._count(self.open_key, keep_cursor)

    @db_work(group="queues-open")
    def _count(self, key: tuple[str, str | None], keep_cursor: bool) -> None:
        self.post_message(self.QueueOpened(key, queues.count(key[0], segment=key[1]), keep_cursor))

    @on(QueueOpened)
    def queue_opened(self, message: QueueOpened) -> None:
        if message.key != self.open_key:
            return
        rows = self.query_one(QueueRows)
        rows.reset(message.key, message.total, message.keep_cursor)
        name = message.key[0]
        title = self.query_one("#queue-title", Static)
        if name == CAMPAIGN and message.key[1]:  # counted here too: the list's row agrees
            self.campaign_count = (message.key[1], message.total)
            self._relabel()
        heading = Text(t("queues.rows", queue=t(f"queue.{name}"), n=f"{message.total:,}"), style="bold")
        if message.key[1]:
            from db.segments import spec_label

            heading.append(f"  {spec_label(message.key[1])}", style="italic")
        title.update(heading)
        if not message.total:
            self.query_one("#queue-detail", Static).update(Text(t("queues.empty"), style="italic"))

    @on(QueueRows.NeedPage)
    def need_page(self, message: QueueRows.NeedPage) -> None:
        self._page(message.key, message.offset)

    @db_work(group="queues-page", exclusive=False)
    def _page(self, key: tuple[str, str | None], offset: int) -> None:
        self.post_message(self.PageLoaded(key, offset, queues.rows(key[0], offset=offset, limit=PAGE,
                                                                   segment=key[1])))

    @on(PageLoaded)
    def page_loaded(self, message: PageLoaded) -> None:
        self.query_one(QueueRows).set_page(message.key, message.offset, message.items)

    # ---- the row under the cursor

    @on(QueueRows.Highlighted)
    def show_detail(self, message: QueueRows.Highlighted) -> None:
        item = message.item
        self.refresh_bindings()  # R, P and 1–6 apply only with a row under the cursor
        detail = self.query_one("#queue-detail", Static)
        if item is None:
            rows = self.query_one(QueueRows)
            detail.update(Text(t("queues.empty") if rows.total == 0 and rows.key else "", style="italic"))
            return
        text = Text()
        text.append(" | ".join(b.label for b in item.badges), style="bold")
        if item.hint:
            text.append("\n" + t("queues.guidance"), style="bold")
            text.append(visible(item.hint, LINES))
        text.append("\n")
        text.append(visible(item.reason, LINES))
        if item.letter:
            text.append("  " + t("queue.letter", n=f"{item.attempts:,}"), style="bold")
        text.append("\n" + t("queues.last_note"), style="bold")
        text.append(visible(item.last_note, LINES) if item.last_note else t("queues.no_contact"))
        detail.update(text)

    def _current(self):
        rows = self.query_one(QueueRows)
        return rows.current if self.open_key else None

    # ---- recording

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("record", "outcome", "postpone"):
            return self._current() is not None
        if action == "undo":
            return self.can_undo  # shown once a call was recorded here, until it is undone
        return True

    def action_undo(self) -> None:
        self._undo()

    @db_work(group="queues-write")
    def _undo(self) -> None:
        outcome = queues.undo_last_call(getattr(self.app, "advisor_id", None))
        text = (t("queues.undone", outcome=t(f"contact.outcome.{outcome}")) if outcome
                else t("queues.nothing_to_undo"))
        self.post_message(self.Recorded(text, undoable=False))

    def action_record(self, index: int) -> None:
        item = self._current()
        if item is None:
            return
        outcome = CALL_OUTCOMES[index]
        if outcome == "booked" and item.vehicle_id and item.customer_id:
            self.run_worker(self.book(item), exclusive=False)
            return
        if outcome in NEEDS_DIALOG:
            self.action_outcome(outcome)
            return
        self._record(item, outcome)

    async def book(self, item) -> None:
        """"Booked" for a car: the appointment book opens (tomorrow) with the car and what
        was due; the call is recorded with the booking, on the day booked."""
        from db.appointments import due_text
        from tui.book_request import BookRequest

        move = int(item.due_key) if item.queue == "confirm" else None  # the booking itself moves
        request = BookRequest(item.customer_id, item.vehicle_id, f"{item.plate} {item.name}",
                              request=due_text(item), channel="call_list", call=item, move_id=move)
        await self.app.open_book(request)

    @db_work(group="queues-write")
    def _record(self, item, outcome: str) -> None:
        save_outcome(item, outcome, desk(self).advisor_id)
        self.post_message(self.Recorded(t("queues.recorded", outcome=t(f"contact.outcome.{outcome}"))))

    def action_outcome(self, preset: str | None = None) -> None:
        item = self._current()
        if item is None:
            return

        def done(outcome: str | None) -> None:
            if outcome == BOOK:
                self.run_worker(self.book(item), exclusive=False)
            elif outcome:
                self.post_message(self.Recorded(t("queues.recorded", outcome=t(f"contact.outcome.{outcome}"))))

        self.app.push_screen(OutcomeDialog(item, desk(self).advisor_id, preset), done)

    def action_postpone(self) -> None:
        item = self._current()
        if item is None:
            return

        def done(day) -> None:
            if day:
                self.post_message(self.Recorded(t("queues.postponed_to", day=day.isoformat()), undoable=False))

        self.app.push_screen(DateDialog(item, self.next_try), done)

    @on(Recorded)
    def recorded(self, message: Recorded) -> None:
        self.can_undo = message.undoable
        self.refresh_bindings()
        self.notify(message.text, timeout=3)
        self.load_counts()
        if self.open_key:
            self.open_queue(self.open_key[0], keep_cursor=True)

    # ---- campaign

    def action_campaign(self) -> None:
        def done(spec: str | None) -> None:
            if spec:
                self.segment = spec
                self._relabel()  # the new segment's name at once, its count when counted
                listing = self.query_one("#queue-list", OptionList)
                listing.highlighted = listing.get_option_index(CAMPAIGN)
                self.open_queue(CAMPAIGN)
                self.load_counts()

        self.app.push_screen(SegmentDialog(self.segment), done)

    # ---- keys

    def action_back(self) -> None:
        """Esc in the rows returns to the queue list; in the list, to the desk's home."""
        if isinstance(self.focused, QueueRows):
            self.query_one("#queue-list", OptionList).focus()
            return
        super().action_back()


def _label_row(name: str, count: Text) -> Text:
    """The queue's name, cut to leave room, then ``count`` flush right: one row of the list."""
    room = ROW_CELLS - max(count.cell_len, 7)
    label = Text(name)
    label.truncate(room, pad=True)
    label.append(" " * (ROW_CELLS - room - count.cell_len))
    return label.append_text(count)
