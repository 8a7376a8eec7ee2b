"""Prospects (F6), upkeep (F7) and the import screen, driven with Pilot; snapshots at 80×24."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input

from db import prospects
from db.models import AuditEntry, Contact, Customer, Prospect, Vehicle
from tests.doors_factory import customer, make_id, make_vin, vehicle
from tests.test_importer import HEADER, good_rows, write_csv, write_xlsx
from tests.tui_helpers import footer_line, make_app, screen_text, screen_text_when, settle, steps

NASTY = "[@click=app.quit]x[/]"


def seed_prospects() -> None:
    wang = prospects.create({"name": "王芳", "mobile": "13900139000", "district": "朝阳",
                             "current_car": "朗逸 2015"}, None)
    # Overdue: the date was set days ago (a new date gone by is refused, db.prospects.clean).
    Prospect.update(next_contact_date=dt.date(2026, 11, 20)).where(Prospect.id == wang.id).execute()
    prospects.create({"name": NASTY, "mobile": "13900139001", "district": "海淀"}, None)
    prospects.create({"name": "李雷", "mobile": "13900139002", "next_contact_date": "2026-12-03"}, None)


def seed_duplicates() -> None:
    a = customer("张伟", "13800138000", id_number=make_id(1))
    vehicle(a, vin=make_vin(900), plate="京A12345", model="朗逸")
    b = customer("张 伟", "13800138000")
    vehicle(b, vin=make_vin(901), plate="京B67890")
    customer(NASTY, "13800138000")
    customer("旧档案", "1380013800")


async def test_prospects_list_form_and_contact(app_db):
    seed_prospects()
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        text = screen_text(app)
        assert "139****9000" in text and NASTY in text and "13900139000" not in text
        assert text.index("王芳") < text.index("李雷") < text.index(NASTY)  # due first
        assert "今天需联系 1 位" in text

        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"赵敏", "enter", *"1390013")
        await pilot.press("f2")
        await settle(pilot)
        assert "手机号应为 11 位，现在是 7 位" in screen_text(app)
        assert app.screen.query_one("#field-name", Input).value == "赵敏"  # nothing typed is lost
        await pilot.press(*"9003", "f2")
        await settle(pilot)
        assert Prospect.get(Prospect.name == "赵敏").mobile == "13900139003"
        assert "139****9003" in screen_text(app)

        table = app.screen.query_one("#prospects-table", DataTable)
        table.move_cursor(row=0)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "记录联系：王芳" in screen_text(app)
        await pilot.press("enter", "right", "enter", *"下周来做保养", "enter", *"2026-12-01", "f2")
        await settle(pilot)
    contact = Contact.get()
    assert (contact.outcome, contact.note) == ("reached", "下周来做保养")
    assert Prospect.get(Prospect.name == "王芳").next_contact_date == dt.date(2026, 12, 1)


async def test_prospect_contact_picks_channel_and_outcome_by_their_names(app_db):
    """The contact form's channel and outcome are the card's pickers: labels in the
    interface language, ←/→ or space to change; no code is typed or shown."""
    seed_prospects()
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f6", "ctrl+l")
        text = screen_text(app)
        assert "记录联系：王芳" in text
        assert "‹ 电话 ›" in text and "‹ （不填） ›" in text and "如 2026-12-01" in text
        assert "phone" not in text and "reached" not in text and "no_answer" not in text
        await steps(pilot, "right", "enter", "space", "space")  # 短信; 已联系上, 未接通
        text = screen_text(app)
        assert "‹ 短信 ›" in text and "‹ 未接通 ›" in text
        await steps(pilot, "f2")
        assert "记录联系" not in screen_text(app)
        await steps(pilot, "ctrl+l")  # the contact just logged, in the same words
        assert "未接通" in screen_text(app).split("最近联系")[1]
    contact = Contact.get()
    assert (contact.channel, contact.outcome) == ("sms", "no_answer")


async def test_typing_on_the_list_filters_and_ctrl_d_drops_the_row_shown(app_db):
    """After a save the list has the focus; letters typed there go to the filter box.
    With a filter typed, Ctrl+D (in the footer) still drops the highlighted prospect."""
    seed_prospects()
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f6", "ctrl+n", (*"赵敏", "enter", *"13900139003"), "f2")
        assert app.focused.id == "prospects-table"
        await pilot.press(*"李雷")
        await settle(pilot)
        text = screen_text(app)
        assert "李雷" in text and "王芳" not in text and "赵敏" not in text
        assert "显示 1/1 位潜在客户" in text
        assert app.screen.query_one("#prospects-find", Input).value == "李雷"
        assert "Ctrl+D 放弃" in footer_line(app)  # the focus is in the box
        await steps(pilot, "ctrl+d")
        assert "显示 0/0 位潜在客户" in screen_text(app)
        assert "Ctrl+D 放弃" not in footer_line(app)  # no row left to drop
        assert app.screen.query_one("#prospects-find", Input).value == "李雷"  # Ctrl+D deleted nothing
    assert Prospect.get(Prospect.name == "李雷").status == "dropped"
    assert Prospect.get(Prospect.name == "王芳").status == "open"


async def test_prospects_filter_at_each_key_one_load_at_a_time(app_db, monkeypatch):
    """A key filters the list at once (no timer to wait out); keys typed while a load
    runs wait for it, then the newest text is loaded, and the older answer never shows."""
    import threading

    seed_prospects()
    go = threading.Event()
    asked: list[str] = []
    listing = prospects.list_page

    def held(**kwargs):
        asked.append(kwargs["query"])
        if kwargs["query"] == "王":
            go.wait(10)
        return listing(**kwargs)

    monkeypatch.setattr(prospects, "list_page", held)
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f6", "ctrl+f", "李")
        text = screen_text(app)
        assert "李雷" in text and "王芳" not in text and "显示 1/1 位潜在客户" in text
        await pilot.press("backspace", "王")
        for _ in range(100):
            if "王" in asked:
                break
            await pilot.pause(0.01)
        await pilot.press("backspace", *"13900139002")  # while 王 is being loaded
        assert asked[-1] == "王" and "李雷" in screen_text(app)
        before = len(asked)
        go.set()
        await settle(pilot)
        text = screen_text(app)
        assert "李雷" in text and "王芳" not in text and "显示 1/1 位潜在客户" in text
        assert asked[before:] == ["13900139002"]  # twelve keys, one load: the newest text


async def test_upkeep_lists_and_merge_with_confirmation(app_db):
    seed_duplicates()
    app = make_app(app_db)  # the first advisor of a new station is its manager
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = screen_text(app)
        assert "缺少标准信息的档案" in text and "旧档案" in text and "身份证号" in text
        await pilot.press("2")
        await settle(pilot)
        assert "手机号应为 11 位" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        text = screen_text(app)
        assert "同一手机号、不同姓名" in text and NASTY in text
        await pilot.press("m")  # the group's first archive: nothing to merge it into
        await settle(pilot)
        assert "这是同组保留的第一份档案" in screen_text(app)
        await pilot.press("down", "m")
        await settle(pilot)
        text = screen_text(app)
        assert "保留档案 #1" in text and "并入档案 #2" in text and "京B67890" in text
        await pilot.press("escape")
        await settle(pilot)
        assert Customer.get_by_id(2).merged_into_id is None
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "已合并" in screen_text(app)
    assert Customer.get_by_id(2).merged_into_id == 1
    assert Vehicle.get(Vehicle.plate == "京B67890").owner_id == 1
    assert AuditEntry.get(AuditEntry.action == "merge").customer_id == 1


async def test_import_screen_reads_header_runs_and_reports(app_db, tmp_path):
    path = tmp_path / "销售.xlsx"
    write_xlsx(path, HEADER, good_rows(4) + [["坏", "123", "", make_vin(99), "", "", "", "", "", "", ""]])
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f7", "ctrl+o")
        await pilot.press("f2")
        assert "请先输入文件路径" in screen_text(app)
        await steps(pilot, tuple(str(path)), "enter")
        text = await screen_text_when(pilot, "开票日期", "购车日期")
        assert "开票日期" in text and "购车日期" in text and "（未识别，不导入" in text
        await pilot.press(*"备注=-", "enter")
        await settle(pilot)
        text = await screen_text_when(pilot, "（不导入）")
        assert "（未识别" not in text and "（不导入）" in text
        await pilot.press("ctrl+t", "f2")
        await settle(pilot)
        assert "试运行" in screen_text(app) and Vehicle.select().count() == 0
        await pilot.press("ctrl+t", "f2")
        await settle(pilot)
        text = screen_text(app)
        assert "新车 4" in text and "未导入 1" in text and "销售.rejects" in text
    assert Vehicle.select().count() == 4


async def test_import_screen_says_a_look_alike_column_needs_a_mapping(app_db, tmp_path):
    path = tmp_path / "联络.csv"
    write_csv(path, ["姓名", "电联", "车架号"], [[f"客户{i}", f"1380013{i:04d}", make_vin(i)] for i in range(1, 6)])
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f7", "ctrl+o", tuple(str(path)), "enter")
        text = await screen_text_when(pilot, "看起来是手机")
        assert "没有“手机”列，但“电联”列看起来是手机" in text and "可以开始" not in text
        await pilot.press("f2")
        await settle(pilot)
        assert "整个文件未导入" in screen_text(app) and Vehicle.select().count() == 0
        await pilot.press(*"电联=手机", "enter")
        await screen_text_when(pilot, "可以开始")
        await pilot.press("f2")
        await settle(pilot)
        assert "新车 5" in screen_text(app)
    assert Customer.get(Customer.name == "客户1").mobile == "13800130001"


async def test_import_screen_shows_a_bad_file(app_db, tmp_path):
    (tmp_path / "x.xls").write_bytes(b"old")
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f7", "ctrl+o", tuple(str(tmp_path / "x.xls")), "enter")
        assert "另存为 .xlsx" in screen_text(app)


# ---------------------------------------------------------------- snapshots at 80×24


def _snap(snapshot_db_path, snap_compare, *keys: str | tuple[str, ...], wait_for: tuple[str, ...] = ()) -> bool:
    """A snapshot after the ``keys`` steps (see ``steps``), then, if given, once the
    ``wait_for`` texts are painted."""
    async def run_before(pilot):
        await steps(pilot, *keys)
        if wait_for:
            await screen_text_when(pilot, *wait_for)

    return snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_prospects(snapshot_db_path, snap_compare):
    seed_prospects()
    assert _snap(snapshot_db_path, snap_compare, "f6")


def test_snapshot_prospect_contact(snapshot_db_path, snap_compare):
    seed_prospects()
    assert _snap(snapshot_db_path, snap_compare, "f6", "ctrl+l")


def test_snapshot_upkeep(snapshot_db_path, snap_compare):
    seed_duplicates()
    assert _snap(snapshot_db_path, snap_compare, "f7")


def test_snapshot_import(snapshot_db_path, snap_compare):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "advisor-doors-snapshot"  # the path is on screen
    folder.mkdir(exist_ok=True)
    path = folder / "sales.xlsx"
    write_xlsx(path, HEADER, [])
    assert _snap(snapshot_db_path, snap_compare, "f7", "ctrl+o", tuple(str(path)), "enter", wait_for=("开票日期",))


async def test_upkeep_shows_each_duplicates_car_and_a_fresh_archive_count(app_db):
    seed_duplicates()
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        before = screen_text(app)
        assert "（4 份档案）" in before
        await pilot.press("3")  # same mobile, other names: each archive's car in the VIN column
        await settle(pilot)
        text = screen_text(app)
        assert make_vin(900) in text and make_vin(901) in text
        customer("新客户", "13600136000")  # another advisor's new archive meanwhile
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert "（5 份档案）" in screen_text(app)
