"""What a car's own dates and mileage say: its age, its warranty, its next maintenance.

One place for these rules, read by the reception brief and the saved-intake summary
(and open to the queues): the warranty ends at whichever comes first of its end date
and its end mileage, taken from the vehicle's own terms or else from the settings; the
next maintenance falls due by date or by km, whichever comes first, the km estimated
into a date with the car's own daily-km trend.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from db import settings
from db.clock import today

# A mileage trend is only worth its name over a week or more; shorter gaps are noise.
TREND_MIN_DAYS = 7
# Weight of the newest stretch in the running km-per-day figure.
TREND_WEIGHT = 0.5

WARRANTY_SETTINGS = ("warranty.years", "warranty.km")
MAINTENANCE_SETTINGS = ("first_maintenance.months", "first_maintenance.km", "maintenance.months",
                        "maintenance.km", "maintenance.default_daily_km")
# Every setting the stored queue days (``queue_days``) depend on: changing one recomputes them.
QUEUE_DAY_SETTINGS = (*MAINTENANCE_SETTINGS, *WARRANTY_SETTINGS, "warranty_end.km")


@dataclass(frozen=True)
class Warranty:
    end_date: dt.date | None
    end_km: int
    in_warranty: bool | None  # None: no purchase date, cannot tell


@dataclass(frozen=True)
class NextMaintenance:
    first: bool  # the first maintenance (首保) is still to come
    due_km: int | None
    due_date: dt.date | None  # by the calendar
    km_date: dt.date | None  # when the car should reach due_km at its trend
    when: dt.date | None  # whichever comes first
    # what the interval counts from: "purchase" (the first maintenance), "maintenance"
    # (the last one known) or "visit" (none known here: the last visit and its reading)
    since: str = "purchase"

    def overdue(self, on: dt.date | None = None) -> bool:
        """The day it fell due is gone by (``on``: today)."""
        return self.when is not None and self.when < (on or today())


@dataclass(frozen=True)
class QueueDays:
    """The days on which a car falls due, as the queues store them with the car
    (``db.queues.stored_days`` keeps them): none depends on today, only on the car and the settings."""

    first_maintenance: dt.date | None  # the first maintenance (首保) is due, not done anywhere yet
    maintenance: dt.date | None  # a later maintenance is due
    warranty: dt.date | None  # the warranty's last day, while the km are still inside it
    warranty_by_km: dt.date | None  # the same day, once the km are within warranty_end.km of the limit


def days_to_cover(km_left: float, km_per_day: float) -> int:
    """Whole days to drive ``km_left`` at ``km_per_day``, halves rounded up.

    Python's ``round`` rounds halves to even, SQLite's ``ROUND`` away from zero and
    PostgreSQL's ``round(float8)`` to even again: one rule here, mirrored in the queues'
    SQL (``db.queues.lists._km_day``), keeps the brief and every backend on the same day.
    """
    return math.floor(km_left / km_per_day + 0.5)

def age_years(purchase_date: dt.date | None, on: dt.date | None = None) -> float | None:
    if purchase_date is None:
        return None
    return max(0.0, ((on or today()) - purchase_date).days / 365.25)


@lru_cache(maxsize=65536)
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, a month's end kept inside the month (31 Aug + 6 = 28 Feb).
    Cached: a station's million cars share a few thousand dates."""
    return day + relativedelta(months=months)


def warranty(purchase_date: dt.date | None, mileage: int | None, *,
             end_date: dt.date | None = None, end_km: int | None = None,
             on: dt.date | None = None, values: Mapping | None = None) -> Warranty:
    """The car's own terms where set, the station's settings otherwise; whichever ends first.
    ``values``: the settings, when the caller has read them already."""
    values = values or settings.get_many(*WARRANTY_SETTINGS)
    if end_date is None and purchase_date is not None:
        end_date = add_months(purchase_date, 12 * values["warranty.years"])
    km = end_km if end_km is not None else values["warranty.km"]
    if end_date is None:
        inside = None
    else:
        inside = (on or today()) <= end_date and (mileage or 0) <= km
    return Warranty(end_date, km, inside)


def mileage_trend(old_daily_km: float | None, last_date: dt.date | None, last_mileage: int | None,
                  new_date: dt.date, new_mileage: int, *,
                  purchase_date: dt.date | None = None) -> float | None:
    """The running km-per-day figure after a new odometer reading.

    Uses the stretch since the last reading (or since purchase, from zero, for a car's
    first visit here), blended with the figure so far; too short a stretch, or a lower
    reading (odometer replaced), leaves the figure as it was.
    """
    if last_date is None or last_mileage is None:
        last_date, last_mileage = purchase_date, 0
    if last_date is None:
        return old_daily_km
    days = (new_date - last_date).days
    if days < TREND_MIN_DAYS or new_mileage < last_mileage:
        return old_daily_km
    stretch = (new_mileage - last_mileage) / days
    if old_daily_km is None:
        return round(stretch, 2)
    return round(TREND_WEIGHT * stretch + (1 - TREND_WEIGHT) * old_daily_km, 2)


def mileage_ceiling(last_date: dt.date | None, last_mileage: int | None, daily_km: float | None,
                    day: dt.date, *, purchase_date: dt.date | None = None,
                    values: Mapping | None = None) -> int | None:
    """The highest odometer reading believable on ``day``: the last reading (or zero at
    purchase) plus the days since at the car's own trend times ``mileage.jump_trend_factor``
    (``mileage.jump_daily_km`` a day when it has none), plus ``mileage.jump_slack_km``.
    None when nothing is known to measure from."""
    values = values or settings.get_many("mileage.jump_daily_km", "mileage.jump_trend_factor",
                                         "mileage.jump_slack_km")
    if last_date is None or last_mileage is None:
        last_date, last_mileage = purchase_date, 0
    if last_date is None:
        return None
    per_day = (daily_km * values["mileage.jump_trend_factor"] if daily_km
               else values["mileage.jump_daily_km"])
    days = max(0, (day - last_date).days)
    return int(last_mileage + per_day * days + values["mileage.jump_slack_km"])


