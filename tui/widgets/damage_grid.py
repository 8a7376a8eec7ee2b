"""The walk-around's damage grid: the car's areas down, the five damage codes across.

Arrows move the cursor, space (or a code's letter: S D C P M) marks or clears a cell, Enter
and Tab go on to the next field. Marks noted at the car's last marked visit are drawn
dimmed (``○``) so an old scratch is not noted again as new; a mark made now is ``●``.
One widget drawing 15 lines: at 80×24 the whole car fits on the screen at once.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

from db.walkaround import AREAS, DAMAGE_CODES
from db.i18n import t
from tui.keys import TranslatedBindings
from tui.widgets.choice import ChoiceField, OwnKeys

CELL = 6  # columns per damage code at least: a two-character Chinese label and a space either side


class DamageGrid(OwnKeys, TranslatedBindings, Widget, can_focus=True):
    """``value``: area -> codes marked now; ``before``: the marks of the last visit (shown dimmed)."""

    TALL = True  # its form row grows to the grid's 15 lines
    enter_moves_on = True  # Enter goes to the next field (the app's priority binding)

    DEFAULT_CSS = """
    DamageGrid { height: 15; width: 1fr; }
    DamageGrid:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("up", "move(-1, 0)", show=False, id="damage.up"),
        Binding("down", "move(1, 0)", show=False, id="damage.down"),
        Binding("left", "move(0, -1)", show=False, id="damage.left"),
        Binding("right", "move(0, 1)", show=False, id="damage.right"),
        Binding("space", "toggle", "reception_order.key.mark", show=False, id="damage.toggle"),
        *(Binding(code.lower(), f"mark('{code}')", show=False, id=f"damage.mark_{code.lower()}")
          for code in DAMAGE_CODES),
    ]

    row: reactive[int] = reactive(0)
    column: reactive[int] = reactive(0)
    marks: reactive[dict[str, tuple[str, ...]]] = reactive(dict, always_update=True)
    before: reactive[dict[str, tuple[str, ...]]] = reactive(dict, always_update=True)

    def __init__(self, *, help_key: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.help_key = help_key

    @property
    def value(self) -> dict[str, tuple[str, ...]]:
        return {area: codes for area, codes in self.marks.items() if codes}

    @value.setter
    def value(self, damage: dict[str, tuple[str, ...]]) -> None:
        self.marks = dict(damage)

    def action_move(self, rows: int, columns: int) -> None:
        self.row = (self.row + rows) % len(AREAS)
        self.column = (self.column + columns) % len(DAMAGE_CODES)

    def action_toggle(self) -> None:
        self.action_mark(DAMAGE_CODES[self.column])

    def action_mark(self, code: str) -> None:
        """The code at the cursor's area: marked if it was not, cleared if it was. A letter
        also moves the cursor to its column, so the next space repeats it."""
        area = AREAS[self.row]
        codes = set(self.marks.get(area, ()))
        codes ^= {code}
        self.column = DAMAGE_CODES.index(code)
        self.marks = {**self.marks, area: tuple(c for c in DAMAGE_CODES if c in codes)}
        self.post_message(ChoiceField.Changed(self))  # type: ignore[arg-type]

    def render(self) -> Text:
        labels = [t(f"walkaround.area.{area}") for area in AREAS]
        width = max(map(cell_len, labels)) + 2
        names = [t(f"walkaround.damage.{code}") for code in DAMAGE_CODES]
        cell = max(CELL, max(map(cell_len, names)) + 1)  # "scratch", "missing" in English
        text = Text(" " * width, style="bold")
        for name in names:
            text.append(_centre(name, cell), style="bold")
        for row, (area, label) in enumerate(zip(AREAS, labels)):
            text.append("\n")
            now, old = self.marks.get(area, ()), self.before.get(area, ())
            text.append(label + " " * (width - cell_len(label)), style="bold" if now else "")
            for column, code in enumerate(DAMAGE_CODES):
                mark, style = ("●", "bold") if code in now else ("○", "dim") if code in old else ("·", "dim")
                if self.has_focus and (row, column) == (self.row, self.column):
                    style = "reverse"
                text.append(_centre(mark, cell), style=style)
        return text


def _centre(text: str, width: int) -> str:
    room = max(width - cell_len(text), 0)
    return " " * (room // 2) + text + " " * (room - room // 2)
