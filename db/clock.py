""""Today" for the whole program, pinnable for reproducible queues, demos and tests."""

from __future__ import annotations

import datetime as dt
import os

_pinned: dt.date | None = None


def pin_today(value: dt.date | str | None) -> None:
    """Pin today's date (``--today``); ``None`` returns to the real calendar."""
    global _pinned
    if isinstance(value, str):
        from db.validate import date as parse_date

        value = parse_date(value)
    _pinned = value


def today() -> dt.date:
    if _pinned is not None:
        return _pinned
    env = os.environ.get("ADVISOR_TODAY")
    if env:
        from db.validate import date as parse_date

        return parse_date(env)
    return dt.date.today()


def now() -> dt.datetime:
    """The current time on the pinned day (the wall clock's time of day)."""
    real = dt.datetime.now().replace(microsecond=0)
    day = today()
    return real if day == real.date() else dt.datetime.combine(day, real.time())
