"""The audit log (F8, Ctrl+O) at 80×24: an edit of many fields is read whole under the
table, and a cell cut at its column's edge says so (…)."""

from __future__ import annotations

import datetime as dt

from db import clock
from db.models import Advisor, AuditEntry, Customer
from tests.conftest import NOW
from tests.test_manager_screens import desk  # noqa: F401  (the fixture)
from tests.tui_helpers import make_app, screen_text, steps

EIGHT = {"occupation": "工程师", "home_address": "北京市朝阳区望京街道 8 号院", "hobbies": "钓鱼、登山",
         "education": "本科", "income": "两万以上", "employer": "华为技术有限公司北京研究所",
         "employer_address": "北京市海淀区上地信息路 3 号", "interests": "保养套餐、延保"}
EIGHT_SHOWN = ["职业：∅ → 工程师", "家庭住址：∅ → 北京市朝阳区望京街道 8 号院", "兴趣爱好：∅ → 钓鱼、登山",
               "学历：∅ → 本科", "收入：∅ → 两万以上", "单位：∅ → 华为技术有限公司北京研究所",
               "单位地址：∅ → 北京市海淀区上地信息路 3 号", "感兴趣的服务：∅ → 保养套餐、延保"]


def edit_of(fields: dict[str, str], at: dt.datetime) -> None:
    """The manager saves ``fields`` of 甲's archive at ``at``: one log entry, a change each."""
    from db import archive

    who = Customer.get(Customer.name == "甲")
    clock.pin_now(at)
    archive.update_customer(who.id, who.version, fields, Advisor.get(Advisor.name == "王经理").id)
    clock.pin_now(NOW)


async def open_log(pilot) -> None:
    await steps(pilot, "f8", "ctrl+o")


def table_row(text: str, stamp: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f" {stamp}"))


async def test_an_edit_of_eight_fields_is_shown_whole_and_its_row_in_sight(desk):  # noqa: F811
    """The entry is the 13th row of the page: its detail takes rows from the table, and
    the table keeps the highlighted row on the screen."""
    edit_of(EIGHT, dt.datetime(2026, 11, 8, 10, 0))
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot)
        await steps(pilot, *["down"] * 12)
        text = screen_text(app)
        assert "2026-11-08 10:00:00  王经理  修改  甲" in text
        for change in EIGHT_SHOWN:
            assert change in text, change
        assert "11-08 10:00" in table_row(text, "11-08 10:00")  # the highlighted row itself
        await steps(pilot, "down")  # a short entry: the table has its rows again
        text = screen_text(app)
        assert "职业：∅ → 工程师" not in text and "11-20 09:30" in text and "11-08 09:30" in text


async def test_a_detail_longer_than_the_pane_scrolls_after_enter(desk):  # noqa: F811
    fields = {**EIGHT, "name": "甲乙", "payment_method": "cash", "id_number": "110105199001011232",
              "mobile": "13912345678"}
    edit_of(fields, dt.datetime(2026, 11, 30, 9, 0))
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot)
        last = "付款方式：∅ → 现金"  # the changes come in the order of their fields' names
        text = screen_text(app)
        assert "2026-11-30 09:00:00  王经理  修改  甲乙" in text and last not in text
        await steps(pilot, "enter", *["down"] * 8)  # into the detail, and down it
        text = screen_text(app)
        assert last in text and "身份证号：∅ → 110105********1232" in text
        assert "11-30 09:00" in table_row(text, "11-30 09:00")  # the row it belongs to


async def test_a_cut_cell_ends_with_an_ellipsis(desk):  # noqa: F811
    edit_of(EIGHT, dt.datetime(2026, 11, 30, 9, 0))
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot)
        row = table_row(screen_text(app), "11-30 09:00")
        assert row.rstrip().endswith("…") and "学历：∅ → 本科；" in row
        assert "[@click=a…" in screen_text(app)  # the customer column too


async def test_the_log_warns_when_its_chain_is_broken(desk):  # noqa: F811
    """An entry edited behind the program's back: the screen says where the chain breaks."""
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "操作日志（谁在何时对哪份档案做了什么）" in text and "断开" not in text
    fifth = AuditEntry.select().order_by(AuditEntry.id).offset(4).get()
    AuditEntry.update(detail="改过").where(AuditEntry.id == fifth.id).execute()  # as with sqlite3
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_log(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"⚠ 日志链在 #{fifth.id} 处断开" in screen_text(app)
