"""F3–F9 land on the screen they name, never on a screen opened over it earlier (the
archive card, the advisors list, a form), where letters are commands the advisor does
not expect. The try-out: a card open, F9, F4, then a plate typed; its ``a`` asked to
anonymise the archive."""

from __future__ import annotations

import pytest

from db.models import AuditEntry, Customer
from tests import archive_fixtures as fx
from tests.test_lookup_screen import open_card, open_form
from tui.screens.card_forms import FieldForm
from tests.tui_helpers import make_app, screen_text, steps
from tui.screens.card import ArchiveCard
from tui.screens.confirm import ConfirmDialog
from tui.screens.lookup import LookupScreen


@pytest.fixture
def station(database, db_path):
    data = fx.sample_station(extra_zhangs=3)
    data["path"] = db_path
    return data


async def typed_plate_is_a_lookup(pilot) -> None:
    """The lookup box has the focus, and what is typed next is a new query (the old one
    is selected, so the first key replaces it), never a card command."""
    app = pilot.app
    assert isinstance(app.screen, LookupScreen)
    assert app.focused is app.screen.query_one("#lookup-query")
    await steps(pilot, tuple("京a12345"))
    assert isinstance(app.screen, LookupScreen)
    assert app.screen.query_one("#lookup-query").value == "京a12345"
    assert not AuditEntry.select().where(AuditEntry.action.in_(("anonymise", "consent"))).exists()


@pytest.mark.parametrize("keys", [("f9", "f4"), ("f4",), ("f3", "f4")], ids=["F9-F4", "F4", "F3-F4"])
async def test_f4_over_an_open_card_lands_in_the_lookup_box(station, keys):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, *keys)
        await typed_plate_is_a_lookup(pilot)
        assert "京A12345" in screen_text(app)  # the new query's result row


async def test_the_card_is_closed_not_kept_under_the_lookup(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, "f9", "f4", "escape")  # Esc in the box leaves the lookup for the desk
        assert app.current_mode == "home"
        await steps(pilot, "f4")
        assert isinstance(app.screen, LookupScreen)
        assert not any(isinstance(s, ArchiveCard) for s in app.screen_stack)


async def test_f8_over_the_advisors_list_lands_on_the_report(database, db_path):
    fx.advisor("王经理", role="manager")
    app = make_app(db_path, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f8", "ctrl+u")
        assert "顾问" in screen_text(app) and type(app.screen).__name__ == "AdvisorsScreen"
        await steps(pilot, "f9", "f8")
        assert type(app.screen).__name__ == "ReportScreen"
        await steps(pilot, "n")  # on the advisors list: "add an advisor"
        assert type(app.screen).__name__ == "ReportScreen"


async def palette_go(pilot, screen_name: str) -> None:
    await steps(pilot, "ctrl+p", tuple(f"前往：{screen_name}"))
    await steps(pilot, "enter")


async def test_a_form_with_typed_input_is_closed_only_when_the_advisor_says_so(station):
    """A form over the card is modal: F-keys do not reach through it, the palette does.
    Going to the lookup then asks before the typed text is thrown away."""
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "e")
        form.query_one("#field-occupation").value = "医生"
        await palette_go(pilot, "查档案")
        assert isinstance(app.screen, ConfirmDialog)
        await steps(pilot, "enter")  # the first answer, 否: the form stays with what was typed
        assert app.screen is form and form.query_one("#field-occupation").value == "医生"
        await palette_go(pilot, "查档案")
        await steps(pilot, "right", "enter")  # 是: thrown away, card closed, in the box
        assert isinstance(app.screen, LookupScreen)
        assert app.focused is app.screen.query_one("#lookup-query")
        assert len(app.screen_stack) == 1
    assert Customer.get_by_id(owner.id).occupation == "工程师"


async def test_an_untouched_form_is_closed_without_a_question(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "c")
        await palette_go(pilot, "查档案")
        await typed_plate_is_a_lookup(pilot)


async def test_f7_asks_before_a_typed_import_path_is_thrown_away(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f7", "ctrl+o", tuple("/tmp/销售.xlsx"), "f9", "f7")
        assert isinstance(app.screen, ConfirmDialog)  # over the import screen, in front again
        await steps(pilot, "enter")  # 否
        assert type(app.screen).__name__ == "ImportScreen"
        assert app.screen.query_one("#import-path").value == "/tmp/销售.xlsx"
        await steps(pilot, "f7", "right", "enter")  # 是
        assert type(app.screen).__name__ == "UpkeepScreen" and len(app.screen_stack) == 1


async def test_letter_keys_work_with_caps_lock_or_shift(station):
    """The card's E (edit) and M (show the mobile), typed upper case, do what e and m do;
    the footer and F1 still name each key once."""
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, "M")
        assert AuditEntry.select().where(AuditEntry.action == "reveal").count() == 1
        footer = screen_text(app).splitlines()[-2]
        assert footer.count("E ") == 1 and "M " in footer
        assert any(b.key == "E" and not b.show for _, b in app.screen._bindings)
        await steps(pilot, "E")
        assert isinstance(app.screen, FieldForm)  # the edit form
