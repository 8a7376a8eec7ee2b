"""The sales department's sheet: real .xlsx and .csv files, bad rows, re-runs, a killed run."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import pytest
from openpyxl import Workbook

from db import importer, prospects
from db.errors import Invalid
from db.models import AuditEntry, Contact, Customer, Ownership, Prospect, Setting, Vehicle
from tests.doors_factory import advisor, customer, make_id, make_vin, vehicle

HEADER = ["客户姓名", "手机号码", "身份证号", "车架号", "车牌号", "车型", "车身颜色", "发动机号",
          "开票日期", "地址", "备注"]


def good_rows(n: int, start: int = 1) -> list[list]:
    return [[f"客户{i}", f"1380013{i:04d}", make_id(i), make_vin(i), f"京A{i:05d}", "朗逸", "白",
             f"e{i}x", f"2023/5/{i % 28 + 1}", "北京市朝阳区", ""] for i in range(start, start + n)]


def write_xlsx(path, header, rows) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("销售")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path, header, rows, encoding="utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def read_rejects(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


BAD_ROWS = [  # (row, what the reason must say)
    (["", "13800130001", "", make_vin(901), "", "", "", "", "", "", ""], "请填写姓名"),
    (["坏手机", "1380013", "", make_vin(902), "", "", "", "", "", "", ""], "手机号应为 11 位"),
    (["坏证件", "", "110105198503120011", make_vin(903), "", "", "", "", "", "", ""], "校验位"),
    (["坏车架", "", "", "LFV2A2150A000090O", "", "", "", "", "", "", ""], "不用字母 O"),
    (["校验错", "", "", make_vin(905)[:8] + "X" + make_vin(905)[9:]
      if make_vin(905)[8] != "X" else make_vin(905)[:8] + "1" + make_vin(905)[9:], "", "", "", "", "", "", ""],
     "校验码"),
    (["坏车牌", "", "", make_vin(906), "A12345", "", "", "", "", "", ""], "省份简称"),
    (["坏日期", "", "", make_vin(907), "", "", "", "", "2023-02-30", "", ""], "没有这个日期"),
    (["未来", "", "", make_vin(908), "", "", "", "", "2027-01-01", "", ""], "不合理"),
    (["重复", "", "", make_vin(1), "", "", "", "", "", "", ""], "第 2 行重复"),
]


def test_xlsx_with_date_cells_and_bad_rows(database, tmp_path):
    path = tmp_path / "销售档案.xlsx"
    rows = good_rows(3)
    rows[0][8] = dt.datetime(2023, 5, 1)  # an Excel date cell
    rows[1][8] = "2023年6月2日"
    rows[2][1] = 13800130003  # a mobile typed as a number
    rows[2][8] = 45231  # a date cell that lost its format (Excel serial: 2023-11-01)
    write_xlsx(path, HEADER, rows + [r for r, _ in BAD_ROWS])
    result = importer.run_import(path)
    assert (result.rows, result.new, result.rejected, result.new_customers) == (12, 3, 9, 3)
    assert result.unmapped == ["备注"]

    cars = {c.vin: c for c in Vehicle.select()}
    assert len(cars) == 3
    first = cars[make_vin(1)]
    assert first.purchase_date == dt.date(2023, 5, 1) and first.sold_here and first.plate == "京A00001"
    assert first.engine_no == "E1X" and first.brand == "一汽-大众" and first.plate_rev == "10000A京"
    assert cars[make_vin(2)].purchase_date == dt.date(2023, 6, 2)
    assert cars[make_vin(3)].purchase_date == dt.date(2023, 11, 1)
    owner = first.owner
    assert (owner.name, owner.mobile, owner.source, owner.sex) == ("客户1", "13800130001", "sales_import", "M")
    assert owner.birth_date == dt.date(1985, 3, 12) and owner.pinyin_initials == "kh1"
    assert Customer.get(Customer.name == "客户3").mobile == "13800130003"
    assert Ownership.select().count() == 3

    rejects = read_rejects(tmp_path / "销售档案.rejects.csv")
    assert rejects[0][:4] == ["行号", "原因", "工作表", "客户姓名"]
    assert [r[0] for r in rejects[1:]] == [str(n) for n in range(5, 14)]
    for (bad, expected), line in zip(BAD_ROWS, rejects[1:]):
        assert expected in line[1], (expected, line)
        assert line[2] == "销售"  # the sheet's name
        assert line[3:] == [str(x) for x in bad]  # the row as it was
    assert "手机：" in rejects[2][1] and "车架号：" in rejects[4][1]
    assert AuditEntry.get(AuditEntry.action == "import").detail.startswith("销售档案.xlsx")


def test_second_run_changes_nothing(database, tmp_path):
    path = tmp_path / "sales.xlsx"
    write_xlsx(path, HEADER, good_rows(5))
    importer.run_import(path)
    before = [(c.id, c.version, c.updated_at) for c in Customer.select().order_by(Customer.id)]
    again = importer.run_import(path)
    assert (again.new, again.updated, again.unchanged, again.new_customers) == (0, 0, 5, 0)
    assert [(c.id, c.version, c.updated_at) for c in Customer.select().order_by(Customer.id)] == before
    assert Vehicle.select().count() == 5 and Ownership.select().count() == 5
    assert not (tmp_path / "sales.rejects.csv").exists()


def test_a_parallel_imports_vin_is_imported_and_named_in_the_summary(database, tmp_path):
    path = tmp_path / "进口车.csv"
    rows = good_rows(2)
    rows[1][3] = "WVWZZZ1KZ8W123456"  # position 9 is no check character in Europe
    write_csv(path, HEADER, rows)
    result = importer.run_import(path)
    assert (result.new, result.rejected, result.unchecked_vins) == (2, 0, [3])
    assert "1 行车架号第 9 位校验不符但已导入" in result.summary() and "第 3 行" in result.summary()
    assert Vehicle.get(Vehicle.vin == "WVWZZZ1KZ8W123456").owner.name == "客户2"


def test_gbk_csv_with_other_headers(database, tmp_path):
    path = tmp_path / "gbk.csv"
    header = ["姓名", "联系电话", "证件号码", "底盘号", "车牌", "颜色", "销售日期", "职业", "工作单位"]
    rows = [["赵敏", "139-0013-9000", make_id(7), make_vin(7), "沪B12345", "黑", "2022.12.31", "医生", "人民医院"]]
    write_csv(path, header, rows, encoding="gbk")
    result = importer.run_import(path)
    assert result.new == 1
    c = Customer.get(Customer.name == "赵敏")
    assert (c.mobile, c.occupation, c.employer, c.employer_key) == ("13900139000", "医生", "人民医院", "人民医院")
    assert Vehicle.get().purchase_date == dt.date(2022, 12, 31)


def test_existing_car_is_updated_and_linked_never_duplicated(database, tmp_path):
    known = customer("客户1", "13800130001", occupation="教师")
    car = vehicle(known, vin=make_vin(1), plate="京A99999")  # archived at a first visit
    orphan = vehicle(None, vin=make_vin(2))
    path = tmp_path / "s.csv"
    write_csv(path, HEADER, good_rows(2))
    result = importer.run_import(path)
    assert (result.new, result.updated, result.new_customers) == (0, 2, 1)
    car = Vehicle.get_by_id(car.id)
    assert car.sold_here and car.plate == "京A99999"  # the archive's plate is kept
    assert car.model == "朗逸" and car.owner_id == known.id and car.version == 2
    known = Customer.get_by_id(known.id)
    assert known.id_number == make_id(1) and known.occupation == "教师"  # filled, not overwritten
    orphan = Vehicle.get_by_id(orphan.id)
    assert orphan.owner.name == "客户2"
    assert Ownership.select().where(Ownership.vehicle == orphan.id).count() == 1
    assert Vehicle.select().count() == 2


def test_a_shared_mobile_under_another_name_is_another_customer(database, tmp_path):
    customer("张伟", "13800130001")
    path = tmp_path / "s.csv"
    rows = good_rows(1)
    rows[0][2] = ""  # no ID number to match on
    write_csv(path, HEADER, rows)
    importer.run_import(path)
    assert Customer.select().where(Customer.mobile == "13800130001").count() == 2


def test_dry_run_changes_nothing_but_counts_and_lists_rejects(database, tmp_path):
    path = tmp_path / "s.csv"
    rows = good_rows(5)
    rows.append(list(rows[0]))  # the same person with a second car
    rows[-1][3] = make_vin(50)
    write_csv(path, HEADER, rows + [BAD_ROWS[1][0]])
    result = importer.run_import(path, dry_run=True, batch_size=2)
    assert (result.new, result.rejected, result.new_customers) == (6, 1, 5)
    assert Customer.select().count() == 0 and Vehicle.select().count() == 0
    assert len(read_rejects(tmp_path / "s.rejects.csv")) == 2
    assert "试运行" in result.summary()


def test_user_mapping_is_remembered(database, tmp_path):
    path = tmp_path / "s.csv"
    write_csv(path, ["客户", "客户手机", "识别码"], [["钱多多", "13900139000", make_vin(9)]])
    with pytest.raises(Invalid, match="车架号"):
        importer.run_import(path)
    mapping = importer.parse_map_options(["识别码=vin", "客户手机=手机"])
    assert importer.run_import(path, mapping=mapping).new == 1
    assert Customer.get().mobile == "13900139000"
    assert "识别码" in Setting.get(Setting.key == importer.MAPPING_SETTING).value
    assert importer.read_header(path).missing == []  # the next sheet needs no mapping
    with pytest.raises(Invalid):
        importer.parse_map_options(["识别码=nonsense"])


def test_cancel_leaves_whole_batches(database, tmp_path):
    path = tmp_path / "s.csv"
    write_csv(path, HEADER, good_rows(10))
    seen = []
    result = importer.run_import(path, batch_size=3, progress=lambda r: seen.append(r.rows),
                                 cancel=lambda: len(seen) >= 2)
    assert result.cancelled and Vehicle.select().count() == 6 and seen == [3, 6]
    rest = importer.run_import(path, batch_size=3)
    assert (rest.new, rest.unchanged) == (4, 6) and Vehicle.select().count() == 10


def test_a_failure_inside_a_batch_keeps_earlier_batches(database, tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    write_csv(path, HEADER, good_rows(10))
    real = importer.apply_batch
    calls = []

    def failing(rows, advisor_id):
        calls.append(1)
        result = real(rows, advisor_id)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return result

    monkeypatch.setattr(importer, "apply_batch", failing)
    with pytest.raises(RuntimeError):
        importer.run_import(path, batch_size=3)
    assert Vehicle.select().count() == 6  # batches 1 and 2; batch 3 rolled back whole
    monkeypatch.setattr(importer, "apply_batch", real)
    rest = importer.run_import(path, batch_size=3)
    assert (rest.new, rest.unchanged) == (4, 6)
    assert Vehicle.select().count() == 10 and Customer.select().count() == 10


KILLER = """
import os, sys
from db.connection import open_database
from db import importer
open_database(sys.argv[1])
def progress(result):
    if result.batches == 2:
        os._exit(9)  # killed between batches, no clean-up of any kind
