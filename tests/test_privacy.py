"""The customer's rights: consent, their own copy, anonymisation (checked against the
models' own field lists, so a field added later cannot slip past)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

from db import privacy
from db.audit import write as audit
from db.errors import Forbidden, Invalid, NotFound
from db.models import (AuditEntry, Contact, Customer, Ownership, Prospect, QueueState, Vehicle,
                       Visit)
from db.search import customer_keys
from tests.manager_fixtures import advisor, contact, customer, vehicle, visit


@pytest.fixture
def station(database):
    manager, plain = advisor("经理甲", role="manager"), advisor("顾问乙")
    who = customer("李雷", "13912345678", id_number="110105194912310029", home_address="北京市朝阳区某路1号",
                   employer="某公司", income="1万", hobbies="钓鱼", district="朝阳区",
                   occupation_category="manager", birth_date=dt.date(1949, 12, 31))
    car = vehicle(who)
    visit(car, who, dt.date(2026, 5, 1), "480.50", by=plain)
    visit(car, who, dt.date(2026, 10, 1), "1200", by=plain, kind="repair")
    contact(who, plain, dt.datetime(2026, 10, 3, 10), note="喜欢早上来", car=car)
    Prospect.create(name="李雷", mobile="13912345678", customer=who, status="converted",
                    name_key="李雷", mobile_rev="87654321931", created_at=who.created_at,
                    updated_at=who.created_at, interest="保养套餐")
    QueueState.create(queue="maintenance", customer=who, vehicle=car, due_key="x", updated_at=who.created_at)
    # an earlier edit left old values in the log
    audit.record("edit", advisor_id=plain.id, customer_id=who.id, field="mobile",
                 before="13900000000", after="13912345678")
    return manager, plain, who, car


def _data_fields(model) -> set[str]:
    return {f.name for f in model._meta.sorted_fields}


@pytest.mark.parametrize("model", sorted(privacy.PERSONAL, key=lambda m: m.__name__))
def test_every_field_is_classified_personal_or_kept(model):
    personal, kept = privacy.PERSONAL[model], privacy.KEPT[model]
    assert not personal & kept, personal & kept
    unclassified = _data_fields(model) - personal - kept
    assert not unclassified, f"{model.__name__}: classify {sorted(unclassified)} in db/privacy.py"
    assert not (personal | kept) - _data_fields(model), "classified fields that no longer exist"


def test_consent_is_logged_and_changes_the_archive_at_once(station):
    _, plain, who, _ = station
    privacy.set_consent(plain.id, who.id, False, channel="phone")
    row = Customer.get_by_id(who.id)
    assert row.marketing_consent is False and row.consent_channel == "phone" and row.version == 2
    entry = AuditEntry.get(AuditEntry.action == "consent")
    assert (entry.advisor_id, entry.customer_id, entry.before, entry.after) == (plain.id, who.id, None, "false")
    privacy.set_consent(plain.id, who.id, True)
    assert Customer.get_by_id(who.id).marketing_consent is True
    with pytest.raises(Invalid):
        privacy.set_consent(plain.id, who.id, True, channel="pigeon")


def test_own_copy_is_manager_only_logged_and_complete(station, tmp_path):
    manager, plain, who, car = station
    with pytest.raises(Forbidden, match="为客户导出本人档案只能由服务经理操作"):
        privacy.export_customer(plain.id, who.id, tmp_path / "a.json")
    assert not (tmp_path / "a.json").exists()
    result = privacy.export_customer(manager.id, who.id, tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["customer"]["mobile"] == "13912345678"  # unmasked: it is their own
    assert data["customer"]["id_number"] == "110105194912310029"
    assert data["observation"]["employer"] == "某公司"
    assert [v["vin"] for v in data["vehicles"]] == [car.vin]
    assert data["vehicles"][0]["ownership"][0]["start_date"] == "2024-01-10"
    assert [v["total_fee"] for v in data["visits"]] == ["480.50", "1200.00"]
    assert data["visits"][0]["advisor"] == "顾问乙" and data["visits"][0]["parts"][0]["name"] == "机油"
    assert data["contacts"][0]["note"] == "喜欢早上来"
    assert "name_key" not in data["customer"] and "mobile_rev" not in data["customer"]
    entry = AuditEntry.get(AuditEntry.action == "export")
    assert entry.customer_id == who.id and entry.advisor_id == manager.id and "json" in entry.detail
    assert result.rows > 20


def test_own_copy_as_csv(station, tmp_path):
    manager, _, who, _ = station
    privacy.export_customer(manager.id, who.id, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["group", "row", "field", "value"]
    assert ["customer", "1", "name", "李雷"] in rows
    assert ["visits", "2", "total_fee", "1200.00"] in rows
    with pytest.raises(Invalid, match="扩展名"):
        privacy.export_customer(manager.id, who.id, tmp_path / "a.pdf")


def test_anonymise_is_manager_only(station):
    _, plain, who, _ = station
    with pytest.raises(Forbidden, match="匿名化"):
        privacy.anonymise(plain.id, who.id)
    assert Customer.get_by_id(who.id).mobile == "13912345678"


def _revenue() -> Decimal:
    return sum((v.total_fee for v in Visit.select()), Decimal(0))


def test_anonymise_erases_every_personal_field_and_keeps_the_figures(station):
    manager, _, who, car = station
    visits_before, revenue_before = Visit.select().count(), _revenue()
    privacy.anonymise(manager.id, who.id)
    stub_keys = customer_keys(privacy.ANONYMOUS_NAME, None, None).as_dict()
    row = Customer.get_by_id(who.id)
    for name in privacy.PERSONAL[Customer]:
        expected = privacy.ANONYMOUS_NAME if name == "name" else stub_keys.get(name)
        assert getattr(row, name) == expected, name
    assert row.anonymised_at is not None and row.marketing_consent is False
    assert row.district == "朝阳区"  # coarse category kept for the region figures
    for c in Contact.select().where(Contact.customer == who.id):
        assert all(getattr(c, name) is None for name in privacy.PERSONAL[Contact])
        assert c.outcome == "reached"  # the call figures stay
    prospect = Prospect.get(Prospect.customer == who.id)
    assert prospect.name == privacy.ANONYMOUS_NAME
    assert all(getattr(prospect, n) in (None, privacy.ANONYMOUS_NAME, stub_keys["name_key"])
               for n in privacy.PERSONAL[Prospect])
    # figures kept, vehicle kept without its owner
    assert Visit.select().count() == visits_before and _revenue() == revenue_before
    assert Visit.select().where(Visit.customer == who.id).count() == 2
    kept = Vehicle.get_by_id(car.id)
    assert kept.owner is None and kept.vin == car.vin
    history = Ownership.get(Ownership.vehicle == car.id)
    assert history.customer_id == who.id and history.end_date is not None
    assert not QueueState.select().where(QueueState.customer == who.id).exists()
    # old values gone from the log; the anonymisation itself is logged
    edit = AuditEntry.get(AuditEntry.action == "edit")
    assert edit.before is None and edit.after is None and edit.field == "mobile"
    entry = AuditEntry.get(AuditEntry.action == "anonymise")
    assert entry.advisor_id == manager.id and entry.customer_id == who.id
    # nothing personal anywhere in the customer's rows any more
    dumped = json.dumps([list(Customer.select().dicts()), list(Contact.select().dicts()),
                         list(Prospect.select().dicts()), list(AuditEntry.select().dicts())],
                        default=str, ensure_ascii=False)
    for value in ("13912345678", "110105194912310029", "李雷", "北京市朝阳区某路1号", "钓鱼", "喜欢早上来"):
        assert value not in dumped, value


def test_anonymise_covers_archives_merged_into_it(station):
    manager, _, who, _ = station
    old = customer("李雷", "13912345678", merged_into=who.id)
    privacy.anonymise(manager.id, who.id)
    assert Customer.get_by_id(old.id).mobile is None


# ---- what the card's keys rely on ----------------------------------------------------

def test_anonymise_plan_is_manager_only_and_says_what_anonymise_then_does(station):
    manager, plain, who, car = station
    with pytest.raises(Forbidden, match="匿名化档案只能由服务经理操作"):
        privacy.anonymise_plan(plain.id, who.id)
    old = customer("李雷", "13912345678", merged_into=who.id)
    contact(old, plain, dt.datetime(2026, 9, 1, 9), note="旧档案的备注")
    plan = privacy.anonymise_plan(manager.id, who.id)
    assert (plan.name, plan.merged, plan.contacts, plan.prospects, plan.audit_values) == ("李雷", 1, 2, 1, 1)
    assert (plan.visits, plan.revenue, plan.vehicles) == (2, Decimal("1680.50"), (car.vin,))
    # every personal field of the customer is named, bar the search keys (copies of them)
    assert set(plan.erased_fields) == privacy.PERSONAL[Customer] - privacy.SEARCH_KEYS
    assert set(plan.kept_fields) <= privacy.KEPT[Customer]
    done = privacy.anonymise(manager.id, who.id)
    assert (done.customers, done.contacts, done.prospects, done.vehicles_unlinked, done.audit_entries_cleared) \
        == (plan.merged + 1, plan.contacts, plan.prospects, len(plan.vehicles), plan.audit_values)
    with pytest.raises(NotFound, match="已匿名化"):
        privacy.anonymise_plan(manager.id, who.id)
    with pytest.raises(NotFound, match="已匿名化"):
        privacy.set_consent(plain.id, who.id, True)


def test_own_copy_as_xlsx_never_overwrites_and_reads_a_home_path(station, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    manager, plain, who, _ = station
    monkeypatch.setenv("HOME", str(tmp_path))
    default = privacy.default_export_path(who.id)
    assert default == tmp_path / f"customer-{who.id}-20261126.xlsx"
    with pytest.raises(Forbidden, match="为客户导出本人档案只能由服务经理操作"):
        privacy.may_export(plain.id)
    privacy.export_customer(manager.id, who.id, f"~/{default.name}")
    rows = [list(r) for r in load_workbook(default, read_only=True)["archive"].iter_rows(values_only=True)]
    assert rows[0] == ["group", "row", "field", "value"]
    assert ["customer", 1, "mobile", "13912345678"] in rows and ["visits", 1, "total_fee", "480.50"] in rows
    before = default.stat().st_mtime_ns
    with pytest.raises(Invalid, match="已存在") as refused:
        privacy.export_customer(manager.id, who.id, default)
    assert refused.value.field == "path" and default.stat().st_mtime_ns == before
    with pytest.raises(Invalid, match="请填写"):
        privacy.export_customer(manager.id, who.id, "  ")
    with pytest.raises(Invalid, match="无法写入"):
        privacy.export_customer(manager.id, who.id, tmp_path / "no-such-dir" / "a.json")
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == 1


def test_default_path_falls_back_to_the_current_directory(database, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "missing"))
    monkeypatch.chdir(tmp_path)
    assert privacy.default_export_path(7, "json") == tmp_path / "customer-7-20261126.json"


# ---- consent: at any contact, logged, in the marketing queues at once ---------------------

def test_consent_moves_the_customer_out_of_and_into_marketing_queues_at_once(database):
    from db.queues import lists as queues
    from tests import queue_factory as make

    me = make.advisor()
    person = make.customer()
    car = make.vehicle(person, insurance_expiry=dt.date(2026, 12, 10))
    def insurance() -> list[int]:
        return [r.vehicle_id for r in queues.rows("insurance", limit=50, with_badges=False)]

    assert insurance() == [car.id] and queues.count("insurance") == 1
    privacy.set_consent(me.id, person.id, False, channel="phone")
    assert insurance() == [] and queues.count("insurance") == 0
    privacy.set_consent(me.id, person.id, True, channel="wechat")
    assert insurance() == [car.id] and queues.count("insurance") == 1
    entries = AuditEntry.select().where(AuditEntry.action == "consent").order_by(AuditEntry.id)
    assert [(e.after, e.detail) for e in entries] == [("false", "phone"), ("true", "wechat")]


def test_consent_given_or_withdrawn_at_a_contact(station):
    from db import archive

    _, plain, who, _ = station
    archive.add_contact(who.id, plain.id, "wechat", consent="yes")  # the answer alone is a contact
    assert Customer.get_by_id(who.id).marketing_consent is True
    archive.add_contact(who.id, plain.id, "phone", outcome="reached", consent="no")
    row = Customer.get_by_id(who.id)
    assert row.marketing_consent is False and row.consent_channel == "phone"
    archive.add_contact(who.id, plain.id, "phone", outcome="reached", consent="no")  # no change, no entry
    entries = list(AuditEntry.select().where(AuditEntry.action == "consent").order_by(AuditEntry.id))
    assert [(e.advisor_id, e.before, e.after, e.detail) for e in entries] == [
        (plain.id, None, "true", "wechat"), (plain.id, "true", "false", "phone")]
    with pytest.raises(Invalid) as contradiction:
        archive.add_contact(who.id, plain.id, "phone", outcome="do_not_call", consent="yes")
    assert contradiction.value.field == "marketing_consent"
    with pytest.raises(Invalid) as unknown:
        archive.add_contact(who.id, plain.id, "phone", outcome="reached", consent="maybe")
    assert unknown.value.field == "marketing_consent"
    assert Contact.select().where(Contact.customer == who.id).count() == 4  # the refused ones left nothing


@pytest.mark.parametrize("fmt", privacy.FORMATS)
def test_own_copy_is_readable_by_its_owner_only(station, tmp_path, fmt):
    manager, _, who, _ = station
    privacy.export_customer(manager.id, who.id, tmp_path / f"a.{fmt}")
    assert (tmp_path / f"a.{fmt}").stat().st_mode & 0o777 == 0o600
    privacy.export_customer(manager.id, who.id, tmp_path / f"a.{fmt}", overwrite=True)


def test_an_anonymised_archive_refuses_personal_edits_and_keeps_its_records_editable(station):
    from db import archive

    manager, plain, who, car = station
    live = archive.load_card(who.id)  # as a card shown before the erasure
    privacy.anonymise(manager.id, who.id)
    stub = Customer.get_by_id(who.id)
    contacts, entries = Contact.select().count(), AuditEntry.select().count()
    locked = "这份档案已匿名化：客户、观察和联系信息不能再填写"
    for typed in ({"name": "李雷", "mobile": "13912345678"}, {"employer": "某公司"},
                  {"mobile": "123"}):  # a bad value too: the archive's state is the answer
        with pytest.raises(Invalid, match=locked) as refused:
            archive.update_customer(who.id, stub.version, typed, plain.id)
        assert refused.value.field is None  # the form shows it on top, not beside a field
    for consent in (None, "yes"):
        with pytest.raises(Invalid, match=locked):
            archive.add_contact(who.id, plain.id, "phone", traits="爱聊天", consent=consent)
    row = Customer.get_by_id(who.id)
    assert (row.name, row.mobile, row.employer, row.version) == (privacy.ANONYMOUS_NAME, None, None, stub.version)
    assert Contact.select().count() == contacts and AuditEntry.select().count() == entries
    # what the card asks before opening a form
    card = archive.load_card(who.id)
    assert [archive.edit_refused(card, s) is not None for s in
            ("customer", "vehicles", "visits", "observation", "contacts")] == [True, False, False, True, True]
    # and the keys it offers: edits of the records only, nothing done with the person's data
    assert [archive.card_offers(card, "edit", s) for s in
            ("customer", "vehicles", "visits", "observation", "contacts")] == [False, True, True, False, False]
    assert not any(archive.card_offers(card, a) for a in ("reveal", "consent", "export", "anonymise"))
    assert all(archive.card_offers(live, a) for a in ("reveal", "consent", "export", "anonymise"))
    assert all(archive.card_offers(live, "edit", s) for s in ("customer", "observation", "contacts"))
    # the car and the work orders are the station's records: still correctable
    archive.update_vehicle(car.id, Vehicle.get_by_id(car.id).version, {"color": "白色"}, plain.id)
    assert Vehicle.get_by_id(car.id).color == "白色"
