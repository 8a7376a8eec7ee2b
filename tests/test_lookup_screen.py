"""F4 lookup and the archive card, driven with Pilot; snapshots at 80×24."""

from __future__ import annotations

import pytest

from db import archive
from db.models import AuditEntry, Contact, Customer
from tests import archive_fixtures as fx
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps
from tui.screens.card import ArchiveCard
from tui.screens.card_forms import FieldForm
from tui.screens.lookup import LookupScreen


@pytest.fixture
def station(database, db_path):
    data = fx.sample_station()
    data["path"] = db_path
    return data


async def type_query(pilot, text: str) -> None:
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press(*text)
    await answered(pilot)


async def answered(pilot) -> None:
    """Until the answer to the last key is on the screen (keys typed while a search ran
    are searched when it answers, so one finished worker is not enough)."""
    screen = pilot.app.screen
    for _ in range(500):
        await settle(pilot)
        if screen.shown >= screen.searches.generation:
            return
        await pilot.pause(0.02)
    raise AssertionError("the lookup never answered")


async def test_results_follow_typing_with_masked_mobiles(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "zw")
        text = screen_text(app)
        assert isinstance(app.screen, LookupScreen)
        lines = [line for line in text.splitlines() if "张伟" in line]
        assert lines and "138****8000" in lines[0] and "京A12345" in lines[0]
        assert "13812348000" not in text
        await pilot.press("backspace", "backspace", *"京a12345")
        await answered(pilot)
        first_row = app.screen._hits[0]
        assert (first_row.name, first_row.match) == ("张伟", "exact_plate")


async def test_stale_answer_is_dropped(station):
    from db.search import search

    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "钱多多")
        screen = app.screen
        stale = LookupScreen.Answer(screen.searches.generation - 1, "张", 0, search("张"))
        screen.post_message(stale)
        await settle(pilot)
        assert [h.name for h in screen._hits] == ["钱多多"]


async def test_a_failed_search_is_reported_and_the_next_key_searches_again(station, monkeypatch):
    import db.search
    from db.errors import DatabaseProblem
    from textual.worker import WorkerFailed

    app = make_app(station["path"])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        working = db.search.search

        def broken(*args, **kwargs):
            raise DatabaseProblem("数据库暂时无法读取")

        monkeypatch.setattr(db.search, "search", broken)
        await pilot.press("z")
        try:
            await settle(pilot)
        except WorkerFailed:  # the expected path: the app's one handler notifies
            await settle(pilot)
        assert "数据库暂时无法读取" in await screen_text_when(pilot, "数据库暂时无法读取")
        monkeypatch.setattr(db.search, "search", working)
        await pilot.press("w")
        await answered(pilot)
        assert [h.name for h in app.screen._hits][:1] == ["张伟"]


async def test_markup_name_is_shown_literally(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "[@click")
        assert "[@click=a…" in screen_text(app)  # the name column's width, cut visibly
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArchiveCard)
        assert "[@click=app.quit]x[/]" in screen_text(app)
        assert app.is_running


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "   "])
async def test_nasty_queries_show_nothing_and_no_error(station, query):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, query)
        assert app.screen._hits == []
        assert "错误" not in screen_text(app)


async def test_first_page_at_once_more_on_demand(station):
    from tui.screens.lookup import PAGE_SIZE

    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "张")  # 62 customers whose name starts with 张
        screen = app.screen
        results = screen.query_one("#lookup-results")
        assert len(screen._hits) == results.row_count == PAGE_SIZE
        assert f"已显示前 {PAGE_SIZE} 条，还有更多：移到末行或按 Ctrl+N 加载" in screen_text(app)
        await pilot.press("down")  # into the list
        assert app.focused is results
        await pilot.press("escape")  # back to the box, not away from the screen
        assert app.focused is screen.query_one("#lookup-query")
        await pilot.press("down")
        await pilot.press("end")  # the last row asks for the next page
        await settle(pilot)
        assert results.row_count == 2 * PAGE_SIZE
        while results.row_count < 62:
            await pilot.press("end")
            await settle(pilot)
        assert "共找到 62 条" in screen_text(app) and "更多" not in screen_text(app)
        assert len({h.customer_id for h in screen._hits}) == 62


