"""Paths that are not archives: a command that only reads never creates anything, nothing is
ever written into a file that is not this program's archive, creating one is explicit (the
first start on the default path, ``demo``, ``import``, or a yes to the program's question);
and the archive, its backups and exports are readable by their owner only."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from db.connection import APPLICATION_ID, close_database, open_database
from tests.conftest import TODAY
from tests.test_importer import HEADER, good_rows, write_csv

READERS = (["find", "张"], ["queues"], ["quality"], ["report"], ["export", "{out}/list.csv"],
           ["backup", "{out}/copy.sqlite"], ["migrate-to", "postgresql://nobody@127.0.0.1:1/none"])


def advisor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "--today", TODAY.isoformat(), *args],
                          capture_output=True, text=True, timeout=300, env=env)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def commands(out: Path):
    for command in READERS:
        yield [part.format(out=out) for part in command]


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def loose_umask():
    """A umask that lets everyone read what is created (as on many machines)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_reading_commands_refuse_a_missing_file_or_folder(tmp_path, out):
    for target in (tmp_path / "typo.sqlite", tmp_path / "share" / "mounted" / "typo.sqlite"):
        for command in commands(out):
            done = advisor("--db", str(target), *command)
            assert done.returncode == 2, (command, done.stdout, done.stderr)
            assert str(target) in done.stderr and "没有档案库" in done.stderr, done.stderr
            assert done.stdout == ""
        assert not target.exists() and not (tmp_path / "share").exists()
    assert list(out.iterdir()) == []
    done = advisor("--db", str(tmp_path / "share" / "typo.sqlite"), "queues")
    assert "目录" in done.stderr and "不存在" in done.stderr  # the folder named as missing


def test_an_empty_file_is_refused_and_left_empty(tmp_path, out):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    for command in [*commands(out), ["demo", "--customers", "5"], ["import", str(out / "none.csv")]]:
        done = advisor("--db", str(empty), *command)
        assert done.returncode == 2 and "空文件" in done.stderr, (command, done.stderr)
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "out"]  # no -wal, no -shm


def test_another_programs_sqlite_file_is_never_written(tmp_path, out):
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoice (total) VALUES (12.5)")
    conn.close()
    before = digest(theirs)
    sheet = out / "sales.csv"
    write_csv(sheet, HEADER, good_rows(2))
    for command in [*commands(out), ["demo", "--customers", "5"], ["import", str(sheet)]]:
        done = advisor("--db", str(theirs), *command)
        assert done.returncode == 2 and "另一个程序的数据库" in done.stderr, (command, done.stderr)
    assert digest(theirs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "theirs.sqlite"]
    with sqlite3.connect(theirs) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoice"]
    conn.close()


def test_a_peewee_program_with_a_migration_table_of_its_own_is_not_ours(tmp_path):
    """Another program using playhouse's migrations has a schema_migration table too."""
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE schema_migration (name TEXT)")
        conn.execute("INSERT INTO schema_migration VALUES ('0001_initial')")
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY)")
    conn.close()
    before = digest(theirs)
    done = advisor("--db", str(theirs), "find", "x")
    assert done.returncode == 2 and "另一个程序的数据库" in done.stderr
    assert digest(theirs) == before


