"""The bottom line: each main screen's function key and name, the one in front marked.

The footer above it keeps the keys of the screen in front of the advisor; this line keeps
the way to every other screen in sight (design: a function key per main screen, shown).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import Screen
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


class KeysFooter(Footer):
    """Textual's footer, with its keys built in the first frame and rebuilt only when
    they change.

    Textual's footer starts empty and rebuilds its keys on every change of the screen's
    bindings (a screen shown, the focus moved, a stage changed), mounting and styling each
    key again; as a screen comes up such changes arrive by the handful and hold up the
    frame that shows it. Here the keys are built with the footer, a burst of changes
    queues one rebuild, and the rebuild is skipped when the keys to show are the same."""

    _rebuild_queued = False
    _built_from: object = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Footer._bindings_ready, True)

    def _keys(self) -> object:
        """What the keys are built from: the shown bindings, in order, and the palette's."""
        active = self.screen.active_bindings
        shown = [(b.key, b.action, b.description, b.group, enabled, tooltip)
                 for _node, b, enabled, tooltip in active.values() if b.show]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return shown, (palette[1].key, palette[2]) if palette else None

    def compose(self) -> ComposeResult:
        self._built_from = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        if self.is_attached and self._keys() != self._built_from:
            await self.recompose()


class DeskFooter(Vertical):
    """Two lines at the bottom: the keys of the screen in front (Textual's footer), then
    the screen strip. One docked container: two widgets docked to one edge would overlap."""

    DEFAULT_CSS = """
    DeskFooter { dock: bottom; height: 2; }
    DeskFooter > KeysFooter { dock: none; }
    """

    def __init__(self, show_command_palette: bool = False) -> None:
        super().__init__()
        self._palette = show_command_palette

    def compose(self) -> ComposeResult:
        yield KeysFooter(compact=True, show_command_palette=self._palette)
        yield ScreenStrip()
