"""Who is at the keyboard can't be forged (issue 14): not by an environment variable, not
by a typed name, not by guessing a PIN."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db import access, advisors, roles, settings
from db.errors import Forbidden
from db.models import Advisor, AuditEntry, SignInFailure
from tests.manager_fixtures import advisor, customer
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle


@pytest.fixture
def no_delay(database):
    settings.set_value("signin.delay_ms", 0)


def _failures(login: str) -> list[AuditEntry]:
    """Refused sign-ins of ``login`` in the audit log (reason in ``detail``)."""
    from db.models import Advisor

    advisor = Advisor.get_or_none(Advisor.login == login)
    query = (AuditEntry.select().where((AuditEntry.action == "refused") & (AuditEntry.field == roles.SIGN_IN))
             .order_by(AuditEntry.id))
    return [e for e in query
            if (advisor is not None and e.advisor_id == advisor.id) or e.detail == f"unknown {login}"]


def test_environment_does_not_name_the_account(database, monkeypatch):
    monkeypatch.setenv("LOGNAME", "the-boss")
    monkeypatch.setenv("USER", "the-boss")
    import pwd

    assert access.os_account() == pwd.getpwuid(os.getuid()).pw_name != "the-boss"


def test_logname_of_a_manager_does_not_export_unmasked(db_path, tmp_path):
    """`LOGNAME=<the manager's account> advisor export --unmasked` from another account."""
    from db.connection import close_database, open_database

    open_database(db_path)
    boss = advisor("王经理", role="manager", pin="2468")
    boss.os_user = "the-boss"
    boss.save()
    customer("张三", "13800001234")
    close_database()
    out = tmp_path / "all.csv"
    env = {**os.environ, "LOGNAME": "the-boss", "USER": "the-boss", "LNAME": "the-boss", "USERNAME": "the-boss"}
    run = subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "export", "--unmasked", str(out)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "尚未登录" in run.stderr and not out.exists()


def test_manager_by_name_needs_the_pin(database, no_delay):
    advisor("王经理", role="manager", pin="2468")
    with pytest.raises(roles.PinNeeded):
        roles.identify("王经理", user="desk-3")
    with pytest.raises(roles.PinNeeded) as wrong:
        roles.identify("王经理", pin="1111", user="desk-3")
    assert wrong.value.wrong
    assert roles.identify("王经理", pin="2468", user="desk-3").name == "王经理"
    # The PIN signs in this time; the manager's own account keeps the mapping.
    boss = Advisor.get(Advisor.name == "王经理")
    boss.os_user = "wang"
    boss.save()
    assert roles.identify("王经理", pin="2468", user="desk-3").os_user == "wang"
    assert advisors.for_os_user("desk-3") is None


def test_manager_without_pin_only_from_their_account(database):
    boss = advisor("王经理", role="manager")
    boss.os_user = "wang"
    boss.save()
    with pytest.raises(Forbidden, match="只能从其本人的系统账号"):
        roles.identify("王经理", user="desk-3")
    assert Advisor.get_by_id(boss.id).os_user == "wang"  # the mapping stays where it was
    assert roles.identify("王经理", user="wang").id == boss.id


def test_a_name_never_silently_takes_over_a_mapped_account(database):
    advisor("王经理", role="manager")
    liu = advisor("刘洋")
    liu.os_user = "desk-1"
    liu.save()
    with pytest.raises(roles.RemapNeeded, match="属于 刘洋"):
        roles.identify("刘羊", user="desk-1")  # a typo: a new name from 刘洋's account
    assert not Advisor.select().where(Advisor.name == "刘羊").exists()
    assert Advisor.get_by_id(liu.id).os_user == "desk-1"
    # Asked and answered: the account moves.
    moved = roles.identify("刘羊", user="desk-1", confirm_remap=True)
    assert moved.os_user == "desk-1" and Advisor.get_by_id(liu.id).os_user is None
    # A shell command never remaps (remember=False): the account keeps its advisor.
    assert roles.identify("刘洋", user="desk-1", remember=False).id == liu.id
    assert Advisor.get_by_id(moved.id).os_user == "desk-1"


def test_pin_guessing_is_slowed_locked_and_logged(database, no_delay):
    boss = advisor("王经理", role="manager", pin="2468")
    login = Advisor.get_by_id(boss.id).login
    assert login == "wangjingli"
    for guess in ("0000", "1111", "2222", "3333"):
        with pytest.raises(roles.PinNeeded) as exc:
            roles.identify("王经理", pin=guess, user="desk-3")
        assert not exc.value.locked
    with pytest.raises(roles.PinNeeded) as fifth:
        roles.identify("王经理", pin="4444", user="desk-3")
    assert fifth.value.locked and "已锁定" in str(fifth.value)
    # Locked: even the right PIN is refused, and the refusal is logged too.
    with pytest.raises(roles.PinNeeded, match="已锁定"):
        roles.identify("王经理", pin="2468", user="desk-3")
    entries = _failures(login)
    assert [e.detail for e in entries] == ["pin"] * 5 + ["locked"]
    assert all(e.os_account == "tester" and e.client is None for e in entries)  # the context of the tests
    assert SignInFailure.select().where(SignInFailure.login == login).count() == 5


def test_failures_slow_the_next_answer(database):
    settings.set_value("signin.delay_ms", 100)
    settings.set_value("signin.delay_max_ms", 350)
    advisor("王经理", role="manager", pin="2468")
    slept = []
    boss = Advisor.get(Advisor.name == "王经理")
    for _ in range(4):
        with pytest.raises(access.SignInRefused):
            access.check_secret(boss, "0000", "pin", address="10.0.0.9", sleep=slept.append)
    assert slept == [0.1, 0.2, 0.35, 0.35]
    # The address is slowed for another login too, but never locks it.
    assert access.failure_delay("someone-else", "10.0.0.9") == 0.35
    assert access.locked_until("someone-else") is None


def test_lock_ends_after_its_minutes(database, no_delay, monkeypatch):
    import datetime as dt

    advisor("王经理", role="manager", pin="2468")
    boss = Advisor.get(Advisor.name == "王经理")
    for _ in range(5):
        with pytest.raises(access.SignInRefused):
            access.check_secret(boss, "0000", "pin")
    assert access.locked_until(boss.login) is not None
    later = dt.datetime.now() + dt.timedelta(minutes=16)
    monkeypatch.setattr(access, "_clock", lambda: later)
    assert access.locked_until(boss.login) is None
    access.check_secret(boss, "2468", "pin")


async def test_program_asks_before_moving_the_account(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk-1")
    advisor("王经理", role="manager")
    liu = advisor("刘洋")
    liu.os_user = "desk-1"
    liu.save()
    app = make_app(db_path, advisor="刘羊")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = await screen_text_when(pilot, "属于 刘洋")
        assert "本系统账号 desk-1 属于 刘洋" in text and app.advisor_id is None
        assert not Advisor.select().where(Advisor.name == "刘羊").exists()
        await pilot.press("right", "enter")  # "another name"
        await settle(pilot)
        assert "请输入您的姓名" in screen_text(app) and app.advisor_id is None
        assert Advisor.get_by_id(liu.id).os_user == "desk-1"


async def test_sign_in_dialog_locks_after_five_wrong_pins(database, db_path, monkeypatch, no_delay):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk-3")
    advisor("王经理", role="manager", pin="2468")
    app = make_app(db_path, advisor="王经理")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "王经理 设有 PIN" in screen_text(app)
        for guess in ("0000", "1111", "2222", "3333", "4444"):
            await pilot.press(*guess, "enter")
            await settle(pilot)
        assert "此登录已锁定至" in await screen_text_when(pilot, "已锁定")
        await pilot.press(*"2468", "enter")  # the right PIN, too late
        await settle(pilot)
        assert "已锁定" in screen_text(app) and app.advisor_id is None
    assert len(_failures("wangjingli")) == 6


def test_password_of_an_unknown_login_is_refused_like_a_wrong_one(database, no_delay):
    liu = advisor("刘洋")
    access.set_password(None, liu.id, "long-enough-1")
    assert access.check_password("liuyang", "long-enough-1", address="10.0.0.5").id == liu.id
    for login, password in (("liuyang", "wrong-one-22"), ("nobody", "long-enough-1")):
        with pytest.raises(access.SignInRefused, match="登录名或密码不对"):
            access.check_password(login, password, address="10.0.0.5")
    assert [e.detail for e in _failures("liuyang") + _failures("nobody")] == ["password", "unknown nobody"]
    assert all(e.client == "10.0.0.5" for e in _failures("liuyang") + _failures("nobody"))


def test_sign_ins_read_in_the_interfaces_words(database, no_delay):
    from db.audit import read as auditlog

    boss = advisor("王经理", role="manager")
    access.set_password(None, boss.id, "long-enough-1")
    access.record_sign_in(boss.id, "key", address="10.0.0.7", fingerprint="SHA256:abc")
    with pytest.raises(access.SignInRefused):
        access.check_password("wangjingli", "wrong-one-22", address="10.0.0.7")
    access.record_sign_out(boss.id, "idle", address="10.0.0.7", fingerprint="SHA256:abc")
    rows = {row.action: row for row in auditlog.page(boss.id).rows}
    assert rows["signin"].action_label == "登录" and rows["signin"].what == "SSH 密钥"
    assert "10.0.0.7" in rows["signin"].origin and "SHA256:abc" in rows["signin"].origin
    assert rows["refused"].what.endswith("SSH 密码不对") and "10.0.0.7" in rows["refused"].origin
    assert rows["signout"].what == "闲置超时"
