"""Work-order numbers in the settings' format, numbered per day, fast at millions of visits."""

from __future__ import annotations

import datetime as dt
import string


class WorkOrderNumbers:
    """``work_order.format`` (e.g. ``WO{date:%Y%m%d}-{seq:04d}``) with a running number per day.

    ``str.format`` per visit costs microseconds that add up at millions of visits, so each
    day's date fields are rendered once and only ``seq`` is formatted per number.
    """

    def __init__(self, pattern: str) -> None:
        self.parts = list(string.Formatter().parse(pattern))
        self.days: dict[int, list[tuple[str, str | None]]] = {}
        self.counts: dict[int, int] = {}

    def _day(self, ordinal: int) -> list[tuple[str, str | None]]:
        day = dt.date.fromordinal(ordinal)
        pieces: list[tuple[str, str | None]] = []
        for literal, field, spec, conversion in self.parts:
            pieces.append((literal, None))
            if field is None:
                continue
            if field == "seq":
                pieces.append(("", spec or ""))
            else:
                value = {"date": day}[field]
                pieces.append((format(value, spec or ""), None))
        self.days[ordinal] = pieces
        return pieces

    def next(self, ordinal: int) -> str:
        seq = self.counts.get(ordinal, 0) + 1
        self.counts[ordinal] = seq
        pieces = self.days.get(ordinal) or self._day(ordinal)
        return "".join(text if spec is None else format(seq, spec) for text, spec in pieces)
