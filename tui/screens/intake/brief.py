"""The brief stage: what the desk knows of the customer and the car before the work order
is opened; the reminders and segment badges join it once worked out."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from db.i18n import t
from tui.desk import desk
from tui.widgets.brief_view import BriefText, brief_text
from tui.workers import db_work


class BriefStage(VerticalScroll):
    """``load_brief`` posts ``Ready`` (so does the find stage for a single match); the
    screen shows it here with ``show``. ``data`` is the work order's start for the brief
    shown, which Enter opens."""

    class Ready(Message):
        """A brief and the work order's start for the same car and customer."""

        def __init__(self, brief: Any, data: Any) -> None:
            super().__init__()
            self.brief, self.data = brief, data

    class ExtrasLoaded(Message):
        def __init__(self, brief: Any) -> None:
            super().__init__()
            self.brief = brief

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: Any = None
        self.brief: Any = None  # the brief shown (db.intake.brief.Brief)

    def compose(self) -> ComposeResult:
        yield BriefText(Text(""), id="brief-text")
        yield Static(Text(t("intake.brief.hint")), classes="hint")

    @db_work(group="intake-brief")
    def load_brief(self, vehicle_id: int | None, customer_id: int | None) -> None:
        self.post_message(read_brief(vehicle_id, customer_id))

    def show(self, ready: Ready) -> None:
        self.data, self.brief = ready.data, ready.brief
        # Paint the brief first: the extras' worker holds the GIL for a while building SQL.
        # The keys typed ahead (an Enter for the work order) are let go once it is drawn.
        self.query_one("#brief-text", BriefText).show(brief_text(ready.brief), then=lambda: (
            self.load_extras(ready.brief), self.screen.call_later(desk(self).release_keys, self)))

    @db_work(group="intake-extras")
    def load_extras(self, partial: Any) -> None:
        """Reminders and segment badges, slower to work out: they join the brief shown."""
        from db.intake.brief import fill_extras

        self.post_message(self.ExtrasLoaded(fill_extras(partial)))

    @on(ExtrasLoaded)
    def _extras_loaded(self, message: ExtrasLoaded) -> None:
        if self.display and self.data is not None and self.data.customer.id == message.brief.customer_id:
            self.query_one("#brief-text", BriefText).show(brief_text(message.brief))

    def on_worker_error(self, worker: Any, error: BaseException) -> None:
        if worker.group == "intake-brief":  # the brief the keys were typed for will not come
            self.screen.call_later(desk(self).release_keys, replay=False)


def read_brief(vehicle_id: int | None, customer_id: int | None) -> BriefStage.Ready:
    """In a worker: the brief and the work order's start for this car and customer."""
    # The brief's rules come with the first brief, not on the way to the first frame.
    from db.intake.brief import brief
    from db.intake.reception import start_for

    return BriefStage.Ready(brief(vehicle_id, customer_id, full=False), start_for(vehicle_id, customer_id))
