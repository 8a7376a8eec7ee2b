"""The program's two clocks.

- **The day** (``today()``, and ``day_now()`` for a moment on it): what is due, bookings,
  no-shows, work-order dates, and the contacts the call lists and the report count by day.
  It can be pinned (``--today``, ``ADVISOR_TODAY``) so that queues and demos are
  reproducible.
- **The real time** (``now()``): when something was actually done. Audit entries, created
  and updated times, consent and anonymisation times, file names of set-aside copies.
  ``--today`` never moves it: ``export --unmasked --today 2019-01-01`` is logged at the
  moment it ran. Only a test pins it (``pin_now``, in-process): no option or environment
  variable lets a user write a log entry at a time of their choosing.
"""

from __future__ import annotations

import datetime as dt
import os

from db.errors import Invalid
from db.i18n import t

_pinned: dt.date | None = None
_pinned_now: dt.datetime | None = None


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
    """The day: pinned, or the real calendar's."""
    if _pinned is not None:
        return _pinned
    env = os.environ.get("ADVISOR_TODAY")
    if env:
        return _day(env)
    return dt.date.today()


def pin_now(value: dt.datetime | None) -> None:
    """Tests only: a fixed real time (snapshots and logs stay stable); ``None`` unpins."""
    global _pinned_now
    _pinned_now = value


def now() -> dt.datetime:
    """The real time (to the second): when something was done, whatever day is pinned."""
    if _pinned_now is not None:
        return _pinned_now
    return dt.datetime.now().replace(microsecond=0)


def day_now() -> dt.datetime:
    """The real time of day on the day (pinned or real): a contact's time, which the call
    lists (retry after a day) and the report (calls in a period) read as a day."""
    real = now()
    day = today()
    return real if day == real.date() else dt.datetime.combine(day, real.time())
