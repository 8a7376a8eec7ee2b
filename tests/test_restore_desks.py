"""A restore never happens under open desks, and a desk that opened the archive before a
restore never writes to the restored one. Desks are real processes (tests/load_worker.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.audit import chain as auditchain
from db import desks
from db import backup as bk
from db.connection import close_database, open_database
from db.errors import DatabaseProblem
from db.intake.reception import save_intake
from db.models import AuditEntry, Customer, Setting
from tests.intake_helpers import returning  # noqa: F401 (a fixture)
from tests.load_worker import new_reception

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.sqlite_only


class Desk:
    """``python -m tests.load_worker desk DB``: one order a line, one answer a line."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tests.load_worker", "desk", str(db)], cwd=ROOT,
                                        text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        assert self.read() == "ready", self.process.stderr.read()

    def read(self) -> str:
        return self.process.stdout.readline().strip()

    def ask(self, order: str) -> str:
        self.process.stdin.write(order + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # end of orders: the desk quits
            self.process.wait(timeout=30)


def advisor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def station(database, db_path, tmp_path):
    """Five customers, a backup of them, then two more; the test process closes the archive."""
    for n in range(5):
        save_intake(new_reception(n), None)
    bk.backup(tmp_path / "monday.sqlite")
    for n in range(5, 7):
        save_intake(new_reception(n), None)
    close_database()
    return db_path, tmp_path / "monday.sqlite"


def customers(path: Path) -> int:
    open_database(path)
    try:
        return Customer.select().count()
    finally:
        close_database()


def test_restore_is_refused_while_a_desk_is_saving(station):
    db_path, monday = station
    desk = Desk(db_path)
    try:
        assert desk.ask("save 100").startswith("saved")
        with pytest.raises(DatabaseProblem, match="还有其他程序打开着档案"):
            bk.restore(monday, db_path)
        shell = advisor("--db", str(db_path), "restore", str(monday))
        assert shell.returncode == 2 and "请先让大家退出（Ctrl+Q）" in shell.stderr
        assert desk.ask("save 101").startswith("saved")  # the desk went on working meanwhile
        assert not list(db_path.parent.glob("*.replaced-*"))
    finally:
        desk.close()
    assert customers(db_path) == 9
    done = advisor("--db", str(db_path), "restore", str(monday))  # every desk closed: done
    assert done.returncode == 0, done.stderr
    assert customers(db_path) == 5


def test_a_desk_that_opened_the_archive_before_a_restore_never_writes_to_it(station):
    """A desk that escaped the lock (an earlier version held none) has every save refused:
    the restored archive carries a new identity. Before, its save of 'customer 301' could
    land on another customer given the same id after the restore."""
    db_path, monday = station
    desk = Desk(db_path)
    try:
        assert desk.ask("unlock") == "unlocked"
        result = bk.restore(monday, db_path)
        answer = desk.ask("save 200")
        assert answer.startswith("refused 档案已从备份恢复") and "重新打开程序" in answer
        assert desk.ask("save 201").startswith("refused")  # and stays refused
    finally:
        desk.close()
    assert result.counts["customer"] == 5 and customers(db_path) == 5
    database = open_database(db_path)
    identity = Setting.get_by_id("archive.identity").value
    assert save_intake(new_reception(300), None).customer_id == 6  # a desk opened after it saves
    bk.log_restore(result, monday)
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).get().action == "restore"
    assert auditchain.verify(database).ok
    close_database()
    bk.restore(monday, db_path)  # every restore a new identity, even of the same backup
    open_database(db_path)
    assert Setting.get_by_id("archive.identity").value != identity
    close_database()


def test_a_program_starting_during_a_restore_is_told_to_wait(station):
    db_path, _ = station
    with desks.alone(db_path):
        shell = advisor("--db", str(db_path), "find", "顾客1")
    assert shell.returncode == 2 and "正在从备份恢复" in shell.stderr
    assert advisor("--db", str(db_path), "find", "顾客1").returncode == 0


async def test_the_desk_says_why_its_save_is_refused_after_a_restore(app_db, returning, tmp_path):
    """At the reception (Pilot): the work order was open when the archive was restored;
    F2 tells the advisor, in the interface's language, and nothing is written."""
    from textual.worker import WorkerFailed

    from db.models import Visit
    from tests.tui_helpers import make_app, open_work_order, screen_text, settle

    bk.backup(tmp_path / "monday.sqlite")
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await open_work_order(pilot)
        bk.restore(tmp_path / "monday.sqlite", app_db)  # the test's process is the only one here
        await pilot.press(*"14000", "enter", "enter", "保", "养", "f2")  # mileage, kind, request; save
        try:
            await settle(pilot)
        except WorkerFailed:  # the refused save's worker: the app's handler shows it
            await settle(pilot)
        assert "档案已从备份恢复" in screen_text(app)
    assert Visit.select().count() == 1  # the returning customer's first visit only
