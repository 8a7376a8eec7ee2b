"""F12: the appointment book (预约). A day's grid (slots down, places across), the day's
load per advisor on the title line, the place under the cursor below. ←/→ the day
before and after, T today; Enter books a free place (the car handed over by the card,
the lookup or F5, else one typed in the dialog) or opens a booking's archive card;
C confirms, X cancels (with a reason), M moves a booking to the place chosen next."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from db import appointments
from db.appointments import DayGrid, at_of, at_text, slot_text
from db.clock import today
from db.errors import AdvisorError, Invalid
from db.i18n import t
from db.safe_text import LINES, visible
from tui.book_request import BookRequest
from tui.keys import TranslatedBindings, help_binding
from tui.screens.base import DeskScreen, cancel_form
from tui.widgets.book_grid import BookGrid
from tui.widgets.choice import ChoiceField
from tui.widgets.fields import TextField
from tui.widgets.form_row import FieldRow
from tui.workers import db_work

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_title(day: dt.date) -> str:
    return t("book.day", day=day.isoformat(), weekday=t(f"book.weekday.{WEEKDAYS[day.weekday()]}"))


class DayLoaded(Message):
    def __init__(self, grid: DayGrid, at_slot: int | None, near: list[DayGrid]) -> None:
        super().__init__()
        self.grid, self.at_slot = grid, at_slot
        self.near = near  # the day before and after, read with it: ←/→ shows them at once


class Changed(Message):
    """A booking was made or changed: say so and paint the day again (the cursor on
    ``booking_id`` when given: the booking just made or moved)."""

    def __init__(self, text: str, day: dt.date | None = None, at_slot: int | None = None,
                 booking_id: int | None = None) -> None:
        super().__init__()
        self.text, self.day, self.at_slot, self.booking_id = text, day, at_slot, booking_id


class PickedUp(Message):
    def __init__(self, booking, call) -> None:
        super().__init__()
        self.booking, self.call = booking, call


class Failed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class BookScreen(DeskScreen):
    HELP_KEY = "screen.book.help"
    CSS_PATH = "book.tcss"
    BINDINGS = [
        Binding("left", "day(-1)", "book.key.days", key_display="←→", id="book.previous_day", priority=True),
        Binding("right", "day(1)", "book.key.next_day", show=False, id="book.next_day", priority=True),
        Binding("enter", "enter", "book.key.enter", id="book.enter", priority=True),
        Binding("c,C", "confirm", "book.key.confirm", id="book.confirm"),
        Binding("x,X", "cancel_booking", "book.key.cancel", id="book.cancel"),
        Binding("m,M", "move", "book.key.move", id="book.move"),
        Binding("t,T", "today", "book.key.today", show=False, id="book.today"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = today() + dt.timedelta(days=1)
        self.request: BookRequest | None = None  # the car being booked, handed over by another screen
        self.moving = None  # the booking M picked up, put down by the next Enter
        self.moving_call = None  # the confirmation call that asked for the move, recorded with it
        self._near: dict[dt.date, DayGrid] = {}  # the days around the one shown, as last read
        self._cursor_on: int | None = None  # the booking the next day painted puts the cursor on

    def compose_body(self) -> ComposeResult:
        with Vertical(id="book-body"):
            yield Static(Text(day_title(self.day)), id="book-title")
            yield BookGrid(id="book-grid")
            yield Static(Text(""), id="book-detail")

    def on_mount(self) -> None:
        # the screen may have been made well before it is shown (the app prepares it after
        # its first frame): tomorrow is the day of the first showing's
        self.day = today() + dt.timedelta(days=1)
        self.query_one(BookGrid).focus()
        self.load_day()

    def on_screen_resume(self) -> None:
        self.load_day()

    def arrived(self) -> None:
        self.query_one(BookGrid).focus()

    # ---- another screen books a car here

    def start(self, request: BookRequest) -> None:
        """Open at the request's day (tomorrow by default), the car named on the title line:
        Enter on a free place books it."""
        self.request, self.moving, self.moving_call = request, None, None
        self.day = request.day or today() + dt.timedelta(days=1)
        self.query_one(BookGrid).focus()
        if request.move_id is not None:
            self.request = None
            self._pick_up(request.move_id, request.call)
            return
        self.load_day()

    @db_work(group="book-day")
    def _pick_up(self, appointment_id: int, call) -> None:
        booking = appointments.get(appointment_id)
        self.post_message(PickedUp(booking, call))

    @on(PickedUp)
    def picked_up(self, message: PickedUp) -> None:
        """A booking to move (a confirmation call's "booked"): its day, the cursor on it."""
        self.moving, self.moving_call = message.booking, message.call
        self.day = message.booking.at.date()
        self.load_day(message.booking.at.hour * 60 + message.booking.at.minute)

    # ---- loading a day

    @db_work(group="book-day")
    def load_day(self, at_slot: int | None = None) -> None:
        day = self.day
        grid = appointments.day_grid(day)
        near = [appointments.day_grid(day + dt.timedelta(days=step)) for step in (-1, 1)]
        self.post_message(DayLoaded(grid, at_slot, near))

    @on(DayLoaded)
    def day_loaded(self, message: DayLoaded) -> None:
        self._near = {grid.day: grid for grid in (message.grid, *message.near)}
        if message.grid.day != self.day:
            return  # a day already left
        self.query_one(BookGrid).show(message.grid, at_slot=message.at_slot, booking_id=self._cursor_on)
        self._cursor_on = None
        self._title(message.grid)

    def _title(self, grid: DayGrid) -> None:
        title = Text(day_title(grid.day), style="bold")
        capacity = grid.hours.cars_per_slot * len(grid.hours.slots)
        held = sum(slot.held for slot in grid.slots)
        title.append("  " + t("book.held", held=held, capacity=capacity))
        for name, count in grid.load:
            title.append("  ")
            title.append(visible(name) if name else t("book.any_advisor"))  # a name: plain text, escapes shown
            title.append(f" {count}" + (f"/{grid.hours.per_advisor_day}" if name else ""))
        # one line: a busy day's advisors are cut at the edge rather than push the grid down
        title.truncate(max(20, (self.query_one("#book-title", Static).size.width or 80) - 1), overflow="ellipsis")
        if self.moving is not None:
            title = Text(t("book.moving", plate=self.moving.plate or "-", at=at_text(self.moving.at)),
                         style="bold reverse")
        elif self.request is not None:
            title.append("\n")
            title.append(t("book.booking_for"), style="bold reverse")
            title.append(" " + visible(self.request.label))
        self.query_one("#book-title", Static).update(title)

    def action_day(self, delta: int) -> None:
        self.day += dt.timedelta(days=delta)
        known = self._near.get(self.day)
        if known is not None:  # read with the day shown: painted now, read again behind it
            self.query_one(BookGrid).show(known)
            self._title(known)
        else:
            self.query_one("#book-title", Static).update(Text(day_title(self.day), style="bold"))
        self.load_day()

    def action_today(self) -> None:
        self.day = today()
        self.load_day()

    # ---- the place under the cursor

    @on(BookGrid.Highlighted)
    def show_detail(self, message: BookGrid.Highlighted) -> None:
        self.refresh_bindings()
        detail = self.query_one("#book-detail", Static)
        if message.slot is None:
            detail.update(Text(""))
            return
        start = slot_text(message.slot.start)
        b = message.booking
        if b is None:
            detail.update(Text(t("book.free_place", at=start)))
            return
        text = Text(f"#{b.id} {start} ", style="bold")
        text.append(visible(b.plate or "-"))
        text.append(" ")
        text.append(visible(b.name))
        text.append("  " + t(f"book.status.{b.status}"), style="bold")
        if b.overbooked:
            text.append(" " + t("book.overbooked"), style="bold")
        text.append("  " + t("book.for", name=b.advisor_name or t("book.any_advisor")))
        text.append("  " + t("book.waiting" if b.waiting else "book.drop_off"))
        text.append("  " + t(f"book.channel.{b.channel}"))
        if b.late:
            text.append("  " + t("book.late"), style="bold")
        text.append("\n" + t("book.request") + " ", style="bold")
        text.append(visible(b.request or "-", LINES))  # as the customer said it: plain text
        detail.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "cancel_booking", "move"):
            current = self.query_one(BookGrid).current
            if action == "confirm":
                return current is not None and current.status == "booked"
            return current is not None and current.status in ("booked", "confirmed")
        return True

    # ---- keys

    def action_enter(self) -> None:
        grid = self.query_one(BookGrid)
        slot = grid.current_slot
        if slot is None:
            return
        at = at_of(self.day, slot.start)
        booking = grid.current
        me = getattr(self.app, "advisor_id", None)
        if self.moving is not None:
            self._move(self.moving.id, at, me, self.moving_call)
            return
        if booking is not None:
            from tui.screens.card import ArchiveCard

            self.app.push_screen(ArchiveCard(booking.customer_id))
            return

        def done(result) -> None:
            if result:
                self.request = None
                self.post_message(Changed(t("book.booked", at=at_text(result.at), plate=result.plate or "-"),
                                          result.at.date(), slot.start, result.id))

        self.app.push_screen(BookDialog(at, self.request, me), done)

    @db_work(group="book-write")
    def _move(self, appointment_id: int, at: dt.datetime, advisor_id: int | None, call=None) -> None:
        try:
            moved = appointments.move(appointment_id, at, advisor_id, call=call)
        except AdvisorError as exc:
            self.post_message(Failed(str(exc)))
            return
        self.moving = self.moving_call = None
        self.post_message(Changed(t("book.moved_to", at=at_text(moved.at), plate=moved.plate or "-"),
                                  moved.at.date(), at.hour * 60 + at.minute, moved.id))

    def action_confirm(self) -> None:
        booking = self.query_one(BookGrid).current
        if booking is not None:
            self._confirm(booking.id, getattr(self.app, "advisor_id", None))

    @db_work(group="book-write")
    def _confirm(self, appointment_id: int, advisor_id: int | None) -> None:
        try:
            done = appointments.confirm(appointment_id, advisor_id)
        except AdvisorError as exc:
            self.post_message(Failed(str(exc)))
            return
        self.post_message(Changed(t("book.confirmed", plate=done.plate or "-", at=at_text(done.at))))

    def action_cancel_booking(self) -> None:
        booking = self.query_one(BookGrid).current
        if booking is None:
            return

        def done(result) -> None:
            if result:
                self.post_message(Changed(t("book.cancelled", plate=result.plate or "-", at=at_text(result.at))))

        self.app.push_screen(CancelDialog(booking, getattr(self.app, "advisor_id", None)), done)

    def action_move(self) -> None:
        booking = self.query_one(BookGrid).current
        if booking is None:
            return
        self.moving, self.moving_call = booking, None
        grid = self.query_one(BookGrid)
        if grid.grid is not None:
            self._title(grid.grid)

    def action_back(self) -> None:
        """Esc lets go of a move or of the car handed over; then back to the desk's home."""
        if self.moving is not None or self.request is not None:
            self.moving = self.request = self.moving_call = None
            grid = self.query_one(BookGrid)
            if grid.grid is not None:
                self._title(grid.grid)
            return
        super().action_back()

    @on(Changed)
    def changed(self, message: Changed) -> None:
        self._near = {}  # what was read before the change is stale
        self.notify(message.text, timeout=3)
        if message.day is not None:
            self.day = message.day
        self._cursor_on = message.booking_id
        self.load_day(message.at_slot)

    @on(Failed)
    def failed(self, message: Failed) -> None:
        self.notify(message.text, severity="error", timeout=6)


