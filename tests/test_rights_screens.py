"""The customer's rights on the archive card (consent, their own copy, anonymisation) and
reopening a dropped prospect (F6), driven with Pilot; snapshots at 80×24."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input

from db import prospects
from db.models import AuditEntry, Contact, Customer, Prospect, Vehicle
from tests import archive_fixtures as fx
from tests.manager_fixtures import advisor
from tests.test_lookup_screen import type_query
from tests.tui_helpers import footer_line, make_app, screen_text, screen_text_when, settle
from tui.screens.ask import AskScreen
from tui.screens.card import ArchiveCard
from tui.screens.confirm import ConfirmDialog


def _station() -> dict:
    data = fx.sample_station(extra_zhangs=0)  # 刘洋, an advisor, made first
    data["manager"] = advisor("王经理", role="manager")
    return data


@pytest.fixture
def station(database, db_path, monkeypatch, tmp_path):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    monkeypatch.setenv("HOME", str(tmp_path))
    data = _station()
    data["path"] = db_path
    data["home"] = tmp_path
    return data


async def toasts_when(pilot, wanted: str, tries: int = 100) -> str:
    """The notifications on the screen (each toast's text, unwrapped) once ``wanted`` shows."""
    from textual.widgets._toast import Toast

    for _ in range(tries):
        shown = " | ".join(toast.render().plain for toast in pilot.app.screen.query(Toast))
        if wanted in shown:
            break
        await pilot.pause(0.05)
    return shown


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def open_card(pilot) -> None:
    """F4, the plate, Enter: the way an advisor opens the card."""
    await type_query(pilot, "京A12345")
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ArchiveCard)


async def test_an_advisor_is_told_who_may_export_or_anonymise(station):
    owner = station["owner"]
    app = make_app(station["path"], advisor="刘洋")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, ArchiveCard)  # no path asked
        assert "刘洋，为客户导出本人档案只能由服务经理操作" in await toasts_when(pilot, "导出")
        await press(pilot, "a")
        assert isinstance(app.screen, ArchiveCard)  # nothing asked
        assert "刘洋，匿名化档案只能由服务经理操作" in await toasts_when(pilot, "匿名化")
    assert Customer.get_by_id(owner.id).name == "张伟"
    assert not AuditEntry.select().where(AuditEntry.action.in_(["export", "anonymise"])).exists()
    assert not list(station["home"].glob("customer-*"))


async def test_a_manager_exports_the_customers_own_copy(station):
    owner, home = station["owner"], station["home"]
    default = home / f"customer-{owner.id}-20261126.xlsx"
    app = make_app(station["path"], advisor="王经理")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, AskScreen)
        assert "导出客户本人的档案：张伟" in screen_text(app)
        assert app.screen.query_one("#ask-path", Input).value == str(default)
        await press(pilot, "enter")  # the default, as shown
        assert isinstance(app.screen, ArchiveCard) and default.exists()
        assert f"已导出客户本人档案：{default}" in await toasts_when(pilot, "已导出")
        # again to the same file: refused in the dialog, the typed path kept
        await press(pilot, "x")
        await press(pilot, "f2")
        assert isinstance(app.screen, AskScreen)
        assert "已存在" in screen_text(app)
        field = app.screen.query_one("#ask-path", Input)
        assert field.value == str(default)
        field.value = str(home / "copy.json")
        await press(pilot, "f2")
        assert isinstance(app.screen, ArchiveCard)
    data = json.loads((home / "copy.json").read_text(encoding="utf-8"))
    assert data["customer"]["mobile"] == "13812348000" and len(data["visits"]) == 3
    entries = list(AuditEntry.select().where(AuditEntry.action == "export"))
    assert [(e.customer_id, e.advisor.name) for e in entries] == [(owner.id, "王经理")] * 2


