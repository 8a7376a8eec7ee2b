"""F12, the appointment book, driven with Pilot on the real app: the day's grid, ←/→
days, Enter books a free place through the dialog, C confirms, X cancels with a reason,
M moves; a full slot is said in the dialog and nothing typed is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from db import appointments
from db.models import Appointment, AuditEntry
from tests import factory
from tests.conftest import TODAY
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps, until

TOMORROW = TODAY + dt.timedelta(days=1)


def at(hour: int, minute: int = 0, day: dt.date = TOMORROW) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


@pytest.fixture
def station(database, db_path):
    me = factory.advisor("刘洋")
    owner = factory.customer("王芳", "13800138000")
    fleet = [factory.vehicle(owner, factory.vin_with_check(f"LSVAB2AB{i:08d}"), f"川A1234{i}",
                             since=dt.date(2020, 1, 1)) for i in range(6)]
    markup = factory.customer("[b]粗[/b]", "13900139000")
    fleet.append(factory.vehicle(markup, factory.vin_with_check("LSVAB2AB00000099"), "川B99999",
                                 since=dt.date(2020, 1, 1)))
    appointments.book(vehicle_id=fleet[6].id, at=at(9), booked_by=me.id, request="[red]保养[/red]")
    return db_path, me, fleet


async def open_book(pilot):
    await steps(pilot, "f12")
    return await screen_text_when(pilot, "已约")


async def test_the_grid_shows_the_day_and_keys_move_through_it(station):
    db_path, me, fleet = station
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        text = await open_book(pilot)
        assert "2026-11-27 周五" in text and "已约 1/72" in text and "任一顾问 1" in text
        lines = text.splitlines()
        row = next(line for line in lines if line.startswith("09:00"))
        assert "?川B99999 [b]粗[" in row  # a name that looks like markup stays text
        await steps(pilot, "down")
        assert "要求： [red]保养[/red]" in screen_text(pilot.app)
        await steps(pilot, "right")
        assert "2026-11-28 周六" in await screen_text_when(pilot, "2026-11-28") and "已约 0/72" in screen_text(pilot.app)
        await steps(pilot, "left", "left")
        assert "2026-11-26 周四" in await screen_text_when(pilot, "2026-11-26 周四")


async def test_enter_books_a_free_place_and_a_full_slot_is_said_in_the_dialog(station):
    db_path, me, fleet = station
    for car in fleet[:3]:
        appointments.book(vehicle_id=car.id, at=at(9), booked_by=me.id)
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await open_book(pilot)
        await steps(pilot, "down", "tab", "enter")  # 09:00, second place: taken → the card
        assert "王芳" in screen_text(pilot.app) and type(pilot.app.screen).__name__ == "ArchiveCard"
        await steps(pilot, "escape", "up", "enter")  # 08:30, free
        assert "预约 2026-11-27 08:30" in screen_text(pilot.app)
        # the footer under the dialog is the book's: the dialog says its own keys
        assert "回车：下一项 · F2：预约 · Esc：关闭" in screen_text(pilot.app)
        # the car, the advisor, waiting → drop-off, phone → WeChat, the request
        await steps(pilot, *"川A12343", "enter", *"刘洋", "enter", "right", "enter", "left", "enter", *"换机油", "enter")
        booked = Appointment.get(Appointment.vehicle == fleet[3].id)
        assert (booked.slot, booked.advisor_id, booked.request) == (8 * 60 + 30, me.id, "换机油")
        assert (booked.waiting, booked.channel) == (False, "wechat")
        text = await screen_text_when(pilot, "刘洋 1/16")
        assert "已约 5/72" in text
        # the full 09:00 slot: the 5th car is refused in the dialog, what was typed stays
        await steps(pilot, "down", "tab", "tab", "tab")
        assert pilot.app.screen.query_one("BookGrid").current is not None
        appointments.cancel(1, me.id, "x")  # the 09:00 slot has a free place again …
        await steps(pilot, "right", "left")  # … shown when the day is read again
        for car in fleet[4:5]:
            appointments.book(vehicle_id=car.id, at=at(9), booked_by=me.id)  # … and taken by another desk
        await steps(pilot, "enter")
        await steps(pilot, *"川A12345", "enter", "enter", "enter", "enter", "enter")
        text = screen_text(pilot.app)
        assert "已约满" in text and "09:30" in text
        assert pilot.app.screen.query_one("#book-car").value == "川A12345"


async def test_the_cursor_is_on_the_booking_just_made(station):
    """Booked in the third place of a slot: the cursor stays there, on the new booking, and
    the line under the grid names it (it went back to the slot's first place, another car)."""
    db_path, me, fleet = station
    for car in fleet[:2]:
        appointments.book(vehicle_id=car.id, at=at(10), booked_by=me.id)
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await open_book(pilot)
        await steps(pilot, *["down"] * 3, "tab", "tab", "enter")  # 10:00, the third place: free
        await steps(pilot, *"川A12343", "enter", "enter", "enter", "enter", *"换机油", "enter")
        booked = Appointment.get(Appointment.vehicle == fleet[3].id)
        grid = pilot.app.screen.query_one("BookGrid")
        await until(pilot, lambda: grid.current is not None and grid.current.id == booked.id, "cursor on the booking")
        assert f"#{booked.id} 10:00 川A12343" in screen_text(pilot.app)


async def test_confirm_cancel_and_move_from_the_grid(station):
    db_path, me, fleet = station
    first = appointments.book(vehicle_id=fleet[0].id, at=at(10), booked_by=me.id)
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await open_book(pilot)
        await steps(pilot, *["down"] * 3)  # 10:00
        await steps(pilot, "C")  # capitals work too
        assert appointments.get(first.id).status == "confirmed"
        assert "+川A12340" in await screen_text_when(pilot, "+川A12340")
        await steps(pilot, "m", "down", "enter")  # to 10:30
        moved = appointments.get(first.id)
        assert (moved.at, moved.status) == (at(10, 30), "confirmed")
        await screen_text_when(pilot, "已改到")
        await steps(pilot, "x")
        assert "取消预约" in screen_text(pilot.app)
        assert "F2 或回车：取消这个预约 · Esc：不取消" in screen_text(pilot.app)
        await steps(pilot, "enter")
        assert "请填写取消原因" in screen_text(pilot.app)
        await steps(pilot, *"客户出差", "enter")
        cancelled = appointments.get(first.id)
        assert (cancelled.status, cancelled.reason) == ("cancelled", "客户出差")
        changes = [e.field for e in AuditEntry.select().where(AuditEntry.action == "appointment")
                   .order_by(AuditEntry.id)]
        assert changes[-3:] == ["confirmed", "move", "cancelled"]


async def test_the_card_the_lookup_and_f5_open_the_book_with_the_car(station):
    from db.models import Contact
    from tests import queue_factory as make

    db_path, me, fleet = station
    make.visit(fleet[0], TODAY - dt.timedelta(days=2), mileage=42000)  # a follow-up call is due
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        # the lookup: Ctrl+B on the result under the cursor
        await steps(pilot, "f4", *"川A12341", "down")
        await screen_text_when(pilot, "川A12341")
        await steps(pilot, "ctrl+b")
        text = await screen_text_when(pilot, "预约车辆")
        assert pilot.app.current_mode == "book" and "预约车辆 川A12341 王芳" in text
        assert "2026-11-27" in text  # tomorrow
        await steps(pilot, "enter", "enter", "enter", "enter", "enter")  # 08:30; any advisor; defaults; no request
        booked = Appointment.get(Appointment.vehicle == fleet[1].id)
        assert (booked.slot, booked.waiting, booked.channel) == (8 * 60 + 30, True, "phone")
        assert "预约车辆" not in await screen_text_when(pilot, "已预约")
        # the card: B books the car shown
        await steps(pilot, "f4", *"川A12342")
        await screen_text_when(pilot, "找到")
        await steps(pilot, "enter")
        assert "档案卡：王芳" in await screen_text_when(pilot, "档案卡")
        await steps(pilot, "2", "n", "n", "B")  # the vehicles group, the third car
        assert "预约车辆 川A12342 王芳" in await screen_text_when(pilot, "预约车辆")
        await steps(pilot, "escape")  # lets go of the car
        assert "预约车辆" not in screen_text(pilot.app)
        # F5 "booked" (key 3): the book with the car and what was due; booking records the call
        await steps(pilot, "f5", "enter")
        await steps(pilot, "3")
        text = await screen_text_when(pilot, "预约车辆")
        assert "预约车辆 川A12340 王芳" in text
        await steps(pilot, "down", "down", "down", "enter")  # 10:00
        assert pilot.app.screen.query_one("#book-request").value.startswith("回访：")
        assert "‹ 回访名单 ›" in screen_text(pilot.app)  # how it was booked: from the call list
        await steps(pilot, "enter", "enter", "enter", "enter")
    booked = Appointment.get(Appointment.vehicle == fleet[0].id)
    assert (booked.slot, booked.channel) == (10 * 60, "call_list")
    call = Contact.get(Contact.purpose == "follow_up")
    assert (call.outcome, call.booked_date) == ("booked", TOMORROW)


async def test_repeated_no_shows_are_on_the_card(station):
    from db import clock

    db_path, me, fleet = station
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    for n in range(2):
        appointments.book(vehicle_id=fleet[n].id, at=at(9, day=TODAY), booked_by=me.id)
    clock.pin_now(dt.datetime(2026, 11, 26, 10, 0))  # past the no-show time; nothing swept: seen on read
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f4", *"川A12340")
        await screen_text_when(pilot, "找到")
        await steps(pilot, "enter")
        assert "爽约 2 次" in await screen_text_when(pilot, "档案卡")


def test_snapshot_the_days_grid(snapshot_db_path, snap_compare):
    """Tomorrow's grid: a full slot, confirmed and unconfirmed bookings, one for an
    advisor, one overbooked by the manager; the cursor on a booking, its details below."""
    me = factory.advisor("刘洋")
    manager = factory.advisor("赵经理", role="manager")
    people = [factory.customer(name, f"1380013{n:04d}") for n, name in enumerate(("王芳", "李建国", "张伟", "欧阳娜娜", "陈静"))]
    cars = [factory.vehicle(person, factory.vin_with_check(f"LSVAB2AB{n:08d}"), f"川A{n:04d}8", since=dt.date(2020, 1, 1))
            for n, person in enumerate(people)]
    for n, car in enumerate(cars[:4]):
        appointments.book(vehicle_id=car.id, at=at(9), booked_by=me.id, request="保养" if n else "左前轮异响，检查底盘",
                          advisor_id=me.id if n == 0 else None)
    appointments.book(vehicle_id=cars[4].id, at=at(9), booked_by=manager.id, overbook=True, request="首保")
    appointments.confirm(1, me.id)
    appointments.confirm(3, me.id)

    async def run_before(pilot):
        await settle(pilot)
        await steps(pilot, "f12", "down")
        await screen_text_when(pilot, "左前轮异响")

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


async def test_todays_arrivals_at_reception_one_key_to_a_prefilled_work_order(station):
    """The arrivals show under the find field while the focus stays in it; Ctrl+O opens the
    highlighted one's brief, Enter its work order with the request booked, F2 saves it and
    the booking is arrived with that work order."""
    from db import clock
    from db.models import Visit

    db_path, me, fleet = station
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    first = appointments.book(vehicle_id=fleet[2].id, at=at(9, day=TODAY), booked_by=me.id, request="更换刹车片")
    appointments.confirm(first.id, me.id)
    second = appointments.book(vehicle_id=fleet[3].id, at=at(10, day=TODAY), booked_by=me.id, request="检查空调")
    clock.pin_now(dt.datetime(2026, 11, 26, 9, 10))
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = await screen_text_when(pilot, "今日预约到店 2 辆")
        assert "09:00 川A12342 王芳  已确认 已过时间  等候  更换刹车片" in text
        assert "10:00 川A12343 王芳  未确认  等候  检查空调" in text
        assert pilot.app.focused.id == "find-input"
        await steps(pilot, "ctrl+down", "ctrl+o")  # the second arrival
        text = await screen_text_when(pilot, "今日预约 10:00")
        assert "今日预约 10:00（已预约）要求： 检查空调" in text
        await steps(pilot, "enter")
        await steps(pilot, *"30000", "f2")
        await screen_text_when(pilot, "已保存")
    arrived = appointments.get(second.id)
    assert arrived.status == "arrived" and Visit.get_by_id(arrived.visit_id).work_requested == "检查空调"
    assert appointments.get(first.id).status == "confirmed"


async def test_a_pick_list_at_reception_is_not_parted_from_its_line_by_the_arrivals(station):
    """Several matches: "找到 N 个结果" and the rows under it, today's arrivals put away
    while the list is shown (they stood between the two) and Ctrl+O with them; Esc
    empties the field and brings them back."""
    from db import clock
    from tests.tui_helpers import footer_line

    db_path, me, fleet = station
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    appointments.book(vehicle_id=fleet[2].id, at=at(9, day=TODAY), booked_by=me.id, request="更换刹车片")
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await screen_text_when(pilot, "今日预约到店 1 辆")
        await until(pilot, lambda: "Ctrl+O" in footer_line(pilot.app), "Ctrl+O in the footer")
        await steps(pilot, ("王", "芳"), "enter")
        lines = (await screen_text_when(pilot, "个结果")).splitlines()
        at_line = next(n for n, line in enumerate(lines) if "找到 6 个结果" in line)
        rows = [line for line in lines[at_line + 1:at_line + 4] if line.strip()]
        assert rows and all("王芳" in row and "138****8000" in row for row in rows), lines
        assert "今日预约到店" not in "\n".join(lines)
        await until(pilot, lambda: "Ctrl+O" not in footer_line(pilot.app), "Ctrl+O gone with the arrivals")
        await steps(pilot, "escape")
        assert "今日预约到店 1 辆" in screen_text(pilot.app)
        await until(pilot, lambda: "Ctrl+O" in footer_line(pilot.app), "Ctrl+O back with the arrivals")


def test_snapshot_todays_arrivals_at_reception(snapshot_db_path, snap_compare):
    """The reception as it opens at 09:30: the find field focused, today's three expected
    cars under it (one late and confirmed, one unconfirmed, a markup-looking request)."""
    from db import clock

    me = factory.advisor("刘洋")
    people = [factory.customer(name, f"1380013{n:04d}") for n, name in enumerate(("王芳", "李建国", "欧阳娜娜"))]
    cars = [factory.vehicle(person, factory.vin_with_check(f"LSVAB2AB{n:08d}"), f"川A{n:04d}8", since=dt.date(2020, 1, 1))
            for n, person in enumerate(people)]
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    for car, hour, request in zip(cars, (9, 10, 11), ("更换刹车片", "保养，检查空调", "[b]钣金[/b] 报价")):
        appointments.book(vehicle_id=car.id, at=at(hour, day=TODAY), booked_by=me.id, request=request)
    appointments.confirm(1, me.id)
    clock.pin_now(dt.datetime(2026, 11, 26, 9, 30))

    async def run_before(pilot):
        await settle(pilot)
        await screen_text_when(pilot, "今日预约到店 3 辆")

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


async def test_a_prospect_is_booked_from_f6_with_its_car_and_the_archive_is_made(station):
    """F6, Ctrl+B on a prospect: the book names the prospect; the dialog asks for the plate,
    model and VIN; a bad VIN is said in the dialog (nothing typed lost), a good one books
    the place and makes the archive the reception finds."""
    from db import prospects
    from db.models import Customer, Prospect

    db_path, me, fleet = station
    lead = prospects.create({"name": "曾小贤", "mobile": "13912340004"}, me.id)
    vin = factory.vin_with_check("LSVAB2AB00000777")
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f6")
        await screen_text_when(pilot, "曾小贤")
        await steps(pilot, "ctrl+b")
        assert "预约车辆 曾小贤 139****0004" in await screen_text_when(pilot, "预约车辆")
        await steps(pilot, "enter")  # 08:30
        assert "潜在客户（预约时建立客户档案）" in await screen_text_when(pilot, "车架号")
        await steps(pilot, *"川A77777", "enter", *"飞度", "enter", *"LSVAB2AB", "f2")
        assert "车架号应为 17 位" in await screen_text_when(pilot, "17 位")
        assert pilot.app.focused.id == "book-vin" and pilot.app.screen.query_one("#book-plate").value == "川A77777"
        await steps(pilot, "ctrl+u", *vin, "enter", "enter", "right", "enter", "enter", *"首保", "enter")
        await screen_text_when(pilot, "已预约 2026-11-27 08:30：川A77777")
    booked = Appointment.get(Appointment.request == "首保")
    assert (booked.slot, booked.waiting, booked.channel) == (8 * 60 + 30, False, "phone")
    assert Customer.get_by_id(booked.customer_id).mobile == "13912340004"
    assert Prospect.get_by_id(lead.id).status == "converted"


def test_snapshot_the_booking_dialog_for_a_prospect(snapshot_db_path, snap_compare):
    """The dialog for a prospect at 80×24: the prospect named, the car's plate, model and
    VIN, the advisor, waiting or drop-off and the channel as ‹ › choices, the request."""
    from db import prospects

    me = factory.advisor("刘洋")
    prospects.create({"name": "曾小贤", "mobile": "13912340004"}, me.id)

    async def run_before(pilot):
        await settle(pilot)
        await steps(pilot, "f6")
        await screen_text_when(pilot, "曾小贤")
        await steps(pilot, "ctrl+b")
        await screen_text_when(pilot, "预约车辆")
        await steps(pilot, "enter", *"川A77777", "enter", *"飞度")
        await screen_text_when(pilot, "飞度")

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


async def test_the_books_styles_are_read_after_the_first_frame_not_on_f12(station):
    """The app reads F12's styles once it is idle after its first frame
    (``prepare_book_styles``, on a timer): F12 then shows the grid without re-reading every
    style source of the app, and F12's screen is the one prepared."""
    db_path, me, fleet = station
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.prepare_book_styles()  # what the timer does PREPARE_BOOK_AFTER_FIRST_FRAME seconds in
        reread = []
        reparse = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: reread.append(1) or reparse()
        text = await open_book(pilot)
        assert "已约 1/72" in text and reread == []
        await steps(pilot, "f3", "f12")
        assert "已约 1/72" in await screen_text_when(pilot, "已约")


async def test_back_at_reception_the_arrivals_are_read_again(station):
    """F3 from the book: a car booked for today meanwhile (by another advisor) is among the
    arrivals, the focus still in the find field."""
    from db import clock
    from tui.screens.intake import IntakeScreen

    db_path, me, fleet = station
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    appointments.book(vehicle_id=fleet[0].id, at=at(10, day=TODAY), booked_by=me.id, request="保养")
    async with make_app(db_path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reception = pilot.app.screen
        assert isinstance(reception, IntakeScreen)
        await screen_text_when(pilot, "今日预约到店 1 辆")
        await open_book(pilot)
        appointments.book(vehicle_id=fleet[1].id, at=at(11, day=TODAY), booked_by=me.id, request="洗车")
        await steps(pilot, "f3")
        text = await screen_text_when(pilot, "今日预约到店 2 辆")
        assert "11:00 川A12341 王芳  未确认  等候  洗车" in text
        assert pilot.app.screen is reception and pilot.app.focused.id == "find-input"
