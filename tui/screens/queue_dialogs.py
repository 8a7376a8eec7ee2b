"""The queue screen's dialogs: record a call's outcome, put a row off, choose a campaign.

Each dialog saves through ``db.queues`` in a worker and stays open with the message
beside the field when a value is refused, so nothing typed is lost.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from db.errors import Invalid
from db.i18n import t
from tui.keys import TranslatedBindings, help_binding
from tui.widgets.fields import TextField
from tui.workers import db_work

OUTCOME_KEYS = ("1", "2", "3", "4", "5", "6")


def outcome_names() -> tuple[str, ...]:
    from db.queues import OUTCOMES

    return OUTCOMES


def save_outcome(item, outcome: str, advisor_id: int | None, note: str = "", booked_text: str = "") -> None:
    """Parse the typed date and record the call (runs in a worker; raises ``Invalid``)."""
    from db import queues
    from db.validate import optional_date

    booked = optional_date(booked_text, "booked_date") if outcome == "booked" else None
    queues.record_outcome(item, outcome, advisor_id, note=note, booked_date=booked)


class Refused(Message):
    def __init__(self, message: str, field: str | None) -> None:
        super().__init__()
        self.message, self.field = message, field


class Saved(Message):
    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


class OutcomeDialog(TranslatedBindings, ModalScreen[str | None]):
    """Keys 1–6 choose the outcome, Tab reaches the note and the booked date, F2 or Enter
    saves, Esc closes without saving. Returns the outcome saved."""

    HELP_KEY = "dialog.outcome.help"
    BINDINGS = [
        Binding("f2", "save", "key.queues.confirm", id="queue_outcome.save", priority=True),
        Binding("escape", "cancel", "key.queues.cancel", id="queue_outcome.cancel"),
        help_binding("queue_outcome"),
        *[Binding(k, f"choose({i})", f"key.queues.{name}", show=False, id=f"queue_outcome.{name}")
          for i, (k, name) in enumerate(zip(OUTCOME_KEYS, ("reached", "no_answer", "booked", "declined",
                                                              "wrong_number", "do_not_call")))],
    ]

    def __init__(self, item, advisor_id: int | None, outcome: str | None = None) -> None:
        super().__init__()
        self.item, self.advisor_id, self.preset = item, advisor_id, outcome

    def compose(self) -> ComposeResult:
        with Vertical(id="outcome-box", classes="queue-dialog"):
            yield Static(Text(t("queues.outcome_title", name=self.item.name), style="bold"))
            yield Static(Text(self.item.reason), classes="hint")
            options = [Option(Text(f"{k}  {t('queue.outcome.' + name)}"), id=name)
                       for k, name in zip(OUTCOME_KEYS, outcome_names())]
            yield OptionList(*options, id="outcome-choice")
            yield Static(Text(t("queues.note")), classes="label")
            yield TextField(id="outcome-note", help_key="queues.help.note", max_length=500)
            yield Static(Text(t("queues.booked_date")), classes="label")
            yield TextField(id="outcome-date", placeholder="2026-12-01", help_key="queues.help.booked",
                            max_length=10)
            yield Static(Text(""), id="outcome-error", classes="error")

    def on_mount(self) -> None:
        choice = self.query_one("#outcome-choice", OptionList)
        names = outcome_names()
        choice.highlighted = names.index(self.preset) if self.preset in names else 0
        if self.preset == "booked":
            self.query_one("#outcome-date", Input).focus()
        else:
            choice.focus()

    @property
    def outcome(self) -> str:
        choice = self.query_one("#outcome-choice", OptionList)
        return outcome_names()[choice.highlighted or 0]

    def action_choose(self, index: int) -> None:
        if isinstance(self.focused, Input):
            return  # digits typed into the note or the date are text, not a choice
        self.query_one("#outcome-choice", OptionList).highlighted = index
        if outcome_names()[index] == "booked":
            self.query_one("#outcome-date", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and isinstance(self.focused, Input):
            return False  # let the field take the digit
        return True

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    def action_save(self) -> None:
        note = self.query_one("#outcome-note", Input).value
        date_text = self.query_one("#outcome-date", Input).value
        self._save(self.outcome, note, date_text)

    @db_work(group="queue-dialog")
    def _save(self, outcome: str, note: str, date_text: str) -> None:
        try:
            save_outcome(self.item, outcome, self.advisor_id, note, date_text)
        except Invalid as exc:
            self.post_message(Refused(str(exc), exc.field))
            return
        self.post_message(Saved(outcome))

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.query_one("#outcome-error", Static).update(Text(message.message))
        if message.field == "booked_date":
            self.query_one("#outcome-date", Input).focus()
        elif message.field == "note":
            self.query_one("#outcome-note", Input).focus()

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DateDialog(TranslatedBindings, ModalScreen[object]):
    """Put a row off to a day: returns the day once saved."""

    HELP_KEY = "dialog.postpone.help"
    BINDINGS = [
        Binding("f2", "save", "key.queues.confirm", id="queue_postpone.save", priority=True),
        Binding("escape", "cancel", "key.queues.cancel", id="queue_postpone.cancel"),
        help_binding("queue_postpone"),
    ]

    def __init__(self, item) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical(id="postpone-box", classes="queue-dialog"):
            yield Static(Text(t("queues.postpone_title", name=self.item.name), style="bold"))
            yield Static(Text(t("queues.postpone_date")), classes="label")
            yield TextField(id="postpone-date", placeholder="2026-12-05", help_key="queues.help.postpone",
                            max_length=10)
            yield Static(Text(""), id="postpone-error", classes="error")

    @on(Input.Submitted)
    def action_save(self) -> None:
        self._save(self.query_one("#postpone-date", Input).value)

    @db_work(group="queue-dialog")
    def _save(self, text: str) -> None:
        from db import queues
        from db.validate import date

        try:
            day = date(text, "postponed_until")
            queues.postpone(self.item, day)
        except Invalid as exc:
            self.post_message(Refused(str(exc), exc.field))
            return
        self.post_message(Saved(day))

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.query_one("#postpone-error", Static).update(Text(message.message))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SegmentDialog(TranslatedBindings, ModalScreen[str | None]):
    """Choose the campaign's segment: a spec typed or picked from the list."""

    HELP_KEY = "dialog.segment.help"
    BINDINGS = [
        Binding("f2", "save", "key.queues.confirm", id="queue_segment.save", priority=True),
        Binding("escape", "cancel", "key.queues.cancel", id="queue_segment.cancel"),
        help_binding("queue_segment"),
    ]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current or ""

    def compose(self) -> ComposeResult:
        from db.segments import choices

        with Vertical(id="segment-box", classes="queue-dialog"):
            yield Static(Text(t("queues.segment_prompt"), style="bold"))
            yield Static(Text(t("queues.segment_field")), classes="label")
            yield TextField(self.current, id="segment-spec", placeholder="age:mid,use:private",
                            help_key="queues.help.segment", max_length=80)
            yield Static(Text(""), id="segment-error", classes="error")
            yield OptionList(*[Option(Text(f"{kind}·{label}  {spec}"), id=spec)
                               for spec, kind, label in choices()], id="segment-choice")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        field = self.query_one("#segment-spec", Input)
        spec = event.option.id or ""
        kinds = {part.split(":")[0]: part for part in field.value.split(",") if ":" in part}
        kinds[spec.split(":")[0]] = spec  # one code per kind: picking again replaces it
        field.value = ",".join(kinds.values())
        field.focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        from db.segments import parse_spec

        text = self.query_one("#segment-spec", Input).value
        try:
            spec = ",".join(f"{kind}:{code}" for kind, code in parse_spec(text))
        except Invalid as exc:
            self.query_one("#segment-error", Static).update(Text(str(exc)))
            return
        self.dismiss(spec)

    def action_cancel(self) -> None:
        self.dismiss(None)
