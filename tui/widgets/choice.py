"""Keyboard pickers for forms: one value of a few (‹ 保养 ›), or several tags ticked.

Both are single-line, focusable, and speak the form's keys: ←/→ or space change the value,
Enter moves to the next field (like a text field), F1 shows ``help_key``.

Their keys run when the key reaches the picker (``OwnKeys``), not when it bubbles up to
the app: a fast "→ Enter" arriving in one chunk moves the focus on at once (Enter is a
priority binding), and the app would then look "→" up from the next field and lose it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.keys import TranslatedBindings


class OwnKeys:
    """Run this widget's own bindings as its key event arrives, whoever has the focus now."""

    async def on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            if await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                event.stop()
                event.prevent_default()
                return


class ChoiceField(OwnKeys, TranslatedBindings, Widget, can_focus=True):
    """One of a few values, shown by its label; the value is the stored code."""

    enter_moves_on = True  # Enter goes to the next field (the app's priority binding)

    DEFAULT_CSS = """
    ChoiceField { height: 1; width: 1fr; }
    ChoiceField:focus { background: $boost; text-style: bold; }
    """
    BINDINGS = [
        Binding("right,space", "step(1)", "intake.key.change", show=False, id="choice.next"),
        Binding("left", "step(-1)", "intake.key.change", show=False, id="choice.previous"),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice: ChoiceField) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> ChoiceField:
            return self.choice

    def __init__(self, options: list[tuple[str, str]], *, value: str | None = None,
                 help_key: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = options
        self.help_key = help_key
        if value is not None:
            self.value = value

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    @value.setter
    def value(self, code: str) -> None:
        codes = [c for c, _ in self.options]
        self.index = codes.index(code) if code in codes else 0

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.options)
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        return Text.assemble("‹ ", self.options[self.index][1], " ›")


class TagPicker(OwnKeys, TranslatedBindings, Widget, can_focus=True):
    """Quick tags: ←/→ moves between them, space ticks or unticks the one under the cursor."""

    TALL = True  # wraps onto a second line at 80 columns
    enter_moves_on = True  # Enter goes to the next field (the app's priority binding)

    DEFAULT_CSS = """
    TagPicker { height: auto; width: 1fr; }
    TagPicker:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("right", "move(1)", show=False, id="tags.next"),
        Binding("left", "move(-1)", show=False, id="tags.previous"),
        Binding("space", "toggle", "intake.key.change", show=False, id="tags.toggle"),
    ]

    cursor: reactive[int] = reactive(0)
    chosen: reactive[frozenset[str]] = reactive(frozenset())

    def __init__(self, options: list[tuple[str, str]], *, help_key: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = options
        self.help_key = help_key

    @property
    def value(self) -> list[str]:
        return [code for code, _ in self.options if code in self.chosen]

    @value.setter
    def value(self, codes: list[str]) -> None:
        self.chosen = frozenset(codes)

    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(self.options)

    def action_toggle(self) -> None:
        code = self.options[self.cursor][0]
        self.chosen = self.chosen ^ {code}
        self.post_message(ChoiceField.Changed(self))  # type: ignore[arg-type]

    def render(self) -> Text:
        text = Text()
        for n, (code, label) in enumerate(self.options):
            mark = "[x]" if code in self.chosen else "[ ]"
            style = "reverse" if self.has_focus and n == self.cursor else ""
            text.append(f"{mark} {label}", style=style)
            text.append("  ")
        return text
