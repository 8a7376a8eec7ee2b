"""Screens reach the app through tui.desk.Desk only: AdvisorApp must be one, member for
member, with the same signatures (a runtime_checkable isinstance checks names only)."""

from __future__ import annotations

import inspect

import pytest

from tests.tui_helpers import make_app, settle
from tui.app import AdvisorApp
from tui.desk import Desk, desk

MEMBERS = sorted(name for name in vars(Desk) if not name.startswith("_"))


def test_the_desk_names_what_screens_use():
    assert MEMBERS == ["advisor_id", "advisor_name", "db_label", "hold_keys", "release_keys"]


@pytest.mark.parametrize("name", [n for n in MEMBERS if inspect.isfunction(vars(Desk)[n])])
def test_the_app_answers_each_call_of_the_desk_alike(name):
    ours, theirs = getattr(AdvisorApp, name), vars(Desk)[name]
    assert inspect.signature(ours) == inspect.signature(theirs)
    assert inspect.iscoroutinefunction(ours) == inspect.iscoroutinefunction(theirs)


async def test_a_screen_sees_the_signed_in_advisor_through_its_desk(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app, Desk)
        seen = desk(app.screen.query_one("#find-input"))
        assert seen is app
        assert isinstance(seen.advisor_id, int) and seen.advisor_name == "刘洋"
        assert seen.db_label == str(app_db)
