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
        if not any(w.is_running for w in app.workers):
            break
    await pilot.pause()


def make_app(db_path, advisor: str | None = "刘洋") -> AdvisorApp:
    return AdvisorApp(db_target=str(db_path), advisor_name=advisor)


def screen_text(app) -> str:
    """Everything painted on the screen now, as plain text."""
    console = Console(width=app.size.width, record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()