async def test_ctrl_n_loads_the_next_page_and_it_only_appends(station):
    """Another advisor creates a 张 that sorts into page 1 while it is on the screen: the
    next page still starts after the last row shown (no row twice, none moved)."""
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "张")
        screen = app.screen
        page1 = [(h.customer_id, h.vehicle_id) for h in screen._hits]
        fx.customer("张00号", "13911112222")
        await pilot.press("ctrl+n")  # from the box, as the status line says
        await settle(pilot)
        rows = [(h.customer_id, h.vehicle_id) for h in screen._hits]
        assert rows[:20] == page1 and len(rows) == len(set(rows)) == 40
        assert screen.query_one("#lookup-results").row_count == 40
        assert "已显示前 40 条" in screen_text(app)


@pytest.mark.parametrize("zhangs,status", [(18, "共找到 20 条"), (19, "已显示前 20 条，还有更多")])
async def test_the_count_is_a_total_only_when_nothing_more_follows(database, db_path, zhangs, status):
    fx.sample_station(extra_zhangs=zhangs)  # and 张伟, 张卫东
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_query(pilot, "张")
        assert status in screen_text(app)


async def open_card(pilot, query: str = "zhangwei") -> ArchiveCard:
    await type_query(pilot, query)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ArchiveCard)
    return pilot.app.screen


async def open_form(pilot, *keys: str) -> FieldForm:
    """张伟's card and, over it, the form that ``keys`` open."""
    await open_card(pilot)
    await steps(pilot, *keys)
    assert isinstance(pilot.app.screen, FieldForm)
    return pilot.app.screen


async def test_card_sections_switch_by_keys(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        assert "110105********1236" in screen_text(app)
        expected = {"2": "钱多多：2020-01-01 起，至 2023-05-01", "3": "· 机油 × 4 @ ¥60.00",
                    "4": "平均来站间隔：259 天", "5": "还没有联系记录", "1": "138****8000"}
        for key, seen in expected.items():
            await pilot.press(key)
            await settle(pilot)
            assert seen in screen_text(app), key
        await pilot.press("escape")
        assert isinstance(app.screen, LookupScreen)


async def test_reveal_shows_the_number_and_records_it(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        assert "13812348000" not in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert "13812348000" in screen_text(app)
        assert "110105199001011236" not in screen_text(app)
    entry = AuditEntry.get(AuditEntry.action == "reveal")
    assert (entry.customer_id, entry.field, entry.advisor_id) == (station["owner"].id, "mobile", station["me"].id)


async def test_edit_conflict_keeps_the_typed_input(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FieldForm)
        form.query_one("#field-occupation").value = "医生"
        # Meanwhile another advisor saves the same archive.
        other = fx.advisor("王芳")
        archive.update_customer(owner.id, 1, {"hobbies": "钓鱼"}, other.id)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert "王芳" in screen_text(app) and "没有覆盖" in screen_text(app)
        assert form.query_one("#field-occupation").value == "医生"
        assert Customer.get_by_id(owner.id).occupation == "工程师"
        await pilot.press("f2")  # told, looked, saves over the newer version
        await settle(pilot)
        assert isinstance(app.screen, ArchiveCard)
    row = Customer.get_by_id(owner.id)
    assert (row.occupation, row.hobbies, row.version) == ("医生", "钓鱼", 3)


async def test_the_edit_form_never_holds_a_masked_number(station):
    """Mobile and ID number: empty fields with the masked value as placeholder (empty is
    "unchanged"), a whole new number replaces; after the audited reveal the full number.
    An untouched form writes nothing: no masked value, no edit entry, no new version."""
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "e")
        mobile, id_number = form.query_one("#field-mobile"), form.query_one("#field-id_number")
        assert (mobile.value, mobile.placeholder) == ("", "138****8000")
        assert (id_number.value, id_number.placeholder) == ("", "110105********1236")
        assert field_line(app, "手机") == "手机 138****8000"  # shown, as a placeholder
        mobile.focus()
        await steps(pilot, "f1")
        assert "手机：留空表示不改" in screen_text(app)
        await steps(pilot, "escape")
        await steps(pilot, "f2")  # untouched
        assert isinstance(app.screen, ArchiveCard)
        await steps(pilot, "e")
        app.screen.query_one("#field-mobile").focus()
        await steps(pilot, tuple("5972"), "f2")  # not a whole number: refused beside the field
        assert isinstance(app.screen, FieldForm) and "手机号" in screen_text(app)
        await steps(pilot, "escape", "right", "enter")  # typed: Esc asks first, 是
        await steps(pilot, "m", "e")  # revealed (and recorded): the form has it whole
        assert app.screen.query_one("#field-mobile").value == "13812348000"
        await steps(pilot, "f2")
    row = Customer.get_by_id(owner.id)
    assert (row.mobile, row.id_number, row.version) == ("13812348000", "110105199001011236", 1)
    assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)] == ["reveal"]