async def test_a_manager_anonymises_after_seeing_what_goes_and_what_stays(station):
    owner, car = station["owner"], station["car"]
    app = make_app(station["path"], advisor="王经理")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        for piece in ("匿名化档案", "张伟", "此操作不能撤销", "将清除", "姓名、手机、其他电话、身份证号",
                      "将保留", "工单 3 张", "京A12345", "区域、职业类别"):
            assert piece in text, piece
        await press(pilot, "enter")  # the focused answer is Cancel
        assert isinstance(app.screen, ArchiveCard) and Customer.get_by_id(owner.id).name == "张伟"
        await press(pilot, "a")
        await press(pilot, "right", "enter")
        text = await screen_text_when(pilot, "（已匿名）")
        assert "（已匿名）" in text and "已匿名化" in text and "张伟" not in text
        await press(pilot, "x")  # nothing personal is left to export: not offered any more
        assert isinstance(app.screen, ArchiveCard)
        assert AuditEntry.select().where(AuditEntry.action == "export").count() == 0
    row = Customer.get_by_id(owner.id)
    assert row.anonymised_at is not None and row.mobile is None and row.id_number is None
    assert Vehicle.get_by_id(car.id).owner is None
    entry = AuditEntry.get(AuditEntry.action == "anonymise")
    assert (entry.customer_id, entry.advisor.name) == (owner.id, "王经理")


LOCKED = "这份档案已匿名化：客户、观察和联系信息不能再填写"


async def test_an_anonymised_archive_cannot_be_filled_in_again_from_the_card(station):
    from db import privacy
    from tui.screens.card_forms import FieldForm

    owner = station["owner"]
    app = make_app(station["path"], advisor="刘洋")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        await press(pilot, "e")  # the customer group's form, opened before the erasure
        assert isinstance(app.screen, FieldForm)
        privacy.anonymise(station["manager"].id, owner.id)  # a manager, at another desk
        app.screen.query_one("#field-hobbies", Input).value = "钓鱼"
        await press(pilot, "f2")
        assert isinstance(app.screen, FieldForm)  # refused, the form stays with what was typed
        assert LOCKED in await screen_text_when(pilot, LOCKED)
        assert app.screen.query_one("#field-hobbies", Input).value == "钓鱼"
        await press(pilot, "escape", "right", "enter")  # the form, typed in: asked first, 是
        await press(pilot, "escape")  # the card shown before
        await open_card_by_order(pilot, station)  # opened again: anonymised, E and C open nothing
        assert "已匿名化" in await screen_text_when(pilot, "已匿名化")
        for keys in (("1", "e"), ("4", "e"), ("5", "e"), ("c",)):
            await press(pilot, *keys)
            assert isinstance(app.screen, ArchiveCard), keys
        await press(pilot, "2", "e")  # the car is the station's record: still correctable
        assert isinstance(app.screen, FieldForm)
    row = Customer.get_by_id(owner.id)
    assert row.hobbies is None and row.name == privacy.ANONYMOUS_NAME
    assert not Contact.select().where(Contact.customer == owner.id).exists()
    assert not AuditEntry.select().where((AuditEntry.action == "edit")
                                         & (AuditEntry.customer == owner.id)).exists()


def card_head(app) -> str:
    """The card's first line under the greeting: name, number, badges."""
    return screen_text(app).splitlines()[1]


async def test_an_anonymised_card_wears_its_own_badge_not_a_value_class(station):
    from db import privacy

    owner = station["owner"]
    Customer.update(value_class_manual="A").where(Customer.id == owner.id).execute()
    app = make_app(station["path"], advisor="刘洋")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        head = card_head(app)
        assert "张伟" in head and "A 类·忠诚" in head and "已匿名化" not in head
        await press(pilot, "escape")
        privacy.anonymise(station["manager"].id, owner.id)
        await open_card_by_order(pilot, station)
        await screen_text_when(pilot, "（已匿名）")
        head = card_head(app)
        assert " 已匿名化 " in head and "（已匿名）" in head
        assert "类·" not in head  # no value class (nor any other segment)


