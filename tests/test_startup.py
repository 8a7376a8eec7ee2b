"""The way to the first frame: `advisor` started in a fresh interpreter, as an advisor
starts it, loads none of the heavy modules that only some commands and screens need, and
its first frame is the ready reception screen.

Each start runs in a subprocess (a module imported by an earlier test would hide one
imported on the way): ``tui.cli.main`` with ``--db``, the app run headless at 80×24, and
when Textual says the first frame is drawn (``Ready``) the child writes what is loaded
and what the screen shows, then quits.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import advisors
from db.connection import close_database, open_database
from tests.tui_helpers import make_app, settle
from tui import collector

ROOT = Path(__file__).resolve().parent.parent

# Loaded only by the command or screen that needs them: sheets (import, export), pinyin
# (the lookup's first search), the PostgreSQL driver (a postgresql:// target), the report,
# and, when they come, the SSH server and the PDF writer.
HEAVY = ("openpyxl", "pypinyin", "psycopg2", "db.report", "tui.report_render", "asyncssh", "reportlab")

CHILD = r"""
import gc, json, sys
from textual.app import App

import tui.app

out = sys.argv[1]

def first_frame(app):
    from tui.widgets.greeting import GreetingBanner
    greeting = app.screen_stack[0].query_one(GreetingBanner).render().plain
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"modules": sorted(sys.modules), "greeting": greeting,
                   "screen": type(app.screen).__name__, "collecting": gc.isenabled(),
                   "workers": sorted(w.group for w in app.workers)}, fh)
    app.exit()

tui.app.AdvisorApp.on_ready = first_frame
run = App.run
App.run = lambda self, **kw: run(self, headless=True, size=(80, 24))

from tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def first_frame(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "first_frame.json"
    env = {k: v for k, v in os.environ.items() if k not in ("ADVISOR_DB", "ADVISOR_TODAY")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(out), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def station(db_path):
    """A station file with an advisor this OS account signed in as before."""
    open_database(db_path)
    advisors.sign_in("王芳")
    close_database()
    return db_path


def test_the_first_frame_greets_the_advisor_and_loads_nothing_heavy(station, tmp_path):
    shown = first_frame(tmp_path, "--db", str(station), "--today", "2026-11-26")
    assert shown["screen"] == "IntakeScreen"
    assert "服务顾问王芳，" in shown["greeting"]  # whose desk it is, in the first frame
    loaded = set(shown["modules"])
    heavy = [name for name in HEAVY if name in loaded or any(m.startswith(name + ".") for m in loaded)]
    assert heavy == [], f"imported on the way to the first frame: {heavy}"
    # the work order's form is built after the first frame, not before it
    assert "tui.widgets.intake_form" not in loaded
    # the appointment book comes with its screen (F12) or the first booking read
    assert [name for name in ("db.appointments", "tui.screens.book", "tui.widgets.book_grid") if name in loaded] == []
    # the shell's parser imports the module of the command named, and here none is
    commands = sorted(m for m in loaded if m.startswith("tui.shell.") and not m.startswith("tui.shell._"))
    assert commands == []
    # nothing runs beside the first frame: no worker (the draft is looked for once it is
    # drawn), no cycle collection (tui/collector.py: it starts again from that frame)
    assert shown["workers"] == [] and shown["collecting"] is False


def test_a_first_start_loads_nothing_heavy_either(app_db, tmp_path):
    """Nobody remembered for this OS account: the reception comes up and asks who it is."""
    shown = first_frame(tmp_path, "--db", str(app_db), "--today", "2026-11-26")
    assert shown["screen"] in ("IntakeScreen", "SignInScreen")
    loaded = set(shown["modules"])
    assert [name for name in HEAVY if name in loaded] == []


async def test_the_collector_held_for_the_start_runs_again_from_the_first_frame(app_db):
    """Held off by the program's start (tui/collector.py), the cycle collector is on again
    once the first frame is drawn, with what lived then frozen out of its passes."""
    collector.hold()
    try:
        assert not gc.isenabled()
        app = make_app(app_db)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process's objects go back to the collector
        gc.enable()
