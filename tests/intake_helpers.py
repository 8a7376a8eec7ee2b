"""Builders for intake tests: valid identifiers, a filled-in reception, a returning customer."""

from __future__ import annotations

import datetime as dt

import pytest

from db import advisors, clock
from db.intake.reception import CustomerForm, IntakeData, OrderForm, PartLine, VehicleForm, save_intake
from tests.conftest import TODAY
from tests.factory import id_with_check, vin_with_check


def make_vin(serial: int, wmi: str = "LFV2A21K") -> str:
    """A valid VIN: the WMI and descriptor, the check character, then the serial."""
    return vin_with_check(f"{wmi}MN{serial:06d}")


def make_id(first17: str = "11010519850302123") -> str:
    return id_with_check(first17)


def reception(name: str = "王芳", mobile: str = "13912345678", vin: str | None = None,
              plate: str = "京A12345", mileage: str = "12000", **order: object) -> IntakeData:
    return IntakeData(
        customer=CustomerForm(name=name, mobile=mobile),
        vehicle=VehicleForm(vin=vin or make_vin(1), plate=plate, model="帕萨特",
                            purchase_date="2024-05-01"),
        order=OrderForm(mileage=mileage, kind=str(order.pop("kind", "maintenance")),
                        labour_fee=str(order.pop("labour_fee", "200")),
                        parts=list(order.pop("parts", [PartLine("机油滤清器", "1", "85.50")])),
                        **{k: str(val) for k, val in order.items()}),
    )


# The returning customer's visit: a month before the tests' today, so that today's first
# work order for the car is a new one (a second one today is asked about first).
RETURNING_DAY = TODAY - dt.timedelta(days=30)


@pytest.fixture
def returning(app_db):
    """王芳 with 京A12345, one maintenance at 12,000 km a month ago, a declined job and a trait noted."""
    advisor = advisors.sign_in("陈静", user="")
    data = reception(declined_work="更换刹车片")
    data.contact.traits = "赶时间"
    clock.pin_today(RETURNING_DAY)
    try:
        return save_intake(data, advisor.id)
    finally:
        clock.pin_today(TODAY)

