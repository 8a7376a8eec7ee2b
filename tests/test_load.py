"""Eight desks at once, and desks killed mid-save: on real files (and a real server).

Heavy: these run in CI (``CI`` set) or with ``pytest --heavy``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import close_database, open_database
from db.importer import BATCH_SIZE
from db.intake.reception import save_intake
from db.models import AuditEntry, Customer, Ownership, Vehicle, Visit, VisitPart
from tests.intake_helpers import make_vin
from tests.load_worker import SHARED_VIN_BASE, new_reception

pytestmark = pytest.mark.heavy
ROOT = Path(__file__).resolve().parent.parent
DESKS, SAVES, SHARED = 8, 500, 16


def _worker(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.load_worker", *args], cwd=ROOT,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def _target(database) -> str:
    from db.connection import is_postgres
    from tests.pg_support import url_of

    return url_of(database) if is_postgres(database) else database.database


def test_eight_desks_saving_and_editing_at_once(database):
    for k in range(SHARED):  # the archives every desk keeps coming back to: ids 1..16
        save_intake(new_reception(SHARED_VIN_BASE + k), None)
    target = _target(database)
    close_database()
    desks = [_worker("intakes", target, str(w), str(SAVES), str(SHARED)) for w in range(DESKS)]
    reports = []
    for desk in desks:
        out, err = desk.communicate(timeout=1800)
        assert desk.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    failures = [f for r in reports for f in r["failures"]]
    assert failures == []  # in particular no "database is locked": every save landed
    assert all(r["saved"] == SAVES for r in reports)
    edits = sum(r["edits"] for r in reports)
    assert edits == DESKS * SAVES // 5
    open_database(target)
    new_per_desk = SAVES - SAVES // 5
    assert Visit.select().count() == SHARED + DESKS * SAVES
    assert Customer.select().count() == Vehicle.select().count() == SHARED + DESKS * new_per_desk
    assert Ownership.select().count() == Vehicle.select().count()
    assert VisitPart.select().count() == Visit.select().count()
    assert len({v.work_order_no for v in Visit.select(Visit.work_order_no)}) == Visit.select().count()
    # Every edit of a shared archive counted once: versions and the audit agree.
    shared = Customer.select().where(Customer.id <= SHARED)
    assert sum(c.version - 1 for c in shared) == edits
    assert AuditEntry.select().where(AuditEntry.action == "edit").count() == edits
    # Eight writers at once: every entry chained to the one committed before it.
    from db.audit import chain as auditchain

    assert auditchain.verify(Customer._meta.database).ok
    # The denormalised vehicle state matches its visits (queues read it).
    for car in Vehicle.select().where(Vehicle.owner <= SHARED):
        last = Visit.select().where(Visit.vehicle == car.id).order_by(Visit.id.desc()).first()
        assert car.last_mileage == last.mileage and car.last_visit_date == last.visit_date


def _check_whole(path: Path) -> dict[str, int]:
    """Integrity, and no half-written archive: every piece of a reception or none of it."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        counts = {t: one(f"SELECT count(*) FROM {t}") for t in ("customer", "vehicle", "visit", "visit_part", "ownership")}
        assert one("SELECT count(*) FROM vehicle WHERE owner_id IS NULL") == 0
        assert one("SELECT count(*) FROM vehicle v WHERE NOT EXISTS "
                   "(SELECT 1 FROM ownership o WHERE o.vehicle_id = v.id)") == 0
        assert one("SELECT count(*) FROM customer c WHERE NOT EXISTS "
                   "(SELECT 1 FROM vehicle v WHERE v.owner_id = c.id)") == 0
        return counts
    finally:
        conn.close()


def _kill_at_random(child: subprocess.Popen, rng: random.Random, longest: float) -> None:
    ready = child.stdout.readline()
    if ready.strip() != "ready":  # finished or failed before the moment came
        child.wait()
        assert child.returncode == 0, child.stderr.read()
        return
    try:
        child.wait(timeout=rng.uniform(0.0, longest))
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()


KILLS = 50


@pytest.mark.sqlite_only
def test_intake_killed_at_random_moments(database, tmp_path):
    path = Path(database.database)
    close_database()
    rng = random.Random(7)
    endless = 900_000  # each desk saves until it is killed, however fast the machine
    done = 0
    for _ in range(KILLS):
        _kill_at_random(_worker("serial", str(path), str(done), str(endless)), rng, 1.0)
        counts = _check_whole(path)
        # Receptions land whole and in order: the saved ones are exactly 0..k-1.
        assert counts["customer"] == counts["vehicle"] == counts["visit"] == counts["visit_part"]
        conn = sqlite3.connect(path)
        vins = {r[0] for r in conn.execute("SELECT vin FROM vehicle")}
        conn.close()
        assert vins == {make_vin(n) for n in range(counts["customer"])}
        done = counts["customer"]  # the interrupted reception is redone by the next round
    # After the last kill: the interrupted reception and a few more are redone to the end.
    finish = _worker("serial", str(path), str(done), str(done + 5))
    _, err = finish.communicate(timeout=600)
    assert finish.returncode == 0, err
    assert _check_whole(path)["visit"] == done + 5


@pytest.mark.sqlite_only
def test_import_killed_at_random_moments(database, tmp_path):
    path = Path(database.database)
    close_database()
    rows = 2500
    sheet = tmp_path / "sales.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "手机", "车架号", "车牌号", "购车日期"])
        for i in range(rows):
            writer.writerow([f"买家{i}", f"137{i:08d}", make_vin(200_000 + i), "", "2023-06-01"])
    rng = random.Random(11)
    for _ in range(KILLS):
        _kill_at_random(_worker("import", str(path), str(sheet)), rng, 3.0)
        counts = _check_whole(path)
        assert counts["customer"] == counts["vehicle"] == counts["ownership"]
        assert counts["customer"] % BATCH_SIZE == 0 or counts["customer"] == rows  # whole batches only
    again = _worker("import", str(path), str(sheet))
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    counts = _check_whole(path)
    assert counts["customer"] == counts["vehicle"] == rows  # redone: nothing twice, nothing missing
