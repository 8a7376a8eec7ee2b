"""Issue 15, item 6 on the archive card: an edit refused because another advisor saved
first shows their value beside the advisor's and asks, field by field; the next F2 saves
what was chosen, and nothing of theirs is put back or overwritten unseen."""

from __future__ import annotations

from textual.widgets import Static

from db import archive
from db.models import Customer
from tests import archive_fixtures as fx
from tests.test_lookup_screen import open_form, station  # noqa: F401 (a fixture)
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps
from tui.screens.card import ArchiveCard
from tui.screens.card_forms import FieldForm


def line_under(form: FieldForm, name: str) -> str:
    """The line under a field of the form ('' while it is hidden)."""
    line = form.query_one(f"#error-{name}", Static)
    return str(line.content) if line.display else ""


async def conflicted(pilot, owner) -> FieldForm:
    """The customer form open; another advisor (another connection) saves occupation and
    hobbies; this advisor typed 医生 as the occupation and presses F2."""
    form = await open_form(pilot, "e")
    form.query_one("#field-occupation").value = "医生"
    archive.update_customer(owner.id, 1, {"occupation": "律师", "hobbies": "钓鱼"}, fx.advisor("王芳").id)
    await pilot.press("f2")
    await settle(pilot)
    await screen_text_when(pilot, "保留哪一个")
    return form


async def test_taking_theirs_on_the_card_keeps_their_values(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await conflicted(pilot, owner)
        text = screen_text(app).replace("\n", "").replace(" ", "")
        assert "职业：另一位顾问刚保存为“律师”，您填的是“医生”" in text
        assert Customer.get_by_id(owner.id).occupation == "律师"  # nothing saved over theirs
        await steps(pilot, "right", "enter")  # 用对方的
        assert app.screen is form
        assert form.query_one("#field-occupation").value == "律师"
        assert form.query_one("#field-hobbies").value == "钓鱼"
        assert "已换成另一位顾问刚保存的值" in line_under(form, "hobbies")
        await steps(pilot, "f2")
        assert isinstance(app.screen, ArchiveCard)
    row = Customer.get_by_id(owner.id)
    assert (row.occupation, row.hobbies, row.version) == ("律师", "钓鱼", 2)


async def test_keeping_mine_on_the_card_saves_mine_over_theirs(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await conflicted(pilot, owner)
        await steps(pilot, "enter")  # 保留我的
        assert "另一位顾问刚保存为：律师" in line_under(form, "occupation")
        assert form.query_one("#field-occupation").value == "医生"
        await steps(pilot, "f2")
        assert isinstance(app.screen, ArchiveCard)
    row = Customer.get_by_id(owner.id)
    assert (row.occupation, row.hobbies, row.version) == ("医生", "钓鱼", 3)


def test_snapshot_the_card_forms_conflict_after_taking_theirs(station, snap_compare):
    async def run_before(pilot):
        await conflicted(pilot, station["owner"])
        await steps(pilot, "right", "enter")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(station["path"]), terminal_size=(80, 24), run_before=run_before)
