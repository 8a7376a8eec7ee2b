"""The reception screen (F3) with keys arriving together, as a fast typist's or a slow SSH
line's do: what follows a key that changes the part, the stage or the screen lands where
the advisor meant it, and nothing typed is lost without a word."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from db import advisors
from db.intake.reception import save_intake
from tests.intake_helpers import make_vin, reception, returning  # noqa: F401 (a fixture)
from tests.tui_helpers import chunk, make_app, open_work_order, screen_text, settle
from tui.widgets.form_row import field_id


def value(app, path: str) -> str:
    return app.screen.query_one("#" + field_id(path), Input).value


def find_box(app) -> str:
    return app.screen.query_one("#find-input", Input).value


async def typed(pilot, *chunks: tuple[str, ...]) -> str:
    """Each chunk of keys posted at once, the app settled after it; the screen's text."""
    await settle(pilot)
    for keys in chunks:
        chunk(pilot.app, *keys)
        await settle(pilot)
    return screen_text(pilot.app)


async def new_archive(pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


async def test_keys_after_page_down_land_in_the_next_part(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive(pilot)
        vin = make_vin(5)
        app.screen.query_one("#" + field_id("vehicle.vin")).focus()
        await pilot.press(*vin)
        chunk(app, "pagedown", *"96500")
        await settle(pilot)
        assert value(app, "vehicle.vin") == vin
        assert value(app, "order.mileage") == "96500"
        assert "车架号应为 17 位" not in screen_text(app)


async def test_two_page_downs_together_move_two_parts(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive(pilot)
        assert app.focused.id == field_id("customer.name")
        chunk(app, "pagedown", "pagedown", *"8000")
        await settle(pilot)
        assert app.focused.id == field_id("order.mileage") and value(app, "order.mileage") == "8000"
        chunk(app, "pageup", "pageup", "王")
        await settle(pilot)
        assert value(app, "customer.name") == "王"
        assert "客户信息" in screen_text(app)  # the part scrolled into sight


async def test_enter_on_the_brief_opens_the_work_order_and_keys_typed_ahead_go_there(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "最近来站" in await typed(pilot, (*"12345", "enter"))
        await typed(pilot, ("enter", *"96600"))
        assert app.focused.id == field_id("order.mileage")
        assert value(app, "order.mileage") == "96600"
        assert "派工单 · 王芳 · 京A12345" in screen_text(app)


async def test_find_brief_and_work_order_typed_in_one_go(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await typed(pilot, (*"12345", "enter", "enter", *"96600", "tab", "right"))
        assert value(app, "order.mileage") == "96600"
        assert find_box(app) == "12345"  # nothing typed ahead piled up in the find field
        assert "‹ 首保 ›" in text  # Tab to the kind, → changed it
        assert "放弃已输入的内容吗" in await typed(pilot, ("escape",))  # typed: Esc asks first


@pytest.fixture
def second(returning):
    """李雷, whose mobile ends like 王芳's: "5678" finds both."""
    save_intake(reception(name="李雷", mobile="13800005678", vin=make_vin(2), plate="京B22222"),
                advisors.sign_in("陈静", user="").id)


@pytest.mark.parametrize("query, result", [("5678", "找到 2 个结果"), ("292BJ", "没有找到“292BJ”")])
async def test_keys_typed_ahead_of_several_matches_or_none_are_not_used_and_it_is_said(app_db, second,
                                                                                       query, result):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        text = await typed(pilot, (*query, "enter", "enter", *"96600"))
        assert result in text and find_box(app) == query  # nothing piled up in the find field
        assert "结果出来之前输入的“⏎96600”没有使用" in text


async def test_keys_typed_after_a_pick_go_to_the_work_order(app_db, second):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        # picked: the brief, then the work order
        await typed(pilot, (*"5678", "enter"), ("down", "enter", "enter", *"300"))
        assert value(app, "order.mileage") == "300"


async def test_ctrl_n_keeps_the_keys_typed_after_it_for_the_new_archive(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await typed(pilot, ("ctrl+n", "王", "芳", "tab", *"139"))
        assert value(app, "customer.name") == "王芳" and value(app, "customer.mobile") == "139"


async def test_the_next_work_order_opens_with_its_mileage_in_sight(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_work_order(pilot)
        await pilot.press(*"15000", "enter", "enter", "保", "养", "f2")  # mileage, kind, request
        await settle(pilot)
        await pilot.press("escape")  # the next customer: the same car again today
        await open_work_order(pilot)
        await pilot.press("right", "enter")  # asked first: 另开一张
        await settle(pilot)
        text = screen_text(app)
        assert app.focused.id == field_id("order.mileage")
        assert "里程(公里)*" in text and "客户信息" not in text


async def test_after_a_save_the_next_customer_is_found_at_once(app_db, returning):
    from db.models import Visit

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_work_order(pilot)
        text = await typed(pilot, (*"15000", "enter", "enter", "保", "养", "f2", *"5678"))
        assert "已保存 · 派工单 WO20261126-0001" in text and find_box(app) == "5678"
        assert Visit.select().order_by(Visit.id.desc()).first().mileage == 15000  # nothing typed after F2
        assert "最近来站" in await typed(pilot, ("enter",))  # the next customer's brief


async def test_after_a_save_ctrl_n_starts_a_new_archive(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_work_order(pilot)
        assert "已保存" in await typed(pilot, (*"15000", "enter", "enter", "保", "养", "f2"))
        text = await typed(pilot, ("ctrl+n", "李", "雷"))
        assert "新建档案" in text and value(app, "customer.name") == "李雷"


async def test_shift_tab_from_the_first_field_never_stops_on_the_form_itself(app_db):
    from tui.widgets.intake_form import IntakeForm

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive(pilot)
        assert app.focused.id == field_id("customer.name")
        await pilot.press("shift+tab")
        await settle(pilot)
        # round to the form's last field (or the find box): a field, never the form
        assert not isinstance(app.focused, IntakeForm)
        assert app.focused.id.startswith("f-") or app.focused.id == "find-input"


async def test_a_plate_is_shown_normalised_and_an_emoji_name_refused_when_left(app_db):
    from tests.test_intake_screen import message_of

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive(pilot)
        app.screen.query_one("#" + field_id("customer.name"), Input).value = "王芳😀"  # as an IME puts it
        await pilot.press("tab")
        await settle(pilot)
        assert "姓名里不能有表情或符号（😀）" in message_of(app, "customer.name")
        app.screen.query_one("#" + field_id("vehicle.plate"), Input).focus()
        await pilot.press(*"川a12345", "tab")
        await settle(pilot)
        assert value(app, "vehicle.plate") == "川A12345"
