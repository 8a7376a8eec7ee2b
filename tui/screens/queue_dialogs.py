"""The queue screen's dialogs: record a call's outcome, put a row off, choose a campaign.

Each dialog saves through ``db.queues.lists`` in a worker and stays open with the message
beside the field when a value is refused, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt

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
from db.queues import lists as queues
from db.queues.outcomes import CALL_OUTCOMES
from db.safe_text import LINES, visible
from db.segments import KINDS, choices, parse_spec, region_choices, spec_label
from db.validate import date, date_example, optional_date
from tui.keys import TranslatedBindings, help_binding
from tui.screens.base import cancel_form
from tui.widgets.fields import TextField
from tui.workers import db_work

OUTCOME_KEYS = ("1", "2", "3", "4", "5", "6")
BOOK = "open_book"  # the dialog's answer when "booked" for a car: the appointment book takes over


def save_outcome(item, outcome: str, advisor_id: int | None, note: str = "", booked_text: str = "") -> None:
    """Parse the typed date and record the call (runs in a worker; raises ``Invalid``)."""
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
        *[Binding(k, f"choose({i})", f"contact.outcome.{name}", show=False, id=f"queue_outcome.{name}")
          for i, (k, name) in enumerate(zip(OUTCOME_KEYS, CALL_OUTCOMES))],
    ]

    def __init__(self, item, advisor_id: int | None, outcome: str | None = None) -> None:
        super().__init__()
        self.item, self.advisor_id, self.preset = item, advisor_id, outcome

    def compose(self) -> ComposeResult:
        with Vertical(id="outcome-box", classes="queue-dialog"):
            yield Static(Text(t("queues.outcome_title", name=self.item.name), style="bold"))
            yield Static(Text(visible(self.item.reason, LINES)), classes="hint")
            options = [Option(Text(f"{k}  {t('contact.outcome.' + name)}"), id=name)
                       for k, name in zip(OUTCOME_KEYS, CALL_OUTCOMES)]
            yield OptionList(*options, id="outcome-choice")
            yield Static(Text(t("queues.note")), classes="label")
            yield TextField(id="outcome-note", help_key="queues.help.note", max_length=500)
            yield Static(Text(t("queues.booked_date")), classes="label")
            # no day to suggest (the customer names it): an example, marked as one
            yield TextField(id="outcome-date", placeholder=date_example(), help_key="queues.help.booked",
                            max_length=10)
            yield Static(Text(""), id="outcome-error", classes="error")
            # the footer under a dialog is the queues': the dialog's own keys are said here
            yield Static(Text(t("queues.outcome_keys")), classes="hint")

    def on_mount(self) -> None:
        choice = self.query_one("#outcome-choice", OptionList)
        names = CALL_OUTCOMES
        choice.highlighted = names.index(self.preset) if self.preset in names else 0
        if self.preset == "booked":
            self.query_one("#outcome-date", Input).focus()
        else:
            choice.focus()

    @property
    def outcome(self) -> str:
        choice = self.query_one("#outcome-choice", OptionList)
        return CALL_OUTCOMES[choice.highlighted or 0]

    def action_choose(self, index: int) -> None:
        if isinstance(self.focused, Input):
            return  # digits typed into the note or the date are text, not a choice
        self.query_one("#outcome-choice", OptionList).highlighted = index
        if CALL_OUTCOMES[index] == "booked":
            self.query_one("#outcome-date", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and isinstance(self.focused, Input):
            return False  # let the field take the digit
        return True

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    def action_save(self) -> None:
        if self.outcome == "booked" and self.item.vehicle_id and self.item.customer_id:
            self.dismiss(BOOK)  # a car is booked in the appointment book, not with a bare date
            return
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
        cancel_form(self)  # asks first when a note or a date was typed


class DateDialog(TranslatedBindings, ModalScreen[object]):
    """Put a row off to a day: returns the day once saved. The suggested day stands in
    the field as its value, selected, so Enter takes it and typing replaces it."""

    HELP_KEY = "dialog.postpone.help"
    BINDINGS = [
        Binding("f2", "save", "key.queues.confirm", id="queue_postpone.save", priority=True),
        Binding("escape", "cancel", "key.queues.cancel", id="queue_postpone.cancel"),
        help_binding("queue_postpone"),
    ]

    def __init__(self, item, suggested: dt.date | None = None) -> None:
        super().__init__()
        self.item, self.suggested = item, suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="postpone-box", classes="queue-dialog"):
            yield Static(Text(t("queues.postpone_title", name=self.item.name), style="bold"))
            yield Static(Text(t("queues.postpone_date")), classes="label")
            yield TextField(self.suggested.isoformat() if self.suggested else "", id="postpone-date",
                            placeholder=date_example(), help_key="queues.help.postpone", max_length=10)
            yield Static(Text(""), id="postpone-error", classes="error")

    @on(Input.Submitted)
    def action_save(self) -> None:
        self._save(self.query_one("#postpone-date", Input).value)

    @db_work(group="queue-dialog")
    def _save(self, text: str) -> None:
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
        cancel_form(self)  # asks first when a note or a date was typed


class SegmentDialog(TranslatedBindings, ModalScreen[str | None]):
    """Choose the campaign's segment from a list: ↑/↓ move, Enter chooses the highlighted
    one. To combine kinds, space ticks one per kind (ticking another of the same kind
    replaces it: a car has one age, one use) and Enter chooses the ticked ones together.
    The line under the list says what Enter will choose. Returns the spec chosen."""

    HELP_KEY = "dialog.segment.help"
    BINDINGS = [
        Binding("f2", "save", "key.queues.confirm", id="queue_segment.save", priority=True),
        Binding("space", "tick", "key.queues.tick", id="queue_segment.tick"),
        Binding("escape", "cancel", "key.queues.cancel", id="queue_segment.cancel"),
        help_binding("queue_segment"),
    ]

    class RegionsLoaded(Message):
        def __init__(self, rows: list[tuple[str, str, str]]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current or ""
        self.ticked: dict[str, str] = {}  # kind -> spec part ticked for it
        self.rows: dict[str, tuple[str, str]] = {}  # spec part -> (kind label, segment label)

    def compose(self) -> ComposeResult:
        with Vertical(id="segment-box", classes="queue-dialog"):
            title = Text(t("queues.segment_prompt"), style="bold")
            if self.current:
                from db.segments import spec_label

                title.append("  " + t("queues.segment_now", segment=spec_label(self.current)), style="dim")
            yield Static(title)
            yield Static(Text(t("queues.segment_keys")), classes="hint")
            choice = OptionList(id="segment-choice")
            choice.help_key = "queues.help.segment"  # F1 on the list
            yield choice
            yield Static(Text(""), id="segment-enter")
            yield Static(Text(""), id="segment-error", classes="error")

    def on_mount(self) -> None:
        # The fixed segments at once (keys typed ahead find them); the districts, which
        # the database knows, are added under them when read.
        self._add(choices())
        listing = self.query_one("#segment-choice", OptionList)
        first = self.current.split(",")[0].strip()
        listing.highlighted = listing.get_option_index(first) if first in self.rows else 0
        listing.focus()
        self._say_enter()
        self._load_regions()

    @db_work(group="queue-segment-regions")
    def _load_regions(self) -> None:
        self.post_message(self.RegionsLoaded(region_choices()))

    @on(RegionsLoaded)
    def regions_loaded(self, message: RegionsLoaded) -> None:
        listing = self.query_one("#segment-choice", OptionList)
        first = self.current.split(",")[0].strip()
        self._add(message.rows)
        if first in self.rows and first.startswith("region:") and listing.highlighted == 0:
            listing.highlighted = listing.get_option_index(first)

    def _add(self, rows: list[tuple[str, str, str]]) -> None:
        rows = [row for row in rows if row[0] not in self.rows]
        self.rows.update({spec: (kind, label) for spec, kind, label in rows})
        self.query_one("#segment-choice", OptionList).add_options(
            [Option(self._prompt(spec), id=spec) for spec, _, _ in rows])

    def _prompt(self, spec: str) -> Text:
        kind, label = self.rows[spec]
        mark = "[x]" if spec in self.ticked.values() else "[ ]"
        kind_text = Text(kind, style="dim")
        kind_text.align("left", max(Text(t(f"segment.kind.{k}")).cell_len for k in KINDS))
        return Text.assemble(f"{mark} ", kind_text, "  ", label)  # plain text: a district is typed data

    def _highlighted(self) -> str | None:
        listing = self.query_one("#segment-choice", OptionList)
        if listing.highlighted is None:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    def chosen(self) -> str:
        """What Enter chooses: the ticked ones in the list's order, else the highlighted one."""
        if self.ticked:
            return ",".join(spec for spec in self.rows if spec in self.ticked.values())
        return self._highlighted() or ""

    def _say_enter(self) -> None:
        spec = self.chosen()
        self.query_one("#segment-enter", Static).update(
            Text(t("queues.segment_enter", segment=spec_label(spec)) if spec else "", style="bold"))

    @on(OptionList.OptionHighlighted, "#segment-choice")
    def moved(self) -> None:
        self._say_enter()

    def action_tick(self) -> None:
        spec = self._highlighted()
        if spec is None:
            return
        kind = spec.split(":")[0]
        before = self.ticked.get(kind)
        if before == spec:
            del self.ticked[kind]
        else:
            self.ticked[kind] = spec  # one per kind: the one ticked before is unticked
        listing = self.query_one("#segment-choice", OptionList)
        for changed in {spec, before} - {None}:
            listing.replace_option_prompt(changed, self._prompt(changed))
        self._say_enter()

    @on(OptionList.OptionSelected, "#segment-choice")
    def action_save(self) -> None:
        try:  # db.segments says what a spec may hold, and what to say when it is empty
            spec = ",".join(f"{kind}:{code}" for kind, code in parse_spec(self.chosen()))
        except Invalid as exc:
            self.query_one("#segment-error", Static).update(Text(str(exc)))
            return
        self.dismiss(spec)

    def action_cancel(self) -> None:
        self.dismiss(None)  # nothing typed here: ticks are redone in a moment
