"""Lists for campaign tools: masked by default, unmasked only for a manager and audited."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import load_workbook

from db.queues import stored_days as due_days
from db.errors import Forbidden, Invalid
from db.export import export
from db.models import AuditEntry
from tests.doors_factory import advisor, customer, make_id, vehicle


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def station(database):
    a = customer("张伟", "13800138000", id_number=make_id(1), district="朝阳")
    vehicle(a, plate="京A12345", model="朗逸")
    vehicle(a, plate="京B67890", model="速腾")
    customer("=HYPERLINK(\"http://x\")", "13900139000")  # a formula as a name stays text
    customer("不要打扰", "13700137000", marketing_consent=False)
    customer("已合并", "13600136000", merged_into=a.id)
    return a


def test_plain_list_is_masked_and_leaves_out_refusals(station, tmp_path):
    path = tmp_path / "list.csv"
    result = export(path)
    rows = read_csv(path)
    assert rows[0][:3] == ["姓名", "手机", "身份证号"]
    assert rows[1][:5] == ["张伟", "138****8000", "110105********" + make_id(1)[-4:], "朝阳",
                           "京A12345"]
    assert rows[2][4] == "京B67890"
    assert rows[3][0] == "'=HYPERLINK(\"http://x\")"
    assert len(rows) == 4 and result.rows == 3
    assert "13800138000" not in path.read_text(encoding="utf-8-sig")
    assert AuditEntry.select().count() == 0


def test_unmasked_needs_a_manager_and_is_audited(station, tmp_path):
    with pytest.raises(Forbidden):
        export(tmp_path / "x.xlsx", unmasked=True, advisor_id=advisor("刘洋").id)
    assert not (tmp_path / "x.xlsx").exists()
    boss = advisor("王经理", role="manager")
    path = tmp_path / "x.xlsx"
    export(path, unmasked=True, advisor_id=boss.id)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:3] == ["张伟", "13800138000", make_id(1)]
    entry = AuditEntry.get(AuditEntry.action == "export")
    assert entry.advisor_id == boss.id and "x.xlsx" in entry.detail and "3 行" in entry.detail


def test_queue_export_and_bad_names(station, tmp_path):
    from db.models import Vehicle

    Vehicle.update(last_visit_date=dt.date(2026, 1, 10)).execute()  # ten months ago: drifting
    due_days.refresh_vehicles(car.id for car in Vehicle.select(Vehicle.id))  # as a write path would
    path = tmp_path / "drift.csv"
    result = export(path, queue="drifting")
    rows = read_csv(path)
    assert rows[0][-2:] == ["到期日", "原因"] and result.rows == 2
    assert rows[1][1] == "138****8000"
    with pytest.raises(Invalid):
        export(tmp_path / "x.csv", queue="no-such-queue")
    with pytest.raises(Invalid):
        export(tmp_path / "x.txt")


def test_shell_command(station, db_path, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "all.xlsx"
    done = subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "export", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "已导出 3 行" in done.stdout
    done = subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), "export", str(out),
                           "--unmasked"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "尚未登录" in done.stderr  # no manager at this OS account


def test_an_unknown_queue_or_segment_leaves_no_file_and_a_file_is_never_replaced(station, db_path, tmp_path):
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), *args],
                              capture_output=True, text=True, timeout=120)

    for wrong in (("--queue", "no-such-queue"), ("--segment", "colour:red")):
        out = tmp_path / "wrong.csv"
        done = run("export", str(out), *wrong)
        assert done.returncode == 2 and not out.exists(), done.stderr
    kept = tmp_path / "kept.csv"
    kept.write_text("mine", encoding="utf-8")
    done = run("export", str(kept))
    assert done.returncode == 2 and "已存在" in done.stderr and "--force" in done.stderr
    assert kept.read_text(encoding="utf-8") == "mine"
    done = run("export", str(kept), "--force")
    assert done.returncode == 0 and "已导出 3 行" in done.stdout
    backup = tmp_path / "copy.sqlite"
    backup.write_text("mine", encoding="utf-8")
    done = run("backup", str(backup))
    assert done.returncode == 2 and "已存在" in done.stderr and backup.read_text(encoding="utf-8") == "mine"
    assert run("backup", str(backup), "--force").returncode == 0 and backup.stat().st_size > 4