async def test_a_new_mobile_typed_in_the_empty_field_is_saved_and_logged_masked(station):
    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, "e")
        app.screen.query_one("#field-mobile").focus()
        await steps(pilot, tuple("13912345678"), "f2")
        assert isinstance(app.screen, ArchiveCard) and "139****5678" in screen_text(app)
    assert Customer.get_by_id(owner.id).mobile == "13912345678"
    entry = AuditEntry.get(AuditEntry.action == "edit")
    assert (entry.field, entry.before, entry.after) == ("mobile", '{"mobile": "138****8000"}',
                                                       '{"mobile": "139****5678"}')


async def test_bad_value_is_shown_beside_its_field(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("2", "e")
        await settle(pilot)
        app.screen.query_one("#field-plate").value = "XX12345"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FieldForm)
        assert "车牌应以省份简称开头" in screen_text(app)
        assert app.screen.query_one("#field-plate").value == "XX12345"


async def test_add_contact_from_the_card(station):
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-outcome").value = "reached"
        form.query_one("#field-traits").value = "守时 喜欢先看报价"
        form.query_one("#field-events").value = "[b]上次[/b]等车太久"
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        text = screen_text(app)
        assert "特质：守时 喜欢先看报价" in text and "典型事件：[b]上次[/b]等车太久" in text
    assert Contact.select().where(Contact.customer == station["owner"].id).count() == 1


async def test_the_contact_list_shows_purpose_and_tags(station):
    owner = station["owner"]
    archive.add_contact(owner.id, station["me"].id, "phone", "保养回访", "reached", "守时", None,
                        "老客户，价格敏感", "下周再约", None)
    archive.add_contact(owner.id, station["me"].id, "phone", "follow_up", "no_answer", None, None,
                        None, "占线", None)  # a call from the follow-up list: its purpose is a code
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await steps(pilot, "5")
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if "保养回访" in line)
        assert "电话  保养回访  已联系上" in lines[first]
        assert "标签：老客户、价格敏感" in "".join(lines[first:first + 4])
        assert any("电话  回访  未接通" in line for line in lines)
        assert "follow_up" not in "".join(lines)
        await steps(pilot, "c")  # the form's tags row: its label whole, the commas explained
        app.screen.query_one("#field-tags").focus()
        await settle(pilot)
        assert field_line(app, "标签") == "标签 用逗号分隔，如：老客户,价格敏感"


def field_line(app, label: str) -> str:
    """The form row of ``label`` as painted, spaces squeezed."""
    line = next((row for row in screen_text(app).splitlines() if f"│ {label} " in row), "││")
    inside = line.split("│")[1]  # between the form's borders, without its scrollbar
    return " ".join(inside.rstrip(" ▁▂▃▄▅▆▇█").split())


