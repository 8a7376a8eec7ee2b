"""Helpers for driving the real app with Pilot and reading what it shows."""

from __future__ import annotations

import io

from rich.console import Console

from tui.app import AdvisorApp


async def settle(pilot) -> None:
    """Wait until every worker has finished and the screen has repainted."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            # A form's save worker dismisses its own screen, which cancels the worker as
            # it ends: finished for our purpose (what it wrote is checked by the test).
            pass
        await pilot.pause()
        # is_running is False for a worker still PENDING (started by a message the pause
        # just handled): only finished workers mean there is nothing left to wait for.
        if all(w.is_finished for w in app.workers):
            break
    await pilot.pause()


async def until(pilot, condition, what: str, seconds: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (no worker to await: a scroll or a focus
    that waits for a frame); fail naming ``what`` if it never does. A loaded machine paints
    late, so the cap is generous; a quiet one returns after a frame or two."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause(0.02)


async def steps(pilot, *keys: str | tuple[str, ...]) -> None:
    """Settle, then for each step press it (one key, or a tuple of keys typed in a row)
    and settle again."""
    await settle(pilot)
    for step in keys:
        await pilot.press(*(step if isinstance(step, tuple) else (step,)))
        await settle(pilot)


def chunk(app, *keys: str) -> None:
    """Queue the keys at once, the way the terminal driver does with one read of input
    (fast typing, or keys over a slow SSH line). A key is a name (``enter``, ``pagedown``,
    ``ctrl+n``) or one character."""
    from textual import events

    for key in keys:
        character = {"tab": "\t", "enter": "\r", "escape": "\x1b"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


def make_app(db_path, advisor: str | None = "刘洋") -> AdvisorApp:
    """The program as ``advisor`` starts it at their own OS account (the test's account,
    ``db.advisors.os_user``): a manager without a PIN is reached only from there. An
    advisor with a PIN is left unmapped, so that the PIN is asked."""
    _at_own_account(advisor)
    return AdvisorApp(db_target=str(db_path), advisor_name=advisor)


def _at_own_account(name: str | None) -> None:
    from db import advisors
    from db.models import Advisor, database_proxy

    if not name or database_proxy.obj is None:
        return
    row = Advisor.get_or_none(Advisor.name == name)
    me = advisors.os_user()
    if row is None or row.pin_hash or not row.active or row.os_user == me:
        return
    Advisor.update(os_user=None).where(Advisor.os_user == me).execute()
    Advisor.update(os_user=me).where(Advisor.id == row.id).execute()


def screen_text(app) -> str:
    """Everything painted on the screen now, as plain text."""
    console = Console(width=app.size.width, record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def footer_line(app) -> str:
    """The footer's line: the keys of the screen in front (the screen strip is under it)."""
    return screen_text(app).splitlines()[-2]


async def screen_text_when(pilot, *wanted: str, tries: int = 100) -> str:
    """The screen's text once every ``wanted`` piece is painted (or after ``tries``
    repaints): a message handled after the workers finished may paint a frame later."""
    text = screen_text(pilot.app)
    for _ in range(tries):
        if all(piece in text for piece in wanted):
            break
        await pilot.pause(0.05)
        text = screen_text(pilot.app)
    return text


async def find(pilot, query: str) -> str:
    """Type ``query`` in the find field, Enter, and the screen once the find is done."""
    await pilot.press(*query, "enter")
    await settle(pilot)
    return screen_text(pilot.app)


async def open_work_order(pilot, plate: str = "京A12345") -> None:
    """The returning car found by its plate and its work order opened (mileage focused)."""
    await find(pilot, plate)
    await pilot.press("enter")
    await settle(pilot)
