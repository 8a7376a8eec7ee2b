"""Sign-in asks the PIN of an advisor who has one; a wrong PIN is refused beside the field."""

from __future__ import annotations

from db.models import Advisor
from tests.manager_fixtures import advisor
from tests.tui_helpers import make_app, screen_text, settle


async def test_pin_asked_refused_then_accepted(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "front-desk")
    advisor("经理甲", role="manager", pin="1357")
    app = make_app(db_path, advisor="经理甲")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "经理甲 设有 PIN" in text and app.advisor_id is None
        await pilot.press(*"0000", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "PIN 不对" in text and "0000" not in text  # the field hides what is typed
        assert app.advisor_id is None
        await pilot.press(*"1357", "enter")
        await settle(pilot)
        assert "我是服务顾问经理甲" in screen_text(app)
        assert app.advisor_id == Advisor.get(Advisor.name == "经理甲").id


async def test_retired_advisor_is_told_and_asked_again(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "front-desk")
    advisor("经理甲", role="manager")
    advisor("老王", active=False)
    app = make_app(db_path, advisor="老王")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "老王 已停用" in screen_text(app) and app.advisor_id is None
