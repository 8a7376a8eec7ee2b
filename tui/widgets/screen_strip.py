"""The bottom line: each main screen's function key and name, the one in front marked.

The footer above it keeps the keys of the screen in front of the advisor; this line keeps
the way to every other screen in sight (design: a function key per main screen, shown).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Static

from db.i18n import t
from tui.main_screens import MAIN_SCREENS


class ScreenStrip(Static):
    """``F3 接待  F4 查档案 …``; ``current`` is the mode id shown as the one in front.

    Each mode has its own screen stack, so the mode in front when a strip is mounted is
    the one its screen belongs to.
    """

    current: reactive[str | None] = reactive(None)

    COMPONENT_CLASSES = {"screen-strip--key", "screen-strip--current"}
    DEFAULT_CSS = """
    ScreenStrip { height: 1; width: 1fr; }
    ScreenStrip > .screen-strip--key { text-style: bold; }
    ScreenStrip > .screen-strip--current { text-style: reverse; }
    """

    def on_mount(self) -> None:
        self.current = self.app.current_mode

    def render(self) -> Text:
        key_style = self.get_component_rich_style("screen-strip--key", partial=True)
        current_style = self.get_component_rich_style("screen-strip--current", partial=True)
        # Home (F9) is also Esc from any main screen; it goes last, after the working screens.
        order = [s for s in MAIN_SCREENS if s.id != "home"] + [s for s in MAIN_SCREENS if s.id == "home"]
        text = Text(no_wrap=True, overflow="crop")
        for screen in order:
            item = Text.assemble((screen.key.upper(), key_style), " ", t(screen.label_key))
            if screen.id == self.current:
                item.stylize(current_style)
            text.append(" ")
            text.append_text(item)
            text.append(" ")
        return text


class DeskFooter(Vertical):
    """Two lines at the bottom: the keys of the screen in front (Textual's footer), then
    the screen strip. One docked container: two widgets docked to one edge would overlap."""

    DEFAULT_CSS = """
    DeskFooter { dock: bottom; height: 2; }
    DeskFooter > Footer { dock: none; }
    """

    def __init__(self, show_command_palette: bool = False) -> None:
        super().__init__()
        self._palette = show_command_palette

    def compose(self) -> ComposeResult:
        yield Footer(compact=True, show_command_palette=self._palette)
        yield ScreenStrip()
