"""F1 over every dialog (the modal screens of tui/): help for that dialog's keys, over
it, and Esc back to the dialog with what was typed still there. F1 on the help itself
closes it. Driven with Pilot on the real app and a real SQLite file."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests import archive_fixtures as fx
from tests.manager_fixtures import advisor
from tests.test_doors_screens import seed_duplicates
from tests.test_queue_screen import open_insurance, station as queue_station
from tests.test_rights_screens import open_card, press
from tests.tui_helpers import make_app, screen_text, settle
from tui.screens.ask import AskScreen
from tui.screens.card_forms import FieldForm
from tui.screens.confirm import ConfirmDialog
from tui.screens.help import HelpScreen
from tui.screens.queue_dialogs import DateDialog, OutcomeDialog, SegmentDialog
from tui.screens.sign_in import SignInScreen
from tui.screens.upkeep import MergeConfirm

SCREEN_KEY_LISTED = "F3      接待"  # how help lists a screen key (F3–F9 do nothing over a dialog)


async def help_over(pilot, dialog: type, *wanted: str) -> None:
    """F1 over ``dialog``: its help, with ``wanted`` pieces; then Esc back to the same
    dialog, with the same field focused and holding what it held."""
    app = pilot.app
    assert isinstance(app.screen, dialog)
    before = app.screen
    focused, value = app.focused, getattr(app.focused, "value", None)
    await press(pilot, "f1")
    assert isinstance(app.screen, HelpScreen), dialog.__name__
    text = screen_text(app)
    for piece in (*wanted, "F1      帮助", "Ctrl+Q  退出"):
        assert piece in text, f"{piece}\n{text}"
    assert SCREEN_KEY_LISTED not in text  # only keys that work in the dialog
    await press(pilot, "escape")
    assert app.screen is before
    assert app.focused is focused and getattr(app.focused, "value", None) == value


@pytest.fixture
def card_station(database, db_path, monkeypatch, tmp_path):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    monkeypatch.setenv("HOME", str(tmp_path))
    fx.sample_station(extra_zhangs=0)
    advisor("王经理", role="manager")  # X (the customer's copy) is a manager's
    return db_path


async def test_help_on_the_help_screen_closes_it(card_station):
    """F1 toggles: a help of the help would stack screens and say nothing new."""
    app = make_app(card_station)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        assert "本页按键" in screen_text(app)
        await press(pilot, "f1")
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)
        assert "本页按键" not in screen_text(app)


async def test_help_over_the_sign_in_keeps_the_name_typed(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "nobody-here")
    app = make_app(db_path, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, *"王芳")
        await help_over(pilot, SignInScreen, "登录：输入您的姓名", "姓名用于问候语")
        assert app.screen.query_one("#advisor-name", Input).value == "王芳"


async def test_help_over_the_cards_dialogs(card_station):
    app = make_app(card_station, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await press(pilot, "g")  # consent: a question with answers
        await help_over(pilot, ConfirmDialog, "在答案之间移动", "Esc     取消")
        await press(pilot, "escape")
        await press(pilot, "x")  # the customer's copy: the path asked
        await press(pilot, "end", *".bak")
        await help_over(pilot, AskScreen, "逐项填写", "导出给客户本人的档案副本", "F2      保存")
        assert app.screen.query_one("#ask-path", Input).value.endswith(".xlsx.bak")
        await press(pilot, "escape", "right", "enter")  # typed: asked first, 是
        await press(pilot, "e")  # the customer group's form
        await press(pilot, "end", *"经理")
        await help_over(pilot, FieldForm, "表单：回车或 Tab 到下一项", "F2      保存")
        assert app.screen.query_one("#field-name", Input).value == "张伟经理"


async def test_help_over_the_prospect_form(database, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        await press(pilot, "ctrl+n")
        await press(pilot, *"赵敏")
        await help_over(pilot, FieldForm, "表单：回车或 Tab 到下一项")
        assert app.screen.query_one("#field-name", Input).value == "赵敏"


async def test_help_over_the_merge_confirmation(database, db_path):
    seed_duplicates()
    app = make_app(db_path)  # the first advisor of a new station is its manager
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f7")
        await press(pilot, "3")
        await press(pilot, "down", "m")
        await help_over(pilot, MergeConfirm, "被并入的档案不会删除", "Enter   确认合并")


async def test_help_over_the_queue_dialogs(database, db_path):
    queue_station()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_insurance(pilot)
        await press(pilot, "r")
        await press(pilot, "3", *"2026-12-01")  # booked: on to the date
        # In the date field the digits type the date: the help, like the footer, offers no
        # 1-6 there (Esc, F2 and the app's keys work)
        await help_over(pilot, OutcomeDialog, "记录这通电话的结果", "客户预约来站的日期")
        assert app.screen.query_one("#outcome-date", Input).value == "2026-12-01"
        await press(pilot, "escape", "right", "enter")  # a date was typed: yes, throw it away
        await press(pilot, "p")
        await press(pilot, *"2026-12")
        await help_over(pilot, DateDialog, "把这一行推到某一天再列出")
        await press(pilot, "escape", "right", "enter")
        await press(pilot, "c")
        await press(pilot, "down", "space")
        await help_over(pilot, SegmentDialog, "选择细分营销的客户群", "可选的客户细分", "Space   勾选")
        assert "[x] 车龄  出保 5 年内" in screen_text(app)  # the tick is still there
