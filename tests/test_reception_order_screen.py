"""The reception order at the desk (issue 18), driven through the real app at 80×24: the
walk-around part (Ctrl+G there and back, the grid's keys), what it stores, the car's
earlier marks at its next reception, the consent a repaired or used part needs, the
returning customer's key count, and printing from the save summary and the card."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from db import advisors, settings
from db.intake.reception import save_intake
from db.models import Visit, VisitPart
from db.walkaround import WalkAround
from tests.intake_helpers import reception, returning  # noqa: F401 (a fixture)
from tests.tui_helpers import make_app, open_work_order, screen_text, screen_text_when, settle, steps
from tui.widgets.form_row import field_id


# From the mileage to the work requested (the kind between), and what the customer asks.
REQUEST = ("tab", "tab", *"保养")


async def work_order_at(pilot, mileage: str) -> None:
    """The returning car's work order opened and its mileage typed."""
    await settle(pilot)
    await open_work_order(pilot)
    await steps(pilot, *mileage)


def focused_path(app) -> str:
    return (app.focused.id or "")[2:].replace("-", ".")


async def test_ctrl_g_goes_to_the_walk_around_and_back_and_the_grid_marks_what_is_seen(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_work_order(pilot)
        await steps(pilot, *"15000", "ctrl+g")
        assert focused_path(app) == "order.walkaround.fuel"
        text = screen_text(app)
        assert "环车检查" in text and "划痕  凹陷  裂纹  掉漆  缺失" in text
        await steps(pilot, "right", "right", "right", "tab")  # fuel ½, on to the grid
        assert focused_path(app) == "order.walkaround.damage"
        await steps(pilot, "s", "down", "down", "right", "space", "d", "up", "up", "up", "c")
        text = screen_text(app)
        assert "前保险杠      ●" in text  # the scratch marked on the front bumper
        await steps(pilot, "tab", "right", "tab", "right", "right")  # spare tyre: yes; tools: no
        await steps(pilot, "tab", "space", "tab", *"行车记录仪")  # the engine light on; what was left inside
        await steps(pilot, "ctrl+g")
        assert focused_path(app) == "order.mileage"  # back where the advisor was
        assert app.screen.query_one("#" + field_id("order.mileage"), Input).value == "15000"
        await steps(pilot, *REQUEST, "f2")
        assert "已保存" in await screen_text_when(pilot, "已保存")
    visit = Visit.select().order_by(Visit.id.desc()).get()
    # s on the front bumper; down twice to the left front door, → and space a dent, d again
    # clears it; up three rows (round to the interior) and c a crack
    assert visit.damage == "front:S;interior:C"
    assert (visit.fuel_level, visit.spare_tyre, visit.tools) == ("1/2", True, False)
    assert (visit.warning_lights, visit.valuables) == ("engine", "行车记录仪")


async def test_the_returning_customers_reception_with_nothing_to_mark_costs_at_most_two_keys_more(app_db, returning):
    """The reception minute counted again: a returning customer's work order costs Enter
    (find), Enter (open), Tab Tab (to the request) and F2 (save) beyond the data typed,
    five; passing the walk-around with nothing to mark adds Ctrl+G there and Ctrl+G back,
    two keys, and stores nothing."""
    pressed: list[str] = []

    async def press(*keys: str) -> None:
        pressed.extend(keys)
        await steps(pilot, *keys)

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(*"12345", "enter")
        await screen_text_when(pilot, "最近来站")
        await press("enter", *"15000", "ctrl+g")
        assert focused_path(app) == "order.walkaround.fuel"
        await press("ctrl+g", *REQUEST, "f2")
        assert "已保存" in await screen_text_when(pilot, "已保存")
    data = [*"12345", *"15000", *"保养"]
    for key in data:
        pressed.remove(key)
    assert pressed == ["enter", "enter", "ctrl+g", "ctrl+g", "tab", "tab", "f2"]
    # Ctrl+G there and back are the only keys the walk-around added (Tab Tab reach the
    # request field, which the reception had to fill before as well)
    assert len([key for key in pressed if key != "ctrl+g"]) <= 5 and pressed.count("ctrl+g") <= 2
    visit = Visit.select().order_by(Visit.id.desc()).get()
    assert visit.mileage == 15000
    assert (visit.fuel_level, visit.damage, visit.spare_tyre, visit.tools, visit.warning_lights) == (
        None, None, None, None, None)


async def test_the_cars_earlier_damage_is_shown_at_its_next_reception(app_db, returning):
    advisor = advisors.sign_in("陈静", user="")
    again = reception(mileage="13000")
    again.customer.id, again.vehicle.id = returning.customer_id, returning.vehicle_id
    again.order.walkaround = WalkAround(damage={"left_front_door": ("S",)})
    save_intake(again, advisor.id)
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await steps(pilot, *"12345", "enter")
        assert "上次已记录：左前门 划痕（○）" in await screen_text_when(pilot, "最近来站")
        await steps(pilot, "enter", *"15000", "ctrl+g")
        text = screen_text(app)
        assert "左前门        ○" in text  # dimmed, not marked for this visit
        assert "上次已记录：左前门 划痕（○）" in text
        await steps(pilot, "ctrl+g", *REQUEST, "f2")
        assert "已保存" in await screen_text_when(pilot, "已保存")
    assert Visit.select().order_by(Visit.id.desc()).get().damage is None  # not noted again as new


async def test_a_used_part_is_refused_beside_its_line_until_the_customer_agrees(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await work_order_at(pilot, "15000")
        app.screen.query_one("#" + field_id("order.parts.0.name")).focus()
        await steps(pilot, *"后视镜", "tab", "1", "tab", *"200", "tab", "left")  # kind: used
        await steps(pilot, "f2")
        text = await screen_text_when(pilot, "须经客户同意")
        assert "配件 1：旧件须经客户同意：在“同意”栏按 → 记下客户同意" in text
        assert focused_path(app) == "order.parts.0.consent"
        assert Visit.select().count() == 1
        await steps(pilot, "right")  # the customer agrees
        assert "须经客户同意" not in screen_text(app)
        await steps(pilot, "f2")
        assert "已保存" in await screen_text_when(pilot, "已保存")
    part = VisitPart.get(VisitPart.name == "后视镜")
    assert (part.kind, part.consent) == ("used", True)


def fake_lp(folder: Path) -> Path:
    """An ``lp`` first on the PATH that records its arguments."""
    folder.mkdir()
    script = folder / "lp"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen({str(folder / 'args.txt')!r}, 'w')"
                      ".write('\\n'.join(sys.argv[1:]))\n")
    script.chmod(0o755)
    return folder


async def _save_and_print(app, pilot) -> str:
    await settle(pilot)
    await open_work_order(pilot)
    await steps(pilot, *"15000", *REQUEST, "f2")
    text = await screen_text_when(pilot, "已保存")
    assert "Ctrl+T 打印接车单" in text
    await steps(pilot, "ctrl+t")
    return text


async def test_ctrl_t_on_the_summary_writes_the_reception_order_to_the_print_folder(app_db, returning, tmp_path):
    settings.set_value("print.dir", str(tmp_path / "prints"))
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _save_and_print(app, pilot)
        visit = Visit.select().order_by(Visit.id.desc()).get()
        wanted = tmp_path / "prints" / f"order-{visit.work_order_no}.pdf"
        text = await screen_text_when(pilot, "已存为 PDF")
        # the path whole, wrapped at 80 columns where it is longer than a line
        assert f"已存为 PDF：{wanted}" in "".join(line.strip() for line in text.splitlines())
    assert wanted.read_bytes().startswith(b"%PDF")


async def test_ctrl_t_sends_to_the_stations_printer_through_lp(app_db, returning, tmp_path, monkeypatch):
    spool = fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{spool}{os.pathsep}{os.environ['PATH']}")
    settings.set_value("print.printer", "[b]前台[/b]")  # a name that looks like markup stays text
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await _save_and_print(app, pilot)
        assert "已发送到打印机 [b]前台[/b]" in await screen_text_when(pilot, "已发送到打印机")
    assert (spool / "args.txt").read_text().split("\n")[:2] == ["-d", "[b]前台[/b]"]


async def test_a_printer_that_cannot_be_reached_is_said_and_the_summary_stays(app_db, returning, tmp_path,
                                                                            monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    settings.set_value("print.printer", "前台")
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _save_and_print(app, pilot)
        text = await screen_text_when(pilot, "没有打印命令 lp")
        assert "已保存" in text


async def test_p_on_the_cards_visits_prints_the_settlement_statement_of_the_selected_visit(app_db, returning,
                                                                                        tmp_path):
    settings.set_value("print.dir", str(tmp_path / "prints"))
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await steps(pilot, "f4", *"12345")
        await screen_text_when(pilot, "王芳")
        await steps(pilot, "enter")
        await screen_text_when(pilot, "档案卡")
        assert "打印结算单" not in screen_text(app)  # only on the visits
        await steps(pilot, "3")
        assert "P 打印结算单" in await screen_text_when(pilot, "P 打印结算单")
        await steps(pilot, "p")
        await screen_text_when(pilot, "已存为")
    visit = Visit.get_by_id(returning.visit_id)
    assert visit.settlement_no and (tmp_path / "prints" / f"settlement-{visit.work_order_no}.pdf").exists()


@pytest.mark.parametrize("keys", [("ctrl+g",), ("ctrl+g", "tab", "s", "down", "down", "d")])
def test_snapshot_the_walk_around_part(app_db, returning, snap_compare, keys):
    async def run_before(pilot):
        await settle(pilot)
        await open_work_order(pilot)
        await steps(pilot, *"15000", *keys)

    assert snap_compare(make_app(app_db), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_the_summary_after_printing(app_db, returning, snap_compare, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings.set_value("print.dir", "prints")  # relative: the same path on every run

    async def run_before(pilot):
        await _save_and_print(pilot.app, pilot)
        await screen_text_when(pilot, "已存为 PDF")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(app_db), terminal_size=(80, 24), run_before=run_before)


async def test_a_past_promised_time_and_bad_hours_are_said_beside_their_fields_and_kept(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await work_order_at(pilot, "15000")
        for path, typed in (("order.promised_at", "08:00"), ("order.labour_hours", "1.5x")):
            app.screen.query_one("#" + field_id(path)).focus()
            await steps(pilot, *typed, "tab")
        text = screen_text(app)
        assert "工时“1.5x”不对：写 0 到 999 之间的小时数，如 1.5" in text
        app.screen.query_one("#" + field_id("order.promised_at")).focus()
        await settle(pilot)
        assert "交车时间 2026-11-26 08:00 已经过去，请写以后的时间" in screen_text(app)
        assert app.screen.query_one("#" + field_id("order.promised_at"), Input).value == "08:00"
        await steps(pilot, "ctrl+u", *"明天 10:00", "tab")
        assert "已经过去" not in screen_text(app)
