"""The printed papers (db/papers): what the customer reads on the reception order and the
settlement statement, read back from the PDF as a text extractor sees it; printing
through a fake ``lp`` first on the PATH; the print folder; the settlement number."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from db import settings
from db.errors import NotFound, PrintFailed
from db.models import AuditEntry, Customer, Visit
from db.papers import print_paper, render_order_pdf, render_settlement_pdf
from db.papers.facts import visit_id_for
from tests import papers_factory as pf
from tests.conftest import TODAY



def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def visits(database):
    return pf.station()


def test_the_order_reads_back_with_its_identifiers_whole_and_the_mobile_masked(visits):
    data = render_order_pdf(visits["repair"].id)
    assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) == 1
    text = text_of(data)
    for whole in ("WO20260105-0007", pf.VIN_A, pf.PLATE_A):
        assert whole in text
    assert "任务委托书" in text and "环车检查" in text
    assert "左前门：划痕、凹陷" in text and "前保险杠：划痕" in text  # the walk-around's marks
    assert "油量：1/2" in text and "制动灯" in text and "行车记录仪" in text
    assert "刹车时有异响" in text and "右前刹车片磨损到限" in text  # request and diagnosis
    assert "工时：1.5" in text and "工时费：240.00" in text and "估价合计：1,020.00" in text
    assert "预计交车：2026-01-05 16:00" in text and "旧件：客户带走" in text and "在店等候" in text
    assert "客户签字" in text and "服务顾问签字" in text
    assert "138****5678" in text and "13812345678" not in text


def test_a_setting_prints_the_whole_mobile_and_the_store_heads_the_paper(visits):
    settings.set_value("print.mobile_unmasked", True)
    settings.set_value("store.name", "成都捷达4S店")
    settings.set_value("store.address", "成都市武侯区科华北路 88 号")
    text = text_of(render_order_pdf(visits["repair"].id))
    assert "13812345678" in text
    assert "成都捷达4S店" in text and "科华北路" in text


def test_the_statement_lists_labour_and_materials_apart_with_kinds_and_consent(visits):
    text = text_of(render_settlement_pdf(visits["repair"].id))
    assert "维修结算单" in text and "结算编号：JS20260105-0001" in text and "结算日期：2026-01-05" in text
    assert text.index("工时费明细") < text.index("材料费明细") < text.index("费用合计")
    assert "原厂件" in text and "副厂件" in text and "旧件 （车主已同意）" in text
    assert "1K0698151" in text and "旧件已确认，由用户收回" in text
    assert "应付合计：1,020.00" in text
    for whole in ("WO20260105-0007", pf.VIN_A, pf.PLATE_A):
        assert whole in text


def test_english_papers(visits):
    from db.i18n import set_language

    set_language("en")
    text = text_of(render_settlement_pdf(visits["repair"].id))
    assert "Settlement statement" in text and "original" in text and "(owner agreed)" in text


def test_printing_the_statement_settles_once_and_is_audited(visits, db_path):
    visit_id = visits["open"].id
    first = print_paper(visit_id, "settlement", advisor_id=None)
    number = f"JS{TODAY:%Y%m%d}-0001"
    assert first.printer is None and first.path == db_path.parent / "print" / "settlement-WO20260201-0001.pdf"
    text = text_of(first.path.read_bytes())
    assert f"结算编号：{number}" in text and f"结算日期：{TODAY.isoformat()}" in text
    assert "修复件 （未记录车主同意）" in text  # a repaired part without consent says so
    assert "未约定" in text  # no old-parts choice recorded
    stored = Visit.get_by_id(visit_id)
    assert (stored.settlement_no, stored.settled_on) == (number, TODAY)
    entries = list(AuditEntry.select().where(AuditEntry.action == "settle"))
    assert len(entries) == 1 and "WO20260201-0001" in entries[0].detail and number in entries[0].detail
    assert entries[0].customer_id == Customer.get(Customer.name == "王芳").id
    print_paper(visit_id, "settlement")  # a reprint keeps the number
    assert Visit.get_by_id(visit_id).settlement_no == number
    assert AuditEntry.select().where(AuditEntry.action == "settle").count() == 1


def test_the_print_folder_holds_private_files(visits, tmp_path):
    folder = tmp_path / "desk-prints"
    settings.set_value("print.dir", str(folder))
    outcome = print_paper(visits["repair"].id, "order")
    assert outcome.path == folder / "order-WO20260105-0007.pdf"
    assert stat.S_IMODE(os.stat(outcome.path).st_mode) == 0o600
    assert "WO20260105-0007" in text_of(outcome.path.read_bytes())


def test_a_print_folder_that_cannot_be_written_says_so(visits, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    settings.set_value("print.dir", str(blocker / "prints"))
    with pytest.raises(PrintFailed, match="无法写入打印目录"):
        print_paper(visits["repair"].id, "order")


def fake_lp(folder: Path, *, fails: bool = False) -> Path:
    """An ``lp`` that records its arguments and a copy of the file it was given."""
    folder.mkdir()
    script = folder / "lp"
    log = folder / "args.txt"
    body = (f"import shutil, sys\nopen({str(log)!r}, 'w').write('\\n'.join(sys.argv[1:]))\n"
            f"shutil.copy(sys.argv[-1], {str(folder / 'printed.pdf')!r})\n")
    if fails:
        body += "sys.stderr.write('lp: The printer or class does not exist.\\n'); sys.exit(1)\n"
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(0o755)
    return folder


def test_printing_goes_through_lp_when_a_printer_is_set(visits, tmp_path, monkeypatch):
    spool = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{spool}{os.pathsep}{os.environ['PATH']}")
    settings.set_value("print.printer", "Desk-1")
    outcome = print_paper(visits["repair"].id, "order")
    assert outcome.printer == "Desk-1" and outcome.path is None
    args = (spool / "args.txt").read_text().split("\n")
    assert args[:2] == ["-d", "Desk-1"] and args[2].endswith("order-WO20260105-0007.pdf")
    assert not Path(args[2]).exists()  # the temporary copy is gone
    assert pf.VIN_A in text_of((spool / "printed.pdf").read_bytes())


def test_lp_refusing_or_missing_is_a_clear_error(visits, tmp_path, monkeypatch):
    settings.set_value("print.printer", "Desk-1")
    spool = fake_lp(tmp_path / "bin", fails=True)
    monkeypatch.setenv("PATH", str(spool))
    with pytest.raises(PrintFailed) as refused:
        print_paper(visits["repair"].id, "order")
    assert "Desk-1" in str(refused.value) and "The printer or class does not exist." in str(refused.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(PrintFailed, match="没有打印命令 lp"):
        print_paper(visits["repair"].id, "order")


def test_hostile_values_are_printed_visible(visits):
    Customer.update(name="王\x1b[2J芳\u202e").where(Customer.name == "王芳").execute()
    text = text_of(render_order_pdf(visits["repair"].id))
    assert "王\\x1b[2J芳\\u202e" in text


def test_unknown_work_orders(visits):
    assert visit_id_for(" WO20260105-0007 ") == visits["repair"].id
    with pytest.raises(NotFound, match="WO1"):
        visit_id_for("WO1")
    with pytest.raises(NotFound):
        print_paper(99999, "order")


def test_values_outside_the_catalogues_print_as_not_marked(visits):
    Visit.update(kind="oil-change", old_parts="burn", fuel_level="9/8").where(
        Visit.id == visits["repair"].id).execute()
    from db.models import VisitPart

    VisitPart.update(kind="stolen").where(VisitPart.visit == visits["repair"].id).execute()
    text = text_of(render_settlement_pdf(visits["repair"].id))
    assert "未约定" in text and "stolen" not in text and "9/8" not in text
    assert "WO20260105-0007" in text


def test_a_long_order_runs_onto_more_pages_with_nothing_lost(visits):
    from decimal import Decimal

    from db.models import VisitPart

    visit = visits["repair"]
    Customer.update(name="成都市锦江区某某汽车租赁有限公司第一分公司车队管理部驻高新区办事处联络组").where(
        Customer.name == "王芳").execute()
    for n in range(45):
        VisitPart.create(visit=visit, name=f"紧固件 {n:02d} 号（含垫片、螺母及防松胶）", code=f"N{n:08d}",
                         quantity=Decimal(1), unit_price=Decimal("3.50"), kind="original")
    Visit.update(work_done="更换前刹车片；" * 60).where(Visit.id == visit.id).execute()
    data = render_order_pdf(visit.id)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    text = text_of(data)
    assert "N00000000" in text and "N00000044" in text and "客户签字" in text
    assert "驻高新区办事处联络组" in text and pf.VIN_A in text
