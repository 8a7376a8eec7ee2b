"""A keyboard list of result rows drawn through the Line API.

``DataTable`` renders every visible cell through Rich on each refresh, too slow for a
list redrawn at each keystroke of a lookup. Here
each row is rendered to segments once, when it arrives, and ``render_line`` only picks
the row and adds the cursor's style. Rows are ``rich.text.Text`` cells: never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def row_text(cells: list[Text], widths: list[int]) -> Text:
    """Cells cut or padded to their column widths (wide characters count two), one space apart."""
    line = Text(" ")
    for cell, width in zip(cells, widths):
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis", pad=True)
        line.append_text(cell)
        line.append(" ")
    return line


class ResultList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ResultList { height: 1fr; }
    ResultList > .result-list--cursor { background: $accent 40%; text-style: bold; }
    ResultList:focus > .result-list--cursor { background: $accent; color: $text; }
    """
    COMPONENT_CLASSES = {"result-list--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", show=False, id="results.up"),
        Binding("down", "move(1)", show=False, id="results.down"),
        Binding("pageup", "page(-1)", show=False, id="results.page_up"),
        Binding("pagedown", "page(1)", show=False, id="results.page_down"),
        Binding("home", "jump(0)", show=False, id="results.home"),
        Binding("end", "jump(-1)", show=False, id="results.end"),
        Binding("enter", "select", show=False, id="results.select"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Highlighted(Message):
        list: ResultList
        index: int

        @property
        def control(self) -> ResultList:
            return self.list

    @dataclass
    class Selected(Message):
        list: ResultList
        index: int

        @property
        def control(self) -> ResultList:
            return self.list

    def __init__(self, widths: list[int], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widths = widths
        self._lines: list[list[Segment]] = []

    # ---- rows

    @property
    def row_count(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        self.replace_rows([])

    def replace_rows(self, rows: list[list[Text]]) -> None:
        """The list holds ``rows`` only, from the top. One resize for the lot: a list
        redrawn at each keystroke lays the screen out again only when its row count
        changed, never twice for one answer."""
        self._lines = []
        self.cursor = 0
        if self.scroll_offset.y:
            self.scroll_to(y=0, animate=False)
        self.add_rows(rows)

    def add_rows(self, rows: list[list[Text]]) -> None:
        console = self.app.console
        for cells in rows:
            self._lines.append(list(row_text(cells, self.widths).render(console)))
        self._resize()

    def _resize(self) -> None:
        # A new virtual size lays the whole screen out again. Rows that fit the list's
        # height all give the same one (the height itself: no scrollbar either way), so a
        # list redrawn at each keystroke is laid out only when it starts or stops
        # overflowing, not each time its count of rows changes.
        height = max(len(self._lines), self.scrollable_content_region.height)
        self.virtual_size = Size(sum(self.widths) + len(self.widths) + 1, height)
        self.refresh()

    def on_resize(self) -> None:
        self._resize()

    # ---- drawing

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = Strip(self._lines[index]).crop_extend(self.scroll_offset.x, self.scroll_offset.x + width,
                                                       self.rich_style)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("result-list--cursor"))
        return strip.apply_style(Style.null())

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        if self._lines:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False)
            self.post_message(self.Highlighted(self, new))

    # ---- keys

    def _go(self, index: int) -> None:
        if self._lines:
            self.cursor = max(0, min(index, len(self._lines) - 1))

    def action_move(self, step: int) -> None:
        self._go(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self._go(len(self._lines) - 1 if where < 0 else where)

    def action_select(self) -> None:
        if self._lines:
            self.post_message(self.Selected(self, self.cursor))
