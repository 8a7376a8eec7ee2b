"""The audit log keeps real time, says where each act came from, logs refusals, and is
chained: `advisor audit-verify` names the first entry edited, deleted or inserted."""

from __future__ import annotations

import datetime as dt
import os
import pwd
import sqlite3
import subprocess
import sys

import pytest

from db.audit import chain as auditchain
from db import clock, privacy, roles
from db.audit import write as audit
from db.connection import close_database, open_database
from db.models import AuditEntry
from tests.conftest import NOW
from tests.manager_fixtures import advisor, customer


def advisor_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "ADVISOR_TODAY"}, timeout=120)


@pytest.fixture
def logged(database):
    """A manager, an advisor and two customers, with five entries written by the program."""
    manager, plain = advisor("王经理", role="manager"), advisor("顾问乙")
    zhang, li = customer("张伟", "13800138000"), customer("李娜", "13900139000")
    for who, whom, before, after in [(plain, zhang, "13800138000", "13811112222"), (manager, li, None, None),
                                     (plain, li, "13900139000", "13922223333"), (manager, zhang, None, None),
                                     (plain, zhang, "工程师", "医生")]:
        audit.record("edit" if before else "reveal", advisor_id=who.id, customer_id=whom.id,
                     field="mobile", before=before, after=after)
    return database, manager, plain, zhang, li


def ids() -> list[int]:
    return [e.id for e in AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id)]


def test_an_untouched_log_verifies(logged):
    database, *_ = logged
    report = auditchain.verify(database)
    assert report.ok and report.count == 5 and report.newest_id == ids()[-1]
    assert report.newest_hash == AuditEntry.get_by_id(ids()[-1]).hash


def test_an_edited_entry_breaks_the_chain_there(logged):
    database, *_ = logged
    third = ids()[2]
    AuditEntry.update(after='"13900000000"').where(AuditEntry.id == third).execute()  # behind the program
    report = auditchain.verify(database)
    assert not report.ok and report.broken_id == third and report.count == 3


def test_a_deleted_entry_breaks_the_chain_at_the_next(logged):
    database, *_ = logged
    second, third = ids()[1:3]
    AuditEntry.delete().where(AuditEntry.id == second).execute()
    report = auditchain.verify(database)
    assert not report.ok and report.broken_id == third


def test_an_inserted_entry_breaks_the_chain(logged):
    database, manager, *_ = logged
    AuditEntry.insert(at=NOW, advisor=manager.id, action="edit", field="mobile").execute()
    last = ids()[-1]
    assert auditchain.verify(database).broken_id == last
    # even one given a hash of its own, unless the whole chain after it is recomputed
    AuditEntry.update(hash="0" * 64).where(AuditEntry.id == last).execute()
    assert auditchain.verify(database).broken_id == last


def test_the_verify_command_exit_status_and_what_it_names(logged, db_target):
    database, *_ = logged
    close_database()
    good = advisor_cli("--db", str(db_target), "audit-verify")
    assert good.returncode == 0, good.stderr
    assert "日志链完好：5 条记录" in good.stdout
    newest = auditchain.newest(open_database(db_target))
    assert newest[1] in good.stdout
    assert advisor_cli("--db", str(db_target), "audit-verify", "--expect", newest[1]).returncode == 0
    fourth = ids()[3]
    AuditEntry.delete().where(AuditEntry.id == ids()[-1]).execute()  # the newest: only the kept hash sees it
    assert advisor_cli("--db", str(db_target), "audit-verify").returncode == 0
    missing = advisor_cli("--db", str(db_target), "audit-verify", "--expect", newest[1])
    assert missing.returncode == 1 and "给出的哈希不在日志里" in missing.stdout
    AuditEntry.update(before='"x"').where(AuditEntry.id == fourth).execute()
    close_database()
    bad = advisor_cli("--db", str(db_target), "audit-verify", "--lang", "en")
    assert bad.returncode == 1
    assert f"The audit chain breaks at #{fourth} (2026-11-26 09:30:00, Reveal)" in bad.stdout


