""""Today" for the whole program, pinnable for reproducible queues, demos and tests."""

from __future__ import annotations

import datetime as dt
import os

from db.errors import Invalid
from db.i18n import t

_pinned: dt.date | None = None


def _day(text: str) -> dt.date:
    """A pinned day written YYYY-MM-DD (the shell's ``--today`` takes every form
    ``db.validate.date`` reads, and pins the date it gives)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(t("validate.date.bad", text=text), "today") from None


def pin_today(value: dt.date | str | None) -> None:
    """Pin today's date (``--today``); ``None`` returns to the real calendar."""
    global _pinned
    _pinned = _day(value) if isinstance(value, str) else value


def today() -> dt.date:
    if _pinned is not None:
        return _pinned
    env = os.environ.get("ADVISOR_TODAY")
    if env:
        return _day(env)
    return dt.date.today()


def now() -> dt.datetime:
    """The current time on the pinned day (the wall clock's time of day)."""
    real = dt.datetime.now().replace(microsecond=0)
    day = today()
    return real if day == real.date() else dt.datetime.combine(day, real.time())
