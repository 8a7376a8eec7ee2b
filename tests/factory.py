"""Archive rows built straight through the models, with what every write path fills beside
them (search keys, ownership, stored queue days): the one place the test builders write.

The builders of each area (``doors_factory``, ``intake_helpers``, ``archive_fixtures``,
``queue_factory``, ``manager_fixtures``) add their own defaults and serials on top.
"""

from __future__ import annotations

import datetime as dt

from db.queues import stored_days as due_days
from db.clock import now
from db.models import Advisor, Customer, Ownership, Vehicle
from db.roles import hash_pin
from db.search import customer_keys, vehicle_keys
from db.validate import id_check_char, vin_check_char


def vin_with_check(body16: str) -> str:
    """A valid VIN from 16 characters: the check character goes in at position 9."""
    assert len(body16) == 16
    draft = body16[:8] + "0" + body16[8:]
    return draft[:8] + vin_check_char(draft) + draft[9:]


def id_with_check(first17: str) -> str:
    """A valid ID number from its first 17 characters."""
    return first17 + id_check_char(first17)


def advisor(name: str = "刘洋", role: str = "advisor", pin: str | None = None, **extra) -> Advisor:
    """The advisor of that name, made the first time."""
    defaults = {"created_at": now(), "role": role, "pin_hash": hash_pin(pin) if pin else None, **extra}
    return Advisor.get_or_create(name=name, defaults=defaults)[0]


def customer(name: str = "王芳", mobile: str | None = "13800138000", **extra) -> Customer:
    stamp = now()
    return Customer.create(name=name, mobile=mobile, created_at=stamp, updated_at=stamp,
                           **customer_keys(name, mobile, extra.get("employer")).as_dict(), **extra)


def vehicle(owner: Customer | None, vin: str, plate: str | None = None, since: dt.date | None = None,
            **extra) -> Vehicle:
    """A car; with an owner and ``since``, the ownership from that day."""
    stamp = now()
    car = Vehicle.create(vin=vin, plate=plate, owner=owner, created_at=stamp, updated_at=stamp,
                         **vehicle_keys(vin, plate), **extra)
    if owner is not None and since is not None:
        Ownership.create(vehicle=car, customer=owner, start_date=since)
    due_days.refresh_vehicles([car.id])  # as every write path does
    return car
