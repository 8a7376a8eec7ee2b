"""Shared fixtures: a real SQLite file per test, a pinned today, Chinese texts."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")  # no cursor blink in snapshots

import pytest

from db import clock
from db.audit import write as audit
from db.connection import close_database, open_database
from db.i18n import set_language

from tests import pg_support

TODAY = dt.date(2026, 11, 26)
# The real clock's fixed time in tests (audit entries, created and updated times): the
# morning of TODAY, so that logs and snapshots that show times stay the same every run.
NOW = dt.datetime(2026, 11, 26, 9, 30)
# Where tests' acts come from (the machine's own account and terminal would vary).
CONTEXT = audit.AuditContext(os_account="tester")
BACKENDS = ("sqlite", "postgres")


def pytest_addoption(parser):
    parser.addoption("--heavy", action="store_true",
                     help="run the heavy load and crash tests (always on when CI is set)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (pragmas, files)")
    config.addinivalue_line("markers", "backends(*names): run only on these backends")
    config.addinivalue_line("markers", "heavy: long load or crash test; runs in CI or with --heavy")


def pytest_generate_tests(metafunc):
    """Every test using ``database`` runs on both backends, unless it needs a file."""
    if "backend" not in metafunc.fixturenames:
        return
    file_bound = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only")
    marker = metafunc.definition.get_closest_marker("backends")
    backends = marker.args if marker else (("sqlite",) if file_bound else BACKENDS)
    if tuple(backends) != ("sqlite",):  # SQLite alone keeps the test's plain name (snapshots)
        metafunc.parametrize("backend", backends, indirect=True)


def pytest_collection_modifyitems(config, items):
    if config.getoption("--heavy") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="heavy test: run with --heavy (CI runs it always)")
    for item in items:
        if item.get_closest_marker("heavy"):
            item.add_marker(skip)


@pytest.fixture
def backend(request):
    """"sqlite" or "postgres"; PostgreSQL's absence skips (fails in CI) with how to run it."""
    name = getattr(request, "param", "sqlite")
    if name == "postgres":
        request.getfixturevalue("pg_server")
    return name


@pytest.fixture(scope="session")
def pg_server():
    """A database of this run's own on the server at ADVISOR_TEST_PG, dropped at the end."""
    server = pg_support.TestServer.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    """Every test sees the same today, in Chinese, with no stray environment."""
    monkeypatch.delenv("ADVISOR_DB", raising=False)
    monkeypatch.delenv("ADVISOR_TODAY", raising=False)
    monkeypatch.delenv("ADVISOR_LANG", raising=False)
    set_language("zh")
    clock.pin_today(TODAY)
    clock.pin_now(NOW)
    audit.set_context(CONTEXT)
    yield
    clock.pin_today(None)
    clock.pin_now(None)
    audit.set_context(None)
    set_language("zh")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "station.sqlite"


@pytest.fixture
def database(backend, request):
    """An opened, migrated, empty archive: a real SQLite file, or a PostgreSQL database.

    Tests asking for it run once per backend (see ``pytest_generate_tests``); a test that
    also asks for ``db_path`` works with a file, and runs on SQLite only.
    """
    if backend == "postgres":
        target = request.getfixturevalue("pg_server").fresh()
    else:
        target = request.getfixturevalue("db_path")
    database = open_database(target)
    yield database
    close_database()


@pytest.fixture
def app_db(database, db_path):
    """The opened archive's file, for an app started on it (SQLite only: the app opens a path)."""
    return db_path


@pytest.fixture
def db_target(database):
    """What ``--db`` would be for ``database``: the file's path or the server's URL."""
    from db.connection import is_postgres

    if is_postgres(database):
        return pg_support.url_of(database)
    return database.database


@pytest.fixture
def snapshot_db_path(tmp_path, monkeypatch):
    """A relative path in a private folder: screens that show the database's name show
    the same ``station.sqlite`` on every run, and parallel runs never share the file."""
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    path = Path("station.sqlite")
    open_database(path)
    yield path
    close_database()
