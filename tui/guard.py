"""The screen's last guard against hidden characters (``db.safe_text``).

Every place that paints a stored or imported value shows its control and invisible
characters as escapes (``\\x1b``, ``\\u202e``) through ``db.safe_text.visible``. Should one
be missed (a new widget, a value inside an input being edited), this filter, applied by
Textual to every line of every widget just before it goes to the terminal, drops what is
left: such characters take no cells, so dropping them leaves every line as wide as
Textual laid it out, and no escape sequence or bidi override ever reaches the terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from db.safe_text import HIDDEN


class DropHidden(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(segment.text.isprintable() for segment in segments):
            return segments
        return [segment if segment.text.isprintable()
                else Segment(HIDDEN.sub("", segment.text), segment.style, segment.control)
                for segment in segments]
