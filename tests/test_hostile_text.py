"""Hostile bytes in stored values: escape sequences, bidi overrides and invisible characters
written straight into the SQLite file (past every validator) are shown as visible escapes
on the screen (card, lookup list, F5 list) and in every shell command's output, and never
reach the terminal raw."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from db import appointments
from db.access import add_key
from db.connection import close_database
from db.models import Vehicle
from db.safe_text import HIDDEN, dumps, hidden_in, visible
from tests import factory
from tests import queue_factory as make
from tests.conftest import TODAY
from tests.serve_support import make_client_key
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps

CLEAR = "\x1b[2J"  # clears the screen
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title (OSC 0 … BEL)
RLO = "\u202e"  # right-to-left override
NAME = f"王{CLEAR}坏{TITLE}人{RLO}"
ADDRESS = f"朝阳区{CLEAR}望京{RLO}8号"
SHOWN_NAME = "王\\x1b[2J坏\\x1b]0;pwned\\x07人\\u202e"
SHOWN_ADDRESS = "朝阳区\\x1b[2J望京\\u202e8号"


def raw_terminal_output(text: str) -> str:
    """What is left of terminal output once the colour and cursor sequences Textual itself
    writes (SGR ``ESC [ … m``, cursor moves ``ESC [ y ; x H``) are taken out."""
    return re.sub(r"\x1b\[[0-9;]*[mH]", "", text)


def assert_nothing_raw(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and RLO not in text, repr(text[:300])


# ---------------------------------------------------------------- the rule itself


def test_the_rule_covers_every_control_and_format_character():
    """The written-out class against the running Python's Unicode: all of Cc, Cf, Cs, Zl
    and Zp (anything more is a character a later Unicode made a format character)."""
    hidden = {c for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs", "Zl", "Zp")}
    matched = {c for c in range(0x110000) if HIDDEN.match(chr(c))}
    assert hidden <= matched
    assert all(unicodedata.category(chr(c)) == "Cn" for c in matched - hidden)


def test_visible_escapes_and_leaves_normal_text_alone():
    assert visible(NAME) == SHOWN_NAME
    assert visible("张伟 北京市朝阳区\u3000望京 \\ x") == "张伟 北京市朝阳区\u3000望京 \\ x"
    assert visible("a\u2066b\u2069\ufeff\u200b\x9b\x7f\U000e0041") == "a\\u2066b\\u2069\\ufeff\\u200b\\x9b\\x7f\\U000e0041"
    assert visible("line\none\tTab") == "line\\none\\tTab"
    assert visible("line\none\tTab\r", keep="\n\t") == "line\none\tTab\\r"
    assert hidden_in(NAME) == ["\\x1b", "\\x07", "\\u202e"]


def test_json_keeps_values_exact_but_escapes_hidden_characters():
    value = {"name": NAME + "\x7f\x9b\u2066\U000e0041", "city": "成都"}
    text = dumps(value, indent=1)
    assert json.loads(text) == value
    assert "成都" in text  # Chinese stays readable
    assert_nothing_raw(text)
    assert "\\u202e" in text and "\\u007f" in text and "\\u009b" in text and "\\udb40\\udc41" in text
    assert "\x7f" not in text and "\x9b" not in text and "\u2066" not in text


# ---------------------------------------------------------------- a station with a hostile archive


def hostile_station() -> None:
    """A customer due a follow-up call (a visit two days ago), created properly, whose name
    and address are then overwritten by another client straight in the file."""
    person = make.customer(name="王坏人", mobile="13800138000", home_address="朝阳区望京8号")
    car = make.vehicle(person, plate="京A12345", purchase_date=dt.date(2022, 5, 1))
    make.visit(car, TODAY - dt.timedelta(days=2), mileage=42000, fee="680")


def poison(db_path) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE customer SET name = ?, home_address = ?", (NAME, ADDRESS))


@pytest.fixture
def hostile_db(database, db_path):
    hostile_station()
    close_database()
    poison(db_path)
    return db_path


async def test_card_lookup_list_and_f5_list_show_escapes(hostile_db):
    app = make_app(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"wanghuairen")
        text = await screen_text_when(pilot, "王\\x1b")
        assert "王\\x1b" in text  # the lookup list: the name's start, cut to its column
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))

        await pilot.press("enter")
        await settle(pilot)
        text = await screen_text_when(pilot, SHOWN_NAME)
        assert SHOWN_NAME in text and SHOWN_ADDRESS in text  # the card, whole
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))

        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("enter")  # the follow-up calls, the first queue
        await settle(pilot)
        text = await screen_text_when(pilot, "王\\x1b")
        assert "回访：1 行" in text and "王\\x1b" in text
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))


async def test_reception_brief_shows_escapes(hostile_db):
    from tests.tui_helpers import find

    app = make_app(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await find(pilot, "京A12345")
        text = await screen_text_when(pilot, SHOWN_NAME)
        assert SHOWN_NAME in text
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))


def test_messages_filled_with_a_value_show_its_escapes():
    """Toasts, status lines and shell messages come from the catalogue: what they are
    filled with is shown by the rule (line breaks kept)."""
    from db.i18n import t

    text = t("prospects.reopened", name=NAME)
    assert SHOWN_NAME in text
    assert_nothing_raw(text)
    assert t("cli.error", message="两行\n说明").endswith("两行\n说明")
    # Not only strings: a path, an exception are filled in as their text, by the same rule.
    text = t("cli.export.done", rows="1", path=Path(f"/tmp/list{TITLE}.csv"))
    assert "list\\x1b]0;pwned\\x07.csv" in text
    assert_nothing_raw(t("cli.error", message=OSError(f"cannot open {NAME}")))


async def test_what_a_screen_misses_never_reaches_the_terminal(hostile_db):
    """The last guard: a value painted raw by any widget (here a bare Static) loses its
    hidden characters before the terminal, and the line keeps its width."""
    from rich.text import Text
    from textual.widgets import Static

    app = make_app(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.screen.mount(Static(Text(f"[{NAME}]"), id="raw"))
        await settle(pilot)
        text = screen_text(app)
        assert "[王[2J坏]0;pwned人]" in text
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))


# ---------------------------------------------------------------- the shell


def advisor(db_path, *args: str) -> subprocess.CompletedProcess:
    """The real command, as a user runs it: its bytes on stdout and stderr."""
    return subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "--today", TODAY.isoformat(),
                           *args], capture_output=True, timeout=120)


def assert_shown(output: bytes, *pieces: str) -> str:
    text = output.decode("utf-8")
    assert_nothing_raw(text)
    for piece in pieces:
        assert piece in text, (piece, text[:2000])
    return text


def test_find_queues_and_quality_print_escapes(hostile_db):
    found = advisor(hostile_db, "find", "wanghuairen")
    assert found.returncode == 0, found.stderr
    assert_shown(found.stdout, SHOWN_NAME)
    assert len(found.stdout.decode().splitlines()[0].split("\t")) == 7  # the columns hold

    found = advisor(hostile_db, "find", "wanghuairen", "--json")
    text = assert_shown(found.stdout, "\\u001b[2J", "\\u202e")
    assert json.loads(text)[0]["name"] == NAME  # exact for a program reading it

    queue = advisor(hostile_db, "queues", "follow_up")
    assert_shown(queue.stdout, SHOWN_NAME)
    queue = advisor(hostile_db, "queues", "follow_up", "--json")
    assert json.loads(assert_shown(queue.stdout, "\\u202e"))[0]["name"] == NAME

    quality = advisor(hostile_db, "quality")
    text = assert_shown(quality.stdout, SHOWN_NAME, "含有控制字符或不可见字符：\\x1b \\x07 \\u202e",
                        SHOWN_ADDRESS)
    assert "住址" in text or "home_address" in text
    quality = advisor(hostile_db, "quality", "--json")
    data = json.loads(assert_shown(quality.stdout))
    assert {b["field"] for b in data["bad"]} >= {"name", "home_address"}


def test_report_and_export_messages_print_escapes(hostile_db, tmp_path):
    report = advisor(hostile_db, "report")
    assert report.returncode == 0, report.stderr
    assert_shown(report.stdout)
    assert_shown(advisor(hostile_db, "report", "--json").stdout)
    target = tmp_path / f"list{RLO}.csv"
    done = advisor(hostile_db, "export", str(target))
    assert done.returncode == 0, done.stderr
    assert_shown(done.stdout, "list\\u202e.csv")


# ---------------------------------------------------------------- a sales sheet's header

OSC_HEADER = "备注\x1b]0;pwned\x07"


def sales_sheet(tmp_path):
    from tests.test_importer import HEADER, good_rows, write_csv

    path = tmp_path / "sales.csv"
    write_csv(path, [*HEADER[:-1], OSC_HEADER], good_rows(2))
    return path


def test_import_echoes_an_unknown_header_visibly(database, db_path, tmp_path):
    close_database()
    done = advisor(db_path, "import", str(sales_sheet(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert_shown(done.stdout, "备注\\x1b]0;pwned\\x07")
    assert_shown(done.stderr)


async def test_import_screen_shows_an_unknown_header_visibly(database, db_path, tmp_path):


    path = sales_sheet(tmp_path)
    close_database()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f7", "ctrl+o", tuple(str(path)), "enter")
        text = await screen_text_when(pilot, "备注\\x1b]0;pwned\\x07")
        assert "备注\\x1b]0;pwned\\x07" in text
        assert_nothing_raw(raw_terminal_output(
            app.screen._compositor.render_update(full=True).render_segments(app.console)))


# ---------------------------------------------------------------- every --json output

ODD = "\x7f\x9b\u200b\u2066\U000e0041"  # DEL, a C1 control, zero-width, an isolate, a tag
JSON_NAME = NAME + ODD
JSON_RUNS = {  # every shell command that has --json, run as a user would over a hostile archive
    "find": ["find", "wanghuairen", "--json"],
    "queues": ["queues", "follow_up", "--json"],
    "quality": ["quality", "--json"],
    "report": ["report", "--json"],
    "appointments": ["appointments", "--day", (TODAY + dt.timedelta(days=1)).isoformat(), "--json"],
    "book": ["book", "京A12345", "--at", f"{TODAY + dt.timedelta(days=2)} 10:00", "--json"],
    "keys": ["keys", "list", "--json"],
}


def json_commands() -> set[str]:
    from tui.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    found = set()
    for name, sub in commands.items():
        for action in sub._actions:
            if "--json" in action.option_strings:
                found.add(name)
            choices = getattr(action, "choices", None)
            for nested in (choices.values() if isinstance(choices, dict) else ()):  # keys list --json
                if any("--json" in a.option_strings for a in nested._actions):
                    found.add(name)
    return found


def test_every_json_command_is_checked_below():
    """A new command with --json must join JSON_RUNS (and so the test after this one)."""
    assert json_commands() == set(JSON_RUNS)


@pytest.fixture
def hostile_everywhere(database, db_path, tmp_path):
    """The hostile station, its customer booked for tomorrow, its advisor (with a key)
    renamed in the file too: every --json command has a hostile value to print."""
    hostile_station()
    manager = factory.advisor("刘洋", role="manager", login="liuyang")
    add_key(manager.id, manager.id, make_client_key(tmp_path, "liu").with_suffix(".pub").read_text())
    appointments.book(vehicle_id=Vehicle.get().id, at=dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(9)),
                      booked_by=manager.id, advisor_id=manager.id, request="保养")
    close_database()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE customer SET name = ?, home_address = ?", (JSON_NAME, ADDRESS))
        raw.execute("UPDATE advisor SET name = ?", (JSON_NAME,))
        raw.execute("UPDATE appointment SET request = ?", (JSON_NAME,))
        raw.execute("UPDATE visit SET advisor_id = ?", (manager.id,))  # the report's advisor lines
    return db_path


@pytest.mark.parametrize("command", sorted(JSON_RUNS))
def test_every_json_output_is_valid_exact_and_escaped(hostile_everywhere, command):
    done = advisor(hostile_everywhere, *JSON_RUNS[command])
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert not HIDDEN.search(text.replace("\n", "")), repr(text[:500])  # nothing raw, C1 and DEL included
    assert JSON_NAME in strings(json.loads(text)), text[:1000]  # exact for a program reading it


def strings(value) -> set[str]:
    """Every string a JSON value holds, however deep."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return set().union(*(strings(item) for item in items))


# ---------------------------------------------------------------- bytes that are not UTF-8

NOT_UTF8 = "E78E8B" + "EDA080" + "FF"  # 王, a lone surrogate as UTF-8 would spell it, a stray byte
SHOWN_NOT_UTF8 = "王\\udced\\udca0\\udc80\\udcff"


@pytest.fixture
def not_utf8_db(database, db_path):
    """Another tool wrote bytes into the name that no UTF-8 reader accepts."""
    hostile_station()
    close_database()
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"UPDATE customer SET name = CAST(X'{NOT_UTF8}' AS TEXT)")
    return db_path


def test_bytes_that_are_not_utf8_are_shown_not_a_traceback(not_utf8_db):
    found = advisor(not_utf8_db, "find", "13800138000")
    assert found.returncode == 0, found.stderr
    assert_shown(found.stdout, SHOWN_NOT_UTF8)
    found = advisor(not_utf8_db, "find", "13800138000", "--json")
    assert json.loads(assert_shown(found.stdout))[0]["name"] == "王\udced\udca0\udc80\udcff"
    quality = advisor(not_utf8_db, "quality")
    assert quality.returncode == 0, quality.stderr
    assert_shown(quality.stdout, f"{SHOWN_NOT_UTF8} · 姓名")


def test_a_save_beside_bytes_that_are_not_utf8_keeps_them(not_utf8_db):
    """Another field of that customer is saved; the search keys rebuilt from the name are
    written with U+FFFD for what could not be read, the name's own bytes stay as they were."""
    from db import archive
    from db.connection import open_database, resolve_target
    from db.models import Customer

    open_database(resolve_target(str(not_utf8_db)))
    customer = Customer.get()
    archive.update_customer(customer.id, customer.version, {"occupation": "教师"}, None)
    close_database()
    with sqlite3.connect(not_utf8_db) as raw:
        name, key, occupation = raw.execute("SELECT hex(name), name_key, occupation FROM customer").fetchone()
    assert (name, occupation) == (NOT_UTF8, "教师")
    assert key.startswith("王") and "\ufffd" in key


# ---------------------------------------------------------------- every screen that lists stored text

DROPPED = re.compile(r"(?<!\\x1b)\]0;pwned")  # what the screen's last guard leaves of a missed value


@pytest.fixture
def hostile_book(database, db_path):
    """The hostile station with a booking today (the home screen's arrivals) and tomorrow
    (the book opens there), for an advisor and with a request that are hostile too."""
    hostile_station()
    factory.advisor("刘洋", role="manager")
    other = factory.advisor("王顾问")
    car = Vehicle.get()
    for days in (1, 2):  # booked ahead (a past time is refused), then moved in the file
        appointments.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(16)),
                          booked_by=other.id, advisor_id=other.id, request="保养")
    make.prospect(name="李四")
    close_database()
    poison(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE appointment SET day = date(day, '-1 day')")
        raw.execute("UPDATE advisor SET name = ? WHERE id = ?", (f"王{TITLE}顾问[/b]", other.id))
        raw.execute("UPDATE appointment SET request = ?", (f"保养{TITLE}",))
        raw.execute("UPDATE prospect SET name = ?", (NAME,))
    return db_path


async def test_the_book_and_the_arrivals_show_escapes_not_what_the_guard_left(hostile_book):
    """Values the screen's guard would catch are painted as escapes by the screen itself:
    the home screen's arrivals (name and request), the book's grid, title line (the
    advisors) and detail, F6's list."""
    app = make_app(hostile_book)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys, wanted in (((), "王\\x1b"), ((), "保养\\x1b]0;"), (("f12",), "王\\x1b]0;pwned\\x07顾问"),
                             (("f6",), "王\\x1b")):
            await steps(pilot, *keys)
            text = await screen_text_when(pilot, wanted)
            assert wanted in text and not DROPPED.search(text), text
            assert_nothing_raw(raw_terminal_output(
                app.screen._compositor.render_update(full=True).render_segments(app.console)))
        await steps(pilot, "f12")
        for _ in range(20):  # down the grid to the booking at 16:00: its detail under the grid
            if "#2 16:00" in (text := screen_text(app)):
                break
            await steps(pilot, "down")
        assert f"#2 16:00 京A12345 {SHOWN_NAME}" in text and not DROPPED.search(text), text


async def test_a_toast_is_plain_text_whoever_raises_it(database, db_path):
    """A toast filled with a stored plate or name that holds '[' (the catalogue has no
    markup): shown as it is, from the app or any widget, never parsed (a '[/b]' would stop
    the program with a MarkupError, a '[link=…]' make a link)."""
    factory.advisor("刘洋", role="manager")
    close_database()
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.screen.notify("已预约 京A[/b]", timeout=30)  # Widget.notify asks for markup by default
        app.notify('[link="http://x"]王芳[/link]', timeout=30)
        text = await screen_text_when(pilot, "京A[/b]", '[link="http://x"]王芳[/link]')
        assert "京A[/b]" in text and '[link="http://x"]王芳[/link]' in text, text


async def test_the_audit_logs_advisor_choice_shows_names_as_plain_text(hostile_book):
    """The manager's audit log offers the advisors by name: a stored name holding an escape
    sequence and a '[/b]' is shown with its escapes, as written (a choice parsed as markup
    stopped the screen with a MarkupError)."""
    from textual.widgets import Select

    app = make_app(hostile_book)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f8", "ctrl+o")
        app.set_focus(app.screen.query_one("#audit-advisor", Select))
        await steps(pilot, "enter")  # the choice opens
        text = await screen_text_when(pilot, "王\\x1b]0;pwned\\x07顾问[/b]")
        assert "王\\x1b]0;pwned\\x07顾问[/b]" in text and not DROPPED.search(text), text


async def test_the_segment_choice_shows_a_stored_district_with_its_escapes(hostile_db):
    """F5's segment choice lists the districts the customers live in, as stored."""
    with sqlite3.connect(hostile_db) as raw:
        raw.execute("UPDATE customer SET district = ?", (f"朝阳区{TITLE}",))
    app = make_app(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f5", "c")
        for _ in range(60):  # down the list to the districts
            if "朝阳区\\x1b" in (text := screen_text(app)):
                break
            await steps(pilot, "down")
        assert "朝阳区\\x1b]0;pwned\\x07" in text and not DROPPED.search(text), text
