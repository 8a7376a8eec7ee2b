"""The program shell: greeting, sign-in on first start, help, palette; snapshots at 80×24."""

from __future__ import annotations

import pytest

from db.connection import open_database
from db.models import Advisor
from tests.tui_helpers import make_app, screen_text, settle


@pytest.fixture
def app_db(database, db_path):
    return db_path


async def test_first_start_asks_the_name_and_remembers_it(app_db, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    app = make_app(app_db, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "请输入您的姓名" in screen_text(app)
        await pilot.press("enter")  # empty name: refused beside the field
        assert "请填写姓名" in screen_text(app)
        await pilot.press(*"[b]x[/b]")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "我是服务顾问[b]x[/b]，很高兴为您服务" in text
    assert Advisor.get(Advisor.os_user == "desk1").name == "[b]x[/b]"
    # Next start: no question, the same name.
    app = make_app(app_db, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "我是服务顾问[b]x[/b]" in screen_text(app)


async def test_help_shows_keys_and_closes(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        text = screen_text(app)
        assert "帮助" in text and "Ctrl+Q" in text
        await pilot.press("escape")
        assert "本页按键" not in screen_text(app)


def help_keys(app) -> list[tuple[str, str]]:
    """F1's key list as (key, what it does), read off the screen between its heading and
    the closing line; a row is its key, a gap of two spaces or more, the description."""
    import re

    lines = [line.split("│")[1].strip() for line in screen_text(app).splitlines() if line.count("│") >= 2]
    start, end = lines.index("本页按键"), next(i for i, line in enumerate(lines) if "关闭" in line)
    rows = [re.fullmatch(r"(\S+)( {2,})(\S.*)", line.strip()) for line in lines[start + 1:end] if line.strip()]
    assert all(rows), lines[start + 1:end]
    return [(row.group(1), row.group(3).strip()) for row in rows]


async def test_help_names_keys_as_the_footer_does_once_each(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # the reception's form: PgDn/PgUp and F2 work there
        await settle(pilot)
        await pilot.press("f1")
        keys = dict(help_keys(app))
        assert keys["Esc"] == "返回" and keys["PgDn"] == "下一部分"
        assert keys["F2"] == "保存" and keys["Ctrl+P"] == "命令"
        assert "Ctrl+N" not in keys  # a new archive is started from the find field, not in a form
        assert not [k for k in keys if k.isupper() and len(k) > 3], keys  # no ESCAPE, CTRL+N
        await pilot.press("escape", "escape")  # the help, then the form (nothing typed)
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f1")
        rows = help_keys(app)
        assert ("1-7", "列表") in rows
        assert [k for k, _ in rows if k.isdigit()] == []  # 2 … 7 are in 1-7
        assert len({k for k, _ in rows}) == len(rows)


async def test_english_switch(app_db):
    from db.i18n import set_language

    set_language("en")
    app = make_app(app_db, advisor="Liu Yang")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "I'm service advisor Liu Yang" in screen_text(app)


def test_snapshot_home(snapshot_db_path, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f9")  # the program opens on the reception (F3); F9 is the desk's home
        await settle(pilot)

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_sign_in(snapshot_db_path, snap_compare, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "nobody-here")

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_app(snapshot_db_path, advisor=None), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_help(snapshot_db_path, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)
