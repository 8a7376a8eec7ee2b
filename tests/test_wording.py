"""What a new user reads at 80×24, in Chinese and in English: nothing cut off, no Chinese
punctuation in English lines, no word broken across lines, numbers grouped the same way
everywhere, the audit log in the interface's words, every bad cell of an imported row."""

from __future__ import annotations

import csv
import re
from contextlib import asynccontextmanager

import pytest
from rich.cells import cell_len

from db import importer, privacy
from db.audit import write as audit
from db.audit import read as auditlog
from db.i18n import catalogue, number, set_language, t
from db.intake.reception import ConfirmationNeeded, save_intake, start_for
from db.models import Customer
from db.stats import StationCounts
from tests.intake_helpers import reception
from tests.test_rights_screens import open_card as _card
from tests.test_rights_screens import press as _keys
from tests.test_rights_screens import station  # noqa: F401  (a fixture: the sample station and a manager)
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle
from tui.wrap import divide_line, wrap_cells

FULL_WIDTH = re.compile("[（）：、，。；！？]")
LANGS = ("zh", "en")


@asynccontextmanager
async def desk(station: dict, lang: str, advisor: str = "王经理"):
    """The program at 80×24 in ``lang``, on the sample station."""
    set_language(lang)
    app = make_app(station["path"], advisor=advisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield app, pilot


# ---------------------------------------------------------------- the catalogue


def test_no_english_text_has_chinese_punctuation():
    """Every English text of every module: a （ or ： in an English line is a slip."""
    slips = {key: en for key, (_, en) in catalogue().items() if FULL_WIDTH.search(en)}
    assert slips == {}


def test_numbers_and_lists_the_languages_way():
    assert number(1972) == "1,972" and number(95027) == "95,027" and number(None) == ""
    set_language("en")
    assert t("i18n.list_separator").join(["a", "b"]) == "a, b"


def test_wrapping_keeps_words_whole_and_marks_with_their_text():
    english = "Name, Mobile, ID number, Occupation, Home address, Employer's address, Payment method"
    lines = wrap_cells(english, 30)
    assert all(cell_len(line) <= 30 for line in lines)
    assert " ".join(lines) == english  # broken only where there was a space
    chinese = wrap_cells("姓名会出现在问候语中，并记录在您经手的工单和联系记录里。", 54)
    assert chinese == ["姓名会出现在问候语中，并记录在您经手的工单和联系记录", "里。"]  # not "。" alone
    assert wrap_cells("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_rich_wrapping_follows_the_same_rule():
    """Statics, dialogs and toasts wrap with Rich's divide_line: tui.wrap's takes its place."""
    def lines(text: str, width: int) -> list[str]:
        cuts = [0, *divide_line(text, width), len(text)]
        return [text[a:b].rstrip() for a, b in zip(cuts, cuts[1:])]

    assert lines("客户说左前轮有异响，刹车时更明显，上次保养（十月）已提过。", 16) == [
        "客户说左前轮有异", "响，刹车时更明", "显，上次保养（十", "月）已提过。"]
    assert lines("有一份 2026-12-08 00:02 未保存的接待草稿（空白）。继续填写吗？", 30)[0] == \
        "有一份 2026-12-08 00:02 未保存"  # Chinese fills the line, not moved whole to the next
    english = "Name, Mobile, ID number, Occupation, Home address"
    assert " ".join(lines(english, 20)) == english


async def test_no_line_of_a_dialog_starts_with_a_closing_mark(station):
    from tui.screens.confirm import CANCEL, ConfirmDialog

    async with desk(station, "zh") as (app, pilot):
        app.push_screen(ConfirmDialog("好，" * 60 + "（括号）。" * 12, [(CANCEL, "intake.confirm.cancel")]))
        await settle(pilot)
        shown = [line.strip(" │╭╮╰╯─") for line in screen_text(app).splitlines()]
        assert sum("好，好" in line for line in shown) >= 3  # wrapped over several lines
        assert not [line for line in shown if line and line[0] in "，。、；：）」"], shown


# ---------------------------------------------------------------- 80 columns


@pytest.mark.parametrize("lang", LANGS)
async def test_greeting_queue_names_and_home_counts_fit(station, monkeypatch, lang):
    from db.queues.lists import QUEUES

    monkeypatch.setattr("db.stats.station_counts", lambda: StationCounts(2003, 2243, 11908))
    async with desk(station, lang) as (app, pilot):
        top = screen_text(app).splitlines()[0]
        assert top.rstrip().endswith(t("app.today", date="2026-11-26"))  # the date in both languages
        await _keys(pilot, "f5")
        listed = screen_text(app)
        for queue in QUEUES:
            assert t(f"queue.{queue.name}") in listed, queue.name  # whole, not cut
        await _keys(pilot, "f9")
        shown = await screen_text_when(pilot, "2,003")
    expected = {"zh": "档案 2,003 份 · 车辆 2,243 辆 · 工单 11,908 张",
                "en": "2,003 archives · 2,243 vehicles · 11,908 work orders"}[lang]
    assert expected in shown


@pytest.mark.parametrize("lang", LANGS)
async def test_card_labels_stand_apart_from_their_values(station, lang):
    Customer.update(employer_address="成都市郫都区创智路280号", interests="贴膜", payment_method="cash").where(
        Customer.id == station["owner"].id).execute()
    async with desk(station, lang) as (app, pilot):
        await _card(pilot)
        await _keys(pilot, "4")
        observation = screen_text(app)
        await _keys(pilot, "2")
        vehicles = screen_text(app)
        await _keys(pilot, "3")
        visits = screen_text(app)
    for label, value in (("employer_address", "成都市郫都区创智路280号"), ("interests", "贴膜"),
                         ("payment_method", t("intake.pay.cash"))):
        assert re.search(re.escape(t(f"completeness.field.{label}")) + r"  +" + re.escape(value), observation)
    assert re.search(re.escape(t("card.field.first_maintenance_mileage")) + r"  +—", vehicles)
    km = {"zh": "32,000 公里", "en": "32,000 km"}[lang]
    assert km in vehicles and km in visits  # the last visit and the work order, grouped


@pytest.mark.parametrize("lang", LANGS)
async def test_card_form_labels_fit(station, lang):
    async with desk(station, lang) as (app, pilot):
        await _card(pilot)
        await _keys(pilot, "2")
        await _keys(pilot, "e")
        form = app.screen
        labels = [(label.content, label.region) for label in form.query(".form-label")]
        fields = [field.region for field in form.query("TextField, ChoiceField")]
    for (text, label), field in zip(labels, fields):
        assert cell_len(str(text)) < label.width and label.right <= field.x, text


@pytest.mark.parametrize("lang", LANGS)
async def test_intake_labels_fit_their_column(station, lang):
    async with desk(station, lang) as (app, pilot):
        await _keys(pilot, "f3")
        await _keys(pilot, "ctrl+n")
        labels = [(str(label.content), label.region.width) for label in app.screen.query(".row-label")]
    assert labels and [text for text, width in labels if cell_len(text) >= width] == []  # a gap after each


@pytest.mark.parametrize("lang", LANGS)
async def test_upkeep_headers_whole_and_count_in_words(station, lang):
    async with desk(station, lang) as (app, pilot):
        await _keys(pilot, "f7")
        shown = await screen_text_when(pilot, t("upkeep.col.score"))
    assert t("upkeep.col.score") in shown and t("upkeep.col.missing") in shown
    counted = {"zh": r"（已列出 \d+ 份，共 \d+ 份）", "en": r"\(\d+ of \d+ shown\)"}[lang]
    assert re.search(counted, shown)
    if lang == "en":
        assert not FULL_WIDTH.search(shown.split(t("upkeep.col.missing"), 1)[1].replace("—", ""))


# ---------------------------------------------------------------- English lines built by code


async def test_the_english_brief_has_english_punctuation(station):
    me = station["me"]
    saved = save_intake(reception(plate="京B54321", declined_work="更换刹车片"), me.id)
    async with desk(station, "en", advisor="刘洋") as (app, pilot):
        await _keys(pilot, "f3")
        await _keys(pilot, *"京B54321", "enter")
        shown = screen_text(app)
    assert saved.work_order_no
    assert "Declined last time (2026-11-26): 更换刹车片" in shown
    assert "last mileage 12,000 km" in shown  # the figure on the line of its words
    assert "Customer: " in shown and "Customer：" not in shown
    assert "、" not in shown.split("Missing in the archive", 1)[1]


async def test_the_anonymise_list_breaks_between_english_words(station):
    async with desk(station, "en") as (app, pilot):
        await _card(pilot)
        await _keys(pilot, "a")
        shown = screen_text(app)
    for word in ("Occupation", "Employer's", "Payment", "Mobile"):
        assert word in shown, word
    assert "、" not in shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed, shown", [("90000", "95,264"), ("952640", "105,264")],
                         ids=["lower", "jump"])  # a lower reading; an extra digit (the most believable)
async def test_mileage_questions_keep_each_figure_with_its_unit(station, lang, typed, shown):
    me = station["me"]
    first = save_intake(reception(plate="京B54321", mileage="95264"), me.id)
    data = start_for(vehicle_id=first.vehicle_id)
    data.order.mileage, data.order.work_requested = typed, "保养"
    set_language(lang)
    with pytest.raises(ConfirmationNeeded) as asked:
        save_intake(data, me.id)
    lines = str(asked.value).splitlines()
    unit = {"zh": "公里", "en": "km"}[lang]
    assert any(line.endswith(f"{int(typed):,} {unit}") for line in lines)
    assert any(f"{shown} {unit}" in line for line in lines)
    assert all(cell_len(line) <= 58 for line in lines)  # the confirmation box's inside: no wrapping


@pytest.mark.parametrize("lang", LANGS)
async def test_sign_in_dialog_never_leaves_a_mark_alone_on_a_line(database, db_path, monkeypatch, lang):
    monkeypatch.setattr("db.advisors.os_user", lambda: "nobody-yet")
    set_language(lang)
    app = make_app(db_path, advisor=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
    assert t("advisor.ask_title") in shown
    inside = [line.strip(" │╭╮╰╯─") for line in shown.splitlines()]
    assert not [line for line in inside if line and re.fullmatch(r"[。，、；：？！）]+", line)]
    assert not [line for line in inside if line[:1] in set("。，、；：？！）")]


# ---------------------------------------------------------------- the VIN and the import


def test_vin_message_says_which_letter_looks_like_which_digit():
    from db import validate as v
    from db.errors import Invalid

    with pytest.raises(Invalid) as zh:
        v.vin("1M8GDM9AXKPQ4278O")
    assert str(zh.value) == "车架号不用字母 O、Q（O 易看成数字 0，Q 易看成数字 0），请核对"
    set_language("en")
    with pytest.raises(Invalid) as en:
        v.vin("IM8GDM9AXKP042788")
    assert str(en.value) == "A VIN never uses I (I looks like 1); check it"
    with pytest.raises(Invalid) as short:
        v.vin("BADVIN")
    assert "17" in str(short.value) and "6" in str(short.value)  # too short, before the I


@pytest.mark.parametrize("lang", LANGS)
def test_a_rejected_row_lists_every_bad_cell(database, tmp_path, lang):
    set_language(lang)
    path = tmp_path / "sales.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "手机", "车架号", "购车日期"])
        writer.writerow(["周一", "1380013", "BADVIN", "2023-02-30"])
    result = importer.run_import(path)
    assert result.rejected == 1
    with open(tmp_path / "sales.rejects.csv", encoding="utf-8-sig", newline="") as fh:
        reason = list(csv.reader(fh))[1][1]
    expected = {
        "zh": ["车架号：车架号应为 17 位，现在是 6 位", "手机：手机号应为 11 位，现在是 7 位", "购车日期："],
        "en": ["VIN: A VIN has 17 characters; this one has 6", "Mobile: A mobile number has 11 digits", "Purchase date: "],
    }[lang]
    for part in expected:
        assert part in reason, reason
    assert {"zh": "不用字母", "en": "never uses"}[lang] not in reason  # the length, not the letter I


# ---------------------------------------------------------------- the audit log


@pytest.mark.parametrize("lang", LANGS)
def test_audit_log_in_the_interfaces_words(station, lang, tmp_path):
    manager, owner, seller, car = station["manager"], station["owner"], station["seller"], station["car"]
    audit.record("import", advisor_id=manager.id, customer_id=owner.id, field="hobbies",
                 after={"hobbies": "摄影"}, detail="sales.csv")
    audit.record("edit", advisor_id=manager.id, customer_id=owner.id, before={"hobbies": None, "name_key": "x"},
                 after={"hobbies": "摄影", "name_key": "y"}, detail="intake")
    audit.record("edit", advisor_id=manager.id, customer_id=owner.id, field="owner",
                 before={"owner": seller.id}, after={"owner": owner.id}, detail=f"vehicle {car.id}")
    privacy.export_customer(manager.id, owner.id, tmp_path / "copy.json")
    set_language(lang)
    rows = {row.id: row for row in auditlog.page(manager.id).rows}
    shown = [(row.action_label, row.what) for row in sorted(rows.values(), key=lambda r: r.id)]
    words = {
        "zh": [("导入", "兴趣爱好：摄影"), ("修改", "兴趣爱好：∅ → 摄影"),
               ("修改", f"车主：钱多多（#{seller.id}） → 张伟（#{owner.id}）"), ("导出", "客户本人档案副本（json，")],
        "en": [("Import", "Hobbies: 摄影"), ("Edit", "Hobbies: ∅ → 摄影"),
               ("Edit", f"Owner: 钱多多 (#{seller.id}) → 张伟 (#{owner.id})"), ("Export", "Customer's own copy (json, ")],
    }[lang]
    for (action, what), (want_action, want_what) in zip(shown[-4:], words):
        assert action == want_action and what.startswith(want_what), (action, what)
    notes = [row.note for row in sorted(rows.values(), key=lambda r: r.id)][-4:]
    assert notes[1] == t("audit.detail.intake") and notes[2] == t("audit.detail.vehicle", vehicle="京A12345")
