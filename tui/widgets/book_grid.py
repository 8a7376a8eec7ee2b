"""A day of the appointment book: slots down, places across, drawn through the Line API.

The widget holds no database code: the screen gives it a ``db.appointments.DayGrid`` and
hears ``Highlighted`` when the cursor moves. ↑/↓ move over the slots, Tab/Shift+Tab over
the places of a slot (←/→ are the screen's: the day before and after).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from db.appointments import DayGrid, slot_text
from db.i18n import t
from db.safe_text import visible
from tui.keys import TranslatedBindings

TIME_CELLS = 6  # "09:00 "
# A booking's mark in its place: ASCII, one cell wide in every terminal and font.
MARKS = {"booked": "?", "confirmed": "+", "arrived": "=", "no_show": "x"}


class BookGrid(TranslatedBindings, ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"book-grid--cursor", "book-grid--free", "book-grid--booked", "book-grid--confirmed",
                         "book-grid--arrived", "book-grid--no_show", "book-grid--over", "book-grid--full",
                         "book-grid--past"}
    BINDINGS = [
        Binding("up", "move(-1)", "", show=False, id="book_grid.up"),
        Binding("down", "move(1)", "", show=False, id="book_grid.down"),
        Binding("tab", "place(1)", "", show=False, id="book_grid.next_place"),
        Binding("shift+tab", "place(-1)", "", show=False, id="book_grid.previous_place"),
        Binding("home", "jump(0)", "", show=False, id="book_grid.first"),
        Binding("end", "jump(-1)", "", show=False, id="book_grid.last"),
    ]

    takes_tab = True  # Tab moves over the places (the app's focus move leaves it to the grid)
    row = reactive(0)
    place = reactive(0)

    class Highlighted(Message):
        def __init__(self, slot, booking) -> None:
            super().__init__()
            self.slot, self.booking = slot, booking  # booking None: a free place

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grid: DayGrid | None = None

    # ---- data in

    def show(self, grid: DayGrid, keep_cursor: bool = True, at_slot: int | None = None,
             booking_id: int | None = None) -> None:
        """The day; the cursor kept, or at ``at_slot`` (on ``booking_id`` there when given:
        the booking just made or moved, not the slot's first place)."""
        self.grid = grid
        self.virtual_size = Size(self.size.width, len(grid.slots))
        if at_slot is not None:
            self.row = next((i for i, s in enumerate(grid.slots) if s.start >= at_slot), 0)
            ids = [b.id for b in self._shown(grid.slots[self.row])] if grid.slots else []
            self.place = ids.index(booking_id) if booking_id in ids else 0
        elif not keep_cursor:
            self.row = self.place = 0
        self.row = min(self.row, max(len(grid.slots) - 1, 0))
        self.place = min(self.place, self.places(self.row) - 1)
        self.scroll_to_region_row()
        self.refresh()
        self._announce()

    # ---- where the cursor is

    def places(self, row: int) -> int:
        if self.grid is None or not self.grid.slots:
            return 1
        slot = self.grid.slots[row]
        return max(self.grid.hours.cars_per_slot, len(self._shown(slot)), 1)

    @staticmethod
    def _shown(slot) -> list:
        """The bookings a slot shows: those holding a place, then the no-shows."""
        holding = [b for b in slot.bookings if b.status in ("booked", "confirmed", "arrived")]
        return holding + [b for b in slot.bookings if b.status == "no_show"]

    @property
    def current_slot(self):
        if self.grid is None or not self.grid.slots:
            return None
        return self.grid.slots[self.row]

    @property
    def current(self):
        """The booking under the cursor, or None on a free place."""
        slot = self.current_slot
        if slot is None:
            return None
        shown = self._shown(slot)
        return shown[self.place] if self.place < len(shown) else None

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self.current_slot, self.current))

    def action_move(self, delta: int) -> None:
        if self.grid is None or not self.grid.slots:
            return
        self.row = max(0, min(len(self.grid.slots) - 1, self.row + delta))
        self.place = min(self.place, self.places(self.row) - 1)
        self.scroll_to_region_row()
        self.refresh()
        self._announce()

    def action_jump(self, row: int) -> None:
        if self.grid and self.grid.slots:
            self.action_move((row % len(self.grid.slots)) - self.row)

    def action_place(self, delta: int) -> None:
        count = self.places(self.row)
        self.place = (self.place + delta) % count
        self.refresh()
        self._announce()

    def scroll_to_region_row(self) -> None:
        height = self.scrollable_content_region.height or 1
        if self.row < self.scroll_y:
            self.scroll_to(y=self.row, animate=False)
        elif self.row >= self.scroll_y + height:
            self.scroll_to(y=self.row - height + 1, animate=False)

    # ---- drawing

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width or self.size.width
        if self.grid is None or index >= len(self.grid.slots):
            return Strip.blank(width, self.rich_style)
        slot = self.grid.slots[index]
        count = self.places(index)
        cell = max(8, (width - TIME_CELLS) // max(count, self.grid.hours.cars_per_slot))
        shown = self._shown(slot)
        held = slot.held
        line = Text(slot_text(slot.start) + " ", style=self._style("full") if held >= self.grid.hours.cars_per_slot
                    else Style())
        for place in range(count):
            booking = shown[place] if place < len(shown) else None
            item = self._cell(booking, cell - 1)
            if index == self.row and place == self.place and self.has_focus:
                item.stylize(self._style("cursor"))
            line.append_text(item)
            line.append(" ")
        line.truncate(width, pad=True)
        return Strip(list(line.render(self.app.console)), width).apply_style(self.rich_style)

    def _cell(self, booking, cells: int) -> Text:
        if booking is None:
            text = Text(t("book.grid.free"), style=self._style("free"))
        else:
            mark = "*" if booking.overbooked else MARKS.get(booking.status, " ")
            # Customer values as Text, never markup, shown by db.safe_text's rule.
            text = Text.assemble((mark, self._style(booking.status)), visible(booking.plate or "-"), " ",
                                 visible(booking.name))
            if booking.late:
                text.stylize(self._style("past"))
        text.truncate(cells, overflow="ellipsis", pad=True)
        return text

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"book-grid--{name}", partial=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