REVEAL_REFUSED = "这份档案已匿名化：手机号和身份证号都已清除，没有号码可以显示"


async def test_reveal_on_an_anonymised_archive_says_so_and_records_nothing(station):
    from db import privacy

    owner = station["owner"]
    reveals = AuditEntry.select().where(AuditEntry.action == "reveal")
    app = make_app(station["path"], advisor="刘洋")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        await press(pilot, "m")  # a live archive: shown, and recorded
        assert "13812348000" in await screen_text_when(pilot, "13812348000")
        assert reveals.count() == 1
        privacy.anonymise(station["manager"].id, owner.id)  # at another desk, this card still shown
        logged = AuditEntry.select().count()
        await press(pilot, "i")  # db.archive.reveal is the guard
        assert REVEAL_REFUSED in await toasts_when(pilot, REVEAL_REFUSED)
        assert "110105199001011236" not in screen_text(app)
        await press(pilot, "escape")
        await open_card_by_order(pilot, station)  # opened again: M and I are not offered
        for key in ("m", "i"):
            app.clear_notifications()
            await press(pilot, key, "1")
            assert isinstance(app.screen, ArchiveCard), key
            assert "13812348000" not in screen_text(app) and "110105199001011236" not in screen_text(app)
        assert AuditEntry.select().count() == logged and reveals.count() == 1


async def test_an_anonymised_cards_footer_offers_only_what_works(station):
    """M, E and C would only answer with a refusal: they leave the footer (and the keys do
    nothing); E comes back on the vehicles and work orders, the station's records."""
    from db import privacy

    app = make_app(station["path"], advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        footer = footer_line(app)
        for key in ("1-5 分组", "E 编辑", "C 加联系", "M 显示手机"):
            assert key.lower() in footer.lower(), footer
        await press(pilot, "escape")
        privacy.anonymise(station["manager"].id, station["owner"].id)
        await open_card_by_order(pilot, station)
        await screen_text_when(pilot, "已匿名化")
        for section, offered, hidden in (("1", ["1-5 分组"], ["编辑", "加联系", "显示手机"]),
                                         ("2", ["1-5 分组", "编辑"], ["加联系", "显示手机"]),
                                         ("3", ["1-5 分组", "编辑"], ["加联系", "显示手机"]),
                                         ("4", ["1-5 分组"], ["编辑", "加联系", "显示手机"]),
                                         ("5", ["1-5 分组"], ["编辑", "加联系", "显示手机"])):
            await press(pilot, section)
            footer = footer_line(app)
            assert all(k in footer for k in offered) and not any(k in footer for k in hidden), (section, footer)


async def open_card_by_order(pilot, station) -> None:
    """An anonymised archive has no plate of its own any more: its work orders find it."""
    from db.models import Visit

    number = Visit.get(Visit.customer == station["owner"].id).work_order_no
    pilot.app.screen.query_one("#lookup-query", Input).value = ""
    await type_query(pilot, number)
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ArchiveCard)


async def test_consent_is_asked_on_the_card_and_given_at_a_contact(station):
    owner = station["owner"]
    app = make_app(station["path"], advisor="刘洋")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_card(pilot)
        assert "尚未询问客户" in screen_text(app)
        await press(pilot, "g")
        assert "现在记录的是：尚未询问" in screen_text(app)
        await press(pilot, "right", "enter")  # 不同意
        assert Customer.get_by_id(owner.id).marketing_consent is False
        assert "客户要求不再营销联系" in await screen_text_when(pilot, "客户要求不再营销联系")
        await press(pilot, "g")
        await press(pilot, "escape")  # no change
        assert Customer.get_by_id(owner.id).marketing_consent is False
        # the customer changes their mind during a contact: the contact form's last field
        await press(pilot, "c")
        app.screen.query_one("#field-note", Input).value = "来电咨询保养"
        app.screen.query_one("#field-marketing_consent").focus()
        await press(pilot, "right")  # 同意
        await press(pilot, "f2")
        assert isinstance(app.screen, ArchiveCard)
        assert "营销：客户同意接收优惠和活动信息" in await screen_text_when(pilot, "客户同意")
    assert Customer.get_by_id(owner.id).marketing_consent is True
    assert Contact.get(Contact.customer == owner.id).note == "来电咨询保养"
    entries = list(AuditEntry.select().where(AuditEntry.action == "consent").order_by(AuditEntry.id))
    assert [(e.after, e.detail, e.advisor.name) for e in entries] == [("false", "desk", "刘洋"),
                                                                     ("true", "desk", "刘洋")]


