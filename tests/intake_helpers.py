"""Builders for intake tests: valid identifiers and a filled-in reception."""

from __future__ import annotations

from db.intake import CustomerForm, IntakeData, OrderForm, PartLine, VehicleForm
from db.validate import id_check_char, vin_check_char


def make_vin(serial: int, wmi: str = "LFV2A21K") -> str:
    """A valid VIN: the WMI and descriptor, the check character, then the serial."""
    body = f"{wmi}0{'MN'}{serial:06d}"
    return body[:8] + vin_check_char(body) + body[9:]


def make_id(first17: str = "11010519850302123") -> str:
    return first17 + id_check_char(first17)


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
