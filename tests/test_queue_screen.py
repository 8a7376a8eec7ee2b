"""F5, the queue screen: counts, rows with guidance, every outcome by keyboard, put off,
campaign segment; snapshots at 80×24."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Contact, Customer, QueueState
from tests import queue_factory as make
from tests.conftest import TODAY
from tests.tui_helpers import make_app, screen_text, screen_text_when, settle, steps

INSURANCE = 5  # position of the insurance queue in the list (db.queues.lists.QUEUES)
PROSPECTS = 10


def station() -> None:
    """Three insurance renewals, one follow-up call, a customer whose name looks like markup."""
    for i, (name, occupation) in enumerate((("王芳", "出租车司机"), ("李建国", "公务员"),
                                            ("[@click=app.quit]x[/]", "教师"))):
        person = make.customer(name=name, mobile=f"1380013800{i}", occupation=occupation,
                               occupation_category=None, district="朝阳区")
        car = make.vehicle(person, plate=f"京A1234{i}", purchase_date=dt.date(2022, 5, 1),
                           insurance_expiry=TODAY + dt.timedelta(days=10 + i), usage="private")
        if i == 0:
            make.visit(car, TODAY - dt.timedelta(days=2), mileage=42000, fee="680")
            Contact.create(customer=person, contact_at=dt.datetime(2026, 11, 24, 10, 0), channel="desk",
                           note="喜欢上午来，怕耽误出车")


@pytest.fixture
def app_db(database, db_path):
    station()
    return db_path


async def open_insurance(pilot) -> None:
    await pilot.press("f5")
    await settle(pilot)
    for _ in range(INSURANCE):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_queue_list_shows_todays_counts(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        text = screen_text(app)
        assert "回访" in text and "续保" in text
        lines = {line.split("│")[0].split()[0]: line.split("│")[0].split()[-1]
                 for line in text.splitlines() if "│" in line and line.split("│")[0].strip()}
        assert lines["续保"] == "3" and lines["回访"] == "1" and lines["流失客户"] == "0"


async def test_rows_show_guidance_masked_mobile_and_last_note(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        text = screen_text(app)
        assert "续保：3 行" in text
        assert "138****8000" in text and "13800138000" not in text
        assert "[@click" in text  # a name is text, never markup (cut to its column)
        assert "出保 5 年内" in text and "司机运输" in text  # the first row's badges
        assert "对待建议：营销重点" in text
        assert "还有 10 天" in text
        assert "喜欢上午来" in text


async def test_a_name_that_looks_like_markup_stays_text(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        await pilot.press("down", "down", "r")
        await settle(pilot)
        assert "记录通话结果：[@click=app.quit]x[/]" in screen_text(app)
        # the footer under it is the queues': the dialog says its own keys
        assert "1–6 选结果 · Tab 备注 · F2 或回车：记录 · Esc：不记" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


@pytest.mark.parametrize("keys, outcome", [
    (["1"], "reached"), (["2"], "no_answer"), (["4"], "declined"), (["5"], "wrong_number"),
    (["6", "enter"], "do_not_call"),
    (["r", "down", "down", "down", "enter"], "declined"),  # the dialog, by arrows
])
async def test_each_outcome_by_keyboard(app_db, keys, outcome):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        assert "续保：2 行" in screen_text(app)
    contact = Contact.get(Contact.purpose == "insurance")
    assert (contact.outcome, contact.channel, contact.advisor.name) == (outcome, "phone", "刘洋")
    assert contact.customer.name == "王芳"
    if outcome == "booked":
        assert contact.booked_date == dt.date(2026, 12, 1)
    if outcome == "do_not_call":
        assert Customer.get(Customer.name == "王芳").marketing_consent is False


async def test_booked_without_a_date_is_refused_beside_the_field(app_db):
    """A prospect has no car to book in the appointment book (a car's "booked" opens the
    book, tests/test_book_screen.py): the dialog asks the day."""
    make.prospect(next_contact_date=TODAY, next_step="试驾后回访")
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        for _ in range(PROSPECTS):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        # no day to suggest: the field shows an example, marked as one, and holds nothing
        assert "如 2026-12-01" in screen_text(app)
        await pilot.press(*"明天见", "enter")
        await settle(pilot)
        assert "不是日期" in screen_text(app)
        await pilot.press("ctrl+a", "ctrl+k")
        await pilot.press("enter")
        await settle(pilot)
        assert "结果为“已预约”时，请填写预约日期" in screen_text(app)
        await pilot.press(*"2026-11-01", "enter")
        await settle(pilot)
        assert "预约日期不能早于今天" in screen_text(app)
        await pilot.press("ctrl+a", "ctrl+k", *"2026-12-01", "enter")
        await settle(pilot)
    assert Contact.get(Contact.purpose == "prospects").booked_date == dt.date(2026, 12, 1)


async def test_escape_asks_before_a_typed_note_is_thrown_away(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        await steps(pilot, "r", "escape")  # nothing typed: closes at once
        assert "记录通话结果" not in screen_text(app) and "不保存就关闭表单吗" not in screen_text(app)
        await steps(pilot, "r", "tab", *"客户说月底再联系", "escape")
        assert "不保存就关闭表单吗" in screen_text(app)
        await steps(pilot, "enter")  # "no" comes first: the note stays
        assert "客户说月底再联系" in screen_text(app)
    assert Contact.select().where(Contact.purpose == "insurance").count() == 0


async def test_put_off_to_a_date(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        await pilot.press("p")
        await pilot.press(*"2026-11-26", "enter")
        await settle(pilot)
        assert "推迟到的日期应在今天之后" in screen_text(app)
        await pilot.press("ctrl+a", "ctrl+k", *"2026-12-03", "enter")
        await settle(pilot)
        assert "续保：2 行" in screen_text(app)
    assert QueueState.get().postponed_until == dt.date(2026, 12, 3)


async def test_put_off_suggests_the_next_try_day(app_db):
    """P fills in a day as the value (the wait after "no answer", a setting): Enter takes it."""
    from db import settings

    settings.set_value("calls.retry_days", 3, None)
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_insurance(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "2026-11-29" in screen_text(app)
        await pilot.press("enter")
        text = await screen_text_when(pilot, "已推迟到 2026-11-29")
        assert "续保：2 行" in text and "已推迟到 2026-11-29" in text
    assert QueueState.get().postponed_until == dt.date(2026, 11, 29)


async def test_campaign_segment_chosen_from_a_list_by_name(app_db):
    """C lists the segments by name: ↓ and Enter choose one, space ticks one per kind to
    combine them; no code is typed or shown."""
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, "f5", "c")
        text = screen_text(app)
        assert "[ ] 车龄  保修期内" in text and "[ ] 用途  私家车" in text
        assert "age:" not in text and "回车选定：保修期内" in text
        await steps(pilot, "down", "enter")  # ↓ moves in the list at once; Enter chooses
        text = screen_text(app)
        assert "细分营销：3 行  出保 5 年内" in text
        # combine: the chosen one is highlighted when the dialog opens again
        await steps(pilot, "c")
        assert "现在：出保 5 年内" in screen_text(app)
        await steps(pilot, "space", "down", "down", "space")
        text = screen_text(app)
        assert "[x] 车龄  出保 5 年内" in text and "[x] 用途  私家车" in text
        assert "回车选定：出保 5 年内·私家车" in text
        await steps(pilot, "down", "space")  # another use replaces the one ticked: a car has one
        text = screen_text(app)
        assert "[ ] 用途  私家车" in text and "[x] 用途  公务车" in text
        assert "回车选定：出保 5 年内·公务车" in text
        await steps(pilot, "up", "space", "enter")  # back to private: Enter takes the ticked ones
        text = screen_text(app)
        assert "细分营销：3 行  出保 5 年内·私家车" in text


def list_rows(app) -> list[str]:
    """The queue list's lines as shown (the part left of its border)."""
    return [line.split("│")[0].strip() for line in screen_text(app).splitlines() if "│" in line]


