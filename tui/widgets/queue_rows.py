"""A queue's rows drawn through the Line API: only the visible lines are rendered, and
only the pages of rows on screen are fetched (a queue can hold tens of thousands).

The widget holds no database code: it asks for a page with ``NeedPage`` and the screen
answers with ``set_page`` from a worker.
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

from db.safe_text import visible
from tui.keys import TranslatedBindings

PAGE = 50


class QueueRows(TranslatedBindings, ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"queue-rows--cursor", "queue-rows--late", "queue-rows--pending"}
    BINDINGS = [
        Binding("up", "move(-1)", "", show=False, id="queue_rows.up"),
        Binding("down", "move(1)", "", show=False, id="queue_rows.down"),
        Binding("pageup", "page(-1)", "", show=False, id="queue_rows.page_up"),
        Binding("pagedown", "page(1)", "", show=False, id="queue_rows.page_down"),
        Binding("home", "jump(0)", "", show=False, id="queue_rows.home"),
        Binding("end", "jump(-1)", "", show=False, id="queue_rows.end"),
    ]

    cursor = reactive(0)

    class NeedPage(Message):
        def __init__(self, key: object, offset: int) -> None:
            super().__init__()
            self.key, self.offset = key, offset

    class Highlighted(Message):
        def __init__(self, item: object | None) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.key: object = None  # which queue (and segment) the rows belong to
        self.total = 0
        self._pages: dict[int, list] = {}
        self._asked: set[int] = set()

    # ---- data in

    def reset(self, key: object, total: int, keep_cursor: bool = False) -> None:
        self.key, self.total = key, total
        self._pages.clear()
        self._asked.clear()
        self.virtual_size = Size(self.size.width, total)
        self.cursor = min(self.cursor, max(total - 1, 0)) if keep_cursor else 0
        if not keep_cursor:
            self.scroll_to(y=0, animate=False)
        self.refresh()
        self._announce()

    def set_page(self, key: object, offset: int, items: list) -> None:
        if key != self.key:
            return  # a late answer for a queue no longer shown
        self._pages[offset] = items
        self.refresh()
        if offset <= self.cursor < offset + PAGE:
            self._announce()

    def item_at(self, index: int):
        page = self._pages.get(index - index % PAGE)
        if page is None or index % PAGE >= len(page):
            return None
        return page[index % PAGE]

    @property
    def current(self):
        return self.item_at(self.cursor) if self.total else None

    # ---- drawing

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= self.total:
            return Strip.blank(width)
        item = self.item_at(index)
        if item is None:
            self._ask(index)
            text = Text("…", style=self.get_component_rich_style("queue-rows--pending"))
        else:
            text = self._line(item)
        if index == self.cursor:
            text.stylize(self.get_component_rich_style("queue-rows--cursor"))
            text.pad_right(max(width - text.cell_len, 0))
            text.stylize(self.get_component_rich_style("queue-rows--cursor"))
        segments = list(text.render(self.app.console, end=""))
        return Strip(segments).crop_extend(0, width, Style())

    def _line(self, item) -> Text:
        """Mark, name, plate, masked mobile, due day: each a fixed number of cells (a
        new-energy plate is 8 characters, 9 cells, and is shown whole)."""
        late = item.late or item.letter
        text = Text()
        text.append(("✉" if item.letter else "!" if item.late else " ") + " ",
                    style=self.get_component_rich_style("queue-rows--late") if late else Style())
        for value, cells in ((item.name, 9), (item.plate, 10), (item.mobile_masked, 12)):
            cell = Text(visible(value or ""))  # a control character shown as its escape
            cell.truncate(cells - 1, overflow="ellipsis", pad=True)
            text.append_text(cell)
            text.append(" ")
        text.append(item.due_date.strftime("%m-%d") if item.due_date else "")
        return text

    def _ask(self, index: int) -> None:
        offset = index - index % PAGE
        if offset not in self._asked:
            self._asked.add(offset)
            self.post_message(self.NeedPage(self.key, offset))

    # ---- moving

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_y(new)
        self.refresh()
        self._announce()

    def scroll_to_region_y(self, index: int) -> None:
        top, height = self.scroll_offset.y, max(self.scrollable_content_region.height, 1)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self.current))

    def action_move(self, step: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, index: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if index < 0 else index

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)


__all__ = ["QueueRows", "PAGE"]
