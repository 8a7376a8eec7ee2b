"""``writing()`` waits its turn: a busy database delays a save, it does not refuse it."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from db import connection
from db.connection import is_postgres, writing
from db.errors import DatabaseProblem
from db.models import Setting
from tests.pg_support import _connect, url_of


def _holder(database):
    """Another desk holding the writers' lock, as its own connection."""
    if is_postgres(database):
        conn = _connect(url_of(database))
        conn.autocommit = False
        conn.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (connection.WRITE_LOCK_KEY,))
        return conn
    conn = sqlite3.connect(database.database, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def _shorten_waits(database, monkeypatch) -> None:
    # Each wait gives up after 50 ms, so that the retry, not one long wait, must carry the save.
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    if not is_postgres(database):
        database.execute_sql("PRAGMA busy_timeout = 50")


def test_a_save_waits_for_the_desk_before_it(database, monkeypatch):
    _shorten_waits(database, monkeypatch)
    other = _holder(database)
    threading.Timer(0.6, other.commit).start()  # the other desk finishes in 0.6 s
    with writing():
        Setting.create(key="x", value="1", updated_at="2026-11-26 09:00:00")
    other.close()
    assert Setting.get().value == "1"


def test_a_desk_that_never_finishes_gives_a_clear_message(database, monkeypatch):
    _shorten_waits(database, monkeypatch)
    monkeypatch.setattr(connection, "WRITE_PATIENCE_S", 0.3)
    other = _holder(database)
    try:
        with pytest.raises(DatabaseProblem, match="数据库正忙"):
            with writing():
                Setting.create(key="x", value="1", updated_at="2026-11-26 09:00:00")
    finally:
        other.rollback()
        other.close()
    assert Setting.select().count() == 0
    with writing():  # and the connection works on
        Setting.create(key="y", value="2", updated_at="2026-11-26 09:00:00")
