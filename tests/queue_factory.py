"""Small builders for queue and segment tests: one customer, one car, a few visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

from db import due_days
from db.clock import now
from db.models import Customer, Prospect, Vehicle, Visit
from db.search import customer_keys, prospect_keys, vehicle_keys

_seq = itertools.count(1)


def customer(name: str = "王芳", mobile: str | None = "13800138000", **fields) -> Customer:
    keys = dataclasses.asdict(customer_keys(name, mobile, fields.get("employer")))
    return Customer.create(name=name, mobile=mobile, created_at=now(), updated_at=now(), **keys, **fields)


def vehicle(owner: Customer | None, **fields) -> Vehicle:
    n = next(_seq)
    vin = fields.pop("vin", f"LSVTEST{n:010d}")
    plate = fields.pop("plate", f"京A{n:05d}")
    car = Vehicle.create(vin=vin, plate=plate, owner=owner, created_at=now(), updated_at=now(),
                         **vehicle_keys(vin, plate), **fields)
    return refreshed(car)


def refreshed(car: Vehicle) -> Vehicle:
    """What a write path does after changing a car: its stored queue columns recomputed
    (and copied onto this instance, so that a later ``save()`` keeps them)."""
    due_days.refresh_vehicles([car.id])
    fresh = Vehicle.get_by_id(car.id)
    for name in (*due_days.DAY_COLUMNS, "declined_visit", "declined_on", "listing"):
        setattr(car, name, getattr(fresh, name))
    return car


def visit(car: Vehicle, day: dt.date, mileage: int = 10000, kind: str = "maintenance",
          fee: str = "500", customer: Customer | None = None, **fields) -> Visit:
    """A visit, keeping the car's denormalised last-visit columns as intake does."""
    n = next(_seq)
    row = Visit.create(work_order_no=f"WO-T{n:06d}", vehicle=car, customer=customer or car.owner,
                       visit_date=day, mileage=mileage, kind=kind, total_fee=Decimal(fee),
                       created_at=now(), **fields)
    if car.last_visit_date is None or day >= car.last_visit_date:
        car.last_visit_date, car.last_mileage = day, mileage
        if kind in ("maintenance", "first_maintenance"):
            car.last_maintenance_date, car.last_maintenance_mileage = day, mileage
        car.save()
    refreshed(car)
    return row


def prospect(name: str = "赵六", mobile: str | None = "13900139000", **fields) -> Prospect:
    return Prospect.create(name=name, mobile=mobile, created_at=now(), updated_at=now(),
                           **prospect_keys(name, mobile), **fields)


def advisor(name: str = "刘洋"):
    from db.models import Advisor

    return Advisor.create(name=name, created_at=now())