importer.run_import(sys.argv[2], batch_size=4, progress=progress)
"""


def test_a_killed_process_finishes_cleanly_on_rerun(database, db_path, tmp_path):
    path = tmp_path / "s.xlsx"
    write_xlsx(path, HEADER, good_rows(10))
    done = subprocess.run([sys.executable, "-c", KILLER, str(db_path), str(path)], timeout=120)
    assert done.returncode == 9
    assert Vehicle.select().count() == 8
    rest = importer.run_import(path, batch_size=4)
    assert (rest.new, rest.unchanged) == (2, 8)
    assert Vehicle.select().count() == 10 and Customer.select().count() == 10


def test_unreadable_files_are_refused_clearly(database, tmp_path):
    with pytest.raises(Invalid, match="找不到文件"):
        importer.run_import(tmp_path / "none.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(Invalid, match=".xlsx"):
        importer.run_import(tmp_path / "old.xls")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(Invalid, match="无法读取"):
        importer.run_import(tmp_path / "fake.xlsx")


def test_shell_command_reports_and_lists_rejects(database, db_path, tmp_path):
    path = tmp_path / "s.csv"
    write_csv(path, ["姓名", "手机", "VIN", "客户来源"], [["孙丽", "13900139000", make_vin(1), "展厅"],
                                                   ["周强", "123", make_vin(2), "网络"]])
    out = tmp_path / "bad.csv"
    cmd = [sys.executable, "-m", "tui", "--db", str(db_path), "import", str(path), "--rejects", str(out),
           "--map", "客户来源=-"]
    done = subprocess.run([*cmd, "--dry-run"], capture_output=True, text=True, timeout=120)
    assert "试运行" in done.stdout and "新增车辆 1" in done.stdout and "导入中" in done.stderr
    assert Vehicle.select().count() == 0
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "新车 1" in done.stdout and str(out) in done.stdout
    assert "客户来源" not in done.stdout  # mapped away: not listed as left out
    assert read_rejects(out)[1][:4] == ["3", "手机：手机号应为 11 位，现在是 3 位", "s", "周强"]  # a CSV: its name
    assert Customer.get().name == "孙丽"


def test_a_prospect_on_the_sheet_becomes_the_customer(database, tmp_path):
    me = advisor()
    bought = prospects.create({"name": "客户1", "mobile": "13800130001", "district": "海淀"}, me.id)
    prospects.log_contact(bought.id, me.id, {"note": "试驾后说下月来买"})
    filled = prospects.create({"name": "客户2", "mobile": "13800130002"}, me.id)
    prospects.log_contact(filled.id, me.id, {"outcome": "booked"})
    # 客户2 is in the archive by ID number without a mobile: the sheet fills it and links.
    known = customer("客户2", None, id_number=make_id(2))
    elsewhere = prospects.create({"name": "客户3", "mobile": "13800130003"}, me.id)
    # 客户3's archive keeps another mobile: the sheet's mobile is not theirs to claim.
    customer("客户3", "13900009999", id_number=make_id(3))
    path = tmp_path / "s.csv"
    write_csv(path, HEADER, good_rows(3))

    dry = importer.run_import(path, dry_run=True, batch_size=1)
    assert dry.converted == 2 and "将有 2 位潜在客户转为客户档案" in dry.summary()
    assert Prospect.select().where(Prospect.status == "open").count() == 3

    result = importer.run_import(path)
    assert result.converted == 2 and "2 位潜在客户已转为客户档案" in result.summary()
    new = Customer.get(Customer.mobile == "13800130001")
    assert (prospects.get(bought.id).status, prospects.get(bought.id).customer_id) == ("converted", new.id)
    assert Contact.get(Contact.prospect == bought.id).customer_id == new.id  # history kept
    assert Customer.get_by_id(new.id).district == "海淀"
    assert prospects.get(filled.id).customer_id == known.id
    assert Contact.get(Contact.prospect == filled.id).customer_id == known.id
    assert prospects.get(elsewhere.id).status == "open"
    assert {e.customer_id for e in AuditEntry.select().where(AuditEntry.action == "convert")} == {new.id, known.id}

    again = importer.run_import(path)
    assert again.converted == 0 and (again.new, again.updated) == (0, 0)


def test_the_occupation_segment_is_written_with_the_occupation(database, tmp_path):
    known = customer("客户2", "13800130002", id_number=make_id(2))  # no occupation yet
    path = tmp_path / "s.csv"
    rows = good_rows(2)
    rows[0][10], rows[1][10] = "出租车司机", "中学教师"
    write_csv(path, [*HEADER[:10], "职业"], rows)
    importer.run_import(path)
    assert Customer.get(Customer.name == "客户1").occupation_category == "driver"
    filled = Customer.get_by_id(known.id)
    assert (filled.occupation, filled.occupation_category) == ("中学教师", "professional")
