"""Small archives built straight through the models (search keys filled as every write path must)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.clock import now
from db.models import Advisor, Customer, Ownership, Vehicle, Visit, VisitPart
from db.search import customer_keys, vehicle_keys
from db.validate import vin_check_char


def make_vin(body16: str) -> str:
    """A valid VIN from 16 characters (the check character is inserted at position 9)."""
    assert len(body16) == 16
    draft = body16[:8] + "0" + body16[8:]
    return draft[:8] + vin_check_char(draft) + draft[9:]


def advisor(name: str = "刘洋") -> Advisor:
    return Advisor.get_or_none(Advisor.name == name) or Advisor.create(name=name, created_at=now())


def customer(name: str, mobile: str | None = None, employer: str | None = None, **fields) -> Customer:
    keys = customer_keys(name, mobile, employer)
    return Customer.create(name=name, mobile=mobile, employer=employer, created_at=now(),
                           updated_at=now(), **keys.as_dict(), **fields)


def vehicle(owner: Customer | None, vin: str, plate: str | None = None, since: dt.date | None = None,
            **fields) -> Vehicle:
    car = Vehicle.create(vin=vin, plate=plate, owner=owner, created_at=now(), updated_at=now(),
                         **vehicle_keys(vin, plate), **fields)
    if owner is not None:
        Ownership.create(vehicle=car, customer=owner, start_date=since or dt.date(2020, 1, 1))
    return car


def visit(car: Vehicle, who: Customer, work_order_no: str, day: dt.date, mileage: int,
          labour: str = "100", parts: list[tuple[str, str, str]] = (), kind: str = "maintenance",
          work_done: str | None = None) -> Visit:
    parts_fee = sum((Decimal(q) * Decimal(p) for _, q, p in parts), Decimal("0"))
    row = Visit.create(work_order_no=work_order_no, vehicle=car, customer=who, visit_date=day,
                       mileage=mileage, kind=kind, labour_fee=Decimal(labour), parts_fee=parts_fee,
                       total_fee=Decimal(labour) + parts_fee, work_done=work_done, created_at=now())
    for name, qty, price in parts:
        VisitPart.create(visit=row, name=name, quantity=Decimal(qty), unit_price=Decimal(price))
    if car.last_visit_date is None or day >= car.last_visit_date:
        Vehicle.update(last_visit_date=day, last_mileage=mileage).where(Vehicle.id == car.id).execute()
    return row
