"""``advisor book`` and ``advisor appointments`` as a user runs them: real processes on a
real SQLite file; exit codes and JSON as the issue fixes them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.connection import close_database
from tests import factory
from tests.test_cli import advisor

DAY = "--today=2026-11-26"


@pytest.fixture
def station(database, db_path):
    owner = factory.customer("王芳", "13800138000")
    factory.vehicle(owner, factory.vin_with_check("LSVAB2AB00000001"), "川A12345", since=dt.date(2020, 1, 1))
    other = factory.customer("李强", "13900139000")
    for n in range(2):
        factory.vehicle(other, factory.vin_with_check(f"LSVAB2AB0000010{n}"), f"川B5432{n}", since=dt.date(2021, 1, 1))
    factory.advisor("刘洋")
    close_database()
    return str(db_path)


def test_book_prints_one_json_object_and_lists_it(station):
    done = advisor("--db", station, DAY, "book", "川A12345", "--at", "2026-11-27 09:00", "--for", "刘洋",
                   "--note", "保养，左前轮异响", "--json")
    assert done.returncode == 0, done.stderr
    booked = json.loads(done.stdout)
    assert {k: booked[k] for k in ("appointment_id", "customer_id", "vehicle_id", "plate", "at", "status")} == {
        "appointment_id": 1, "customer_id": 1, "vehicle_id": 1, "plate": "川A12345", "at": "2026-11-27 09:00",
        "status": "booked"}
    assert booked["request"] == "保养，左前轮异响" and booked["advisor"] == "刘洋"
    listed = advisor("--db", station, DAY, "appointments", "--day", "2026-11-27", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == [booked]
    plain = advisor("--db", station, DAY, "appointments", "--day", "2026-11-27")
    assert plain.stdout.split("\t")[:5] == ["1", "2026-11-27 09:00", "川A12345", "王芳", "已预约"]
    cancelled = advisor("--db", station, DAY, "appointments", "--cancel", "1", "--reason", "出差", "--json")
    assert cancelled.returncode == 0 and json.loads(cancelled.stdout)["status"] == "cancelled"
    empty = advisor("--db", station, DAY, "appointments", "--json")
    assert json.loads(empty.stdout) == []


def test_a_full_slot_exits_1_naming_the_nearest_free_slots(station, db_path):
    from db.connection import open_database

    open_database(db_path)
    from db import appointments

    fleet = factory.customer("赵六", "13700137000")
    for n in range(4):
        car = factory.vehicle(fleet, factory.vin_with_check(f"LSVAB2AB0000020{n}"), f"川C1111{n}",
                              since=dt.date(2020, 1, 1))
        appointments.book(vehicle_id=car.id, at=dt.datetime(2026, 11, 27, 9, 0), booked_by=None)
    close_database()
    full = advisor("--db", station, DAY, "book", "川A12345", "--at", "2026-11-27 09:00", "--json")
    assert full.returncode == 1 and full.stdout == ""
    assert "已约满" in full.stderr and "2026-11-27 08:30" in full.stderr and "2026-11-27 09:30" in full.stderr


@pytest.mark.parametrize("args, says", [
    (("川Z99999", "--at", "2026-11-27 09:00"), "没有找到车辆"),
    (("李强", "--at", "2026-11-27 09:00"), "找到 2 辆车"),
    (("川A12345", "--at", "2026-11-27 18:00"), "营业时间"),
    (("川A12345", "--at", "2026-11-25 09:00"), "已经过去"),
    (("川A12345", "--at", "明天"), "年-月-日"),
    (("川A12345", "--at", "2026-11-27 09:00", "--for", "无名氏"), "无名氏"),
])
def test_anything_else_exits_2_with_a_message(station, args, says):
    done = advisor("--db", station, DAY, "book", *args, "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert says in done.stderr


def test_cancel_of_an_unknown_appointment_exits_2_in_english(station):
    done = advisor("--db", station, DAY, "--lang", "en", "appointments", "--cancel", "9")
    assert done.returncode == 2 and "no appointment number 9" in done.stderr


def test_listing_shows_no_shows_without_writing_and_the_sweep_writes_them(station):
    """`appointments` reads: a booking past its no-show time is listed as one while the file
    keeps it booked; `--mark-no-shows` stores it (audited) and says how many."""
    booked = advisor("--db", station, "--today=2026-11-24", "book", "川A12345", "--at", "2026-11-25 09:00")
    assert booked.returncode == 0, booked.stderr
    listed = advisor("--db", station, DAY, "appointments", "--day", "2026-11-25", "--json")
    assert json.loads(listed.stdout)[0]["status"] == "no_show"
    again = advisor("--db", station, DAY, "appointments", "--mark-no-shows")
    assert again.returncode == 0 and "1" in again.stdout
    swept = advisor("--db", station, DAY, "appointments", "--mark-no-shows", "--json")
    assert json.loads(swept.stdout) == {"marked": 0}
    audit = advisor("--db", station, DAY, "audit-verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
