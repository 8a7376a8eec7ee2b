"""Esc on a form asks before typed input is thrown away, as the README promises, and only
then: an untouched form closes at once. The archive card's forms (E, C), the prospects'
forms (their subclass) and the small question forms (the card's export path)."""

from __future__ import annotations

import pytest

from db.models import Contact, Customer, Prospect
from tests import archive_fixtures as fx
from tests.manager_fixtures import advisor
from tests.test_lookup_screen import open_card, open_form
from tests.tui_helpers import make_app, screen_text, steps
from tui.screens.ask import AskScreen
from tui.screens.card import ArchiveCard
from tui.screens.card_forms import FieldForm
from tui.screens.confirm import ConfirmDialog

QUESTION = "不保存就关闭表单吗？已输入的内容会丢失。"


@pytest.fixture
def station(database, db_path):
    data = fx.sample_station(extra_zhangs=0)
    data["path"] = db_path
    return data


async def test_esc_on_an_edited_card_form_asks_and_no_keeps_what_was_typed(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "e")  # the customer group; the name field has the focus
        await steps(pilot, "end", tuple("华"))
        await steps(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog) and QUESTION in screen_text(app)
        await steps(pilot, "enter")  # the first answer, 否
        assert app.screen is form and "张伟华" in screen_text(app)
        assert form.query_one("#field-name").value == "张伟华"
        await steps(pilot, "escape", "right", "enter")  # 是
        assert isinstance(app.screen, ArchiveCard) and QUESTION not in screen_text(app)
    assert Customer.get_by_id(owner.id).name == "张伟"


async def test_esc_on_an_untouched_card_form_closes_it_at_once(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        for keys in (("e",), ("2", "e"), ("3", "e"), ("c",)):
            await steps(pilot, *keys)
            assert isinstance(app.screen, FieldForm), keys
            await steps(pilot, "tab", "tab", "shift+tab", "shift+tab")  # moving around types nothing
            await steps(pilot, "escape")
            assert isinstance(app.screen, ArchiveCard), keys
            assert QUESTION not in screen_text(app)


async def test_a_typed_then_erased_value_counts_as_untouched(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "e")
        await steps(pilot, "end", "x", "backspace", "escape")
        assert isinstance(app.screen, ArchiveCard)


async def test_a_choice_picked_in_the_contact_form_counts_as_typed(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "c")  # the channel picker has the focus
        await steps(pilot, "right", "escape")
        assert isinstance(app.screen, ConfirmDialog) and QUESTION in screen_text(app)
        await steps(pilot, "escape")  # Esc on the question is 否 too
        assert isinstance(app.screen, FieldForm)
        await steps(pilot, "escape", "right", "enter")
        assert isinstance(app.screen, ArchiveCard)
    assert not Contact.select().where(Contact.customer == owner.id).exists()


async def test_esc_on_a_prospect_form_with_a_typed_name_asks(database, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f6", "ctrl+n")
        assert isinstance(app.screen, FieldForm)
        await steps(pilot, "escape")  # untouched
        assert type(app.screen).__name__ == "ProspectsScreen"
        await steps(pilot, "ctrl+n", tuple("赵敏"), "escape")
        assert isinstance(app.screen, ConfirmDialog) and QUESTION in screen_text(app)
        await steps(pilot, "enter")
        assert app.screen.query_one("#field-name").value == "赵敏"
        await steps(pilot, "escape", "right", "enter")
        assert type(app.screen).__name__ == "ProspectsScreen"
    assert not Prospect.select().exists()


async def test_esc_on_the_export_path_asks_once_the_path_was_changed(database, db_path, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    fx.sample_station(extra_zhangs=0)
    advisor("王经理", role="manager")
    app = make_app(db_path, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, "x")
        assert isinstance(app.screen, AskScreen)
        await steps(pilot, "escape")  # the path offered, untouched
        assert isinstance(app.screen, ArchiveCard)
        await steps(pilot, "x", "backspace", "escape")
        assert isinstance(app.screen, ConfirmDialog) and QUESTION in screen_text(app)
        await steps(pilot, "right", "enter")
        assert isinstance(app.screen, ArchiveCard)
    assert not list(home.iterdir())  # nothing exported
