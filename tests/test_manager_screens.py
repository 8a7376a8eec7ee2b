"""The manager's desk in the program: report (F8), audit log, advisors; refusals for an
advisor; snapshots at 80×24."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from db import clock
from db.audit import write as audit
from db.models import Advisor, AuditEntry
from db.roles import pin_matches
from tests.conftest import NOW
from tests.manager_fixtures import advisor, customer, small_station
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps


@pytest.fixture
def desk(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    manager = advisor("王经理", role="manager")
    small_station()
    names = ["甲", "[@click=app.quit]x[/]"]
    people = [customer(n, f"1390000000{i}") for i, n in enumerate(names)]
    x = Advisor.get(Advisor.name == "顾问X")
    for i in range(20):  # fixed times, so the snapshot is the same every run
        clock.pin_now(dt.datetime(2026, 11, 1 + i, 9, 30))
        audit.record("reveal" if i % 3 else "edit", advisor_id=(x if i % 2 else manager).id,
                     customer_id=people[i % 2].id, field="mobile",
                     before="13900000001" if i % 3 == 0 else None, after="13911112222" if i % 3 == 0 else None,
                     context=audit.AuditContext())
    clock.pin_now(NOW)
    return db_path


async def _open(app, pilot, *keys):
    await steps(pilot, "f8", *keys)


async def test_report_screen_shows_the_period_asked(desk):
    app = make_app(desk, advisor="顾问X")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        assert "统计期 2025-12-01 至 2026-11-26" in screen_text(app)
        await pilot.click("#report-from")
        from_field = app.screen.query_one("#report-from")
        from_field.value = "2025-12-01"
        app.screen.query_one("#report-to").value = "2026-03-31"
        from_field.focus()
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "统计期 2025-12-01 至 2026-03-31 · 工单 2 张 · 营业额 ¥600" in text
        assert "保修期内" in text and "¥200" in text
        # a bad date: the reason beside the fields, the typed text kept
        from_field.value = "2026-02-30"
        from_field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "没有这个日期：2 月没有 30 日" in screen_text(app) and from_field.value == "2026-02-30"


async def test_a_big_stations_counts_are_grouped_on_the_report_and_audit_screens(desk, monkeypatch):
    """Counts read as the report's tables print them (224,725), in the header too."""
    import db.report

    made = db.report.build
    monkeypatch.setattr(db.report, "build", lambda *period: dataclasses.replace(made(*period), visits=224_725))
    AuditEntry.insert_many([{"at": dt.datetime(2026, 10, 1, 9, 0), "action": "reveal", "field": "mobile"}] * 14_000
                           ).execute()
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        assert "· 工单 224,725 张 ·" in screen_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "第 1/1,002 页 · 共 14,020 条" in screen_text(app)  # 14 entries a page


@pytest.mark.parametrize("key,screen", [("ctrl+o", "audit"), ("ctrl+u", "advisors")])
async def test_manager_screens_refused_for_an_advisor(desk, key, screen):
    app = make_app(desk, advisor="顾问X")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, key)
        text = screen_text(app)
        assert "只能由服务经理操作" in text
        assert "13900000001" not in text and "王经理" not in text.split("\n", 1)[1]
        await pilot.press("escape")
        await settle(pilot)
        assert "统计期" in screen_text(app)


async def test_audit_screen_filters_and_pages(desk):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+o")
        text = screen_text(app)
        assert "第 1/2 页 · 共 20 条" in text
        assert "[@click=app.quit]x[/]" in text  # a markup name, shown literally
        assert "139****0001 → 139****2222" in text  # values masked on the screen
        await pilot.press("pagedown")
        await settle(pilot)
        assert "第 2/2 页" in screen_text(app)
        app.screen.query_one("#audit-customer").value = "甲"
        app.screen.query_one("#audit-from").value = "2026-11-10"
        app.screen.query_one("#audit-customer").focus()
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        # days 10–20 of November, customer 甲 (the even ones): 11-11, 11-13, …, 11-19
        assert "共 5 条" in text and "[@click" not in text


