"""Faults on real files, met through the real commands: a read-only file, a full disk, a
file that is not a database, a database of a newer version. Each gives one clear line,
writes nothing and shows no traceback.

The read-only file and the full disk are real: a read-only bind mount and a small tmpfs
(the tests run as root in CI, where chmod alone would not stop a write). Where mounting
is not allowed the test says so and is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from db.connection import close_database, open_database
from tests.intake_helpers import make_vin
from tests.test_cli import advisor


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); run as root on Linux")


@pytest.fixture
def mount_point(tmp_path):
    point = tmp_path / f"mnt-{uuid.uuid4().hex[:6]}"
    point.mkdir()
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _archive(path: Path, customers: int = 3) -> None:
    """A real archive with a few customers, closed (checkpointed into the main file)."""
    from datetime import datetime

    from db.models import Customer
    from db.search import customer_keys

    open_database(path)
    now = datetime(2026, 11, 26, 9, 0)
    for i in range(customers):
        Customer.create(name=f"客户{i}", created_at=now, updated_at=now,
                        **customer_keys(f"客户{i}", None, None).as_dict())
    Customer._meta.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sales_sheet(path: Path, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "手机", "车架号", "车牌号"])
        for i in range(rows):
            writer.writerow([f"买家{i}", f"139{i:08d}", make_vin(100000 + i), ""])
    return path


def _assert_clean_refusal(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.strip().count("\n") == 0 or result.stderr.strip().splitlines()[-1].startswith("错误")


def _customers(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    finally:
        conn.close()


def test_read_only_mount(tmp_path, mount_point):
    source = tmp_path / "store"
    source.mkdir()
    _archive(source / "station.sqlite")
    before = _digest(source / "station.sqlite")
    _mount("--bind", str(source), str(mount_point))
    _mount("-o", "remount,bind,ro", str(mount_point))
    sheet = _sales_sheet(tmp_path / "sales.csv", 5)
    for command in (["import", str(sheet)], ["demo", "--customers", "5"]):
        result = advisor("--db", str(mount_point / "station.sqlite"), *command)
        _assert_clean_refusal(result, "只读")
    assert _digest(source / "station.sqlite") == before
    assert _customers(source / "station.sqlite") == 3


def test_full_disk(tmp_path, mount_point):
    _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point))
    _archive(tmp_path / "station.sqlite")
    path = mount_point / "station.sqlite"
    path.write_bytes((tmp_path / "station.sqlite").read_bytes())
    # Fill the disk to the last few kilobytes.
    filler = os.open(mount_point / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(filler)
    size = (mount_point / "filler").stat().st_size
    os.truncate(mount_point / "filler", size - 48 * 1024)  # room to open (the -shm index), not to save
    sheet = _sales_sheet(tmp_path / "sales.csv", 400)
    result = advisor("--db", str(path), "import", str(sheet))
    _assert_clean_refusal(result, "磁盘已满")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] == 3  # nothing half-written
    conn.close()
    # A backup onto the full disk: refused the same way, and no partial file is left.
    (mount_point / "filler").unlink()
    big = tmp_path / "big.sqlite"
    _archive(big, customers=4000)
    result = advisor("--db", str(big), "backup", str(mount_point / "copy.sqlite"))
    _assert_clean_refusal(result, "磁盘已满")
    assert sorted(p.name for p in mount_point.iterdir() if p.name.startswith("copy")) == []


def test_not_a_database(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("客户名单\n张伟 13800138000\n" * 100, encoding="utf-8")
    before = _digest(notes)
    for command in (["demo", "--customers", "5"], ["backup", str(tmp_path / "b.sqlite")],
                    ["import", str(_sales_sheet(tmp_path / "s.csv", 2))], ["quality"]):
        _assert_clean_refusal(advisor("--db", str(notes), *command), "不是本程序的数据库")
    assert _digest(notes) == before
    # A real SQLite header over garbage (a copy cut short or overwritten) is refused too.
    _archive(tmp_path / "good.sqlite")
    data = (tmp_path / "good.sqlite").read_bytes()
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(data[:100] + b"\x07" * (len(data) - 100))
    _assert_clean_refusal(advisor("--db", str(broken), "demo", "--customers", "5"), "不是本程序的数据库")


def test_newer_schema(tmp_path):
    path = tmp_path / "newer.sqlite"
    _archive(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('0999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    before = _digest(path)
    for command in (["demo", "--customers", "5"], ["import", str(_sales_sheet(tmp_path / "s.csv", 2))],
                    ["migrate-to", "postgresql://postgres@127.0.0.1:1/none"]):
        _assert_clean_refusal(advisor("--db", str(path), *command), "更新版本")
    assert _digest(path) == before
    assert _customers(path) == 3
