"""When a frame reaches the terminal: the clock of the app benchmarks (intake, lookup).

Textual ends every refresh of the screen in ``App._display(screen, update)``, which turns
the composed update into the terminal's bytes (``render_segments``) and hands them to the
driver. Under Pilot (headless) it returns before that step, so ``FrameClock`` does it
itself (its cost counts, as on a terminal) and stamps each frame.

A frame is the one that shows something only if the widget that shows it was drawn for
it: ``probe(widget, state)`` notes ``state()`` each time the widget is drawn, and
``wait_for(lambda: ...)`` returns the time of the first frame after which the notes say
so. ``call_after_refresh`` is no such mark: a screen runs those callbacks when it has
nothing left to do, which can be before a child's pending repaint has reached it (before
the frame), and Pilot's ``pause``/``press`` wait for the whole process to look idle (at
least 20 ms, up to 1 s while any worker runs).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


class FrameClock:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.notes: dict[str, Any] = {}
        self._display = app._display
        self._until: Callable[[], bool] | None = None
        self._at: float | None = None
        self._shown = asyncio.Event()  # set in the frame: no polling loop shares the thread
        app._display = self._frame

    def _frame(self, screen: Any, update: Any) -> None:
        if update is not None and self.app.is_headless and hasattr(update, "render_segments"):
            update.render_segments(self.app.console)  # what a terminal driver's frame costs
        self._display(screen, update)
        if self._at is None and self._until is not None and self._until():
            self._at = time.perf_counter()
            self._shown.set()

    def probe(self, widget: Any, name: str, state: Callable[[], Any]) -> None:
        """Note ``state()`` under ``name`` whenever ``widget`` is drawn."""
        render_lines = widget.render_lines

        def drawn(crop: Any) -> Any:
            lines = render_lines(crop)
            self.notes[name] = state()
            return lines

        widget.render_lines = drawn

    def arm(self, until: Callable[[], bool]) -> None:
        """From now on, stamp the first frame after which ``until()`` holds."""
        self._until, self._at = until, None
        self._shown.clear()

    async def wait(self, timeout: float = 30.0) -> float:
        """The perf_counter of the armed frame, once it has been written."""
        try:
            await asyncio.wait_for(self._shown.wait(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError("no frame showed what was awaited") from None
        self._until = None
        assert self._at is not None
        return self._at
