"""The audit log as the manager reads it: manager only, filtered, paged, masked."""

from __future__ import annotations

import datetime as dt

import pytest

from db.audit import write as audit
from db.audit import read as auditlog
from db.audit.read import AuditFilter
from db.clock import pin_now
from tests.conftest import NOW
from db.errors import Forbidden
from tests.manager_fixtures import advisor, customer


@pytest.fixture
def log(database):
    manager, a, b = advisor("经理甲", role="manager"), advisor("顾问乙"), advisor("顾问丙")
    zhang, li = customer("张伟", "13800138000"), customer("李娜", "13900139000")
    for day, who, whom, action in [
        (dt.date(2026, 11, 1), a, zhang, "reveal"),
        (dt.date(2026, 11, 2), b, zhang, "edit"),
        (dt.date(2026, 11, 3), a, li, "reveal"),
        (dt.date(2026, 11, 5), b, li, "export"),
    ]:
        pin_now(dt.datetime.combine(day, dt.time(9, 30)))  # the real clock on that day
        audit.record(action, advisor_id=who.id, customer_id=whom.id, field="mobile",
                     before="13800138000" if action == "edit" else None,
                     after="13811112222" if action == "edit" else None)
    pin_now(NOW)
    return manager, a, b, zhang, li


def test_refused_for_an_advisor(log):
    _, a, *_ = log
    with pytest.raises(Forbidden, match="查看操作日志"):
        auditlog.page(a.id)


def test_filters_by_advisor_customer_and_date(log):
    manager, a, b, zhang, li = log
    every = auditlog.page(manager.id)
    assert every.total == 4 and [r.action for r in every.rows] == ["export", "reveal", "edit", "reveal"]
    assert [r.customer for r in auditlog.page(manager.id, AuditFilter(advisor_id=a.id)).rows] == ["李娜", "张伟"]
    assert auditlog.page(manager.id, AuditFilter(customer="张伟")).total == 2
    assert auditlog.page(manager.id, AuditFilter(customer="zw")).total == 2
    assert auditlog.page(manager.id, AuditFilter(customer=f"#{li.id}")).total == 2
    assert auditlog.page(manager.id, AuditFilter(customer="nobody")).total == 0
    days = AuditFilter(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 3))
    assert [r.action for r in auditlog.page(manager.id, days).rows] == ["reveal", "edit"]
    both = AuditFilter(advisor_id=b.id, customer="李", date_to=dt.date(2026, 11, 30))
    assert [r.action for r in auditlog.page(manager.id, both).rows] == ["export"]


def test_paged_and_masked(log):
    manager, *_ = log
    first = auditlog.page(manager.id, limit=3)
    rest = auditlog.page(manager.id, offset=3, limit=3)
    assert first.has_more and not rest.has_more and len(rest.rows) == 1
    edit = next(r for r in first.rows if r.action == "edit")
    assert (edit.before, edit.after) == ("138****8000", "138****2222")
