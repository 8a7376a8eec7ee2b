"""The shapes a demo chunk is made of: rows per table, owners, people, and small helpers.

Bulk-insert column orders are field names of db.models; ``OFFSETS`` says which columns
hold chunk-local ids (the loader shifts them into place). Search keys are not made here:
the rows carry an empty one where the column is NOT NULL, and ``db.derived`` writes
them all when the load ends.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from db.demo import orders

HISTORY_YEARS = 3
PURCHASE_YEARS = 10
FLEET_YEARS = 6  # operating cars leave service long before 600,000 km
NEVER = 10**7  # an ordinal later than any day used
MAINTENANCE_KINDS = ("first_maintenance", "maintenance")
ARCHIVE_TIME = " 08:00:00"  # archives from the sales sheet are opened before the first customer
TIMES = tuple(f" {h:02d}:{m:02d}:00" for h in range(8, 18) for m in range(0, 60) if (h, m) >= (8, 30))

CUSTOMER_FIELDS = (
    "id", "name", "mobile", "id_number", "birth_date", "sex", "occupation", "occupation_category",
    "home_address", "district", "hobbies", "education", "income", "employer", "employer_address", "interests",
    "payment_method", "source", "marketing_consent", "consent_at", "consent_channel",
    "created_at", "created_by", "updated_at", "version", "name_key", "kind")
VEHICLE_FIELDS = (
    "id", "vin", "plate", "brand", "model", "engine_no", "transmission_no", "color",
    "purchase_date", "first_maintenance_date", "first_maintenance_mileage", "usage",
    "vehicle_class", "sold_here", "warranty_end_date", "warranty_end_km", "registration_date",
    "insurance_expiry", "status", "owner", "last_visit_date", "last_mileage",
    "last_maintenance_date", "last_maintenance_mileage", "daily_km", "created_at",
    "updated_at", "version", "vin_rev")
OWNERSHIP_FIELDS = ("id", "vehicle", "customer", "start_date", "end_date", "note")
VISIT_FIELDS = (
    "id", "work_order_no", "vehicle", "customer", "advisor", "visit_date", "mileage", "kind",
    "work_requested", "work_done", "labour_fee", "parts_fee", "other_fee", "total_fee",
    "payment_method", "declined_work", "created_at") + orders.VISIT_FIELDS
PART_FIELDS = ("visit", "name", "quantity", "unit_price") + orders.PART_FIELDS
PROSPECT_FIELDS = (
    "id", "name", "mobile", "district", "current_car", "heard_from", "interest", "next_step",
    "next_contact_date", "status", "customer", "marketing_consent", "created_by", "created_at",
    "updated_at", "version", "name_key")
# Which columns hold a chunk-local id, and whose: the loader adds that table's offset.
OFFSETS = {
    "customer": {"id": "customer"},
    "prospect": {"id": "prospect", "customer": "customer"},
    "vehicle": {"id": "vehicle", "owner": "customer"},
    "ownership": {"id": "ownership", "vehicle": "vehicle", "customer": "customer"},
    "visit": {"id": "visit", "vehicle": "vehicle", "customer": "customer"},
    "visit_part": {"visit": "visit"},
    "contact": {"customer": "customer", "prospect": "prospect", "vehicle": "vehicle", "visit": "visit"},
}
CONTACT_FIELDS = (
    "customer", "prospect", "vehicle", "visit", "advisor", "contact_at", "channel", "purpose",
    "outcome", "booked_date", "traits", "events", "tags", "note", "next_contact_date")


@dataclass
class Rows:
    """One chunk's rows per table, in insertion order (parents first)."""

    customers: list[tuple] = field(default_factory=list)
    prospects: list[tuple] = field(default_factory=list)
    vehicles: list[tuple] = field(default_factory=list)
    ownerships: list[tuple] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)
    parts: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per id counter (see ``OFFSETS``)."""
        return {"customer": len(self.customers), "prospect": len(self.prospects),
                "vehicle": len(self.vehicles), "ownership": len(self.ownerships),
                "visit": len(self.visits)}


@dataclass
class Owner:
    """One customer's stretch of a car's life, and how they behave with the station."""

    customer: int
    start: int  # ordinal of the purchase or resale
    end: int  # ordinal the car left them (NEVER: still theirs)
    arrival: int  # first day the station knows them with this car
    churn: int  # after this day they stop coming (NEVER: they don't)
    loyalty: float  # share of due services done here, for a new car
    advisor: int
    pay: str
    daily_km: float
    from_sale: bool = False  # the archive came from the sales sheet, not a first visit
    first_seen: int | None = None  # first recorded visit
    first_stamp: str | None = None  # its time


@dataclass
class Person:
    """A customer being made: what the car plan and the visits still need to settle."""

    id: int
    fields: dict
    usage: str
    pay: str
    advisor: int
    consent: bool | None
    traits: bool
    owners: list[Owner] = field(default_factory=list)


def _cumulative(weights) -> tuple[list[float], float]:
    acc = list(itertools.accumulate(weights))
    return acc, acc[-1]


class Picker:
    """Weighted choice by bisection over cumulative weights (one random number)."""

    def __init__(self, items, weights) -> None:
        self.items = tuple(items)
        self.cum, self.total = _cumulative(weights)

    def __call__(self, r: Callable[[], float]):
        return self.items[bisect.bisect_right(self.cum, r() * self.total)]



def add_years(ordinal: int, years: int) -> int:
    """The same day ``years`` later (29 February becomes the 28th)."""
    day = dt.date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return day.replace(year=day.year + years, day=28).toordinal()


def daily_km(purchase: int, last_day: int, last_km: int) -> float:
    """A car's mileage trend: km driven per day since it was bought (from its last visit)."""
    return round(last_km / max(1, last_day - purchase), 1)