class BookDialog(TranslatedBindings, ModalScreen[object]):
    """Book a free place: the car (handed over, typed as for the lookup, or for a prospect
    its plate, model and VIN: ``db.book_prospect``), the advisor it is for (empty: any),
    waiting or dropping the car off and how it was booked (‹ › choices), what the customer
    asks for. F2 or Enter in the last field books; a full slot or a bad value is said in
    the dialog and nothing typed is lost."""

    CSS_PATH = "book.tcss"
    HELP_KEY = "dialog.book.help"
    BINDINGS = [
        Binding("f2", "save", "book.key.save", id="book_dialog.save", priority=True),
        Binding("escape", "cancel", "book.key.close", id="book_dialog.cancel"),
        help_binding("book_dialog"),
    ]
    NEW_CAR = ("plate", "model", "vin")  # what a prospect's booking asks for

    class Refused(Message):
        def __init__(self, text: str, field: str | None) -> None:
            super().__init__()
            self.text, self.field = text, field

    class Booked(Message):
        def __init__(self, booking) -> None:
            super().__init__()
            self.booking = booking

    def __init__(self, at: dt.datetime, request: BookRequest | None, advisor_id: int | None) -> None:
        super().__init__()
        self.at, self.request, self.advisor_id = at, request, advisor_id

    @property
    def for_prospect(self) -> bool:
        return self.request is not None and self.request.prospect_id is not None

    def compose(self) -> ComposeResult:
        with Vertical(id="book-dialog", classes="book-dialog"):
            yield Static(Text(t("book.dialog_title", at=at_text(self.at)), style="bold"))
            yield Static(Text(t("book.prospect_car") if self.for_prospect else t("book.car")), classes="label")
            if self.request is not None:
                yield Static(Text(visible(self.request.label)), id="book-car-chosen")  # a name: plain text
            else:
                yield TextField(id="book-car", help_key="book.help.car", max_length=40, enter_moves_on=True)
            if self.for_prospect:
                for name, length in zip(self.NEW_CAR, (10, 60, 17)):
                    field = TextField(id=f"book-{name}", help_key=f"book.help.{name}", max_length=length,
                                      enter_moves_on=True)
                    yield FieldRow(f"book.{name}", f"book.field.{name}", field, required=name != "model")
            yield Static(Text(t("book.advisor_field")), classes="label")
            yield TextField(id="book-advisor", help_key="book.help.advisor", max_length=40, enter_moves_on=True,
                            placeholder=t("book.any_advisor"))
            yield FieldRow("book.waiting", "book.field.waiting",
                           ChoiceField([("yes", t("book.waiting")), ("no", t("book.drop_off"))],
                                       help_key="book.help.waiting", id="book-waiting"))
            channel = self.request.channel if self.request is not None else "phone"
            yield FieldRow("book.channel", "book.field.channel",
                           ChoiceField([(c, t(f"book.channel.{c}")) for c in appointments.CHANNELS], value=channel,
                                       help_key="book.help.channel", id="book-channel"))
            yield Static(Text(t("book.request")), classes="label")
            yield TextField(self.request.request if self.request else "", id="book-request",
                            help_key="book.help.request", max_length=500)
            yield Static(Text(""), id="book-error", classes="error")
            # The footer under a dialog is the book's: the dialog's own keys are said here.
            yield Static(Text(t("book.dialog_keys")), classes="hint")

    def on_mount(self) -> None:
        first = "#book-plate" if self.for_prospect else "#book-advisor" if self.request is not None else "#book-car"
        self.query_one(first, Input).focus()

    @on(Input.Submitted, "#book-request")
    def action_save(self) -> None:
        typed = {name: self.query_one(f"#book-{name}", Input).value
                 for name in ("car", *self.NEW_CAR) if self.query(f"#book-{name}")}
        choice = {name: self.query_one(f"#book-{name}", ChoiceField).value for name in ("waiting", "channel")}
        self._save(typed, self.query_one("#book-advisor", Input).value, self.query_one("#book-request", Input).value,
                   choice["waiting"] == "yes", choice["channel"])

    @db_work(group="book-dialog")
    def _save(self, typed: dict[str, str], advisor_name: str, request_text: str, waiting: bool, channel: str) -> None:
        try:
            for_advisor = appointments.advisor_named(advisor_name).id if advisor_name.strip() else None
            call = self.request.call if self.request is not None else None
            if self.for_prospect:
                from db.book_prospect import book_prospect

                booking = book_prospect(self.request.prospect_id, plate=typed["plate"], model=typed["model"],
                                        vin=typed["vin"], at=self.at, booked_by=self.advisor_id,
                                        advisor_id=for_advisor, request=request_text, waiting=waiting,
                                        channel=channel)
                self.post_message(self.Booked(booking))
                return
            if self.request is not None:
                vehicle_id, customer_id = self.request.vehicle_id, self.request.customer_id
            else:
                if not typed["car"].strip():
                    raise Invalid(t("book.car_needed"), "query")
                hit = appointments.find_car(typed["car"])
                vehicle_id, customer_id = hit.vehicle_id, hit.customer_id
            booking = appointments.book(vehicle_id=vehicle_id, customer_id=customer_id, at=self.at,
                                        booked_by=self.advisor_id, advisor_id=for_advisor, request=request_text,
                                        waiting=waiting, channel=channel, call=call)
        except AdvisorError as exc:
            self.post_message(self.Refused(str(exc), getattr(exc, "field", None)))
            return
        self.post_message(self.Booked(booking))

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.query_one("#book-error", Static).update(Text(message.text))
        target = {"query": "#book-car", "advisor": "#book-advisor", "plate": "#book-plate", "model": "#book-model",
                  "vin": "#book-vin", "channel": "#book-channel"}.get(message.field or "")
        if target and self.query(target):
            self.query_one(target).focus()

    @on(Booked)
    def booked(self, message: Booked) -> None:
        self.dismiss(message.booking)

    def action_cancel(self) -> None:
        cancel_form(self)


