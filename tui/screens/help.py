"""F1: the keys of the current screen and help for the focused field."""

from __future__ import annotations

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
        seen: set[str] = set()
        # Over a dialog only the app's priority keys reach through (Ctrl+Q, Ctrl+P): the
        # screen keys F3–F9 would do nothing there, so they are not offered.
        dialog = self._for_screen.is_modal
        for node in (self._for_screen, self.app):
            for binding in node._bindings:  # (key, Binding) pairs, descriptions translated
                binding = binding[1]
                # Only the program's own declared bindings (all carry an id); Textual's
                # built-in ones (Tab, copy) are in the README.
                if not binding.description or not binding.id:
                    continue
                if dialog and node is self.app and not binding.priority:
                    continue
                key = binding.key_display or binding.key.split(",")[0]
                if key in seen:
                    continue
                seen.add(key)
                text.append(f"  {key.upper():<8}", style="bold")
                text.append(label(binding.description) + "\n")
        text.append("\n" + t("help.close"), style="dim")
        return text
