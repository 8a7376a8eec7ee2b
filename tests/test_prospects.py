"""Prospects: the form's rules, the list, contacts, and conversion keeping the history."""

from __future__ import annotations

import datetime as dt

import pytest

from db import prospects
from db.connection import writing
from db.errors import Conflict, Invalid
from db.models import AuditEntry, Contact, Prospect
from tests.doors_factory import advisor, customer


def test_create_validates_and_fills_search_keys(database):
    me = advisor()
    p = prospects.create({"name": " 王 芳 ", "mobile": "+86 139-0013-9000", "district": "朝阳",
                          "next_contact_date": "2026年12月1日"}, me.id)
    row = Prospect.get_by_id(p.id)
    assert (row.name, row.mobile, row.district) == ("王芳", "13900139000", "朝阳")
    assert row.next_contact_date == dt.date(2026, 12, 1)
    assert row.name_key == "王芳" and row.mobile_rev == "00093100931"
    with pytest.raises(Invalid) as bad:
        prospects.create({"name": "李四", "mobile": "1390013900"}, me.id)
    assert bad.value.field == "mobile"
    with pytest.raises(Invalid) as bad:
        prospects.create({"name": "", "mobile": ""}, me.id)
    assert bad.value.field == "name"


def test_an_open_prospect_is_unique_by_mobile(database):
    prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    with pytest.raises(Invalid, match="王芳"):
        prospects.create({"name": "王小芳", "mobile": "13900139000"}, None)
    customer("张伟", "13800138000")
    with pytest.raises(Invalid, match="张伟"):
        prospects.create({"name": "张伟", "mobile": "13800138000"}, None)


def test_update_refuses_a_stale_version(database):
    p = prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    version = prospects.update(p.id, p.version, {"name": "王芳", "mobile": "13900139000",
                                                 "interest": "保养套餐"})
    assert version == 2 and Prospect.get_by_id(p.id).interest == "保养套餐"
    with pytest.raises(Conflict):
        prospects.update(p.id, 1, {"name": "王芳芳", "mobile": "13900139000"})
    assert Prospect.get_by_id(p.id).name == "王芳"


def test_find_by_mobile_sees_open_prospects_only(database):
    p = prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    assert prospects.find_by_mobile("139 0013 9000").id == p.id
    assert prospects.find_by_mobile("13700137000") is None
    assert prospects.find_by_mobile("not a number") is None
    prospects.set_status(p.id, p.version, "dropped")
    assert prospects.find_by_mobile("13900139000") is None


def test_list_pages_due_first_and_searches(database):
    for i, day in enumerate([None, dt.date(2026, 12, 5), dt.date(2026, 11, 20)]):
        made = prospects.create({"name": f"客户{i}", "mobile": f"1390013900{i}"}, None)
        # set as it was days ago: a new date gone by is refused (db.prospects.clean)
        Prospect.update(next_contact_date=day).where(Prospect.id == made.id).execute()
    page = prospects.list_page(limit=2)
    assert page.total == 3 and [r.name for r in page.rows] == ["客户2", "客户1"]
    assert [r.name for r in prospects.list_page(offset=2).rows] == ["客户0"]
    assert [r.name for r in prospects.list_page(query="9001").rows] == ["客户1"]
    assert [r.name for r in prospects.list_page(query="客户").rows] == ["客户2", "客户1", "客户0"]
    assert prospects.due_count(dt.date(2026, 11, 26)) == 1


def test_contact_log_moves_next_date_and_honours_do_not_call(database):
    me = advisor()
    p = prospects.create({"name": "王芳", "mobile": "13900139000"}, me.id)
    with pytest.raises(Invalid):
        prospects.log_contact(p.id, me.id, {"channel": "phone"})
    prospects.log_contact(p.id, me.id, {"channel": "phone", "outcome": "reached",
                                        "note": "下月换机油", "next_contact_date": "2026-12-20"})
    prospects.log_contact(p.id, me.id, {"outcome": "do_not_call"})
    row = Prospect.get_by_id(p.id)
    assert row.next_contact_date == dt.date(2026, 12, 20) and row.marketing_consent is False
    assert [c.outcome for c in prospects.contacts(p.id)] == ["do_not_call", "reached"]


def test_convert_moves_contacts_inside_the_callers_transaction(database):
    me = advisor()
    p = prospects.create({"name": "王芳", "mobile": "13900139000", "district": "海淀"}, me.id)
    prospects.log_contact(p.id, me.id, {"note": "路过店门口留了电话"})
    prospects.log_contact(p.id, me.id, {"outcome": "booked"})
    with writing():  # the intake's save: customer created and prospect converted together
        c = customer("王芳", None)
        prospects.convert(p.id, c.id, me.id)
    row = Prospect.get_by_id(p.id)
    assert row.status == "converted" and row.customer_id == c.id
    moved = Contact.select().where(Contact.customer == c.id)
    assert moved.count() == 2 and all(x.prospect_id == p.id for x in moved)
    assert c.__class__.get_by_id(c.id).district == "海淀"
    assert AuditEntry.get(AuditEntry.action == "convert").customer_id == c.id
    assert prospects.find_by_mobile("13900139000") is None
    with pytest.raises(Conflict):
        prospects.convert(p.id, c.id, me.id)


def test_convert_rolls_back_with_the_caller(database):
    p = prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    prospects.log_contact(p.id, None, {"note": "x"})
    with pytest.raises(RuntimeError):
        with writing():
            c = customer("王芳", None)
            prospects.convert(p.id, c.id, None)
            raise RuntimeError("the intake's save failed later")
    assert Prospect.get_by_id(p.id).status == "open"
    assert Contact.get().customer_id is None


def test_a_dropped_prospect_opens_again_unless_its_mobile_moved_on(database):
    p = prospects.create({"name": "王芳", "mobile": "13900139000"}, None)
    version = prospects.set_status(p.id, p.version, "dropped")
    assert [r.name for r in prospects.list_page(status="dropped").rows] == ["王芳"]
    assert prospects.list_page().total == 0
    version = prospects.set_status(p.id, version, "open")
    assert prospects.find_by_mobile("13900139000").id == p.id
    assert prospects.list_page(status="dropped").total == 0
    # dropped again, and meanwhile someone else was listed with the same mobile
    version = prospects.set_status(p.id, version, "dropped")
    prospects.create({"name": "王小芳", "mobile": "13900139000"}, None)
    with pytest.raises(Invalid, match="王小芳") as taken:
        prospects.set_status(p.id, version, "open")
    assert taken.value.field == "mobile" and Prospect.get_by_id(p.id).status == "dropped"