def next_maintenance(*, purchase_date: dt.date | None, last_maintenance_date: dt.date | None,
                     last_maintenance_mileage: int | None, last_mileage: int | None,
                     last_visit_date: dt.date | None, daily_km: float | None,
                     first_maintenance_date: dt.date | None = None,
                     values: Mapping | None = None) -> NextMaintenance:
    """When the next maintenance falls due. ``values``: the settings, when the caller has
    read them already.

    - After a maintenance done here: the maintenance interval from it.
    - Otherwise the first maintenance (首保) from purchase, as long as it was still to
      come when the car was last seen here (no visit yet, or a visit before it fell due
      by date and by km) and no first-maintenance date was typed in.
    - Otherwise (a car first seen here past its first maintenance, a first maintenance
      done elsewhere, no purchase date): the maintenance interval from what is known,
      the later of the last visit (with its reading) and a first maintenance done elsewhere.
    """
    values = values or settings.get_many(*MAINTENANCE_SETTINGS)
    rate = daily_km or values["maintenance.default_daily_km"]
    if last_maintenance_date is not None:
        return _due("maintenance", last_maintenance_date, last_maintenance_mileage or 0,
                    values["maintenance.months"], values["maintenance.km"],
                    last_visit_date, last_mileage, rate)
    if purchase_date is not None and first_maintenance_date is None:
        first = _due("purchase", purchase_date, 0, values["first_maintenance.months"],
                     values["first_maintenance.km"], last_visit_date, last_mileage, rate)
        if last_visit_date is None or (
                first.due_date > last_visit_date and (last_mileage or 0) < first.due_km):
            return first
    if last_visit_date is not None and (first_maintenance_date is None
                                        or last_visit_date >= first_maintenance_date):
        base_date, base_km = last_visit_date, last_mileage
    else:
        base_date, base_km = first_maintenance_date, None  # done elsewhere, its km unknown
    return _due("visit", base_date, base_km, values["maintenance.months"], values["maintenance.km"],
                last_visit_date, last_mileage, rate)


def _due(since: str, base_date: dt.date | None, base_km: int | None, months: int, km: int,
         reading_date: dt.date | None, reading: int | None, rate: float) -> NextMaintenance:
    """Due ``months`` after ``base_date`` or ``km`` after ``base_km``, whichever comes
    first, the km turned into a day from the last reading at ``rate`` km a day."""
    due_km = base_km + km if base_km is not None else None
    due_date = add_months(base_date, months) if base_date else None
    km_date = None
    reading_date = reading_date or base_date
    reading = reading if reading is not None else base_km
    if due_km is not None and reading_date is not None and reading is not None and rate > 0:
        km_date = reading_date + dt.timedelta(days=max(0, days_to_cover(due_km - reading, rate)))
    candidates = [d for d in (due_date, km_date) if d is not None]
    return NextMaintenance(since == "purchase", due_km, due_date, km_date,
                           min(candidates) if candidates else None, since)


def queue_days(*, purchase_date: dt.date | None, registration_date: dt.date | None,
               first_maintenance_date: dt.date | None, last_maintenance_date: dt.date | None,
               last_maintenance_mileage: int | None, last_mileage: int | None,
               last_visit_date: dt.date | None, daily_km: float | None,
               warranty_end_date: dt.date | None, warranty_end_km: int | None,
               values: Mapping) -> QueueDays:
    """The days the queues look up for one car, from the rules above (``values``: the
    settings named in ``QUEUE_DAY_SETTINGS``).

    - The first maintenance is due for a car bought on a known day that has had no
      maintenance here and no first-maintenance date typed in, while it was still to come
      at the car's last visit; every other car with a known visit or maintenance has a
      later maintenance day (``next_maintenance``). A car never seen nor dated has none.
    - The warranty's day is its end (the car's age counts from purchase, else registration)
      while the last reading is inside its km; the km-close day is the same day once the
      reading is within ``warranty_end.km`` of the limit.
    """
    due = next_maintenance(purchase_date=purchase_date, last_maintenance_date=last_maintenance_date,
                           last_maintenance_mileage=last_maintenance_mileage, last_mileage=last_mileage,
                           last_visit_date=last_visit_date, daily_km=daily_km,
                           first_maintenance_date=first_maintenance_date, values=values)
    first = due.when if due.first else None
    later = due.when if not due.first else None
    terms = warranty(purchase_date or registration_date, last_mileage, end_date=warranty_end_date,
                     end_km=warranty_end_km, values=values)
    km = last_mileage or 0
    end = terms.end_date if terms.end_date is not None and km <= terms.end_km else None
    close = end if end is not None and km >= terms.end_km - values["warranty_end.km"] else None
    return QueueDays(first, later, end, close)


def declined_to_offer(declined: Iterable[tuple[int, dt.date]],
                      last_visit: dt.date | None) -> tuple[int, dt.date] | None:
    """A car's declined work still to offer, from its visits with declined work as (visit
    id, day): the latest of them, unless a later day's visit came after it (the car's last
    visit is ``last_visit``). The queue of declined work and the reception brief both ask this.
    """
    if last_visit is None:
        return None
    found: tuple[int, dt.date] | None = None
    for visit, day in declined:
        if day >= last_visit and (found is None or visit > found[0]):
            found = (visit, day)
    return found
