"""Regular expressions compiled on their first use, not when their module is imported.

Compiling is the costly part of a pattern, above all for character classes of Chinese
characters (the provinces of a plate): the validation module's eighteen patterns were
most of its import time, which every start of the program paid on the way to its first
frame although it uses one or two of them there, if any.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any


class LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` (``match``, ``fullmatch``, ``search``,
    ``sub``, ``split``, ``pattern``…), which it calls the first time it is used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(*self._source)

    def __getattr__(self, name: str) -> Any:
        # Only for what the instance lacks itself: the compiled pattern's methods.
        return getattr(self.compiled, name)
