"""Ctrl+P: the command palette in the interface's language.

It offers what the screen in front declares as its keys (each entry runs the action its
key runs), then help and quit, then every main screen. Names match as typed, or by the
pinyin of the Chinese name or its initials (``jd`` finds 接待). Textual's own entries
(theme, screenshot, its key panel, maximise) are left out: they speak English and serve
a developer, not an advisor at the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.actions import parse
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets.option_list import Option

from db.i18n import t
from tui.keys import key_name, label


@dataclass(frozen=True)
class Entry:
    title: str
    key: str  # as the footer shows it
    run: Callable[[], object]


def entries(screen: Screen) -> list[Entry]:
    """What the keys of ``screen`` do now, one entry per command: the screen's own, then
    the app's (help, quit, the main screens; over a dialog its own F1, quit and the
    screens, which the palette reaches and F-keys do not: AdvisorApp.action_show_screen).
    Keys sharing a description (1-7 "lists") are told apart by what the screen's
    ``palette_detail(action, params)`` says, else by their key."""
    app = screen.app
    found: list[Entry] = []
    seen: set[str] = set()
    for node in (screen, app):
        # Esc is the palette's own close key: "back" or "cancel" chosen from it would only
        # confuse (a second Esc does it); Ctrl+P itself is the palette.
        bindings = [b for _, b in node._bindings  # not a letter's upper-case twin (tui.keys)
                    if b.id and b.description and b.id != "palette" and b.key != "escape" and not b.system]
        if node is app and screen.is_modal:  # F1 is the dialog's own; the screens do reach
            bindings = [b for b in bindings if b.priority or b.id.startswith("screen.")]
        repeated = {b.description for b in bindings if sum(o.description == b.description for o in bindings) > 1}
        for binding in bindings:
            namespace, name, params = parse(binding.action)
            target = app if namespace == "app" or node is app else screen
            if binding.key in seen or target.check_action(name, params) is not True:
                continue  # hidden in the footer, hidden here
            seen.add(binding.key)
            title = label(binding.description)
            if binding.id.startswith("screen."):
                title = t("palette.go", screen=title)
            elif binding.description in repeated:  # 列表 1. 缺少标准信息的档案, else 列表 1
                detail = getattr(node, "palette_detail", lambda name, params: None)(name, params)
                title = f"{title} {detail or binding.key.upper()}"
            # The key itself, not a range the footer shows (1, not 1-7).
            found.append(Entry(title, key_name(binding.key), partial(node.run_action, binding.action)))
    return found


class DeskCommands(Provider):
    """This screen's actions, help, quit and the main screens."""

    def _entries(self) -> list[Entry]:
        return entries(self.screen)

    def _help(self, entry: Entry) -> str:
        return t("palette.key", key=entry.key)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.title, entry.run, text=entry.title, help=self._help(entry))

    async def search(self, query: str) -> Hits:
        from db.search import pinyin_keys

        matcher = self.matcher(query)
        spelled = query.strip().lower().replace(" ", "")
        for entry in self._entries():
            score = matcher.match(entry.title)
            display = matcher.highlight(entry.title) if score else Text(entry.title)
            if not score and spelled.isascii() and spelled.isalpha():
                # Pinyin of the name (the part after "前往：" for a screen), whole or initials.
                name = entry.title.rpartition("：")[2]
                full, initials = pinyin_keys(name)
                if initials.startswith(spelled) or full.startswith(spelled):
                    score = 0.9 * len(spelled) / max(len(full), 1) + 0.1
            if score > 0:
                yield Hit(score, display, entry.run, text=entry.title, help=self._help(entry))


class DeskPalette(CommandPalette):
    """Textual's palette with its words in the interface language."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual writes "No matches found" in English and takes no other text: the same
        countdown, our words (pinned to Textual 8 in pyproject; tests read the text)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.none"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