def test_anonymisation_clears_old_values_and_the_chain_still_verifies(logged):
    database, manager, plain, zhang, li = logged
    privacy.anonymise(manager.id, zhang.id)
    cleared = list(AuditEntry.select().where((AuditEntry.customer == zhang.id) & (AuditEntry.action == "edit")))
    assert cleared and all(e.before is None and e.after is None for e in cleared)
    report = auditchain.verify(database)
    assert report.ok and report.rewritten == len(cleared) and report.count == 6
    # a raw edit of a cleared entry is still found: the voucher names its content after clearing
    AuditEntry.update(after='"13811112222"').where(AuditEntry.id == cleared[0].id).execute()
    assert auditchain.verify(database).broken_id == cleared[0].id
    AuditEntry.update(after=None).where(AuditEntry.id == cleared[0].id).execute()
    assert auditchain.verify(database).ok
    # and so is a raw delete of one
    AuditEntry.delete().where(AuditEntry.id == cleared[0].id).execute()
    assert not auditchain.verify(database).ok


def test_real_time_whatever_day_is_pinned(logged, db_target, tmp_path, monkeypatch):
    """`export --unmasked --today 2019-01-01` is logged when it ran, not in 2019."""
    from db.models import Advisor
    from tui.cli import main

    database, manager, *_ = logged
    Advisor.update(os_user="tester").where(Advisor.id == manager.id).execute()
    monkeypatch.setattr("db.advisors.os_user", lambda: "tester")
    try:
        assert main(["--db", str(db_target), "export", "--unmasked", "--today", "2019-01-01",
                     str(tmp_path / "list.csv")]) == 0
    finally:
        clock.pin_today(dt.date(2026, 11, 26))
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert entry.action == "export" and entry.at == NOW  # the (test's) real clock


def test_a_separate_program_logs_the_real_time_and_its_account(db_path, monkeypatch):
    """No pinned clock in another process: the wall clock, the uid's account, SSH_CONNECTION's address."""
    open_database(db_path)
    close_database()
    env = {**os.environ, "SSH_CONNECTION": "10.1.2.3 52100 10.0.0.1 22"}
    script = ("from db.connection import open_database; open_database(%r); from db.audit import write as audit; "
              "audit.record('reveal', advisor_id=None, field='mobile')" % str(db_path))
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    open_database(db_path)
    entry = AuditEntry.get()
    assert abs(entry.at - dt.datetime.now()) < dt.timedelta(minutes=2)
    assert entry.os_account == pwd.getpwuid(os.getuid()).pw_name and entry.client == "10.1.2.3"
    assert entry.terminal is None  # no terminal on its standard streams


def test_context_for_a_session_that_came_through_the_front_door(database):
    manager = advisor("王经理", role="manager")
    session = audit.AuditContext(os_account="advisor-svc", client="192.0.2.7",
                                 client_key="SHA256:abcdefghijklmnop")
    with audit.using(session):
        audit.record("reveal", advisor_id=manager.id, field="mobile")
    audit.record("sign_in", advisor_id=manager.id, context=audit.AuditContext(client="192.0.2.8"))
    first, second = AuditEntry.select().order_by(AuditEntry.id)
    assert (first.os_account, first.client, first.client_key) == ("advisor-svc", "192.0.2.7", "SHA256:abcdefghijklmnop")
    assert (second.os_account, second.client) == (None, "192.0.2.8")
    assert auditchain.verify(database).ok


def test_a_refusal_inside_a_transaction_outlives_its_rollback(database):
    """A refusal met inside a writing transaction is logged once the transaction rolled back."""
    from db.connection import writing
    from db.errors import Forbidden

    plain = advisor("顾问乙")
    with pytest.raises(Forbidden):
        with writing():
            customer("张伟", "13800138000")
            roles.require_manager(plain.id, "roles.action.merge")
    assert [(e.action, e.field, e.advisor_id) for e in AuditEntry.select()] == [
        ("refused", "roles.action.merge", plain.id)]
    assert auditchain.verify(database).ok


def test_wrong_pins_and_retired_advisors_are_logged_as_refused(database):
    from db.errors import Forbidden

    manager = advisor("王经理", role="manager")
    roles.set_pin(manager.id, manager.id, "2468")
    with pytest.raises(Forbidden):
        roles.identify("王经理", pin="1111", user="someone")
    with pytest.raises(Forbidden):
        roles.identify("王经理", pin=None, user="someone")  # only asked: not an attempt
    refused = [(e.advisor_id, e.field, e.detail) for e in AuditEntry.select().where(AuditEntry.action == "refused")]
    assert refused == [(manager.id, "roles.action.sign_in", "pin")]


