"""Small builders for queue and segment tests: one customer, one car, a few visits."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from db.queues import stored_days as due_days
from db.clock import now
from db.models import Customer, Prospect, Vehicle, Visit
from db.search import prospect_keys
from tests import factory
from tests.factory import advisor, customer

__all__ = ["advisor", "customer", "prospect", "refreshed", "vehicle", "visit"]

_seq = itertools.count(1)


def vehicle(owner: Customer | None, **fields) -> Vehicle:
    """A car without an ownership row (queues read the owner column)."""
    n = next(_seq)
    car = factory.vehicle(owner, fields.pop("vin", f"LSVTEST{n:010d}"), fields.pop("plate", f"京A{n:05d}"),
                          **fields)
    return _stored_days(car)


def refreshed(car: Vehicle) -> Vehicle:
    """What a write path does after changing a car: its stored queue columns recomputed
    (and copied onto this instance, so that a later ``save()`` keeps them)."""
    due_days.refresh_vehicles([car.id])
    return _stored_days(car)


def _stored_days(car: Vehicle) -> Vehicle:
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