async def test_the_campaign_row_says_how_to_choose_then_what_it_counts(app_db, monkeypatch):
    """Without a segment the row tells the key that chooses one; with one, the segment's
    name under it and "…" until its count comes (never the count of the segment before)."""
    import threading

    import db.queues.lists

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        rows = [row.split() for row in list_rows(app)]
        assert rows[rows.index(["爽约回访", "0"]) + 1] == ["细分营销", "按", "C", "选择"]
        await pilot.press("c", "down", "space", "down", "down", "space", "enter")  # 出保 5 年内 + 私家车
        await settle(pilot)
        rows = list_rows(app)
        at = next(i for i, row in enumerate(rows) if row.startswith("细分营销"))
        assert rows[at].split() == ["细分营销", "3"] and rows[at + 1] == "出保 5 年内·私家车"
        # another segment, counted slowly: its name at once, no count until it is counted
        go = threading.Event()
        counting = db.queues.lists.count

        def slow(name, *args, **kwargs):
            if name == "campaign":
                go.wait(10)
            return counting(name, *args, **kwargs)

        monkeypatch.setattr(db.queues.lists, "count", slow)
        await pilot.press("c", "down", "down", "down", "enter")  # from 出保 5 年内 down to 公务车
        await screen_text_when(pilot, "公务车")  # the dialog closed; the count is still held
        rows = list_rows(app)
        assert rows[at].split() == ["细分营销", "…"] and rows[at + 1] == "公务车"
        go.set()
        await settle(pilot)
        rows = list_rows(app)
        assert rows[at].split() == ["细分营销", "0"] and rows[at + 1] == "公务车"


