"""Small archives built straight through the models (search keys filled as every write path must)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.queues import stored_days as due_days
from db.clock import now
from db.models import Customer, Vehicle, Visit, VisitPart
from tests import factory
from tests.factory import advisor
from tests.factory import vin_with_check as make_vin

__all__ = ["advisor", "customer", "make_vin", "sample_station", "vehicle", "visit"]


def customer(name: str, mobile: str | None = None, employer: str | None = None, **fields) -> Customer:
    return factory.customer(name, mobile, employer=employer, **fields)


def vehicle(owner: Customer | None, vin: str, plate: str | None = None, since: dt.date | None = None,
            **fields) -> Vehicle:
    return factory.vehicle(owner, vin, plate, since=since or dt.date(2020, 1, 1), **fields)


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
    due_days.refresh_vehicles([car.id])
    return row


def sample_station(extra_zhangs: int = 60) -> dict:
    """The lookup and card tests' station: a resold car with visits and parts, a markup
    name, and enough 张 to need a second page."""
    from db.models import Ownership

    me = advisor("刘洋")
    seller = customer("钱多多", "13500001111")
    owner = customer("张伟", "13812348000", employer="华为技术有限公司", id_number="110105199001011236",
                     occupation="工程师", home_address="北京市朝阳区望京街道 8 号")
    car = vehicle(owner, make_vin("LSVAB2BM5KN12345"), "京A12345", since=dt.date(2023, 5, 1),
                  model="朗逸", brand="上汽大众", color="白")
    Ownership.create(vehicle=car, customer=seller, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 5, 1))
    visit(car, owner, "WO20250601-0001", dt.date(2025, 6, 1), 20000, labour="200",
          parts=[("机油", "4", "60"), ("机滤", "1", "45")], work_done="常规保养")
    visit(car, owner, "WO20251201-0002", dt.date(2025, 12, 1), 26000, labour="300")
    visit(car, owner, "WO20261101-0003", dt.date(2026, 11, 1), 32000, labour="100")
    wei = customer("张卫东", "13900001234")
    vehicle(wei, make_vin("LFVCD3CM6LN77345"), "沪BA12345")
    markup = customer("[@click=app.quit]x[/]", "13700005678")
    for n in range(extra_zhangs):
        customer(f"张{n:02d}号", f"1390000{n:04d}")
    return dict(me=me, owner=owner, seller=seller, car=car, wei=wei, markup=markup)