async def test_advisors_screen_adds_renames_retires_and_sets_a_pin(desk):
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+u")
        assert "顾问X" in screen_text(app)
        await pilot.press("n")
        await pilot.press(*"小周", "enter", *"12", "f2")  # a 2-digit PIN is refused…
        await settle(pilot)
        assert "4 到 8 位数字" in screen_text(app)
        assert not Advisor.select().where(Advisor.name == "小周").exists()
        await pilot.press("tab", "backspace", "backspace", *"2468", "f2")  # …the name kept
        await settle(pilot)
        added = Advisor.get(Advisor.name == "小周")
        assert added.role == "advisor" and pin_matches(added.pin_hash, "2468")
        assert "小周" in screen_text(app)
        table = app.screen.query_one("#advisors-table")
        table.move_cursor(row=[r.name for r in app.screen.advisor_rows.values()].index("顾问X"))
        await pilot.press("r", *"顾问新", "f2")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        x = Advisor.get_by_id(Advisor.get(Advisor.name == "顾问新").id)
        assert not x.active
        assert "停用" in screen_text(app)
        actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("advisor"))
                   .order_by(AuditEntry.id)]
        assert actions == ["advisor.add", "advisor.rename", "advisor.retire"]


def test_snapshot_report(desk, snap_compare):
    async def run_before(pilot):
        await _open(pilot.app, pilot)

    assert snap_compare(make_app(desk, advisor="王经理"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_audit(desk, snap_compare):
    async def run_before(pilot):
        await _open(pilot.app, pilot, "ctrl+o")

    assert snap_compare(make_app(desk, advisor="王经理"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_advisors(desk, snap_compare):
    async def run_before(pilot):
        await _open(pilot.app, pilot, "ctrl+u")

    assert snap_compare(make_app(desk, advisor="王经理"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_refusal(desk, snap_compare):
    async def run_before(pilot):
        await _open(pilot.app, pilot, "ctrl+u")

    assert snap_compare(make_app(desk, advisor="顾问X"), terminal_size=(80, 24), run_before=run_before)


async def test_consent_key_on_the_archive_card(desk):
    from db.models import Customer
    from tui.screens.card import ArchiveCard

    who = Customer.get(Customer.name == "甲")
    app = make_app(desk, advisor="顾问X")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ArchiveCard(who.id))
        await settle(pilot)
        await pilot.press("g")  # not asked yet: the customer agrees
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert Customer.get_by_id(who.id).marketing_consent is True
        await pilot.press("g")  # and changes their mind
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert Customer.get_by_id(who.id).marketing_consent is False
        assert "客户要求不再营销联系" in screen_text(app)
    entries = list(AuditEntry.select().where(AuditEntry.action == "consent").order_by(AuditEntry.id))
    assert [(e.customer_id, e.after) for e in entries] == [(who.id, "true"), (who.id, "false")]
    assert {e.advisor.name for e in entries} == {"顾问X"}


async def test_settings_screen_changes_a_threshold_for_a_manager_only(desk):
    from db import settings

    app = make_app(desk, advisor="顾问X")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+t")
        assert "修改系统设置只能由服务经理操作" in screen_text(app)
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+t")
        table = app.screen.query_one("#settings-table")
        table.move_cursor(row=list(settings.SPECS).index("maintenance.km"))
        await pilot.press("enter")
        await pilot.press(*"abc", "f2")  # refused beside the field, typed text kept
        await settle(pilot)
        assert "无效" in screen_text(app) and app.screen.query_one("#ask-value").value == "abc"
        app.screen.query_one("#ask-value").value = "7500"
        await pilot.press("f2")
        await settle(pilot)
        assert settings.get("maintenance.km") == 7500
        assert "7500" in screen_text(app)
    entry = AuditEntry.get(AuditEntry.action == "setting")
    assert (entry.field, entry.before, entry.after) == ("maintenance.km", "5000", "7500")


async def _change_setting(app, pilot, key: str, value: str) -> None:
    """On the settings screen (Ctrl+T from F8): the row of ``key``, Enter, the value, F2."""
    from db import settings

    await _open(app, pilot, "ctrl+t")
    app.screen.query_one("#settings-table").move_cursor(row=list(settings.SPECS).index(key))
    await pilot.press("enter")
    app.screen.query_one("#ask-value").value = value
    await pilot.press("f2")


async def test_a_queue_threshold_shows_the_recompute_and_waits_for_it(desk, monkeypatch):
    """The cars' due dates are worked out again in the change's transaction: the screen
    counts the cars, refuses another change meanwhile, and says how it ended."""
    import threading

    from db import settings
    from db.queues import stored_days as due_days

    go = threading.Event()
    batch = due_days._refresh_days

    def held(*args, **kwargs):  # the first batch waits for the test
        go.wait(10)
        return batch(*args, **kwargs)

    monkeypatch.setattr(due_days, "_refresh_days", held)
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _change_setting(app, pilot, "maintenance.months", "4")
        assert "正在按新设置重算待办日期：0 / 4 辆（0%）" in await screen_text_when(pilot, "0 / 4 辆")
        await pilot.press("enter")  # no second form while the first change is saved
        assert "上一项修改还在保存" in await screen_text_when(pilot, "上一项修改还在保存")
        assert not app.screen.query("#ask-value")
        go.set()
        await settle(pilot)
        app.clear_notifications()  # the toasts would hide the line under the table
        done = "设置已生效：4 辆车的待办日期已按新值重算"
        assert done in await screen_text_when(pilot, done)
        assert settings.get("maintenance.months") == 4
        await pilot.press("enter")  # and the next change may start
        assert app.screen.query("#ask-value")


async def test_a_failed_recompute_is_said_and_nothing_changes(desk, monkeypatch):
    from textual.worker import WorkerFailed

    from db import settings
    from db.queues import stored_days as due_days
    from db.errors import DatabaseProblem

    def full(*args, **kwargs):
        raise DatabaseProblem("磁盘已满")

    monkeypatch.setattr(due_days, "_write_days", full)
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _change_setting(app, pilot, "warranty.years", "4")
        try:
            await settle(pilot)
        except WorkerFailed:  # the expected path: the app's one handler notifies
            await settle(pilot)
        text = await screen_text_when(pilot, "设置没有修改")
        assert "设置没有修改，待办日期保持原样：磁盘已满" in text
        assert settings.get("warranty.years") == 3
    assert not AuditEntry.select().where(AuditEntry.action == "setting").exists()


def test_snapshot_settings(desk, snap_compare):
    async def run_before(pilot):
        await _open(pilot.app, pilot, "ctrl+t")

    assert snap_compare(make_app(desk, advisor="王经理"), terminal_size=(80, 24), run_before=run_before)


async def test_advisors_screen_manages_the_ssh_sign_in(desk, tmp_path):
    import subprocess

    from db.models import AdvisorKey

    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "x@desk", "-f", str(tmp_path / "k")], check=True)
    line = (tmp_path / "k.pub").read_text().strip()
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+u")
        assert "guwenx" in screen_text(app)  # the default login, from the name's pinyin
        table = app.screen.query_one("#advisors-table")
        table.move_cursor(row=[r.name for r in app.screen.advisor_rows.values()].index("顾问X"))
        await pilot.press("l", "ctrl+u", *"Bad Login", "f2")
        await settle(pilot)
        assert "登录名为 2–32 个小写英文字母" in screen_text(app)
        await pilot.press("ctrl+u", *"gwx", "f2")
        await settle(pilot)
        x = Advisor.get(Advisor.name == "顾问X")
        assert x.login == "gwx" and "gwx" in screen_text(app)
        await pilot.press("k", *"not a key", "f2")
        await settle(pilot)
        assert "这不是 OpenSSH 公钥" in screen_text(app)
        app.screen.focused.value = line
        await pilot.press("f2")
        await settle(pilot)
        assert AdvisorKey.select().where(AdvisorKey.advisor == x.id).count() == 1
        await pilot.press("w", *"short", "tab", *"short", "f2")
        await settle(pilot)
        assert "密码至少 8 个字符" in screen_text(app)
        await pilot.press(*"long-enough-1", "tab", *"long-enough-1", "f2")  # the form came back
        await settle(pilot)
        assert pin_matches(Advisor.get_by_id(x.id).password_hash, "long-enough-1")
        await pilot.press("x", "f2")
        await settle(pilot)
        assert not AdvisorKey.select().where(AdvisorKey.advisor == x.id).exists()
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("advisor"))
               .order_by(AuditEntry.id)]
    assert actions == ["advisor.login", "advisor.key_add", "advisor.password", "advisor.key_remove"]


async def test_a_login_too_long_for_its_column_is_seen_cut(desk):
    """The advisors list at 80 columns: a 12-letter login (chenzhiqiang) whole, a longer one
    ends in an ellipsis instead of reading as a shorter login."""
    from db import access

    manager = Advisor.get(Advisor.name == "王经理")
    x = Advisor.get(Advisor.name == "顾问X")
    access.set_login(manager.id, manager.id, "chenzhiqiang")
    access.set_login(manager.id, x.id, "ouyangxiaoming")
    app = make_app(desk, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, "ctrl+u")
        text = await screen_text_when(pilot, "chenzhiqiang")
        assert "ouyangxiaom…" in text and "ouyangxiaomi" not in text, text
