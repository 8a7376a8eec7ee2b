"""F1: the keys of the current screen and help for the focused field."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from db.i18n import has, t
from tui.keys import TranslatedBindings, label


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "key.back", id="help.close"),
        Binding("f1", "dismiss", "key.back", show=False, id="help.close_f1"),
    ]

    def __init__(self, screen: Screen, focused: Widget | None) -> None:
        super().__init__()
        self._for_screen = screen
        self._focused = focused

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._body(), id="help-text")

    def _body(self) -> Text:
        text = Text()
        text.append(t("help.title") + "\n", style="bold")
        help_key = getattr(self._for_screen, "HELP_KEY", None)
        if help_key and has(help_key):
            text.append(t(help_key) + "\n")
        text.append("\n" + t("help.field") + "\n", style="bold")
        field_key = getattr(self._focused, "help_key", None)
        if field_key and has(field_key):
            text.append(t(field_key) + "\n")
        else:
            text.append(t("help.no_field") + "\n", style="dim")
        text.append("\n" + t("help.screen_keys") + "\n", style="bold")
        rows = self._key_rows()
        width = max((cell_len(key) for key, _ in rows), default=0) + 2  # a gap after the longest key
        for key, description in rows:
            text.append("  " + key + " " * (width - cell_len(key)), style="bold")
            text.append(description + "\n")
        text.append("\n" + t("help.close"), style="dim")
        return text

    def _key_rows(self) -> list[tuple[str, str]]:
        """(key as the footer shows it, what it does) for the screen's keys, then the app's."""
        rows: list[tuple[str, str]] = []
        seen_keys: set[str] = set()
        seen_commands: set[tuple[str, str]] = set()
        # Over a dialog only the app's priority keys reach through (Ctrl+Q, Ctrl+P): the
        # screen keys F3–F9 would do nothing there, so they are not offered.
        dialog = self._for_screen.is_modal
        for node in (self._for_screen, self.app):
            for _, binding in node._bindings:  # descriptions translated
                # Only the program's own declared bindings (all carry an id); Textual's
                # built-in ones (Tab, copy) are in the README.
                if not binding.description or not binding.id or binding.system:
                    continue
                if dialog and node is self.app and not binding.priority:
                    continue
                # A key the screen turns off where the advisor is now (the reception's F2 on
                # the find field, Ctrl+R away from a masked number) is not offered: the list
                # says what works here, and stays short enough to keep Ctrl+Q in sight.
                if node.check_action(binding.action.partition("(")[0], ()) is False:
                    continue
                # One line per command: 1-7 "lists" is one entry, not seven.
                command = (binding.action.partition("(")[0], binding.description)
                if binding.key in seen_keys or command in seen_commands:
                    continue
                seen_keys.add(binding.key)
                seen_commands.add(command)
                rows.append((self.app.get_key_display(binding), label(binding.description)))
        return rows
