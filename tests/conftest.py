"""Shared fixtures: a real SQLite file per test, a pinned today, Chinese texts."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")  # no cursor blink in snapshots

import pytest

from db import clock
from db.connection import close_database, open_database
from db.i18n import set_language

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    """Every test sees the same today, in Chinese, with no stray environment."""
    monkeypatch.delenv("ADVISOR_DB", raising=False)
    monkeypatch.delenv("ADVISOR_TODAY", raising=False)
    monkeypatch.delenv("ADVISOR_LANG", raising=False)
    set_language("zh")
    clock.pin_today(TODAY)
    yield
    clock.pin_today(None)
    set_language("zh")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "station.sqlite"


@pytest.fixture
def database(db_path):
    """An opened, migrated, empty archive in a real file."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def snapshot_db_path():
    """A fixed path, so that screens showing the database's name snapshot the same each run."""
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "advisor-snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / "station.sqlite"
    open_database(path)
    yield path
    close_database()