class CancelDialog(TranslatedBindings, ModalScreen[object]):
    """Cancel a booking: the reason is asked (the customer's words), F2 or Enter cancels."""

    CSS_PATH = "book.tcss"
    HELP_KEY = "dialog.book_cancel.help"
    BINDINGS = [
        Binding("f2", "save", "book.key.cancel_save", id="book_cancel.save", priority=True),
        Binding("escape", "cancel", "book.key.close", id="book_cancel.cancel"),
        help_binding("book_cancel"),
    ]

    class Done(Message):
        def __init__(self, booking, error: str = "") -> None:
            super().__init__()
            self.booking, self.error = booking, error

    def __init__(self, booking, advisor_id: int | None) -> None:
        super().__init__()
        self.booking, self.advisor_id = booking, advisor_id

    def compose(self) -> ComposeResult:
        with Vertical(id="book-cancel", classes="book-dialog"):
            title = Text(t("book.cancel_title", at=at_text(self.booking.at)) + " ", style="bold")
            title.append(visible(f"{self.booking.plate or '-'} {self.booking.name}"))
            yield Static(title)
            yield Static(Text(t("book.reason")), classes="label")
            yield TextField(id="book-reason", help_key="book.help.reason", max_length=200)
            yield Static(Text(""), id="book-error", classes="error")
            yield Static(Text(t("book.cancel_keys")), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#book-reason", Input).focus()

    @on(Input.Submitted, "#book-reason")
    def action_save(self) -> None:
        reason = self.query_one("#book-reason", Input).value
        if not reason.strip():
            self.query_one("#book-error", Static).update(Text(t("book.reason_needed")))
            return
        self._save(reason)

    @db_work(group="book-cancel")
    def _save(self, reason: str) -> None:
        try:
            self.post_message(self.Done(appointments.cancel(self.booking.id, self.advisor_id, reason)))
        except AdvisorError as exc:
            self.post_message(self.Done(None, str(exc)))

    @on(Done)
    def done(self, message: Done) -> None:
        if message.error:
            self.query_one("#book-error", Static).update(Text(message.error))
            return
        self.dismiss(message.booking)

    def action_cancel(self) -> None:
        cancel_form(self)
