"""Issue 15, item 15: the standard fields a walk-in's archive still lacks are named in the
form while the customer is at the desk, and again in the save summary."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from db.intake.missing import missing_in_form
from db.intake.reception import CustomerForm, IntakeData, VehicleForm
from tests.intake_helpers import make_id, make_vin
from tests.test_intake_masking import walk_in_typed
from tests.test_intake_screen import type_into
from tests.tui_helpers import make_app, screen_text, settle


def title_line(app) -> str:
    return str(app.screen.query_one("#form-title", Static).render().plain)  # type: ignore[attr-defined]


def test_the_form_names_the_empty_standard_fields_in_their_order():
    data = IntakeData(customer=CustomerForm(name="赵六", mobile="13812345678", occupation="教师"),
                      vehicle=VehicleForm(vin=make_vin(3), plate="川A54321", model="朗逸", color="白"))
    data.order.work_requested = "保养"
    missing = missing_in_form(data, dt.date(2026, 5, 26))
    assert missing[:5] == ["身份证号", "家庭住址", "兴趣爱好", "发动机号", "变速器号"]
    assert "购车日期" in missing and "首保日期" not in missing  # no purchase date: not yet asked
    assert "维修内容" not in missing and "付款方式" in missing


def test_a_masked_number_is_there_and_an_old_car_owes_its_first_maintenance_date():
    data = IntakeData(customer=CustomerForm(id=1, name="王芳"), vehicle=VehicleForm(purchase_date="2020-01-01"),
                      masked={"mobile": "139****5678", "id_number": "110105********1234"})
    missing = missing_in_form(data, dt.date(2026, 5, 26))
    assert "手机" not in missing and "身份证号" not in missing
    assert "首保日期" in missing
    data.vehicle.purchase_date = "2026-09-01"  # bought too recently to have had it
    assert "首保日期" not in missing_in_form(data, dt.date(2026, 5, 26))


async def test_a_walk_in_is_told_what_is_missing_while_typing_and_after_the_save(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_in_typed(pilot, "")
        line = title_line(app)
        assert "新建档案" in line and "还缺 " in line and "身份证号、职业" in line
        await type_into(pilot, "customer.id_number", make_id())
        await settle(pilot)
        line = title_line(app)
        assert "身份证号" not in line and "还缺 " in line and line.index("职业") < line.index("车架号")
        assert "还缺 " in screen_text(app).splitlines()[1]  # in sight, under the greeting
        await type_into(pilot, "vehicle.vin", make_vin(8))
        await type_into(pilot, "vehicle.purchase_date", "2025-10-01")
        await type_into(pilot, "order.mileage", "3000")
        await type_into(pilot, "order.work_requested", "保养")
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "已保存" in text and "档案还缺 " in text and "可趁客户在场补问" in text
        assert "家庭住址" in text and "购车日期" not in text
