"""A progress line on stderr for long shell commands (backup, restore, move)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from db.i18n import number, t


def progress_printer(key: str) -> Callable[[int, int], None]:
    """Print ``key``'s text (with done, total, percent) over one line on a terminal."""
    interactive = sys.stderr.isatty()
    last = [-1]

    def show(done: int, total: int) -> None:
        percent = 100.0 * done / total if total else 100.0
        if int(percent) == last[0] and done != total:
            return  # one line per percent, not per step
        last[0] = int(percent)
        line = t(key, done=number(done), total=number(total), percent=percent)
        print(("\r" + line) if interactive else line, end="" if interactive else "\n",
              file=sys.stderr, flush=True)

    return show


def end_line() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def human_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"
