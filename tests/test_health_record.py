"""The repair health record on a hand-made station: its 13 columns, one CSV row per part
line (a visit without parts: one row), JSON with parts nested, the period, managers only,
hostile values; and ``advisor health-record`` / ``advisor order`` as a user runs them."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from db import advisors, settings
from db.connection import close_database
from db.errors import Forbidden, Invalid
from db.health_record import export_health_record
from db.models import Advisor, AuditEntry, Visit
from tests import factory
from tests import papers_factory as pf
from tests.test_cli import advisor as run_advisor
from tests.test_papers import text_of


COLUMNS = ["企业名称", "车辆识别代号", "车牌号码", "送修日期", "送修里程", "结算日期", "结算编号", "故障描述",
           "维修项目", "工时", "配件名称", "配件编码", "配件数量"]


@pytest.fixture
def visits(database):
    made = pf.station()
    settings.set_value("store.name", "成都捷达4S店")
    return made


@pytest.fixture
def manager(visits):
    return factory.advisor("张经理", role="manager").id


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to show the Chinese
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_csv_has_the_13_columns_and_a_row_per_part_line(visits, manager, tmp_path):
    result = export_health_record(tmp_path / "record.csv", advisor_id=manager)
    rows = read_csv(result.path)
    assert rows[0] == COLUMNS
    assert (result.visits, result.rows) == (2, 4)  # the open visit is not settled
    repair = [r for r in rows[1:] if r[6] == "JS20260105-0001"]
    assert [r[10:] for r in repair] == [["前刹车片", "1K0698151", "1"], ["制动液", "B000750M3", "2"],
                                        ["轮毂盖", "", "1"]]
    assert repair[0][:10] == ["成都捷达4S店", pf.VIN_A, pf.PLATE_A, "2026-01-05", "45210", "2026-01-05",
                              "JS20260105-0001", "刹车时有异响，右前方", "更换前刹车片；检查制动盘", "1.5"]
    plain = [r for r in rows[1:] if r[6] == "JS20260110-0001"]
    assert plain == [["成都捷达4S店", pf.VIN_B, pf.PLATE_B, "2026-01-10", "8000", "2026-01-11",
                      "JS20260110-0001", "常规保养", "", "1", "", "", ""]]
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == 1


def test_json_nests_the_parts_and_the_period_is_by_settlement_date(visits, manager, tmp_path):
    result = export_health_record(tmp_path / "record.json", advisor_id=manager,
                                  date_from=dt.date(2026, 1, 6), date_to=dt.date(2026, 1, 31))
    data = json.loads(result.path.read_text(encoding="utf-8"))
    assert data == [{"company": "成都捷达4S店", "vin": pf.VIN_B, "plate": pf.PLATE_B, "date_in": "2026-01-10",
                     "mileage_in": 8000, "settled_on": "2026-01-11", "settlement_no": "JS20260110-0001",
                     "fault": "常规保养", "repair_items": "", "labour_hours": 1, "parts": []}]
    whole = json.loads(export_health_record(tmp_path / "all.json", advisor_id=manager).path.read_text())
    assert [p["part_quantity"] for p in whole[0]["parts"]] == [1, 2, 1] and whole[0]["labour_hours"] == 1.5


def test_only_managers_and_clear_refusals(visits, manager, tmp_path):
    clerk = factory.advisor("刘洋").id
    with pytest.raises(Forbidden):
        export_health_record(tmp_path / "r.csv", advisor_id=clerk)
    with pytest.raises(Invalid, match=r"\.csv 或 \.json"):
        export_health_record(tmp_path / "r.txt", advisor_id=manager)
    with pytest.raises(Invalid, match="晚于"):
        export_health_record(tmp_path / "r.csv", advisor_id=manager, date_from=dt.date(2026, 2, 1),
                             date_to=dt.date(2026, 1, 1))
    kept = tmp_path / "kept.csv"
    kept.write_text("mine")
    with pytest.raises(Invalid, match="已存在"):
        export_health_record(kept, advisor_id=manager)
    assert kept.read_text() == "mine" and not (tmp_path / "r.csv").exists()


def test_hostile_values_never_become_formulas_or_raw_controls(visits, manager, tmp_path):
    Visit.update(work_requested="=HYPERLINK(\"http://evil\")", work_done="换\x1b[2J油").where(
        Visit.work_order_no == "WO20260110-0002").execute()
    rows = read_csv(export_health_record(tmp_path / "r.csv", advisor_id=manager).path)
    plain = [r for r in rows if r[6] == "JS20260110-0001"][0]
    assert plain[7] == "'=HYPERLINK(\"http://evil\")" and plain[8] == "换\\x1b[2J油"
    text = export_health_record(tmp_path / "r.json", advisor_id=manager).path.read_text()
    assert "\x1b" not in text and json.loads(text)[1]["repair_items"] == "换\x1b[2J油"


# ---------------------------------------------------------------- the shell commands


@pytest.fixture
def shell_station(visits, db_path):
    factory.advisor("张经理", role="manager")
    close_database()
    return str(db_path)


def as_me(db_path: str, name: str) -> None:
    """Map this OS account to advisor ``name`` (what signing in once does)."""
    from db.connection import open_database

    open_database(db_path)
    Advisor.update(os_user=None).where(Advisor.os_user == advisors.os_user()).execute()
    Advisor.update(os_user=advisors.os_user()).where(Advisor.name == name).execute()
    close_database()


def test_order_command_writes_both_papers_and_refuses_an_existing_file(shell_station, tmp_path):
    as_me(shell_station, "刘洋")
    order = tmp_path / "order.pdf"
    done = run_advisor("--db", shell_station, "order", "WO20260105-0007", "--pdf", str(order))
    assert done.returncode == 0 and "接车单已存为" in done.stdout, done.stderr
    assert pf.VIN_A in text_of(order.read_bytes())
    again = run_advisor("--db", shell_station, "order", "WO20260105-0007", "--pdf", str(order))
    assert again.returncode == 2 and "已存在" in again.stderr and "--force" in again.stderr
    statement = tmp_path / "statement.pdf"
    done = run_advisor("--db", shell_station, "--today=2026-02-03", "order", "WO20260201-0001", "--settlement",
                       "--pdf", str(statement))
    assert done.returncode == 0, done.stderr
    assert "结算编号：JS20260203-0001" in text_of(statement.read_bytes())
    missing = run_advisor("--db", shell_station, "order", "WO-NOPE", "--pdf", str(tmp_path / "x.pdf"))
    assert missing.returncode == 2 and "没有工单号为 WO-NOPE 的工单" in missing.stderr
    english = run_advisor("--db", shell_station, "--lang", "en", "order", "WO-NOPE")
    assert english.returncode == 2 and "No work order is numbered WO-NOPE" in english.stderr


def test_order_command_without_a_file_goes_to_the_print_folder(shell_station, tmp_path):
    done = run_advisor("--db", shell_station, "order", "WO20260105-0007")
    expected = tmp_path / "print" / "order-WO20260105-0007.pdf"
    assert done.returncode == 0 and str(expected) in done.stdout and expected.exists(), done.stderr


def test_health_record_command_is_for_managers(shell_station, tmp_path):
    out = tmp_path / "record.csv"
    as_me(shell_station, "刘洋")
    refused = run_advisor("--db", shell_station, "health-record", str(out))
    assert refused.returncode == 2 and not out.exists() and "导出维修电子健康档案" in refused.stderr
    as_me(shell_station, "张经理")
    done = run_advisor("--db", shell_station, "health-record", "--from", "2026-01-01", "--to", "2026-01-31",
                       str(out))
    assert done.returncode == 0 and "已导出 2 次结算（4 行）" in done.stdout, done.stderr
    assert read_csv(out)[0] == COLUMNS
    bad = run_advisor("--db", shell_station, "health-record", "--from", "someday", str(tmp_path / "y.csv"))
    assert bad.returncode == 2 and "someday" in bad.stderr
