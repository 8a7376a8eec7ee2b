"""The card's forms and the prospects' (one FieldForm): every label fits its column, in
Chinese and English; a date is checked as its field is left, a date that does not exist
is named so, and a next contact gone by is refused, in db/ and on the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rich.cells import cell_len
from textual.widgets import Static

from db import archive, prospects
from db.errors import Invalid
from db.i18n import set_language
from db.models import AuditEntry, Contact, Prospect, Vehicle
from tests import archive_fixtures as fx
from tests.conftest import TODAY
from tests.tui_helpers import make_app, screen_text, settle
from tui.screens.card import ArchiveCard
from tui.screens.card_forms import FieldForm

PAST = (TODAY - dt.timedelta(days=1)).isoformat()
AHEAD = (TODAY + dt.timedelta(days=5)).isoformat()


@pytest.fixture
def station(database, db_path):
    data = fx.sample_station(extra_zhangs=0)
    data["path"] = db_path
    return data


# ---------------------------------------------------------------- db/

def test_a_contacts_next_date_gone_by_is_refused(station):
    owner, me = station["owner"], station["me"]
    with pytest.raises(Invalid) as err:
        archive.add_contact(owner.id, me.id, "phone", None, "reached", None, None, None, None, PAST)
    assert err.value.field == "next_contact_date" and "已经过去" in str(err.value)
    assert not Contact.select().exists()
    archive.add_contact(owner.id, me.id, "phone", None, "reached", None, None, None, None, TODAY.isoformat())
    assert archive.check_field("contacts", "next_contact_date", "2026-02-30") == "没有这个日期：2 月没有 30 日"
    assert archive.check_field("contacts", "next_contact_date", AHEAD) is None
    assert archive.check_field("vehicles", "purchase_date", "2026-04-31") == "没有这个日期：4 月没有 31 日"


def test_a_prospects_next_date_gone_by_is_refused_unless_it_is_the_one_it_has(database):
    with pytest.raises(Invalid) as err:
        prospects.create({"name": "李雷", "next_contact_date": PAST}, None)
    assert err.value.field == "next_contact_date"
    lei = prospects.create({"name": "李雷", "next_contact_date": AHEAD}, None)
    Prospect.update(next_contact_date=TODAY - dt.timedelta(days=3)).where(Prospect.id == lei.id).execute()
    overdue = prospects.get(lei.id)
    # Overdue: the form saves with the date it already has, not with another day gone by.
    prospects.update(lei.id, overdue.version, {"name": "李雷", "district": "武侯区",
                                               "next_contact_date": overdue.next_contact_date.isoformat()})
    with pytest.raises(Invalid):
        prospects.update(lei.id, overdue.version + 1, {"name": "李雷", "next_contact_date": PAST})
    with pytest.raises(Invalid):
        prospects.log_contact(lei.id, None, {"note": "电话没人接", "next_contact_date": PAST})


# ---------------------------------------------------------------- the forms on screen

async def open_card(pilot, customer_id: int, *keys: str) -> None:
    """The archive card, then ``keys`` pressed on it (C: a contact's form)."""
    await settle(pilot)
    pilot.app.switch_mode("lookup")
    await settle(pilot)
    pilot.app.push_screen(ArchiveCard(customer_id))
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


def label_problems(app) -> list[str]:
    """Labels wider than their column leave no gap before the field: name them."""
    return [str(label.render()) for label in app.screen.query(".form-label").results(Static)
            if cell_len(str(label.render())) >= label.region.width]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_forms_labels_fit_their_column(station, lang):
    set_language(lang)
    app = make_app(station["path"])
    problems = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id)
        # the customer, vehicle, visit and observation groups' forms, then a contact's
        for keys in (("1", "e"), ("2", "e"), ("3", "e"), ("4", "e"), ("c",)):
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, FieldForm), keys
            if label_problems(app):
                problems[keys] = label_problems(app)
            await pilot.press("escape")
            await settle(pilot)
        app.pop_screen()
        await settle(pilot)
        app.switch_mode("prospects")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        if label_problems(app):
            problems["prospect"] = label_problems(app)
    assert not problems, problems


async def test_the_contact_forms_tags_label_and_value_stand_apart(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id, "c")
        form = app.screen
        form.query_one("#field-tags").value = "老客户"
        form.query_one("#field-tags").focus()
        await settle(pilot)
        line = next(row for row in screen_text(app).splitlines() if "标签" in row)
        assert re.search(r"│ 标签\S* {2,}老客户", line), line  # the label, a gap, the value


async def test_contact_date_is_checked_as_the_field_is_left(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id, "c")
        form = app.screen
        form.query_one("#field-outcome").focus()
        await pilot.press("right")  # 已联系上: the contact has something to record
        form.query_one("#field-next_contact_date").focus()
        await pilot.press(*"2026-02-30", "tab")  # leave the field: no F2 yet
        await settle(pilot)
        text = screen_text(app)
        assert "没有这个日期：2 月没有 30 日" in text and "格式" not in text
        form.query_one("#field-next_contact_date").focus()
        await pilot.press("ctrl+a", "ctrl+k", *PAST, "tab")
        await settle(pilot)
        assert f"{PAST} 已经过去，请填今天或以后的日期" in screen_text(app)
        await pilot.press("f2")  # refused beside the field, the form stays
        await settle(pilot)
        assert isinstance(app.screen, FieldForm) and not Contact.select().exists()
        assert app.focused.id == "field-next_contact_date"
        await pilot.press("ctrl+a", "ctrl+k", *AHEAD)  # right now: the message goes as it is typed
        await settle(pilot)
        assert "已经过去" not in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, FieldForm)
    assert Contact.get().next_contact_date == TODAY + dt.timedelta(days=5)


async def test_tab_and_shift_tab_stop_on_the_forms_fields_only(station):
    """The form's scrolling body is not a Tab stop: Shift+Tab from the first field used to
    land on it, where typing went nowhere."""
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id, "c")
        assert isinstance(app.screen, FieldForm)
        for key in ("shift+tab", "shift+tab", "tab", "tab", "tab"):
            await pilot.press(key)
            await settle(pilot)
            assert app.focused is not None and app.focused.id != "form-fields", key


async def test_a_plate_shows_as_it_will_be_kept_when_its_field_is_left(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id, "2", "e")  # the vehicle group's form
        form = app.screen
        assert isinstance(form, FieldForm)
        field = form.query_one("#field-plate")
        field.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"川ａ９８７６５", "tab")
        await settle(pilot)
        assert field.value == "川A98765"


async def test_a_parallel_imports_vin_is_asked_on_the_card_and_saved_on_yes(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot, station["owner"].id, "2", "e")  # the vehicle group's form
        field = app.screen.query_one("#field-vin")
        field.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"WVWZZZ1KZ8W123456", "tab")
        await settle(pilot)
        assert "校验" not in screen_text(app)  # not refused beside the field
        await pilot.press("f2")
        await settle(pilot)
        assert "进口车" in screen_text(app), screen_text(app)
        await pilot.press("enter")  # 是，已核对铭牌
        await settle(pilot)
        assert not isinstance(app.screen, FieldForm)
    assert Vehicle.select().where(Vehicle.vin == "WVWZZZ1KZ8W123456").exists()
    assert AuditEntry.select().where(AuditEntry.field.contains("vin")).exists()
