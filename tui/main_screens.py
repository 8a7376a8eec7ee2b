"""The main screens, their function keys and footer labels: the one list of them.

Each entry is a mode of the app, imported only when first shown. Function keys follow
green-screen habits: F1 help and F2 save everywhere, then one key per main screen.
Add a screen by filling its line below (the blank lines keep parallel edits apart).

The screens' keys work on every screen. They are shown on the bottom line, the screen
strip (tui/widgets/screen_strip.py), the one in front marked; the footer line above it is
kept for the keys of the screen in front of the advisor (six screen keys with their names
fill 80 columns on their own; tests/test_footer.py checks that both lines fit). They are
also listed in F1 help, on the home screen (F9, or Esc from a main screen) and in Ctrl+P.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class MainScreen:
    id: str  # mode name and binding id
    key: str  # function key
    label_key: str  # catalogue key of the footer label
    target: str  # "module:Class"

    def load(self) -> type[Screen]:
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)


MAIN_SCREENS: list[MainScreen] = [
    MainScreen("home", "f9", "screen.home", "tui.screens.home:HomeScreen"),

    # intake: F3
    MainScreen("intake", "f3", "screen.intake", "tui.screens.intake:IntakeScreen"),

    # lookup and archive card: F4
    MainScreen("lookup", "f4", "screen.lookup", "tui.screens.lookup:LookupScreen"),

    # queues: F5
    MainScreen("queues", "f5", "screen.queues", "tui.screens.queues:QueuesScreen"),

    # prospects: F6
    MainScreen("prospects", "f6", "screen.prospects", "tui.screens.prospects:ProspectsScreen"),

    # upkeep and import: F7
    MainScreen("upkeep", "f7", "screen.upkeep", "tui.screens.upkeep:UpkeepScreen"),

    # reports and manager: F8
    MainScreen("report", "f8", "screen.report", "tui.screens.report:ReportScreen"),

]


def by_id(screen_id: str) -> MainScreen:
    return next(s for s in MAIN_SCREENS if s.id == screen_id)
