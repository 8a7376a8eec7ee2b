"""Small archive builders for the doors tests (prospects, import, upkeep, merge, export)."""

from __future__ import annotations

import datetime as dt
import itertools

from db.clock import now
from db.models import Customer, Vehicle, Visit
from tests import factory
from tests.factory import advisor, customer, id_with_check, vin_with_check

__all__ = ["advisor", "customer", "make_id", "make_vin", "vehicle", "visit"]

_serial = itertools.count(1)


def make_vin(serial: int, wmi: str = "LFV2A215") -> str:
    """A valid VIN (check digit right) for a serial number: 8 characters, check, A, 7 digits."""
    return vin_with_check(f"{wmi}A{serial:07d}")


def make_id(serial: int, birth: str = "19850312") -> str:
    return id_with_check(f"110105{birth}{serial % 1000:03d}")


def vehicle(owner: Customer | None, vin: str | None = None, plate: str | None = None, **extra) -> Vehicle:
    return factory.vehicle(owner, vin or make_vin(next(_serial)), plate, since=dt.date(2024, 1, 1), **extra)


def visit(car: Vehicle, who: Customer | None, day: dt.date = dt.date(2026, 3, 1), **extra) -> Visit:
    return Visit.create(work_order_no=f"WO-{next(_serial):06d}", vehicle=car, customer=who,
                        visit_date=day, mileage=extra.pop("mileage", 12000), created_at=now(), **extra)