def test_an_archive_of_an_earlier_version_is_still_opened_and_takes_the_id(tmp_path):
    old = tmp_path / "old.sqlite"
    open_database(old)
    close_database()
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA application_id = 0")  # archives written before this change have none
    conn.close()
    done = advisor("--db", str(old), "queues")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_demo_and_import_create_an_archive_readable_by_its_owner_only(tmp_path, loose_umask):
    station = tmp_path / "new" / "station.sqlite"
    done = advisor("--db", str(station), "demo", "--customers", "20")
    assert done.returncode == 0, done.stderr
    assert mode_of(station) == 0o600
    sheet = tmp_path / "sales.csv"
    write_csv(sheet, HEADER, good_rows(2))
    other = tmp_path / "other.sqlite"
    done = advisor("--db", str(other), "import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert mode_of(other) == 0o600
    backup = tmp_path / "backups" / "copy.sqlite"
    done = advisor("--db", str(station), "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert mode_of(backup) == 0o600
    for name in ("list.csv", "list.xlsx"):
        done = advisor("--db", str(station), "export", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        assert mode_of(tmp_path / name) == 0o600


def test_wal_and_shared_memory_files_and_daily_copies_are_owner_only(tmp_path, loose_umask):
    from db import settings
    from db.backup import daily_backup
    from db.connection import writing

    station = tmp_path / "station.sqlite"
    database = open_database(station, create=True)
    try:
        with writing():
            settings.set_value("backup.daily", True)
        assert mode_of(station) == 0o600
        assert mode_of(Path(f"{station}-wal")) == 0o600 and mode_of(Path(f"{station}-shm")) == 0o600
        result = daily_backup()
        assert result is not None and mode_of(result.path) == 0o600
    finally:
        close_database()
    assert database.is_closed()


def test_the_first_start_on_the_default_path_creates_the_archive(tmp_path, monkeypatch, loose_umask):
    from tui.app import AdvisorApp
    from tui.cli import main

    started = []
    monkeypatch.setattr(AdvisorApp, "run", lambda self: started.append(self.db_target))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main([]) == 0
    created = tmp_path / "data" / "advisor" / "advisor.sqlite"
    assert started == [str(created)] and mode_of(created) == 0o600
    close_database()


@pytest.mark.parametrize("answer", [True, False])
def test_a_path_given_where_there_is_no_archive_is_asked_about(tmp_path, monkeypatch, capsys, answer):
    import tui.create_archive
    from tui.app import AdvisorApp
    from tui.cli import main

    asked, started = [], []
    monkeypatch.setattr(tui.create_archive, "ask_to_create", lambda where: asked.append(where) or answer)
    monkeypatch.setattr(AdvisorApp, "run", lambda self: started.append(self.db_target))
    target = tmp_path / "typo.sqlite"
    code = main(["--db", str(target)])
    assert asked == [str(target)]
    if answer:
        assert code == 0 and started == [str(target)] and target.exists()
        close_database()
    else:
        assert code == 2 and started == [] and not target.exists()
        assert "没有新建档案库" in capsys.readouterr().err


async def test_the_question_is_asked_on_the_screen_and_answered_by_keys(tmp_path):
    from tests.tui_helpers import screen_text
    from tui.create_archive import CreateArchiveApp

    where = str(tmp_path / "typo.sqlite")
    app = CreateArchiveApp(where)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "还没有档案库" in text and "typo.sqlite" in text and "新建档案库" in text
        await pilot.press("enter")  # the first answer, focused: create
    assert app.return_value is True

    app = CreateArchiveApp(where)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right", "enter")  # "No, quit"
    assert app.return_value is False

    app = CreateArchiveApp(where)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
    assert app.return_value is False
    assert not Path(where).exists()


def test_postgres_empty_or_foreign_databases_are_not_archives(pg_server):
    """An empty database is created into only when asked; one holding another program's
    tables never."""
    from db.connection import ArchiveMissing
    from db.errors import DatabaseProblem
    from tests.pg_support import _connect

    url = pg_server.extra_database()
    with pytest.raises(ArchiveMissing):
        open_database(url, create=False)
    conn = _connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE invoice (id serial PRIMARY KEY)")
    finally:
        conn.close()
    with pytest.raises(DatabaseProblem, match="另一个程序的数据库"):
        open_database(url, create=True)
    conn = _connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            assert [r[0] for r in cur.fetchall()] == ["invoice"]
    finally:
        conn.close()
    done = advisor("--db", url, "queues")
    assert done.returncode == 2 and "另一个程序的数据库" in done.stderr


def test_restore_never_puts_a_backup_in_place_of_what_is_not_an_archive(tmp_path, out):
    """A restore renames the file at --db aside and puts the backup under its name: over
    another program's database, an empty file or a text file that would hand that name
    to an archive. Each is refused with exit 2, untouched, nothing created beside it."""
    source = out / "station.sqlite"
    assert advisor("--db", str(source), "demo", "--customers", "5").returncode == 0
    backup = out / "copy.sqlite"
    assert advisor("--db", str(source), "backup", str(backup)).returncode == 0
    theirs = tmp_path / "theirs.sqlite"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
    conn.close()
    (tmp_path / "empty.sqlite").touch()
    (tmp_path / "notes.sqlite").write_text("not a database\n")
    before = {p.name: digest(p) for p in tmp_path.iterdir() if p.is_file()}
    for name, says in (("theirs.sqlite", "另一个程序的数据库"), ("empty.sqlite", "空文件"),
                       ("notes.sqlite", "不是本程序的数据库文件"), ("typo/station.sqlite", "不存在")):
        done = advisor("--db", str(tmp_path / name), "restore", str(backup))
        assert done.returncode == 2 and says in done.stderr, (name, done.stdout, done.stderr)
    assert {p.name: digest(p) for p in tmp_path.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "notes.sqlite", "out", "theirs.sqlite"]
