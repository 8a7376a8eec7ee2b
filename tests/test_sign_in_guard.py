"""While sign-in is up (the first start asks the advisor's name) nothing else of the
program can be reached: the Ctrl+P palette neither offers nor runs a screen switch, and
the F-keys stay on the sign-in. Ctrl+Q still quits."""

from __future__ import annotations

import pytest

from tests.tui_helpers import make_app, screen_text, settle, steps
from tui.screens.sign_in import SignInScreen

SCREENS = ("接待", "查档案", "待办", "潜在客户", "档案维护", "报表", "工作台")


@pytest.fixture
def first_start(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "nobody-here")  # no advisor for this account
    return db_path


async def palette_text(pilot, query: str) -> str:
    """What Ctrl+P lists for ``query``, once its search has answered."""
    await steps(pilot, "ctrl+p", tuple(query))
    await pilot.pause(0.3)  # the palette's own "no matches" countdown, not a worker
    await settle(pilot)
    return screen_text(pilot.app)


def still_signing_in(app) -> None:
    assert any(isinstance(s, SignInScreen) for s in app.screen_stack)
    assert app.current_mode == "intake" and app.advisor_id is None


async def test_the_palette_offers_no_screen_while_sign_in_is_up(first_start):
    app = make_app(first_start, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        for query in ("前往", "待办", "queues"):
            text = await palette_text(pilot, query)
            assert not any(f"前往：{name}" in text for name in SCREENS), text
            await steps(pilot, "enter", "escape")  # whatever is highlighted, then the palette closed
            still_signing_in(app)
        # what a palette entry runs, run directly: refused as well
        for screen_id in ("queues", "lookup", "report", "home"):
            await app.run_action(f"show_screen('{screen_id}')")
            await settle(pilot)
            still_signing_in(app)
        await steps(pilot, "f1", "f5", "escape", "f4")  # over the help too
        still_signing_in(app)
        assert isinstance(app.screen, SignInScreen)


async def test_once_signed_in_the_palette_goes_to_the_screens(first_start):
    app = make_app(first_start, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, tuple("王芳"), "enter")
        assert app.advisor_name == "王芳"
        assert "前往：待办" in await palette_text(pilot, "待办")
        await steps(pilot, "enter")
        assert app.current_mode == "queues"


async def test_ctrl_q_quits_from_the_sign_in(first_start):
    app = make_app(first_start, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit  # the app is on its way out
