"""Today's arrivals at reception: the cars booked for today that have not come yet, by
time (time, plate, name, confirmed or not, late, waiting or dropping off, request), one
highlighted.

It takes no focus (the find field keeps it): the reception moves the highlight with
Ctrl+↑/Ctrl+↓ and opens the highlighted arrival with Ctrl+O. It holds no database code:
the reception gives it ``db.appointments.Booking`` rows read in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from db.i18n import t

ROWS = 5  # arrivals shown under the find field at 80×24; the title says how many in all


class ArrivalsBoard(Static):
    COMPONENT_CLASSES = {"arrivals--cursor", "arrivals--late", "arrivals--confirmed", "arrivals--title"}
    DEFAULT_CSS = """
    ArrivalsBoard { height: auto; max-height: 6; }
    ArrivalsBoard > .arrivals--cursor { text-style: reverse; }
    ArrivalsBoard > .arrivals--late { text-style: bold; }
    ArrivalsBoard > .arrivals--title { text-style: bold; }
    """

    cursor = reactive(0)

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.bookings: list = []

    def show(self, bookings: list) -> None:
        self.bookings = list(bookings)
        self.cursor = min(self.cursor, max(len(self.bookings) - 1, 0))
        self.display = bool(self.bookings)
        self.refresh(layout=True)  # its height follows the rows (one more car booked, one received)

    @property
    def current(self):
        return self.bookings[self.cursor] if self.bookings else None

    def move(self, delta: int) -> None:
        if self.bookings:
            self.cursor = max(0, min(len(self.bookings) - 1, self.cursor + delta))

    def render(self) -> Text:
        width = self.size.width or 80
        text = Text(t("arrivals.title", n=len(self.bookings)), style=self._style("title"))
        first = max(0, min(self.cursor - ROWS + 1, len(self.bookings) - ROWS))
        for index in range(first, min(first + ROWS, len(self.bookings))):
            booking = self.bookings[index]
            line = Text(f"{booking.at:%H:%M} ")
            line.append(booking.plate or "-")  # customer values as Text, never markup
            line.append(" ")
            line.append(booking.name)
            state = t("book.status.confirmed") if booking.status == "confirmed" else t("arrivals.unconfirmed")
            line.append("  " + state, style=self._style("confirmed") if booking.status == "confirmed" else "")
            if booking.late:
                line.append(" " + t("book.late"), style=self._style("late"))
            line.append("  " + t("book.waiting" if booking.waiting else "book.drop_off"))  # who needs a seat
            line.append("  ")
            line.append(" ".join((booking.request or "").split()))
            line.truncate(width, overflow="ellipsis")
            if index == self.cursor:
                line.stylize(self._style("cursor"))
            text.append("\n")
            text.append_text(line)
        return text

    def _style(self, name: str):
        return self.get_component_rich_style(f"arrivals--{name}", partial=True)
