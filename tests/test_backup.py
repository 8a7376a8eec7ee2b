"""Backups while advisors work, their checks, restore's refusals, the daily copy with rotation."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from db import backup as bk
from db import settings
from db.connection import close_database, open_database, writing
from db.errors import DatabaseProblem
from db.models import Customer
from db.search import customer_keys
from tests.test_cli import advisor

NOW = dt.datetime(2026, 11, 26, 9, 0)


def _add_customers(n: int, start: int = 0) -> None:
    with writing():
        for i in range(start, start + n):
            name = f"客户{i}"
            Customer.create(name=name, created_at=NOW, updated_at=NOW,
                            **customer_keys(name, None, None).as_dict())


def _count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    finally:
        conn.close()


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from db.connection import open_database, writing
    from db.models import Customer
    from db.search import customer_keys
    open_database(sys.argv[1])
    now = dt.datetime(2026, 11, 26, 10, 0)
    i = 0
    while True:
        if i == 20:
            print("ready", flush=True)
        with writing():
            for _ in range(20):
                i += 1
                Customer.create(name=f"写入{i}", created_at=now, updated_at=now,
                                **customer_keys(f"写入{i}", None, None).as_dict())
""")


@pytest.mark.sqlite_only
def test_backup_while_another_advisor_writes_is_whole_and_checked(database, tmp_path, monkeypatch):
    _add_customers(3000)
    monkeypatch.setattr(bk, "STEP_PAGES", 8)  # many steps: the writer commits between them
    writer = subprocess.Popen([sys.executable, "-c", WRITER, database.database],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        seen: list[tuple[int, int]] = []
        watcher = sqlite3.connect(database.database)

        def progress(done: int, total: int) -> None:
            seen.append((done, total))
            if len(seen) == 2:  # mid-copy: let the other advisor commit a few hundred rows
                start = time.monotonic()
                while (watcher.execute("SELECT count(*) FROM customer").fetchone()[0] < 3300
                       and time.monotonic() - start < 30):
                    time.sleep(0.01)

        result = bk.backup(tmp_path / "copy.sqlite", progress)
        watcher.close()
    finally:
        writer.kill()
        writer.wait()
    assert len(seen) > 10 and seen[-1][0] == seen[-1][1]
    copy = tmp_path / "copy.sqlite"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    # The copy is the moment it started; the advisor's later commits are not half in it.
    assert _count(copy) == result.counts["customer"] and 3020 <= _count(copy) < 3300
    assert _count(database.database) >= 3300
    assert not (tmp_path / "copy.sqlite.partial").exists()


@pytest.mark.sqlite_only
def test_cancelled_backup_leaves_nothing(database, tmp_path, monkeypatch):
    _add_customers(2000)
    monkeypatch.setattr(bk, "STEP_PAGES", 4)

    def cancel(done, total):
        if done > 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bk.backup(tmp_path / "copy.sqlite", cancel)
    assert not (tmp_path / "copy.sqlite").exists() and not (tmp_path / "copy.sqlite.partial").exists()


@pytest.mark.sqlite_only
def test_backup_refuses_its_own_file_and_a_folder(database, tmp_path):
    with pytest.raises(DatabaseProblem, match="不能就是数据库本身"):
        bk.backup(database.database)
    with pytest.raises(DatabaseProblem, match="是一个目录"):
        bk.backup(tmp_path)


@pytest.mark.sqlite_only
def test_restore_replaces_and_keeps_the_old_one_aside(database, db_path, tmp_path):
    _add_customers(5)
    bk.backup(tmp_path / "monday.sqlite")
    _add_customers(3, start=100)  # work after the backup, then the restore
    close_database()
    result = bk.restore(tmp_path / "monday.sqlite", db_path)
    assert result.counts["customer"] == 5
    assert result.set_aside.name == "station.replaced-20261126-" + result.set_aside.name.split("-")[-1]
    assert _count(result.set_aside) == 8  # nothing lost: the replaced archive is whole
    open_database(db_path)
    assert Customer.select().count() == 5


def _damaged(path):
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2 + 100, len(data), 4096):  # scribble over every page after the second
        data[offset:offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.sqlite_only
def test_restore_refuses_what_is_not_a_sound_archive(database, db_path, tmp_path):
    _add_customers(300)
    bk.backup(tmp_path / "good.sqlite")
    close_database()
    before = db_path.read_bytes()
    text = tmp_path / "text.sqlite"
    text.write_text("不是数据库")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes((tmp_path / "good.sqlite").read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes((tmp_path / "good.sqlite").read_bytes())
    _damaged(damaged)
    for path, message in [(text, "不是本程序的数据库"), (other, "不是本程序的档案"),
                          (newer, "更新版本"), (damaged, "已损坏|不是本程序的数据库"),
                          (tmp_path / "missing.sqlite", "找不到备份文件")]:
        with pytest.raises(DatabaseProblem, match=message):
            bk.restore(path, db_path)
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.replaced-*"))


@pytest.mark.sqlite_only
def test_cli_backup_and_restore(database, db_path, tmp_path):
    _add_customers(10)
    close_database()
    made = advisor("--db", str(db_path), "backup", str(tmp_path / "b.sqlite"))
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout and "10 条记录" in made.stdout and "已校验" in made.stdout
    back = advisor("--db", str(db_path), "restore", str(tmp_path / "b.sqlite"), "--lang", "en")
    assert back.returncode == 0, back.stderr
    assert "Restored from" in back.stdout and "kept as" in back.stdout
    refused = advisor("--db", str(db_path), "restore", str(db_path.parent / "none.sqlite"))
    assert refused.returncode == 2 and "找不到备份文件" in refused.stderr and "Traceback" not in refused.stderr


def test_daily_backup_once_a_day_with_rotation(database, tmp_path):
    folder = tmp_path / "daily"
    settings.set_value("backup.dir", str(folder))
    assert bk.daily_due() is None and bk.daily_backup() is None  # off by default
    settings.set_value("backup.daily", True)
    settings.set_value("backup.keep", 3)
    folder.mkdir()
    postgres = "postgres" in type(database).__name__.lower()
    for day in ("2026-11-20", "2026-11-22", "2026-11-23", "2026-11-25"):
        bk.daily_path(folder, dt.date.fromisoformat(day), postgres).write_text("old")
    (folder / "by-hand.sqlite").write_text("kept")
    if postgres and bk.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    result = bk.daily_backup()
    assert result.path == bk.daily_path(folder, dt.date(2026, 11, 26), postgres)
    assert bk.daily_backup() is None  # today's exists
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["by-hand.sqlite"] + [bk.daily_path(folder, dt.date.fromisoformat(d), postgres).name
                              for d in ("2026-11-23", "2026-11-25", "2026-11-26")])


@pytest.mark.backends("postgres")
def test_postgres_backup_through_pg_dump(database, tmp_path, monkeypatch):
    if bk.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    _add_customers(7)
    result = bk.backup(tmp_path / "station.dump")
    assert result.counts["customer"] == 7 and result.size > 0
    listing = subprocess.run(["pg_restore", "--list", str(result.path)], capture_output=True, text=True).stdout
    assert "TABLE DATA public customer" in listing
    monkeypatch.setattr(bk.shutil, "which", lambda name: None)
    with pytest.raises(DatabaseProblem, match="pg_dump"):
        bk.backup(tmp_path / "again.dump")
    assert not (tmp_path / "again.dump").exists()


@pytest.mark.sqlite_only
def test_program_start_takes_the_daily_backup_first(database, db_path, tmp_path, capsys, monkeypatch):
    from tui.shell._app import _daily_backup

    _daily_backup()  # off: nothing said, nothing written
    assert capsys.readouterr().err == "" and not (tmp_path / "backups").exists()
    settings.set_value("backup.daily", True)
    _daily_backup()
    assert "今天的自动备份" in capsys.readouterr().err
    assert (tmp_path / "backups" / "advisor-daily-2026-11-26.sqlite").exists()
    _daily_backup()  # taken already today: silent
    assert capsys.readouterr().err == ""
    # A failing backup is reported and the program still opens (no exception).
    (tmp_path / "backups" / "advisor-daily-2026-11-26.sqlite").unlink()
    monkeypatch.setattr(bk, "backup", lambda *a, **k: (_ for _ in ()).throw(DatabaseProblem("满了")))
    _daily_backup()
    assert "没有成功：满了" in capsys.readouterr().err
