"""The xlsx reader gives, cell for cell, what openpyxl's own reader gives (it is faster)."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from db.errors import Invalid
from db.sheets import _sheet_rows, open_book


def both(path):
    """(our rows, openpyxl's rows) of the first sheet."""
    ours_book = load_workbook(path, read_only=True, data_only=True)
    theirs_book = load_workbook(path, read_only=True, data_only=True)
    try:
        ours = list(_sheet_rows(ours_book, ours_book.worksheets[0]))
        # openpyxl gives a missing row of an unsized sheet as a list: compared as the tuple
        # the importer makes of every row
        theirs = [tuple(r) for r in theirs_book.worksheets[0].iter_rows(values_only=True)]
    finally:
        ours_book.close()
        theirs_book.close()
    return ours, theirs


def test_a_saved_workbook_with_every_kind_of_cell(tmp_path):
    path = tmp_path / "kinds.xlsx"
    book = Workbook()  # the ordinary writer: shared strings, as Excel and WPS write
    sheet = book.active
    sheet.append(["姓名", "手机", "日期", "金额", "是否", "时间"])
    sheet.append(["张伟", 13800138000, dt.datetime(2023, 5, 1), 12.5, True, dt.time(8, 30)])
    sheet.append(["  空格 ", "138 0013 8000", dt.date(2023, 6, 2), -3, False, dt.timedelta(hours=30)])
    sheet.cell(row=6, column=2, value="隔了两行")  # rows 4 and 5 left out
    sheet.cell(row=7, column=1, value="=1+1")  # a formula: no cached value, as never opened in Excel
    sheet.cell(row=8, column=9, value=1e20)  # past the header's width
    book.save(path)
    ours, theirs = both(path)
    assert ours == theirs
    assert ours[1][:5] == ("张伟", 13800138000, dt.datetime(2023, 5, 1), 12.5, True)
    assert ours[3] == (None,) * 9 and ours[5][1] == "隔了两行"


def test_a_write_only_workbook_with_inline_strings(tmp_path):
    path = tmp_path / "inline.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("销售")
    sheet.append(["客户姓名", "开票日期"])
    for i in range(300):
        sheet.append([f"客户{i}", dt.datetime(2020, 1, 1) + dt.timedelta(days=i)])
    sheet.append([])
    sheet.append(["最后", None])
    book.save(path)
    ours, theirs = both(path)
    assert ours == theirs and len(ours) == 303 and ours[-1] == ("最后",)


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}
<x:sheetData>
<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c><x:c r="C1" t="str"><x:v>公式结果</x:v></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:r><x:t xml:space="preserve">王 </x:t></x:r><x:r><x:t>芳</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ワン</x:t></x:rPh></x:is></x:c><x:c><x:v>1.5E3</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>
<x:row r="4.0"><x:c r="B4" t="d"><x:v>2023-05-01T00:00:00</x:v></x:c><x:c r="C4"><x:v/></x:c><x:c r="D4" t="inlineStr"/></x:row>
<x:row r="3"><x:c r="A3" t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="6"/>
<x:row r="7"><x:c r="A7"><x:v>7</x:v></x:c><x:c r="E7" t="inlineStr"><x:is><x:t>a&amp;b&#x4E2D;&#13;&#10;x</x:t></x:is></x:c></x:row>
</x:sheetData></x:worksheet>"""


def crafted(tmp_path, dimension: str) -> str:
    """A workbook whose sheet XML is written by hand: prefixes, odd rows, every cell type."""
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    path = tmp_path / f"crafted{len(dimension)}.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = SHEET.format(dimension=dimension).encode()
            target.writestr(item, data)
    return str(path)


@pytest.mark.parametrize("dimension", ["", '<x:dimension ref="A1:E7"/>'])
def test_a_hand_written_sheet(tmp_path, dimension):
    ours, theirs = both(crafted(tmp_path, dimension))
    assert ours == theirs
    assert ours[1][:3] == ("王 芳", 1500.0, "#N/A")


@pytest.mark.parametrize("dimension", ['<x:dimension ref="A1:C4"/>', '<x:dimension ref="A1"/>'])
def test_a_sheet_declaring_too_small_a_size_is_read_whole(tmp_path, dimension):
    """Some export tools declare fewer rows or columns than the sheet holds; openpyxl's
    read-only mode trusts the declaration and drops the rest. Every cell there is read."""
    ours, _ = both(crafted(tmp_path, dimension))
    truth, _ = both(crafted(tmp_path, '<x:dimension ref="A1:E7"/>'))
    assert [tuple(x for x in row if x is not None) for row in ours] == [
        tuple(x for x in row if x is not None) for row in truth]
    assert ours[6][4] == "a&b中\r\nx" and ours[0][2] == "公式结果"


def test_a_broken_sheet_is_a_clear_refusal(tmp_path):
    path = tmp_path / "broken.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("销售")
    for i in range(2000):
        sheet.append(["客户", i])
    book.save(path)
    broken = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # sized, as Excel writes; then cut
                data = data.replace(b"<sheetViews>", b'<dimension ref="A1:B2000"/><sheetViews>', 1)
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with open_book(broken) as book, pytest.raises(Invalid) as refused:
        list(book.sheets[0])
    assert "无法读取这个 .xlsx 文件" in str(refused.value)