async def test_a_dropped_prospect_opens_again_from_the_list(database, db_path):
    prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    gone = prospects.create({"name": "[@click=app.quit]x[/]", "mobile": "13900139001"}, None)
    prospects.set_status(gone.id, gone.version, "dropped")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert "[@click" not in screen_text(app)
        await press(pilot, "ctrl+t")
        text = screen_text(app)
        assert "已放弃的潜在客户 1/1 位" in text and "[@click=app.quit]x[/]" in text and "王芳" not in text
        footer = footer_line(app)
        assert "Ctrl+R 重新跟进" in footer and "Ctrl+D" not in footer  # each list offers its own key
        await press(pilot, "ctrl+d")  # not offered here: does nothing
        assert Prospect.get_by_id(gone.id).status == "dropped"
        await press(pilot, "ctrl+r")
        assert Prospect.get_by_id(gone.id).status == "open"
        assert "已放弃的潜在客户 0/0 位" in await screen_text_when(pilot, "0/0")
        await press(pilot, "ctrl+t")
        table = app.screen.query_one("#prospects-table", DataTable)
        assert table.row_count == 2 and "[@click=app.quit]x[/]" in screen_text(app)
        footer = footer_line(app)
        assert "Ctrl+D 放弃" in footer and "Ctrl+R" not in footer


# ---- snapshots at 80×24 ----------------------------------------------------------------------

def _snap(snapshot_db_path, snap_compare, monkeypatch, who: str, *keys: str):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    monkeypatch.setenv("HOME", "/tmp")  # the default path shown: the same on every run
    _station()

    async def run_before(pilot):
        await open_card(pilot)
        for key in keys:
            await press(pilot, key)

    return snap_compare(make_app(snapshot_db_path, advisor=who), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_anonymise_confirmation(snapshot_db_path, snap_compare, monkeypatch):
    assert _snap(snapshot_db_path, snap_compare, monkeypatch, "王经理", "a")


def test_snapshot_anonymised_card(snapshot_db_path, snap_compare, monkeypatch):
    from db import privacy

    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    data = _station()
    privacy.anonymise(data["manager"].id, data["owner"].id)

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "f4")
        await open_card_by_order(pilot, data)
        await screen_text_when(pilot, "（已匿名）")

    assert snap_compare(make_app(snapshot_db_path, advisor="刘洋"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_export_path(snapshot_db_path, snap_compare, monkeypatch):
    assert _snap(snapshot_db_path, snap_compare, monkeypatch, "王经理", "x")


def test_snapshot_consent_question(snapshot_db_path, snap_compare, monkeypatch):
    assert _snap(snapshot_db_path, snap_compare, monkeypatch, "刘洋", "g")


def test_snapshot_dropped_prospects(snapshot_db_path, snap_compare):
    for n, name in enumerate(["王芳", "李雷", "赵敏"]):
        p = prospects.create({"name": name, "mobile": f"1390013900{n}", "district": "朝阳"}, None)
        if n:
            prospects.set_status(p.id, p.version, "dropped")

    async def run_before(pilot):
        await settle(pilot)
        await press(pilot, "f6")
        await press(pilot, "ctrl+t")

    assert snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)
