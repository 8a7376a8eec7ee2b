"""Issue 15, item 6: two advisors receive the same customer; the second save meets the
first one's changes, sees them beside its own and chooses, and nothing is overwritten unseen."""

from __future__ import annotations

import pytest

from db import advisors
from db.errors import Conflict
from db.intake.conflict import Difference, merge
from db.intake.reception import save_intake, start_for
from db.models import Customer, Visit
from tests.intake_helpers import returning  # noqa: F401 (a fixture)
from tests.test_intake_keys import value
from tests.test_intake_screen import message_of, settle_refused, type_into
from tests.tui_helpers import make_app, open_work_order, screen_text, screen_text_when, settle


def opened(returning):
    data = start_for(returning.vehicle_id, returning.customer_id)
    data.order.mileage, data.order.work_requested = "14000", "保养"
    return data


def test_the_second_save_is_refused_and_the_merge_shows_what_each_changed(app_db, returning):
    first, second = advisors.sign_in("马丽", user=""), advisors.sign_in("刘洋", user="")
    theirs_form, mine = opened(returning), opened(returning)
    base = opened(returning)
    theirs_form.customer.occupation = "医生"
    theirs_form.customer.home_address = "成都市武侯区"
    theirs_form.customer.mobile = "13700001111"
    theirs_form.vehicle.color = "黑"
    save_intake(theirs_form, first.id)

    mine.customer.occupation = "教师"  # both changed it
    mine.vehicle.model = "迈腾"  # only I changed it
    with pytest.raises(Conflict):
        save_intake(mine, second.id)

    merged = merge(base, mine, start_for(returning.vehicle_id, returning.customer_id))
    assert merged.both == [Difference("customer.occupation", "教师", "医生")]
    assert set(merged.taken) == {"customer.home_address", "customer.mobile", "vehicle.color"}
    assert merged.form.customer.home_address == "成都市武侯区" and merged.form.vehicle.color == "黑"
    assert merged.form.customer.mobile == "" and merged.form.masked["mobile"] == "137****1111"
    assert merged.form.vehicle.model == "迈腾" and merged.form.customer.occupation == "教师"

    merged.form.customer.occupation = "医生"  # the advisor takes theirs
    merged.form.order.mileage = "14000"
    save_intake(merged.form, second.id)
    customer = Customer.get()
    assert (customer.occupation, customer.home_address, customer.mobile) == ("医生", "成都市武侯区", "13700001111")
    assert customer.vehicles[0].model == "迈腾" and customer.vehicles[0].color == "黑"
    assert Visit.select().count() == 3




async def conflicted(pilot, returning, **theirs: str) -> str:
    """The work order open, another advisor (another connection) saves ``theirs`` first,
    this advisor types 教师 as the occupation and F2: the screen once it asks."""
    other = advisors.sign_in("马丽", user="")
    await settle(pilot)
    await open_work_order(pilot)
    data = opened(returning)
    for name, text in theirs.items():
        setattr(data.customer, name, text)
    save_intake(data, other.id)
    await type_into(pilot, "customer.occupation", "教师")
    await type_into(pilot, "order.mileage", "14000")
    await type_into(pilot, "order.work_requested", "保养")
    await pilot.press("f2")
    await settle_refused(pilot)
    return await screen_text_when(pilot, "保留哪一个")


async def test_the_advisor_sees_theirs_beside_mine_chooses_and_nothing_is_lost(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        text = await conflicted(pilot, returning, occupation="医生", home_address="成都市武侯区")
        assert "职业：另一位顾问刚保存为“医生”，您填的是“教师”" in text.replace("\n", "").replace(" ", "")
        assert Visit.select().count() == 2  # nothing saved over theirs yet
        await pilot.press("right", "enter")  # 用对方的
        await settle(pilot)
        assert value(app, "customer.occupation") == "医生"
        assert value(app, "customer.home_address") == "成都市武侯区"
        assert "已换成另一位顾问刚保存的值" in message_of(app, "customer.home_address")
        await pilot.press("f2")
        await settle(pilot)
        assert "已保存" in screen_text(app)
    customer = Customer.get()
    assert (customer.occupation, customer.home_address) == ("医生", "成都市武侯区")
    assert Visit.select().count() == 3


async def test_keeping_mine_saves_mine_once_chosen(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await conflicted(pilot, returning, occupation="医生")
        await pilot.press("enter")  # 保留我的
        await settle(pilot)
        assert "另一位顾问刚保存为：医生" in message_of(app, "customer.occupation")
        await pilot.press("f2")
        await settle(pilot)
    assert Customer.get().occupation == "教师"


def test_snapshot_the_conflict_question(app_db, returning, snap_compare):
    async def run_before(pilot):
        await conflicted(pilot, returning, occupation="医生")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(app_db), terminal_size=(80, 24), run_before=run_before)
