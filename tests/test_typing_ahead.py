"""Keys that arrive together (fast typing over a slow SSH link reaches the program in one
chunk) land where the advisor meant them: after Tab or Enter, in the next field."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui_helpers import chunk, make_app, settle
from tui.widgets.form_row import field_id


@pytest.fixture
def app_db(database, db_path):
    return db_path


def value(app, path: str) -> str:
    return app.screen.query_one("#" + field_id(path), Input).value


async def new_archive_at(pilot, path: str) -> None:
    """The new-archive form open, the field of ``path`` focused."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    pilot.app.screen.query_one("#" + field_id(path), Input).focus()
    await pilot.pause()


@pytest.mark.parametrize("move", ["tab", "enter"])
async def test_keys_after_a_move_land_in_the_next_field(app_db, move):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive_at(pilot, "customer.name")
        chunk(app, "张", "伟", move, "1", "3", "9", move, "1")
        await settle(pilot)
        assert value(app, "customer.name") == "张伟"
        assert value(app, "customer.mobile") == "139"
        assert app.focused is not None and app.focused.id not in (
            field_id("customer.name"), field_id("customer.mobile"))


async def test_shift_tab_in_a_chunk_goes_back_before_the_next_keys(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_archive_at(pilot, "customer.mobile")
        chunk(app, "1", "3", "shift+tab", "王")
        await settle(pilot)
        assert value(app, "customer.mobile") == "13"
        assert value(app, "customer.name") == "王"


async def test_enter_in_the_find_field_still_searches(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        chunk(app, "9", "9", "9", "9", "enter")
        await settle(pilot)
        from tests.tui_helpers import screen_text

        assert "9999" in screen_text(app) and "Ctrl+N" in screen_text(app)
