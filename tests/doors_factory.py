"""Small archive builders for the doors tests (prospects, import, upkeep, merge, export)."""

from __future__ import annotations

import datetime as dt
import itertools

from db import due_days
from db.clock import now
from db.models import Advisor, Customer, Ownership, Vehicle, Visit
from db.search import customer_keys, vehicle_keys
from db.validate import id_check_char, vin_check_char

_serial = itertools.count(1)


def make_vin(serial: int, wmi: str = "LFV2A215") -> str:
    """A valid VIN (check digit right) for a serial number: 8 characters, check, A, 7 digits."""
    body = f"{wmi}0A{serial:07d}"
    return body[:8] + vin_check_char(body) + body[9:]


def make_id(serial: int, birth: str = "19850312") -> str:
    first = f"110105{birth}{serial % 1000:03d}"
    return first + id_check_char(first)


def advisor(name: str = "刘洋", role: str = "advisor") -> Advisor:
    return Advisor.get_or_create(name=name, defaults={"created_at": now(), "role": role})[0]


def customer(name: str = "张伟", mobile: str | None = "13800138000", **extra) -> Customer:
    stamp = now()
    return Customer.create(name=name, mobile=mobile, created_at=stamp, updated_at=stamp,
                           **customer_keys(name, mobile, extra.get("employer")).as_dict(), **extra)


def vehicle(owner: Customer | None, vin: str | None = None, plate: str | None = None, **extra) -> Vehicle:
    vin = vin or make_vin(next(_serial))
    stamp = now()
    car = Vehicle.create(vin=vin, plate=plate, owner=owner, created_at=stamp, updated_at=stamp,
                         **vehicle_keys(vin, plate), **extra)
    if owner is not None:
        Ownership.create(vehicle=car, customer=owner, start_date=dt.date(2024, 1, 1))
    due_days.refresh_vehicles([car.id])  # as every write path does
    return car


def visit(car: Vehicle, who: Customer | None, day: dt.date = dt.date(2026, 3, 1), **extra) -> Visit:
    return Visit.create(work_order_no=f"WO-{next(_serial):06d}", vehicle=car, customer=who,
                        visit_date=day, mileage=extra.pop("mileage", 12000), created_at=now(), **extra)