async def test_escape_returns_from_rows_to_the_list_then_home(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        await pilot.press("escape")
        assert app.focused.id == "queue-list"
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "home"


async def _queue_list(pilot) -> None:
    await pilot.press("f5")
    await settle(pilot)


async def _outcome_dialog(pilot) -> None:
    await open_insurance(pilot)
    await pilot.press("r")
    await settle(pilot)


async def _segment_dialog(pilot) -> None:
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("c", "down", "space", "down", "down", "space")  # 出保 5 年内 + 私家车 ticked
    await settle(pilot)


@pytest.mark.parametrize("steps", [
    pytest.param(_queue_list, id="queue_list"), pytest.param(open_insurance, id="queue_with_guidance"),
    pytest.param(_outcome_dialog, id="outcome_dialog"), pytest.param(_segment_dialog, id="segment_dialog"),
])
def test_snapshot(app_db, snap_compare, steps):
    # The queue screen never shows the database's path: a per-test file will do.

    async def run_before(pilot):
        await settle(pilot)
        await steps(pilot)

    assert snap_compare(make_app(app_db), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("keys", [["2"], ["6", "enter"]], ids=["no_answer", "do_not_call"])
async def test_the_last_outcome_is_undone_with_the_key_the_footer_shows(app_db, keys):
    from db.models import AuditEntry
    from tests.tui_helpers import footer_line

    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insurance(pilot)
        assert "U 撤销" not in footer_line(app)  # nothing recorded yet
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        assert "续保：2 行" in screen_text(app) and "U 撤销" in footer_line(app)
        await pilot.press("u")
        await settle(pilot)
        assert "续保：3 行" in screen_text(app)  # the row is back in its queue
        assert "U 撤销" not in footer_line(app)
    assert not Contact.select().where(Contact.purpose == "insurance").exists()
    assert not QueueState.select().exists()
    assert Customer.get(Customer.name == "王芳").marketing_consent is None  # as before the call
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert "call" in actions and actions[-1] == "call_undo"  # the call's entry stays
    if keys == ["6", "enter"]:  # the consent withdrawn and given back, both logged
        assert actions.count("consent") == 2
