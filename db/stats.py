"""Small station-wide figures for the desk's home screen."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Customer, Vehicle, Visit


@dataclass(frozen=True)
class StationCounts:
    customers: int
    vehicles: int
    visits: int


def station_counts() -> StationCounts:
    # COUNT(*) on SQLite walks the smallest index: quick enough for the home screen at a million rows.
    return StationCounts(
        customers=Customer.select().where(Customer.merged_into.is_null()).count(),
        vehicles=Vehicle.select().count(),
        visits=Visit.select().count(),
    )
