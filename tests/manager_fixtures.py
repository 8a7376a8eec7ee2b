"""Small hand-built archives for the manager's desk tests (rows written directly, so the
figures in the tests can be computed by hand)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.queues import stored_days as due_days
from db.clock import now
from db.models import Advisor, Contact, Customer, Vehicle, Visit, VisitPart
from tests import factory
from tests.factory import advisor, customer

__all__ = ["advisor", "contact", "customer", "small_station", "vehicle", "visit"]

_counter = {"vin": 0, "wo": 0}


def vehicle(owner: Customer | None, purchase: dt.date = dt.date(2024, 1, 10), **extra) -> Vehicle:
    _counter["vin"] += 1
    return factory.vehicle(owner, f"LTEST{_counter['vin']:012d}", since=purchase, purchase_date=purchase, **extra)


def visit(car: Vehicle, who: Customer | None, day: dt.date, fee: str, *, kind: str = "maintenance",
          by: Advisor | None = None, mileage: int = 10000) -> Visit:
    _counter["wo"] += 1
    row = Visit.create(work_order_no=f"T{_counter['wo']:06d}", vehicle=car, customer=who,
                       advisor=by, visit_date=day, mileage=mileage, kind=kind,
                       labour_fee=Decimal(fee), total_fee=Decimal(fee), created_at=now())
    VisitPart.create(visit=row, name="机油", quantity=1, unit_price=Decimal("0"))
    if car.last_visit_date is None or day > car.last_visit_date:
        Vehicle.update(last_visit_date=day, last_mileage=mileage).where(Vehicle.id == car.id).execute()
    due_days.refresh_vehicles([car.id])
    return row


def contact(who: Customer, by: Advisor | None, at: dt.datetime, *, purpose: str = "follow_up",
            outcome: str = "reached", channel: str = "phone", car: Vehicle | None = None,
            note: str | None = None) -> Contact:
    return Contact.create(customer=who, advisor=by, contact_at=at, purpose=purpose,
                          outcome=outcome, channel=channel, vehicle=car, note=note,
                          traits="爱干净" if note else None)


def small_station() -> tuple[Advisor, Advisor]:
    """The fixed station of tests/test_report.py (see its docstring for the table)."""
    x, y = advisor("顾问X"), advisor("顾问Y")
    a = customer("甲", "13800000001", created_by=x)
    b = customer("乙", "13800000002", created_by=x)
    c = customer("丙", "13800000003", created_by=y)
    d = customer("丁", "13800000004")
    car_a = vehicle(a, dt.date(2024, 1, 10), usage="private")
    car_b = vehicle(b, dt.date(2020, 1, 1), usage="official")
    car_c = vehicle(c, dt.date(2022, 6, 1), usage="commercial")
    vehicle(d, dt.date(2024, 1, 10), usage="private")
    visit(car_a, a, dt.date(2025, 6, 10), "100", by=x)
    visit(car_a, a, dt.date(2026, 3, 5), "200", by=x)
    visit(car_b, b, dt.date(2025, 3, 15), "300", by=x)
    visit(car_c, c, dt.date(2026, 3, 20), "400", by=y)
    visit(Vehicle.get(Vehicle.owner == d.id), d, dt.date(2024, 12, 1), "50")
    # calls in the period
    contact(a, x, dt.datetime(2026, 1, 5, 10), purpose="follow_up", outcome="reached")
    contact(b, x, dt.datetime(2026, 1, 6, 10), purpose="follow_up", outcome="no_answer")
    contact(a, x, dt.datetime(2026, 2, 20, 10), purpose="maintenance", outcome="booked", car=car_a)
    contact(b, y, dt.datetime(2026, 1, 10, 10), purpose="maintenance", outcome="reached", car=car_b)
    contact(c, y, dt.datetime(2026, 1, 11, 10), purpose="maintenance", outcome="no_answer", car=car_c)
    # not counted: a reception at the desk, a call outside the period
    contact(c, y, dt.datetime(2026, 3, 20, 9), purpose="reception", outcome="visit", channel="desk")
    contact(a, x, dt.datetime(2026, 4, 2, 10), purpose="follow_up", outcome="reached")
    return x, y
