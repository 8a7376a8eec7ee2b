"""Send a screen's worker failures to the app's one handler.

``Worker.StateChanged`` does not bubble (Textual declares it ``bubble=False``), so the
app's handler only hears about workers whose node is the app itself. A screen that runs
``@db_work`` workers mixes this in so a refused save or a lost database still reaches
``AdvisorApp.worker_failed`` (the notification, then the screen's ``on_worker_error``).
"""

from __future__ import annotations

from textual.worker import Worker


class ReportWorkerErrors:
    # A plain mixin: Textual finds ``on_<message>`` names through the MRO (``@on`` needs
    # the widget metaclass, which a mixin does not have).
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(self.app, "worker_failed", None)  # type: ignore[attr-defined]
        if handler is not None and event.worker.node is self:
            handler(event)
