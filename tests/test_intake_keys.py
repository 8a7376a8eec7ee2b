"""The reception screen (F3) with keys arriving together, as a fast typist's or a slow SSH
line's do: what follows a key that changes the part, the stage or the screen lands where
the advisor meant it, and nothing typed is lost without a word."""

from __future__ import annotations

from textual.widgets import Input

from tests.intake_helpers import make_vin, returning  # noqa: F401 (a fixture)
from tests.tui_helpers import chunk, make_app, screen_text, settle
from tui.widgets.form_row import field_id


def value(app, path: str) -> str:
    return app.screen.query_one("#" + field_id(path), Input).value


def find_box(app) -> str:
    return app.screen.query_one("#find-input", Input).value


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
