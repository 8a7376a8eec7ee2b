"""Ctrl+P: the screen's own actions by name (run as their key runs them), help, quit and
the screens, all in the interface's language; pinyin initials find a name."""

from __future__ import annotations

import pytest

from db.i18n import set_language
from tests import archive_fixtures as fx
from tests.manager_fixtures import advisor
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle

TEXTUAL_ENGLISH = ("Search for commands", "Keys", "Quit", "Screenshot", "Theme", "Maximize",
                   "No matches found", "Change the current theme")


@pytest.fixture
def desk(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    fx.sample_station(extra_zhangs=0)
    advisor("王经理", role="manager")
    return db_path


async def palette(pilot, typed: str, *, no_match: bool = False, on: str | None = None) -> str:
    """Open the palette (over the screen of key ``on``), type ``typed`` and return the
    screen once the list has settled (the palette gathers hits in a worker of its own)."""
    await settle(pilot)
    if on:
        await pilot.press(on)
        await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*typed)
    await settle(pilot)
    if no_match:
        await pilot.pause(0.6)  # Textual's palette says so after a half-second timer
    return screen_text(pilot.app)


@pytest.mark.parametrize("mode, typed, entry, key, shown_after", [
    ("upkeep", "导入", "导入", "Ctrl+O", "import.path_hint"),
    ("report", "日志", "日志", "Ctrl+O", "audit.title"),
    ("report", "顾问", "顾问", "Ctrl+U", "advisors.title"),
    ("prospects", "新增", "新增", "Ctrl+N", "prospects.new_title"),
    ("intake", "新建", "新建档案", "Ctrl+N", "intake.form.new_title"),
])
async def test_screen_actions_are_found_by_name_and_run_as_their_key(desk, mode, typed, entry, key, shown_after):
    from db.i18n import t

    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode(mode)
        await settle(pilot)
        text = await palette(pilot, typed)
        lines = [line.strip() for line in text.splitlines()]
        assert entry in lines, text
        assert f"按键 {key}" in lines, text
        await pilot.press("enter")
        await settle(pilot)
        assert t(shown_after) in await screen_text_when(pilot, t(shown_after))


async def test_save_from_the_palette_checks_the_form_as_f2_does(desk):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # reception: a new archive's form
        await settle(pilot)
        lines = [line.strip() for line in (await palette(pilot, "保存")).splitlines()]
        assert "保存" in lines and "按键 F2" in lines
        await pilot.press("enter")
        await settle(pilot)
        assert "请填写姓名" in await screen_text_when(pilot, "请填写姓名")


async def test_actions_of_another_state_or_screen_are_not_offered(desk):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The reception's find box: F2 saves nothing yet, and 导入 belongs to F7.
        text = await palette(pilot, "保存", no_match=True)
        assert "按键 F2" not in text and "没有这样的命令" in text
        await pilot.press("escape")
        text = await palette(pilot, "导入")
        assert "按键 Ctrl+O" not in text


async def test_palette_speaks_chinese_and_lists_this_screen_first(desk):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        text = await palette(pilot, "", on="f7")
        for english in TEXTUAL_ENGLISH:
            assert english not in text, english
        assert "输入要做的事或页面名称" in text
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        # The upkeep's own lists come first, named by their titles, each with its key.
        first = lines.index("列表 1. 缺少标准信息的档案")
        assert lines[first + 1] == "按键 1"
        assert "今天的概况和各个页面的入口" not in text  # the home screen's line is not F1's
        await pilot.press(*"帮助")
        await settle(pilot)
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert lines[lines.index("帮助") + 1] == "按键 F1"
        text = await palette_retyped(pilot, "qwxyz")
        assert "没有这样的命令" in text


async def palette_retyped(pilot, typed: str) -> str:
    """Clear the palette's box and type again."""
    for _ in range(10):
        await pilot.press("backspace")
    await pilot.press(*typed)
    await settle(pilot)
    await pilot.pause(0.6)  # "no matches" shows after Textual's half-second timer
    return screen_text(pilot.app)


@pytest.mark.parametrize("typed", ["jd", "jiedai", "接待"])
async def test_pinyin_or_initials_find_a_screen(desk, typed):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        text = await palette(pilot, typed, on="f9")
        assert "前往：接待" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "intake"


async def test_english_palette(desk):
    set_language("en")
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        text = await palette(pilot, "", on="f8")
        assert "Type what to do" in text and "Search for commands" not in text
        assert "Audit" in text and "Key Ctrl+O" in text
        text = await palette_retyped(pilot, "zzzq")
        assert "No such command" in text and "No matches found" not in text


def test_snapshot_palette(snapshot_db_path, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)
