"""The reception order's facts as saved by a reception (issue 18): the walk-around, the
promised time, the old parts, the part kinds and the consent a repaired or used part needs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from db import advisors
from db.errors import Invalid
from db.intake.order_facts import damage_summary, previous_damage, promised_time
from db.intake.reception import IntakeData, IntakeInvalid, PartLine, save_intake, validate
from db.models import AuditEntry, Visit, VisitPart
from db.walkaround import WalkAround
from tests.conftest import TODAY
from tests.intake_helpers import reception


@pytest.mark.parametrize("typed, wanted", [
    ("23:30", dt.datetime.combine(TODAY, dt.time(23, 30))),
    ("明天 10:00", dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(10, 0))),
    ("明天10点半", dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(10, 30))),
    ("+2 9:15", dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(9, 15))),
    (f"{TODAY + dt.timedelta(days=3)} 17:00", dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(17))),
    ("", None),
])
def test_the_promised_time_is_read_from_its_quick_forms(typed, wanted):
    assert promised_time(typed) == wanted


@pytest.mark.parametrize("typed, message", [("00:01", "已经过去"), ("明天 25:00", "看不懂"), ("下周", "看不懂")])
def test_a_promised_time_past_or_unreadable_is_refused_with_a_clear_message(typed, message):
    with pytest.raises(Invalid, match=message):
        promised_time(typed)


def test_the_walk_around_and_the_order_facts_are_stored_with_the_visit(app_db):
    advisor = advisors.sign_in("陈静", user="")
    data = reception(diagnosis="怠速抖动，疑似点火线圈", promised_at="明天 10:00", waiting="leave",
                     old_parts="take", labour_hours="1.5",
                     parts=[PartLine("点火线圈", "1", "300", kind="aftermarket", consent="yes", code="06H905110G")])
    data.order.walkaround = WalkAround(fuel="1/2", warning_lights=("engine",), valuables="行车记录仪",
                                       spare_tyre=True, tools=False,
                                       damage={"left_front_door": ("S",), "roof": ("D", "C")})
    saved = save_intake(data, advisor.id)
    visit = Visit.get_by_id(saved.visit_id)
    assert (visit.fuel_level, visit.warning_lights, visit.valuables, visit.spare_tyre, visit.tools) == (
        "1/2", "engine", "行车记录仪", True, False)
    assert visit.damage == "left_front_door:S;roof:DC"
    assert visit.diagnosis == "怠速抖动，疑似点火线圈" and visit.waiting is False and visit.old_parts == "take"
    assert visit.promised_at == dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(10))
    assert visit.labour_hours == Decimal("1.5")
    part = VisitPart.get(VisitPart.visit == visit.id)
    assert (part.kind, part.consent, part.code) == ("aftermarket", None, "06H905110G")  # no consent needed, none kept
    assert not AuditEntry.select().where(AuditEntry.action == "part_consent").exists()


def test_nothing_marked_stores_nothing_and_parts_are_original_by_default(app_db):
    saved = save_intake(reception(), advisors.sign_in("陈静", user="").id)
    visit = Visit.get_by_id(saved.visit_id)
    assert (visit.fuel_level, visit.damage, visit.warning_lights, visit.promised_at, visit.waiting) == (
        None, None, None, None, None)
    assert VisitPart.get(VisitPart.visit == visit.id).kind == "original"


def test_a_used_part_is_refused_without_the_customers_consent_then_saved_and_audited_with_it(app_db):
    advisor = advisors.sign_in("陈静", user="")
    data = reception(parts=[PartLine("机油", "4", "45"), PartLine("后视镜", "1", "200", kind="used")])
    with pytest.raises(IntakeInvalid) as refused:
        save_intake(data, advisor.id)
    assert refused.value.errors == {"order.parts.1.consent": "旧件须经客户同意：在“同意”栏按 → 记下客户同意"}
    data.order.parts[1].consent = "yes"
    saved = save_intake(data, advisor.id)
    part = VisitPart.get((VisitPart.visit == saved.visit_id) & (VisitPart.name == "后视镜"))
    assert (part.kind, part.consent) == ("used", True)
    entry = AuditEntry.get(AuditEntry.action == "part_consent")
    assert entry.advisor_id == advisor.id and "后视镜" in entry.after


def test_the_cars_previous_damage_is_its_last_marked_visits(app_db):
    advisor = advisors.sign_in("陈静", user="")
    data = reception()
    data.order.walkaround = WalkAround(damage={"left_front_door": ("S", "D")})
    first = save_intake(data, advisor.id)
    again = reception(mileage="13000")  # a later visit with nothing marked keeps the old marks in view
    again.vehicle.id, again.customer.id = first.vehicle_id, first.customer_id
    save_intake(again, advisor.id)
    damage = previous_damage(first.vehicle_id)
    assert damage == {"left_front_door": ("S", "D")}
    assert damage_summary(damage) == "左前门 划痕、凹陷"


def test_a_draft_keeps_the_walk_around_and_the_part_facts():
    data = reception(promised_at="17:30", parts=[PartLine("轮胎", "1", "500", kind="repaired", consent="yes")])
    data.order.walkaround = WalkAround(fuel="F", damage={"roof": ("C",)}, spare_tyre=False)
    back = IntakeData.from_json(json.loads(json.dumps(data.to_json())))
    assert back.order.walkaround == data.order.walkaround
    assert back.order.parts[0].kind == "repaired" and back.order.parts[0].consent == "yes"
    assert back.order.promised_at == "17:30"
    assert validate(IntakeData.from_json({"order": {"walkaround": "junk"}})).get("order.walkaround.fuel") is None
