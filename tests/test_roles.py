"""Roles: manager-only actions refused for an advisor and allowed for a manager; PINs;
advisors added, renamed and retired without losing their history."""

from __future__ import annotations

import datetime as dt

import pytest

from db import advisors, roles, settings
from db.errors import Forbidden, Invalid
from db.models import Advisor, AuditEntry, Setting, Visit
from tests.manager_fixtures import advisor, customer, vehicle, visit


@pytest.fixture
def staff(database):
    return advisor("经理甲", role="manager"), advisor("顾问乙")


def test_pin_is_salted_and_never_stored(database):
    one, two = roles.hash_pin("2468"), roles.hash_pin("2468")
    assert one != two and "2468" not in one
    assert roles.pin_matches(one, "2468") and not roles.pin_matches(one, "2469")
    assert not roles.pin_matches(None, "2468") and not roles.pin_matches("garbage", "2468")
    with pytest.raises(Invalid, match="4 到 8 位数字"):
        roles.valid_pin("12a4")


def test_first_advisor_of_an_empty_station_is_its_manager(database):
    first = advisors.sign_in("张经理", user="u1")
    second = advisors.sign_in("李顾问", user="u2")
    assert (first.role, second.role) == ("manager", "advisor")


def test_sign_in_asks_the_pin_unless_the_account_is_the_advisors_own(staff):
    manager, _ = staff
    manager.pin_hash = roles.hash_pin("1357")
    manager.os_user = "mgr"
    manager.save()
    # On the manager's own OS account: known by the account.
    assert roles.identify("经理甲", user="mgr").id == manager.id
    # From another account: the PIN, and a wrong one is refused with its own message.
    with pytest.raises(roles.PinNeeded, match="请输入 PIN"):
        roles.identify("经理甲", user="desk2")
    with pytest.raises(roles.PinNeeded, match="PIN 不对") as wrong:
        roles.identify("经理甲", pin="0000", user="desk2")
    assert wrong.value.wrong
    assert roles.identify("经理甲", pin="1357", user="desk2").id == manager.id
    # Signed in this time; the manager's own account keeps them (issue 14: a name never
    # moves a mapping away from its account).
    assert Advisor.get_by_id(manager.id).os_user == "mgr"


def test_self_registration_can_be_switched_off(staff):
    manager, _ = staff
    roles.change_setting(manager.id, "advisors.self_register", False)
    with pytest.raises(Forbidden, match="请服务经理先把您加入"):
        roles.identify("陌生人", user="x")
    roles.change_setting(manager.id, "advisors.self_register", True)
    assert roles.identify("陌生人", user="x").role == "advisor"


MANAGER_ONLY = {
    "settings": lambda who, other: roles.change_setting(who.id, "follow_up.to_days", 4),
    "add": lambda who, other: roles.add_advisor(who.id, "新人"),
    "rename": lambda who, other: roles.rename_advisor(who.id, other.id, "改名"),
    "retire": lambda who, other: roles.set_active(who.id, other.id, False),
    "role": lambda who, other: roles.set_role(who.id, other.id, "manager"),
    "pin_of_another": lambda who, other: roles.set_pin(who.id, other.id, "1234"),
}


@pytest.mark.parametrize("action", sorted(MANAGER_ONLY))
def test_manager_only_action_refused_for_an_advisor_allowed_for_a_manager(staff, action):
    manager, plain = staff
    target = advisor("第三人")
    before = AuditEntry.select().count()
    with pytest.raises(Forbidden) as refused:
        MANAGER_ONLY[action](plain, target)
    assert "只能由服务经理操作" in str(refused.value) and "顾问乙" in str(refused.value)
    # nothing happened; the attempt alone is logged, as refused, with who tried what
    new = list(AuditEntry.select().order_by(AuditEntry.id).offset(before))
    assert [(e.action, e.advisor_id, e.field, e.os_account) for e in new] == [
        ("refused", plain.id, "roles.action.settings" if action == "settings" else "roles.action.advisors", "tester")]
    MANAGER_ONLY[action](manager, target)
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.advisor_id == manager.id


def test_an_advisor_sets_their_own_pin(staff):
    _, plain = staff
    roles.set_pin(plain.id, plain.id, "8642")
    assert roles.pin_matches(Advisor.get_by_id(plain.id).pin_hash, "8642")
    entry = AuditEntry.get(AuditEntry.action == "advisor.pin")
    assert "8642" not in (entry.after or "") and "scrypt" not in (entry.after or "")


def test_setting_change_is_logged_with_before_and_after(staff):
    manager, _ = staff
    roles.change_setting(manager.id, "maintenance.km", "7500")
    assert settings.get("maintenance.km") == 7500
    entry = AuditEntry.get(AuditEntry.action == "setting")
    assert (entry.field, entry.before, entry.after, entry.advisor_id) == ("maintenance.km", "5000", "7500", manager.id)
    assert Setting.get_by_id("maintenance.km").updated_by_id == manager.id


def test_retire_and_rename_keep_the_history(staff):
    manager, plain = staff
    car = vehicle(customer())
    order = visit(car, car.owner, dt.date(2026, 3, 1), "300", by=plain)
    roles.rename_advisor(manager.id, plain.id, "顾问乙新")
    roles.set_active(manager.id, plain.id, False)
    assert Visit.get_by_id(order.id).advisor.name == "顾问乙新"
    with pytest.raises(Forbidden, match="已停用"):
        roles.identify("顾问乙新", user="any")
    assert [a.name for a in roles.list_advisors(include_retired=False)] == ["经理甲"]
    roles.set_active(manager.id, plain.id, True)
    assert roles.identify("顾问乙新", user="any").id == plain.id
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions == ["advisor.rename", "advisor.retire", "refused", "advisor.return"]  # the retired one's try


def test_the_last_manager_stays(staff):
    manager, plain = staff
    with pytest.raises(Forbidden, match="最后一位"):
        roles.set_active(manager.id, manager.id, False)
    with pytest.raises(Forbidden, match="最后一位"):
        roles.set_role(manager.id, manager.id, "advisor")
    roles.set_role(manager.id, plain.id, "manager")
    roles.set_role(plain.id, manager.id, "advisor")
    assert not roles.is_manager(manager.id) and roles.is_manager(plain.id)


def test_duplicate_names_refused(staff):
    manager, plain = staff
    with pytest.raises(Invalid, match="已有名为"):
        roles.add_advisor(manager.id, "顾问乙")
    with pytest.raises(Invalid, match="已有名为"):
        roles.rename_advisor(manager.id, manager.id, "顾问乙")
