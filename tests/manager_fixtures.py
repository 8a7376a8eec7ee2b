"""Small hand-built archives for the manager's desk tests (rows written directly, so the
figures in the tests can be computed by hand)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.clock import now
from db.models import Advisor, Contact, Customer, Ownership, Vehicle, Visit, VisitPart
from db.roles import hash_pin
from db.search import customer_keys

_counter = {"vin": 0, "wo": 0}


def advisor(name: str, role: str = "advisor", pin: str | None = None, **extra) -> Advisor:
    return Advisor.create(name=name, role=role, pin_hash=hash_pin(pin) if pin else None,
                          created_at=now(), **extra)


def customer(name: str = "王芳", mobile: str | None = "13800138000", **extra) -> Customer:
    keys = customer_keys(name, mobile, extra.get("employer")).as_dict()
    return Customer.create(name=name, mobile=mobile, created_at=now(), updated_at=now(),
                           **keys, **extra)


def vehicle(owner: Customer | None, purchase: dt.date = dt.date(2024, 1, 10), **extra) -> Vehicle:
    _counter["vin"] += 1
    vin = f"LTEST{_counter['vin']:012d}"
    car = Vehicle.create(vin=vin, vin_rev=vin[::-1], purchase_date=purchase, owner=owner,
                         created_at=now(), updated_at=now(), **extra)
    if owner is not None:
        Ownership.create(vehicle=car, customer=owner, start_date=purchase)
    return car


def visit(car: Vehicle, who: Customer | None, day: dt.date, fee: str, *, kind: str = "maintenance",
          by: Advisor | None = None, mileage: int = 10000) -> Visit:
    _counter["wo"] += 1
    row = Visit.create(work_order_no=f"T{_counter['wo']:06d}", vehicle=car, customer=who,
                       advisor=by, visit_date=day, mileage=mileage, kind=kind,
                       labour_fee=Decimal(fee), total_fee=Decimal(fee), created_at=now())
    VisitPart.create(visit=row, name="机油", quantity=1, unit_price=Decimal("0"))
    if car.last_visit_date is None or day > car.last_visit_date:
        Vehicle.update(last_visit_date=day, last_mileage=mileage).where(Vehicle.id == car.id).execute()
    return row


def contact(who: Customer, by: Advisor | None, at: dt.datetime, *, purpose: str = "follow_up",
            outcome: str = "reached", channel: str = "phone", car: Vehicle | None = None,
            note: str | None = None) -> Contact:
    return Contact.create(customer=who, advisor=by, contact_at=at, purpose=purpose,
                          outcome=outcome, channel=channel, vehicle=car, note=note,
                          traits="爱干净" if note else None)
