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
        self.days: dict[int, tuple[str, str, str]] = {}
        self.counts: dict[int, int] = {}

    def _day(self, ordinal: int) -> tuple[str, str, str]:
        """(text before seq, seq's format spec, text after) with the date fields filled."""
        day = dt.date.fromordinal(ordinal)
        before, spec, after = [], None, []
        for literal, field, field_spec, _ in self.parts:
            (after if spec is not None else before).append(literal)
            if field == "seq" and spec is None:
                spec = field_spec or ""
            elif field is not None:
                value = format({"date": day, "seq": 0}[field], field_spec or "")
                (after if spec is not None else before).append(value)
        if spec is None:  # a format without {seq} would repeat itself: number at the end
            before.append("-")
        pieces = ("".join(before), spec or "", "".join(after))
        self.days[ordinal] = pieces
        return pieces

    def next(self, ordinal: int) -> str:
        seq = self.counts.get(ordinal, 0) + 1
        self.counts[ordinal] = seq
        return self.at(ordinal, seq)

    def at(self, ordinal: int, seq: int) -> str:
        """The number ``seq`` of that day (the caller counts: the demo's settlements)."""
        before, spec, after = self.days.get(ordinal) or self._day(ordinal)
        return before + format(seq, spec) + after
