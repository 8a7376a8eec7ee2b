"""Every screen's footer fits 80 columns, in Chinese and in English: the screen's own few
keys, F1 and the palette; below it the strip of the screens' function keys F3–F9, which
work everywhere and are also listed in F1 help and the palette."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from db.i18n import set_language, t
from tests import archive_fixtures as fx
from tests import queue_factory as make
from tests.conftest import TODAY
from tests.manager_fixtures import advisor
from tests.tui_helpers import footer_line, make_app, screen_text, settle, steps
from tui.main_screens import MAIN_SCREENS
from tui.widgets.screen_strip import ScreenStrip

WIDTH = 80


def overflow(app) -> list[str]:
    """The footer keys that do not fit beside the palette key, or the palette key itself
    when it runs past the screen's edge (empty when all fit)."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].virtual_region.x if palette else WIDTH
    late = [k.key for k in keys if not k.has_class("-command-palette") and k.virtual_region.right >= limit]
    cut = [k.key for k in palette if k.region.right > WIDTH or f"Ctrl+P {t('key.palette')}" not in footer_line(app)]
    return late + cut


@pytest.fixture
def desk(database, db_path, monkeypatch):
    monkeypatch.setattr("db.advisors.os_user", lambda: "desk1")
    data = fx.sample_station(extra_zhangs=0)
    advisor("王经理", role="manager")
    # A visit two days ago: the follow-up queue has a row, so F5 shows its row keys (R, P).
    make.visit(data["car"], TODAY - dt.timedelta(days=2), mileage=33000)
    return db_path, data["owner"].id


# (how to reach it, keys pressed after, whether those keys opened a screen to close again,
# the screen's main action as the footer must show it): the main screens, then the states
# that add keys (a queue's rows, the reception brief, the dropped prospects), the card, the
# manager's screens, import.
PLACES = [(f"mode:{s.id}", (), False, None) for s in MAIN_SCREENS] + [
    ("mode:intake", (), False, ("Ctrl+N", "intake.key.new")),
    ("mode:queues", ("enter",), False, ("R", "key.queues.outcome")),
    ("mode:intake", ("8", "0", "0", "0", "enter"), False, ("Enter", "intake.key.order")),
    ("mode:prospects", (), False, ("Ctrl+N", "prospects.key.new")),
    ("mode:prospects", ("ctrl+t",), False, ("Ctrl+T", "prospects.key.dropped")),  # the way back
    ("mode:upkeep", (), False, ("Ctrl+O", "upkeep.key.import")),
    ("card", (), True, ("E", "card.key.edit")),
    ("mode:report", ("ctrl+o",), True, ("Ctrl+R", "audit.key.apply")),
    ("mode:report", ("ctrl+u",), True, ("N", "advisors.key.add")),
    ("mode:report", ("ctrl+t",), True, ("Enter", "settings_screen.key.change")),
    ("mode:upkeep", ("ctrl+o",), True, ("F2", "import.key.start")),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_footer_fits_80_columns(desk, lang):
    from tui.screens.card import ArchiveCard

    path, customer_id = desk
    set_language(lang)
    app = make_app(path, advisor="王经理")
    problems = {}
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        for place, keys, pushed, main in PLACES:
            if place == "card":
                app.switch_mode("lookup")
                app.push_screen(ArchiveCard(customer_id))
            else:
                app.switch_mode(place.removeprefix("mode:"))
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            name = f"{place}{'+' + '+'.join(keys) if keys else ''}"
            assert app.screen.query(Footer), name
            if overflow(app):
                problems[name] = (overflow(app), footer_line(app))
            if main and f"{main[0]} {t(main[1])}" not in footer_line(app):
                problems[name + " main action"] = footer_line(app)
            strip = app.screen.query_one(ScreenStrip)
            last_line = screen_text(app).splitlines()[-1]
            if strip.render().cell_len > WIDTH or strip.current != app.current_mode:
                problems[name + " strip"] = (strip.current, last_line)
            for screen in MAIN_SCREENS:
                if f"{screen.key.upper()} {t(screen.label_key)}" not in last_line:
                    problems[name + " " + screen.id] = last_line
            if pushed:
                app.pop_screen()
                await settle(pilot)
    assert not problems, problems


async def test_screen_keys_work_from_anywhere_and_are_listed(desk):
    path, _ = desk
    app = make_app(path, advisor="王经理")
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        for screen in MAIN_SCREENS:
            await pilot.press(screen.key)
            await settle(pilot)
            assert app.current_mode == screen.id
        await pilot.press("f1")
        await settle(pilot)
        help_text = str(app.screen.query_one("#help-text").render())
        for screen in MAIN_SCREENS:
            assert f"{screen.key.upper():<8}{t(screen.label_key)}" in help_text, screen.id


async def test_ctrl_c_says_how_to_quit_in_the_interface_language(desk):
    path, _ = desk
    app = make_app(path, advisor="王经理")
    async with app.run_test(size=(WIDTH, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f9", "ctrl+c")
        await settle(pilot)
        text = screen_text(app)
        assert "要退出吗？" in text and "按 Ctrl+Q 退出程序" in text
        assert "Do you want to quit" not in text and "to quit the app" not in text
        assert app.is_running


async def test_the_palette_key_stays_whole_when_a_toast_shows_and_goes(desk):
    """A refused save's toast stood over the footer's keys, and when it went (its region a
    column short of the edge) 'Ctrl+P 命令' was left as 'Ctrl+P 命'. Toasts stand above
    the footer: the keys stay whole while one shows and after."""
    path, _ = desk
    app = make_app(path, advisor="王经理")
    whole = f"Ctrl+P {t('key.palette')}"
    async with app.run_test(size=(WIDTH, 24), notifications=True) as pilot:
        await steps(pilot, ("f3", "ctrl+n"))
        assert footer_line(app).rstrip().endswith(whole), footer_line(app)
        await steps(pilot, "f2")  # refused: a toast, the focus on the first field in error
        assert "需要更正" in screen_text(app)
        assert footer_line(app).rstrip().endswith(whole) and "F2 保存" in footer_line(app), footer_line(app)
        app.clear_notifications()
        await settle(pilot)
        assert footer_line(app).rstrip().endswith(whole), footer_line(app)
