"""Daily upkeep: incomplete archives, bad stored values, suspected duplicates; the merge."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from db import merge, quality
from db.errors import Conflict, Forbidden, Invalid
from db.models import AuditEntry, Contact, Customer, Ownership, QueueState, Vehicle, Visit
from tests.doors_factory import advisor, customer, make_id, make_vin, vehicle, visit


def test_incomplete_archives_least_complete_first(database):
    full = customer("全", "13800138000", id_number=make_id(1), occupation="教师", home_address="x",
                    hobbies="钓鱼", education="本科", income="10k", employer="单位", employer_address="y",
                    interests="保养", payment_method="微信")
    bare = customer("空", None)
    half = customer("半", "13800138001", occupation="医生")
    vehicle(half, model="朗逸")
    rows, total = quality.incomplete()
    assert full.id not in [r.customer_id for r in rows]
    assert [r.name for r in rows] == ["空", "半"] and total == 2
    assert rows[0].score == pytest.approx(100 * 1 / 12, abs=0.1)
    from db import completeness

    assert rows[1].filled == completeness.for_customer(half.id).filled
    assert rows[1].expected == completeness.for_customer(half.id).expected
    page, _ = quality.incomplete(offset=1, limit=1)
    assert [r.name for r in page] == ["半"] and bare.id == rows[0].customer_id


def test_bad_stored_values_are_found_page_by_page(database):
    customer("旧档案", "1380013800")  # ten digits, typed before validation existed
    customer("身份证", "13800138001", id_number="110105198503120011")
    for i in range(5):
        customer(f"好{i}", f"1390013900{i}")
    vehicle(None, vin=make_vin(1).lower())  # valid once normalised
    vehicle(None, vin="LFV2A2150A000001O", plate="A12345")
    page = quality.bad_values(limit=2, chunk=3)
    assert [(b.field, b.who) for b in page.rows][:2] == [("mobile", "旧档案"), ("id_number", "身份证")]
    assert page.cursor is not None
    rest = quality.bad_values(page.cursor, limit=10, chunk=3)
    assert rest.cursor is None
    found = [(b.table, b.field) for b in rest.rows]
    assert found == [("vehicle", "vin"), ("vehicle", "vin"), ("vehicle", "plate")]
    assert "规范写法" in rest.rows[0].reason and make_vin(1) in rest.rows[0].reason
    assert len(list(quality.all_bad_values())) == 5


def test_duplicate_finder(database):
    a = customer("张伟", "13800138000", id_number=make_id(1))
    b = customer("张 伟", "13800138000")  # same name once spaces are dropped, same mobile
    c = customer("李娜", "13800138000")  # same mobile, another name (a spouse?)
    d = customer("王强", "13900139000", id_number=make_id(1))  # same ID as 张伟
    merged = customer("张伟", "13800138000", merged_into=a.id)  # already merged: not listed
    customer("赵六", "13700137000")
    vin = make_vin(7)
    vehicle(a, vin=vin)
    vehicle(b, vin=vin[:10].lower() + "O" + vin[11:])  # the same VIN, lower case, 0 typed as O
    vehicle(c, vin=vin[:3] + "X" + vin[4:])  # near-identical: maker code and serial the same
    groups, total = quality.duplicates("mobile_names")
    assert total == 1 and groups[0].key == "13800138000"
    assert [m.customer_id for m in groups[0].members] == [a.id, b.id, c.id]
    groups, total = quality.duplicates("same_id")
    assert total == 1 and [m.customer_id for m in groups[0].members] == [a.id, d.id]
    groups, _ = quality.duplicates("same_name_mobile")
    assert [[m.customer_id for m in g.members] for g in groups] == [[a.id, b.id]]
    assert merged.id not in [m.customer_id for g in groups for m in g.members]
    groups, total = quality.duplicates("vin_spelling")
    assert total == 1 and [m.customer_id for m in groups[0].members] == [a.id, b.id]
    groups, total = quality.duplicates("vin_near")
    assert total == 1 and len(groups[0].members) == 3
    page, total = quality.duplicates("mobile_names", offset=1)
    assert page == [] and total == 1


def test_report_and_shell_command(database, db_path):
    from db.clock import now

    first = customer("张伟", "13800138000")
    customer("李娜", "13800138000")
    customer("旧", "12345")
    customer("并入", "13600136000", merged_into=first.id)  # merged away and anonymised:
    customer("匿名", None, anonymised_at=now())  # not archives any more
    report = quality.report()
    assert report.archives == 3 and report.incomplete == 3 and report.bad_values == 1
    assert report.duplicates["mobile_names"] == 1
    done = subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "quality", "--json"],
                          capture_output=True, text=True, timeout=120)
    data = json.loads(done.stdout)
    assert data["duplicates"]["mobile_names"] == 1 and data["bad_values"] == 1
    assert data["worst"][0]["score"] < 50
    done = subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "quality"],
                          capture_output=True, text=True, timeout=120)
    assert "同一手机号、不同姓名" in done.stdout and "138****8000" in done.stdout
    assert "13800138000" not in done.stdout


# ---------------------------------------------------------------- merge


def _two_archives():
    me = advisor("王经理", role="manager")
    keep = customer("张伟", "13800138000", occupation="教师")
    lose = customer("张伟", None, id_number=make_id(3), occupation="老师", hobbies="钓鱼")
    car = vehicle(lose, plate="京A12345")
    v = visit(car, lose, work_done="保养")
    Contact.create(customer=lose, contact_at=dt.datetime(2026, 1, 1), note="喜欢下午来")
    from db.clock import now

    QueueState.create(queue="maintenance", customer=lose, vehicle=car, due_key="2026-12", updated_at=now())
    return me, keep, lose, car, v


def test_merge_keeps_everything_and_writes_the_audit(database):
    me, keep, lose, car, v = _two_archives()
    plan = merge.plan(keep.id, lose.id)
    assert plan.vehicles == ["京A12345"] and (plan.visits, plan.contacts, plan.ownerships) == (1, 1, 1)
    assert plan.filled == {"id_number": make_id(3), "hobbies": "钓鱼"}
    assert plan.differing == {"occupation": ("教师", "老师")}
    merge.merge(keep.id, lose.id, me.id, expected=(plan.keep_version, plan.lose_version))
    assert Vehicle.get_by_id(car.id).owner_id == keep.id
    assert Visit.get_by_id(v.id).customer_id == keep.id
    assert Contact.get().customer_id == keep.id
    assert Ownership.get().customer_id == keep.id
    assert QueueState.get().customer_id == keep.id
    lost = Customer.get_by_id(lose.id)  # still there, marked
    assert lost.merged_into_id == keep.id and lost.hobbies == "钓鱼"
    kept = Customer.get_by_id(keep.id)
    assert (kept.occupation, kept.id_number, kept.version) == ("教师", make_id(3), 2)
    entry = AuditEntry.get(AuditEntry.action == "merge")
    assert entry.customer_id == keep.id and entry.advisor_id == me.id and "钓鱼" in entry.after
    assert AuditEntry.get(AuditEntry.action == "merged").customer_id == lose.id
    assert Customer.select().count() == 2


def test_merge_refuses_stale_confirmation_self_and_advisors(database):
    me, keep, lose, *_ = _two_archives()
    with pytest.raises(Forbidden):
        merge.merge(keep.id, lose.id, advisor("刘洋").id)
    plan = merge.plan(keep.id, lose.id)
    Customer.update(version=Customer.version + 1).where(Customer.id == lose.id).execute()
    with pytest.raises(Conflict):
        merge.merge(keep.id, lose.id, me.id, expected=(plan.keep_version, plan.lose_version))
    assert Vehicle.get().owner_id == lose.id
    with pytest.raises(Invalid):
        merge.plan(keep.id, keep.id)


def test_merge_chains_and_queue_clash(database):
    me, keep, lose, car, _ = _two_archives()
    older = customer("张伟", None, merged_into=lose.id)
    from db.clock import now

    QueueState.create(queue="maintenance", customer=keep, vehicle=car, due_key="2026-12", updated_at=now())
    merge.merge(keep.id, lose.id, me.id)
    assert Customer.get_by_id(older.id).merged_into_id == keep.id
    assert QueueState.select().count() == 2  # the clashing row stays with the merged archive
