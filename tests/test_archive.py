"""The archive card's data: load, edits under the archive's version, reveal and contacts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from db import archive, search
from db.errors import Conflict, Invalid
from db.models import AuditEntry, Contact, Customer, Ownership, Vehicle, Visit
from tests import archive_fixtures as fx


@pytest.fixture
def card_data(database):
    me = fx.advisor("刘洋")
    other = fx.advisor("王芳")
    seller = fx.customer("钱多多", "13500001111")
    owner = fx.customer("张伟", "13812348000", employer="华为技术有限公司",
                        id_number="110105199001011236", occupation="工程师")
    car = fx.vehicle(owner, fx.make_vin("LSVAB2BM5KN12345"), "京A12345", since=dt.date(2023, 5, 1),
                     model="朗逸")
    Ownership.create(vehicle=car, customer=seller, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 5, 1))
    fx.visit(car, owner, "WO20250601-0001", dt.date(2025, 6, 1), 20000, labour="200",
             parts=[("机油", "4", "60"), ("机滤", "1", "45")], work_done="常规保养")
    fx.visit(car, owner, "WO20251201-0002", dt.date(2025, 12, 1), 26000, labour="300")
    fx.visit(car, owner, "WO20261101-0003", dt.date(2026, 11, 1), 32000, labour="100")
    return dict(me=me, other=other, owner=owner, seller=seller, car=car)


def test_load_card_has_every_group_and_masks(card_data):
    card = archive.load_card(card_data["owner"].id)
    assert card.values["name"] == "张伟"
    assert card.values["mobile"] == "138****8000"
    assert card.values["id_number"] == "110105********1236"
    assert card.values["employer"] == "华为技术有限公司"
    [vehicle] = card.vehicles
    assert vehicle.values["plate"] == "京A12345" and vehicle.owned_now
    assert [(o.name, o.end_date) for o in vehicle.owners] == [("张伟", None), ("钱多多", dt.date(2023, 5, 1))]
    assert [v.work_order_no for v in card.visits] == ["WO20261101-0003", "WO20251201-0002", "WO20250601-0001"]
    oldest = card.visits[-1]
    assert [(p.name, p.quantity) for p in oldest.parts] == [("机油", Decimal("4.00")), ("机滤", Decimal("1.00"))]
    assert oldest.total_fee == Decimal("485.00")


def test_observation_interval_spend_and_months(card_data):
    obs = archive.observation(card_data["owner"].id)
    assert obs.visits == 3
    assert (obs.first_visit, obs.last_visit) == (dt.date(2025, 6, 1), dt.date(2026, 11, 1))
    assert obs.interval_days == round((dt.date(2026, 11, 1) - dt.date(2025, 6, 1)).days / 2)
    assert obs.total_spend == Decimal("485.00") + Decimal("300.00") + Decimal("100.00")
    months = dict(obs.per_month)
    assert len(obs.per_month) == archive.CHART_MONTHS and obs.per_month[-1][0] == "2026-11"
    assert months["2025-06"] == months["2025-12"] == months["2026-11"] == 1
    assert sum(months.values()) == 3


def test_seller_sees_the_sold_car_in_history(card_data):
    card = archive.load_card(card_data["seller"].id)
    [vehicle] = card.vehicles
    assert not vehicle.owned_now and vehicle.values["plate"] == "京A12345"


def test_edit_customer_validates_bumps_version_refreshes_keys_and_audits(card_data):
    owner, me = card_data["owner"], card_data["me"]
    with pytest.raises(Invalid) as bad:
        archive.update_customer(owner.id, 1, {"mobile": "12345"}, me.id)
    assert bad.value.field == "mobile"
    version = archive.update_customer(owner.id, 1, {"name": "张维", "mobile": "138****8000",
                                                     "employer": "腾讯"}, me.id)
    assert version == 2
    row = Customer.get_by_id(owner.id)
    assert (row.name, row.mobile, row.employer) == ("张维", "13812348000", "腾讯")
    assert [h.customer_id for h in search.find("zhangwei")] == [owner.id]
    assert [h.customer_id for h in search.find("腾讯")] == [owner.id]
    entry = AuditEntry.get(AuditEntry.action == "edit")
    assert entry.advisor_id == me.id and entry.customer_id == owner.id
    assert json.loads(entry.before) == {"name": "张伟", "employer": "华为技术有限公司"}
    assert json.loads(entry.after) == {"name": "张维", "employer": "腾讯"}


def test_id_number_edit_sets_birth_date_and_masks_the_audit(card_data):
    owner = card_data["owner"]
    archive.update_customer(owner.id, 1, {"id_number": "110105198502021223"}, card_data["me"].id)
    row = Customer.get_by_id(owner.id)
    assert row.birth_date == dt.date(1985, 2, 2) and row.sex == "F"
    entry = AuditEntry.get(AuditEntry.action == "edit")
    assert "110105198502021223" not in (entry.before + entry.after)


@pytest.mark.parametrize("field_name,masked,typed_on", [("mobile", "138****8000", "138****80001"),
                                                         ("id_number", "110105********1236", "110105********12361")])
def test_a_masked_value_is_kept_only_exactly_as_shown(card_data, field_name, masked, typed_on):
    """The mask sent back as shown keeps the number; a mask typed on is refused beside its
    field (it was dropped in silence, and the form said "saved")."""
    owner, me = card_data["owner"], card_data["me"]
    assert archive.update_customer(owner.id, 1, {field_name: masked}, me.id) == 1
    with pytest.raises(Invalid) as bad:
        archive.update_customer(owner.id, 1, {field_name: typed_on}, me.id)
    assert bad.value.field == field_name
    row = Customer.get_by_id(owner.id)
    assert (row.mobile, row.id_number, row.version) == ("13812348000", "110105199001011236", 1)
    assert not AuditEntry.select().where(AuditEntry.action == "edit").exists()


def test_a_save_that_changes_nothing_writes_nothing(card_data):
    """No new version (another advisor's open form stays valid), no edit entry."""
    owner = card_data["owner"]
    for same in ({}, {"occupation": "工程师"}, {"name": "张伟", "mobile": "13812348000"}):
        assert archive.update_customer(owner.id, 1, same, card_data["me"].id) == 1
    assert Customer.get_by_id(owner.id).version == 1
    assert not AuditEntry.select().where(AuditEntry.action == "edit").exists()


def test_saving_over_a_newer_version_is_refused(card_data):
    owner = card_data["owner"]
    archive.update_customer(owner.id, 1, {"occupation": "教师"}, card_data["other"].id)
    with pytest.raises(Conflict) as clash:
        archive.update_customer(owner.id, 1, {"occupation": "医生"}, card_data["me"].id)
    assert "王芳" in str(clash.value)
    assert Customer.get_by_id(owner.id).occupation == "教师"
    assert Customer.get_by_id(owner.id).occupation_category == "professional"
    assert AuditEntry.select().where(AuditEntry.action == "edit").count() == 1


def test_edit_vehicle_checks_plate_vin_and_version(card_data):
    car, me = card_data["car"], card_data["me"]
    with pytest.raises(Invalid) as bad:
        archive.update_vehicle(car.id, 1, {"plate": "XA12345"}, me.id)
    assert bad.value.field == "plate"
    assert archive.update_vehicle(car.id, 1, {"plate": "沪C54321", "color": "白"}, me.id) == 2
    assert [h.vehicle_id for h in search.find("54321")] == [car.id]
    assert search.find("京A12345") == []
    with pytest.raises(Conflict):
        archive.update_vehicle(car.id, 1, {"color": "黑"}, me.id)
    other = fx.vehicle(None, fx.make_vin("LSVAB2BM5KN99999"))
    with pytest.raises(Invalid) as taken:
        archive.update_vehicle(car.id, 2, {"vin": other.vin}, me.id)
    assert taken.value.field == "vin"


def test_edit_visit_recomputes_total_under_the_archive_version(card_data):
    visit = Visit.get(Visit.work_order_no == "WO20250601-0001")
    version = archive.update_visit(visit.id, 1, {"labour_fee": "250", "work_done": "保养+检查"}, card_data["me"].id)
    assert version == 2
    visit = Visit.get_by_id(visit.id)
    assert visit.total_fee == Decimal("535.00") and visit.work_done == "保养+检查"
    with pytest.raises(Conflict):
        archive.update_visit(visit.id, 1, {"other_fee": "10"}, card_data["me"].id)
    with pytest.raises(Invalid):
        archive.update_visit(visit.id, 2, {"other_fee": "-1"}, card_data["me"].id)


@pytest.mark.parametrize("field_name,full", [("mobile", "13812348000"), ("id_number", "110105199001011236")])
def test_reveal_returns_the_value_and_records_who_when_which(card_data, field_name, full):
    owner, me = card_data["owner"], card_data["me"]
    assert archive.reveal(owner.id, field_name, me.id) == full
    entry = AuditEntry.get(AuditEntry.action == "reveal")
    assert (entry.advisor_id, entry.customer_id, entry.field) == (me.id, owner.id, field_name)
    assert entry.at.date() == dt.date(2026, 11, 26)


@pytest.mark.parametrize("lang,message", [("zh", "这份档案已匿名化：手机号和身份证号都已清除，没有号码可以显示"),
                                          ("en", "This archive is anonymised: its mobile and ID number are erased")],
                         ids=["zh", "en"])
def test_reveal_of_an_anonymised_archive_is_refused_and_not_recorded(card_data, lang, message):
    from db import privacy
    from db.errors import NotFound
    from db.i18n import set_language

    owner, me = card_data["owner"], card_data["me"]
    privacy.anonymise(fx.advisor("王经理", role="manager").id, owner.id)
    logged = AuditEntry.select().count()
    set_language(lang)
    for field_name in archive.REVEALABLE:
        with pytest.raises(NotFound, match=message):
            archive.reveal(owner.id, field_name, me.id)
    assert AuditEntry.select().count() == logged  # nothing personal was shown
    assert not AuditEntry.select().where(AuditEntry.action == "reveal").exists()


def test_an_anonymised_card_shows_no_segments(card_data):
    """The loyal class set by hand is kept for the figures, but the card no longer offers it."""
    from db import privacy

    owner = card_data["owner"]
    Customer.update(value_class_manual="A").where(Customer.id == owner.id).execute()
    assert "A 类·忠诚" in archive.load_card(owner.id).segment_badges
    privacy.anonymise(fx.advisor("王经理", role="manager").id, owner.id)
    card = archive.load_card(owner.id)
    assert card.anonymised and card.segment_badges == []
    assert Customer.get_by_id(owner.id).value_class_manual == "A"


def test_reveal_of_another_field_is_refused(card_data):
    with pytest.raises(Invalid):
        archive.reveal(card_data["owner"].id, "income", card_data["me"].id)
    assert not AuditEntry.select().exists()


def test_add_contact_with_traits_and_events(card_data):
    owner, me = card_data["owner"], card_data["me"]
    contact_id = archive.add_contact(owner.id, me.id, "phone", "回访", "reached", "注重细节", "上次等车太久抱怨",
                                     None, None, "2026-12-01")
    row = Contact.get_by_id(contact_id)
    assert (row.traits, row.events, row.next_contact_date) == ("注重细节", "上次等车太久抱怨", dt.date(2026, 12, 1))
    [shown] = archive.load_card(owner.id).contacts
    assert shown.advisor == "刘洋" and shown.outcome == "reached"
    with pytest.raises(Invalid):
        archive.add_contact(owner.id, me.id, "phone", None, None, None, None, None, "  ", None)
    with pytest.raises(Invalid) as bad:
        archive.add_contact(owner.id, me.id, "fax", None, "reached", None, None, None, None, None)
    assert bad.value.field == "channel"


def test_do_not_call_withdraws_consent(card_data):
    owner = card_data["owner"]
    archive.add_contact(owner.id, card_data["me"].id, "phone", None, "do_not_call", None, None, None, None, None)
    row = Customer.get_by_id(owner.id)
    assert row.marketing_consent is False and row.version == 2


def test_same_rules_as_the_intake(card_data):
    owner, car, me = card_data["owner"], card_data["car"], card_data["me"]
    with pytest.raises(Invalid) as empty:
        archive.update_customer(owner.id, 1, {"mobile": ""}, me.id)  # an archive keeps its mobile
    assert empty.value.field == "mobile"
    with pytest.raises(Invalid) as future:
        archive.update_vehicle(car.id, 1, {"purchase_date": "2027-01-01"}, me.id)
    assert future.value.field == "purchase_date"
    visit = Visit.get(Visit.work_order_no == "WO20251201-0002")
    with pytest.raises(Invalid) as pay:
        archive.update_visit(visit.id, 1, {"payment_method": "bitcoin"}, me.id)
    assert pay.value.field == "payment_method"
    archive.update_visit(visit.id, 1, {"payment_method": "wechat"}, me.id)
    assert Visit.get_by_id(visit.id).payment_method == "wechat"


def test_the_occupation_segment_follows_a_card_edit(card_data):
    owner = card_data["owner"]
    version = archive.update_customer(owner.id, 1, {"occupation": "退休教师"}, card_data["me"].id)
    assert Customer.get_by_id(owner.id).occupation_category == "retired"
    archive.update_customer(owner.id, version, {"occupation": ""}, card_data["me"].id)
    assert Customer.get_by_id(owner.id).occupation_category is None


def test_a_company_buyers_credit_code_is_kept_on_the_card(database):
    """The card takes what the sales import takes: a unified social credit code in the ID
    field makes the archive a company's (no birth date or sex read from it); a person's ID
    number typed over it makes it a person's again; a code with a wrong check character
    is refused beside the field."""
    from db import validate as v

    me = fx.advisor("刘洋")
    owner = fx.customer("某出租公司", "13500001111")
    body = "91110000600000026"
    code = body + v.credit_check_char(body)
    version = archive.update_customer(owner.id, owner.version, {"id_number": code}, me.id)
    row = Customer.get_by_id(owner.id)
    assert (row.id_number, row.kind, row.birth_date) == (code, "organisation", None)
    assert archive.check_field("customer", "id_number", code) is None
    wrong = body + ("0" if code[-1] != "0" else "1")
    assert archive.check_field("customer", "id_number", wrong)
    archive.update_customer(owner.id, version, {"id_number": "11010519491231002X"}, me.id)
    row = Customer.get_by_id(owner.id)
    assert (row.kind, row.birth_date, row.sex) == ("person", dt.date(1949, 12, 31), "F")