def _old_archive(target: str) -> None:
    """An archive as the version before the chain left it: three entries, unchained."""
    from playhouse.migrations import Runner

    from db.connection import MIGRATIONS_DIR

    old = open_database(target, migrate=False)
    Runner(old, directory=str(MIGRATIONS_DIR)).up(target="0009_pg_key_then_id")
    for day in (1, 2, 3):
        old.execute_sql("INSERT INTO audit_entry (at, action, field, after) "
                        f"VALUES ('2026-10-0{day} 10:00:00', 'reveal', 'mobile', NULL)")
    close_database()


def test_an_older_archive_has_its_entries_chained_on_upgrade(backend, tmp_path, request):
    if backend == "postgres":
        target = request.getfixturevalue("pg_server").extra_database()
    else:
        target = str(tmp_path / "old.sqlite")
    _old_archive(target)
    database = open_database(target)
    entries = list(AuditEntry.select().order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["reveal", "reveal", "reveal", "chain"]
    report = auditchain.verify(database)
    assert report.ok and (report.chained_from, report.chained_to, report.chain_entry) == (1, 3, 4)
    from db.audit import read as auditlog

    manager = advisor("王经理", role="manager")
    row = auditlog.page(manager.id).rows[0]
    assert row.action_label == "开始链接" and "原有的 3 条记录（#1–#3）" in row.note
    audit.record("reveal", advisor_id=manager.id, field="mobile")  # new entries follow on
    assert auditchain.verify(database).ok
    AuditEntry.update(field="id_number").where(AuditEntry.id == 2).execute()
    assert auditchain.verify(database).broken_id == 2
    close_database()


def test_backup_and_report_carry_the_newest_hash(logged, db_target, tmp_path):
    database, *_ = logged
    newest = auditchain.newest(database)
    close_database()
    backup = advisor_cli("--db", str(db_target), "backup", str(tmp_path / "copy.sqlite"))
    assert backup.returncode == 0 and f"日志最新哈希：#{newest[0]} {newest[1]}" in backup.stdout
    report = advisor_cli("--db", str(db_target), "report")
    assert report.returncode == 0 and newest[1] in report.stdout


def test_desks_writing_at_once_keep_one_chain(database, db_target):
    """Three desk processes saving together: each entry is chained to the one committed
    just before it (the previous hash is read under the writers' lock: BEGIN IMMEDIATE,
    PostgreSQL's advisory lock)."""
    import json
    from pathlib import Path

    from tests.load_worker import SHARED_VIN_BASE, new_reception
    from db.intake.reception import save_intake

    for k in range(3):
        save_intake(new_reception(SHARED_VIN_BASE + k), None)
    close_database()
    root = Path(__file__).resolve().parent.parent
    desks = [subprocess.Popen([sys.executable, "-m", "tests.load_worker", "intakes", str(db_target), str(w), "15", "3"],
                              cwd=root, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for w in range(3)]
    for desk in desks:
        out, err = desk.communicate(timeout=300)
        assert desk.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1])["failures"] == []
    database = open_database(db_target)
    report = auditchain.verify(database)
    assert report.ok and report.count == AuditEntry.select().count() > 45


def test_a_recomputed_chain_is_caught_by_a_backups_newest_hash(logged, db_path, tmp_path):
    """Someone with the file rewrites an entry and recomputes every hash after it: verify
    alone passes, but the backup taken before still holds the old newest hash."""
    from db import backup as bk

    database, *_ = logged
    db_target = db_path
    bk.backup(tmp_path / "monday.sqlite")
    close_database()
    untouched = advisor_cli("--db", str(db_target), "audit-verify", "--against", str(tmp_path / "monday.sqlite"))
    assert untouched.returncode == 0 and "原样还在" in untouched.stdout
    database = open_database(db_target)
    second, last = ids()[1], ids()[-1]
    AuditEntry.update(field="id_number").where(AuditEntry.id == second).execute()
    previous = None
    for entry in auditchain.entries(database):  # the forger's recomputation
        previous = auditchain.link(previous, auditchain.digest(entry))
        AuditEntry.update(hash=previous).where(AuditEntry.id == entry["id"]).execute()
    assert auditchain.verify(database).ok
    close_database()
    told = advisor_cli("--db", str(db_target), "audit-verify", "--against", str(tmp_path / "monday.sqlite"))
    assert told.returncode == 1  # the chain itself holds: only the backup tells
    assert "日志链完好：5 条记录" in told.stdout
    assert f"最新记录 #{last} 在日志里已不同或不见了" in told.stdout
