"""The focused field can be told at a glance: its row's label is painted reversed and bold
and the field takes a background of its own, also with NO_COLOR (Textual then paints in
shades of grey, which keep reverse and bold)."""

from __future__ import annotations

import pytest
from rich.segment import Segment

from tests import archive_fixtures as fx
from tests.tui_helpers import make_app, settle
from tui.screens.card import ArchiveCard


@pytest.fixture
def station(database, db_path):
    data = fx.sample_station(extra_zhangs=0)
    data["path"] = db_path
    return data


def painted_lines(app) -> list[list[Segment]]:
    """The screen's rows as the terminal gets them (styles after Textual's colour filters)."""
    update = app.screen._compositor.render_update(full=True)
    return [[segment for strip in line for segment in strip] for line in update.strips]


def label_style(app, label: str):
    """The style of the first painted segment holding ``label``."""
    for line in painted_lines(app):
        for segment in line:
            if label in segment.text:
                return segment.style
    raise AssertionError(f"{label} not painted")


def background_of(app, field_id: str):
    """The background painted in the field's last cell (blank: not the cursor's)."""
    region = app.screen.query_one(f"#{field_id}").region
    x, line = 0, painted_lines(app)[region.y]
    for segment in line:
        x += segment.cell_length
        if x >= region.right:
            return segment.style.bgcolor
    raise AssertionError(f"{field_id} not painted")


def apart(focused, other) -> bool:
    """Backgrounds far enough apart to see (one grey step, 234 against 235, is not)."""
    a, b = focused.get_truecolor(), other.get_truecolor()
    return max(abs(x - y) for x, y in zip(a, b)) >= 32


@pytest.fixture(params=[False, True], ids=["colour", "NO_COLOR"])
def app(station, monkeypatch, request):
    """The program in colour, and with NO_COLOR set (read as the app starts)."""
    if request.param:
        monkeypatch.setenv("NO_COLOR", "1")
    return make_app(station["path"])


async def test_the_focused_reception_field_is_marked(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # a new archive's form, the name focused
        await settle(pilot)
        await pilot.press("tab")  # on to the mobile
        await settle(pilot)
        focused, other = label_style(app, "手机*"), label_style(app, "姓名*")
        assert focused.reverse and focused.bold
        assert not other.reverse
        assert apart(background_of(app, "f-customer-mobile"), background_of(app, "f-customer-id_number"))


async def test_the_focused_card_form_field_is_marked(app, station):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("lookup")
        await settle(pilot)
        app.push_screen(ArchiveCard(station["owner"].id))
        await settle(pilot)
        await pilot.press("c")  # the contact form: the channel picker first
        await settle(pilot)
        assert label_style(app, "方式").reverse
        await pilot.press("tab")
        await settle(pilot)
        assert label_style(app, "目的").reverse and label_style(app, "目的").bold
        assert not label_style(app, "方式").reverse  # the mark follows the focus
        assert apart(background_of(app, "field-purpose"), background_of(app, "field-traits"))


async def test_an_unfocused_field_stands_out_from_the_screen(app):
    """Empty fields not focused were 234 on a 233 screen: nearly invisible. They take a
    quiet shade of their own, still apart from the focused field."""
    from tui.widgets.form_row import field_id

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        other = background_of(app, field_id("customer.mobile"))
        screen = painted_lines(app)[-3][-1].style.bgcolor  # the screen's own, right of the form
        assert max(abs(x - y) for x, y in zip(other.get_truecolor(), screen.get_truecolor())) >= 20, (other, screen)
        focused = background_of(app, field_id("customer.name"))
        assert apart(focused, other), (focused, other, screen)