async def test_a_contacts_coded_fields_are_picked_not_typed(station):


    owner = station["owner"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.focused.id == "field-channel"  # the first field, though not a text field
        assert field_line(app, "方式") == "方式 ‹ 前台 ›"
        assert field_line(app, "结果") == "结果 ‹ （不填） ›"
        await pilot.press("f1")  # help for the focused field, over the form
        await settle(pilot)
        assert "方式：←→ 选择前台、电话、短信、微信或信函" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FieldForm) and app.focused.id == "field-channel"
        await pilot.press("right", "enter")  # 电话, then on to the purpose
        await pilot.press(*"回访", "enter")
        await pilot.press(*["right"] * 6)  # past the five other outcomes to 勿再联系
        await settle(pilot)
        assert (field_line(app, "方式"), field_line(app, "结果")) == ("方式 ‹ 电话 ›", "结果 ‹ 勿再联系 ›")
        app.screen.query_one("#field-marketing_consent").focus()
        await settle(pilot)
        assert "营销同意 ‹ 不变（现为：尚未询问） ›" in field_line(app, "营销同意")
        await pilot.press("right")  # 同意: contradicts "do not call"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FieldForm)  # refused beside the field, nothing lost
        assert "结果为“勿再联系”时，营销同意不能选“同意”" in screen_text(app)
        assert app.focused.id == "field-marketing_consent"
        await pilot.press("right")  # 不同意
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, FieldForm)
    contact = Contact.get(Contact.customer == owner.id)
    assert (contact.channel, contact.purpose, contact.outcome) == ("phone", "回访", "do_not_call")
    assert Customer.get_by_id(owner.id).marketing_consent is False
    entry = AuditEntry.get(AuditEntry.action == "consent")
    assert (entry.after, entry.detail) == ("false", "phone")


async def test_a_pick_and_enter_typed_in_one_chunk_both_count(station):
    from tests.test_typing_ahead import chunk

    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("c")
        await settle(pilot)
        chunk(app, "right", "right", "enter", "回", "访", "enter", "right", "enter")  # fast, over SSH
        await settle(pilot)
        assert (field_line(app, "方式"), field_line(app, "目的"), field_line(app, "结果")) == (
            "方式 ‹ 短信 ›", "目的 回访", "结果 ‹ 已联系上 ›")
        assert app.focused.id == "field-traits"


async def test_a_cars_use_is_picked_and_kept_when_not_touched(station):
    from db.models import Vehicle

    car = station["car"]
    app = make_app(station["path"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_card(pilot)
        await pilot.press("2", "e")
        await settle(pilot)
        app.screen.query_one("#field-color").value = "珍珠白"
        await pilot.press("f2")  # the use is not touched: not sent, not logged
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#field-usage").focus()  # the last field: the form scrolls to it
        await settle(pilot)
        assert field_line(app, "用途") == "用途 ‹ 私家车 ›"
        await pilot.press("right")
        await pilot.press("f2")
        await settle(pilot)
    row = Vehicle.get_by_id(car.id)
    assert (row.color, row.usage) == ("珍珠白", "official")
    fields = [e.field for e in AuditEntry.select().where(AuditEntry.action == "edit").order_by(AuditEntry.id)]
    assert fields == ["color", "usage"]


# ---- snapshots at 80×24


def _snap(snapshot_db_path, snap_compare, *keys: str, query: str = "zhangwei"):
    fx.sample_station(extra_zhangs=3)

    async def run_before(pilot):
        await type_query(pilot, query)
        await steps(pilot, *keys)

    return snap_compare(make_app(snapshot_db_path), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_results(snapshot_db_path, snap_compare):
    assert _snap(snapshot_db_path, snap_compare, query="zh")


@pytest.mark.parametrize("section", ["1", "2", "3", "4", "5"])
def test_snapshot_card_section(snapshot_db_path, snap_compare, section):
    assert _snap(snapshot_db_path, snap_compare, "enter", section)


def test_snapshot_edit_form(snapshot_db_path, snap_compare):
    assert _snap(snapshot_db_path, snap_compare, "enter", "e")
