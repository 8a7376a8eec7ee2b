"""Every change to an archive, every reveal, every export and every merge leaves its
audit entry, with who, which archive and what changed: checked across the write paths
that other parts of the program own (intake, archive card, queues, import, merge)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db import archive, merge
from db.intake import reception as intake
from db.queues import lists as queues
from db.errors import Forbidden
from db.models import AuditEntry, Customer, Vehicle
from tests.intake_helpers import make_vin, reception
from tests.manager_fixtures import advisor, customer, vehicle


@pytest.fixture
def staff(database):
    return advisor("经理甲", role="manager"), advisor("顾问乙")


def _entries(action: str | None = None) -> list[AuditEntry]:
    query = AuditEntry.select().order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(query)


def _json(text: str | None):
    return json.loads(text) if text else None


def test_intake_new_archive_and_customer_edit(staff):
    _, plain = staff
    saved = intake.save_intake(reception(), plain.id)
    [create] = _entries("create")
    assert (create.advisor_id, create.customer_id) == (plain.id, saved.customer_id)
    data = intake.start_for(vehicle_id=saved.vehicle_id)
    data.customer.occupation = "教师"
    data.order.mileage = "13000"
    data.order.work_requested = "例行检查"
    intake.save_intake(data, plain.id)
    [edit] = [e for e in _entries("edit") if e.customer_id == saved.customer_id and "occupation" in (e.after or "")]
    assert _json(edit.before) == {"occupation": None} and _json(edit.after) == {"occupation": "教师"}


def test_intake_vehicle_change_and_owner_change(staff):
    _, plain = staff
    first = intake.save_intake(reception(), plain.id)
    data = intake.start_for(vehicle_id=first.vehicle_id)
    data.vehicle.color = "白色"
    data.order.mileage = "13000"
    data.order.work_requested = "例行检查"
    intake.save_intake(data, plain.id)
    [changed] = [e for e in _entries() if e.detail and f"vehicle {first.vehicle_id}" in e.detail]
    assert changed.customer_id == first.customer_id and changed.advisor_id == plain.id
    assert _json(changed.after) == {"color": "白色"}
    # a resale at the desk: the car moves to its new owner, logged on both archives
    other = reception(name="赵六", mobile="13700001111", mileage="15000")
    other.owner_change_confirmed = True
    second = intake.save_intake(other, plain.id)
    moved = [e for e in _entries() if e.field == "owner"]
    assert {e.customer_id for e in moved} == {first.customer_id, second.customer_id}
    assert all(_json(e.after) == {"owner": second.customer_id} for e in moved)


def test_card_edits_and_reveal(staff):
    _, plain = staff
    who = customer("李雷", "13912345678")
    car = vehicle(who)
    archive.update_customer(who.id, who.version, {"hobbies": "钓鱼"}, plain.id)
    archive.update_vehicle(car.id, car.version, {"color": "黑色"}, plain.id)
    assert archive.reveal(who.id, "mobile", plain.id) == "13912345678"
    got = [(e.action, e.customer_id, e.advisor_id) for e in _entries()]
    assert got == [("edit", who.id, plain.id)] * 2 + [("reveal", who.id, plain.id)]
    assert _json(_entries()[0].after) == {"hobbies": "钓鱼"} and _entries()[2].field == "mobile"


def test_consent_withdrawn_on_a_call(staff):
    _, plain = staff
    who = customer("李雷", "13912345678", marketing_consent=True)
    archive.add_contact(who.id, plain.id, "phone", outcome="do_not_call")
    [entry] = [e for e in _entries() if e.field == "marketing_consent"]
    assert entry.customer_id == who.id and entry.advisor_id == plain.id
    assert Customer.get_by_id(who.id).marketing_consent is False


def test_queue_outcome_do_not_call_is_logged(staff):
    _, plain = staff
    who = customer("李雷", "13912345678", marketing_consent=True)
    car = vehicle(who, dt.date(2020, 1, 1))
    item = queues.DueItem(queue="lost", due_key="x", customer_id=who.id, vehicle_id=car.id,
                          prospect_id=None, name=who.name, mobile_masked="", plate="", due_date=None,
                          reason="")
    queues.record_outcome(item, "do_not_call", plain.id)
    [entry] = _entries("consent")
    assert (entry.customer_id, entry.advisor_id, entry.after) == (who.id, plain.id, "false")


def test_merge_is_manager_only_and_logged_on_both_archives(staff):
    manager, plain = staff
    keep, lose = customer("张伟", "13800138000"), customer("张伟", None, hobbies="钓鱼")
    vehicle(lose)
    with pytest.raises(Forbidden, match="合并档案"):
        merge.merge(keep.id, lose.id, plain.id)
    assert Customer.get_by_id(lose.id).merged_into_id is None
    assert [(e.action, e.advisor_id, e.field) for e in _entries()] == [("refused", plain.id, "roles.action.merge")]
    merge.merge(keep.id, lose.id, manager.id)
    merged, gone = _entries("merge"), _entries("merged")
    assert [(e.customer_id, e.advisor_id) for e in merged] == [(keep.id, manager.id)]
    assert _json(merged[0].after) == {"hobbies": "钓鱼"} and gone[0].customer_id == lose.id
    assert Vehicle.select().where(Vehicle.owner == keep.id).count() == 1


def test_import_that_fills_an_archive_is_logged_on_it(staff, tmp_path):
    from db.importer import Importer

    _, plain = staff
    who = customer("王芳", "13912345678")
    vin = make_vin(7)
    car = vehicle(who)
    Vehicle.update(vin=vin, vin_rev=vin[::-1]).where(Vehicle.id == car.id).execute()
    sheet = tmp_path / "sales.csv"
    sheet.write_text(f"姓名,手机,车架号,颜色\n王芳,13912345678,{vin},红色\n", encoding="utf-8")
    Importer(sheet, advisor_id=plain.id).run()
    filled = [e for e in _entries("import") if e.customer_id == who.id]
    assert filled and filled[0].advisor_id == plain.id and "红色" in filled[0].after
    assert [e for e in _entries("import") if e.customer_id is None]  # the run itself


def test_a_long_list_of_changed_fields_fits_the_entry(staff):
    from db.audit import write as audit
    from db.connection import writing

    _, plain = staff
    who = customer("李雷")
    names = ",".join(f"field_number_{n}" for n in range(10))
    with writing():
        entry = audit.record("edit", advisor_id=plain.id, customer_id=who.id, field=names, after={"a": 1})
    stored = AuditEntry.get_by_id(entry.id).field
    assert len(stored) == 40 and stored.endswith("…") and names.startswith(stored[:-1])
