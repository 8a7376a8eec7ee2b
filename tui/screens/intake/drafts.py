"""The reception's draft: the form as typed, kept so that a dropped line loses nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from db.i18n import t
from tui.desk import desk
from tui.screens.confirm import ConfirmDialog
from tui.workers import db_work

if TYPE_CHECKING:
    from db.intake.reception import IntakeData

# db.intake.drafts and db.intake.reception are imported by the workers and the offer that
# use them: the reception's rules are not on the way to the first frame.

DRAFT_DELAY = 0.6  # seconds after the last keystroke before the draft is written


class DraftKeeper:
    """The draft of the form being typed: written by a worker a moment after the last
    keystroke, looked for once the advisor is known and offered again, thrown away on
    request.

    Its workers run on ``owner`` (their errors reach its ``on_worker_error``), which also
    receives ``Found``. ``payload()`` gives what to write, or ``None`` when nothing is to
    be kept now. Once a save starts no draft may land after it (the save deletes the draft
    in its own transaction): ``close()`` and the workers' lock order the two."""

    class Found(Message):
        """A draft left by this advisor: ``offer`` it."""

        def __init__(self, draft: Any) -> None:
            super().__init__()
            self.draft = draft

    def __init__(self, owner: Widget, payload: Callable[[], dict[str, Any] | None]) -> None:
        self._owner = owner
        self._payload = payload
        self._timer: Timer | None = None
        self._lock = threading.Lock()
        self._open = True

    def write_later(self) -> None:
        """Typing went on: the draft is written once it pauses."""
        self.open()
        self._timer = self._owner.set_timer(DRAFT_DELAY, self._write)

    def open(self) -> None:
        self._set_open(True)

    def close(self) -> None:
        """No draft is written from now on, not even by a worker already started."""
        self._set_open(False)

    def _set_open(self, open_: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
        with self._lock:
            self._open = open_

    def _write(self) -> None:
        advisor_id = desk(self._owner).advisor_id
        payload = self._payload()
        if advisor_id is not None and payload is not None:
            _save(self._owner, self, advisor_id, payload)

    def write_if_open(self, advisor_id: int, payload: dict[str, Any]) -> None:
        """In a worker."""
        from db.intake.drafts import save_draft

        with self._lock:
            if self._open:
                save_draft(advisor_id, payload)

    def look_for(self, advisor_id: int) -> None:
        _load(self._owner, advisor_id)

    def discard(self, advisor_id: int | None) -> None:
        _discard(self._owner, advisor_id)

    def offer(self, draft: Any, resume: Callable[[IntakeData], object]) -> None:
        """Ask whether to go on with ``draft``: yes resumes it, no throws it away."""
        from db.intake.reception import IntakeData

        data = IntakeData.from_json(draft.data.get("data") or {})
        what = " ".join(x for x in (data.customer.name, data.vehicle.plate) if x) or t("intake.draft_empty")
        question = t("intake.confirm.resume", when=f"{draft.updated_at:%Y-%m-%d %H:%M}", what=what)

        def answered(value: str | None) -> None:
            if value == "yes":
                resume(data)
            elif value == "no":
                self.discard(desk(self._owner).advisor_id)

        self._owner.app.push_screen(ConfirmDialog(question, [("yes", "intake.confirm.yes"), ("no", "intake.confirm.no")]),
                        answered)


@db_work(group="intake-draft")
def _save(owner: Widget, keeper: DraftKeeper, advisor_id: int, payload: dict[str, Any]) -> None:
    keeper.write_if_open(advisor_id, payload)


@db_work(group="intake-draft")
def _load(owner: Widget, advisor_id: int) -> None:
    from db.intake.drafts import load_draft

    draft = load_draft(advisor_id)
    if draft is not None:
        owner.post_message(DraftKeeper.Found(draft))


@db_work(group="intake-draft")
def _discard(owner: Widget, advisor_id: int | None) -> None:
    from db.intake.drafts import discard_draft

    if advisor_id is not None:
        discard_draft(advisor_id)
