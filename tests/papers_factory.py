"""A hand-made station for the printed papers and the health record: two customers, their
cars, visits with walk-around marks, part kinds and consent, one visit without parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.models import Visit, VisitPart
from tests import factory

VIN_A = factory.vin_with_check("LSVAU2180N218432")
VIN_B = factory.vin_with_check("LFV2A21K5N300001")
PLATE_A = "京A12345"
PLATE_B = "沪B6789D"


def visit(car, person, number: str, day: dt.date, *, parts: list[dict] | None = None, **extra) -> Visit:
    fields = dict(work_order_no=number, vehicle=car, customer=person, visit_date=day, mileage=12000,
                  kind="repair", created_at=dt.datetime.combine(day, dt.time(9, 30)))
    fields.update(extra)
    made = Visit.create(**fields)
    for line in parts or []:
        VisitPart.create(visit=made, **line)
    return made


def station() -> dict[str, Visit]:
    """The visits by name: ``repair`` (parts of every kind), ``plain`` (no parts, settled),
    ``open`` (not settled)."""
    me = factory.advisor("刘洋")
    wang = factory.customer("王芳", "13812345678")
    li = factory.customer("李雷", "13900001111")
    car_a = factory.vehicle(wang, VIN_A, PLATE_A, brand="大众", model="朗逸", color="白")
    car_b = factory.vehicle(li, VIN_B, PLATE_B, brand="奥迪", model="A4L")
    repair = visit(
        car_a, wang, "WO20260105-0007", dt.date(2026, 1, 5), advisor=me, mileage=45210,
        work_requested="刹车时有异响，右前方", diagnosis="右前刹车片磨损到限", work_done="更换前刹车片；检查制动盘",
        labour_fee=Decimal("240.00"), parts_fee=Decimal("780.00"), total_fee=Decimal("1020.00"),
        labour_hours=Decimal("1.5"), fuel_level="1/2", warning_lights="brake", valuables="行车记录仪",
        spare_tyre=True, tools=False, damage="front:S;left_front_door:SD", old_parts="take",
        promised_at=dt.datetime(2026, 1, 5, 16, 0), waiting=True,
        settlement_no="JS20260105-0001", settled_on=dt.date(2026, 1, 5),
        parts=[dict(name="前刹车片", code="1K0698151", quantity=Decimal(1), unit_price=Decimal("520.00"),
                    kind="original"),
               dict(name="制动液", code="B000750M3", quantity=Decimal(2), unit_price=Decimal("80.00"),
                    kind="aftermarket"),
               dict(name="轮毂盖", code="", quantity=Decimal(1), unit_price=Decimal("100.00"),
                    kind="used", consent=True)])
    plain = visit(car_b, li, "WO20260110-0002", dt.date(2026, 1, 10), mileage=8000, kind="maintenance",
                  work_requested="常规保养", labour_fee=Decimal("300"), total_fee=Decimal("300"),
                  labour_hours=Decimal("1"), settlement_no="JS20260110-0001", settled_on=dt.date(2026, 1, 11))
    open_ = visit(car_a, wang, "WO20260201-0001", dt.date(2026, 2, 1), mileage=47000,
                  work_requested="=HYPERLINK(\"http://x\")", labour_fee=Decimal("100"), total_fee=Decimal("100"),
                  parts=[dict(name="机油滤清器", code="06L115562", quantity=Decimal(1),
                              unit_price=Decimal("60"), kind="repaired", consent=None)])
    return {"repair": repair, "plain": plain, "open": open_}
