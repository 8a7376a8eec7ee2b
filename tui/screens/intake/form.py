"""The form stage: a new archive or a returning car's work order, saved with F2 as one
transaction (customer, car, work order and contact)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from db.errors import Conflict
from db.i18n import listing, t
from db.safe_text import visible
from tui.desk import desk
from tui.screens.confirm import CANCEL, ConfirmDialog
from tui.screens.intake.drafts import DraftKeeper
from tui.screens.intake.known import Known, apply_known, look_up, worth_asking
from tui.widgets.form_row import field_id
from tui.workers import db_work

if TYPE_CHECKING:
    # Imported when the form is mounted, after the first frame (with db.intake and the
    # validation rules behind it): see FormStage.form_mounted.
    from db.intake.reception import IntakeData
    from tui.widgets.intake_form import IntakeForm

# A save normally ends in milliseconds; "saving…" is shown only when one waits longer
# (another advisor holds the write lock), so a quick save never flashes a stale toast.
SAVING_NOTICE_AFTER = 0.4


class Refused(Message):
    """The save refused the form's values: what is wrong with each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__()
        self.errors = errors


class Asks(Message):
    """The save needs a yes first (a change of owner, a lower mileage)."""

    def __init__(self, kind: str, question: str) -> None:
        super().__init__()
        self.kind, self.question = kind, question


class Revealed(Message):
    """The full number of a field shown masked, asked for by the advisor (recorded)."""

    def __init__(self, path: str, number: str) -> None:
        super().__init__()
        self.path, self.number = path, number


class Cutoff(Message):
    """Cars bought on or before ``day`` should have a first-maintenance date (a setting)."""

    def __init__(self, day: Any) -> None:
        super().__init__()
        self.day = day


class Theirs(Message):
    """The archive as another advisor's save left it (after a version conflict)."""

    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data


class FormStage(Vertical):
    """The screen opens the form (``fill``, then ``begin`` once the stage is in front) on
    ``Open``, and starts the next customer on ``Saved``. ``dirty``: typed input not yet
    saved."""

    class Open(Message):
        """The form to open: from the brief, a new archive's prefill or a resumed draft."""

        def __init__(self, data: IntakeData, resumed: bool = False) -> None:
            super().__init__()
            self.data, self.resumed = data, resumed

    class Saved(Message):
        def __init__(self, saved: Any) -> None:
            super().__init__()
            self.saved = saved

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.dirty = False
        self._notice: Timer | None = None
        self.drafts = DraftKeeper(self, self._draft)
        self._form_mount: tuple[IntakeForm, AwaitMount] | None = None
        self._before_walkaround: Widget | None = None  # where Ctrl+G from the walk-around returns
        self._title = ""
        self._cutoff: Any = None  # see Cutoff; until read, the first-maintenance date is not asked for

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="form-title")  # whose work order, always in sight
        # The form (some forty fields) is mounted after the first frame: see form_mounted.

    def after_first_frame(self) -> None:
        """The program's first frame is on the terminal: build the work order's form now,
        while the advisor reads the screen, rather than before it is drawn."""
        self.call_later(self.form_mounted)
        _read_cutoff(self)

    async def form_mounted(self) -> IntakeForm:
        """The form, mounted on first call (later calls wait for that same mount): a form
        opened before ``after_first_frame`` (Ctrl+N, Enter on a brief) builds it at once."""
        if self._form_mount is None:
            from tui.widgets.intake_form import IntakeForm  # not on the way to the first frame

            form = IntakeForm(id="form")
            self._form_mount = (form, self.mount(form))
        form, mounting = self._form_mount
        await mounting
        return form

    @property
    def form(self) -> IntakeForm:
        return self.query_one("#form")  # type: ignore[return-value]

    # ---- opening

    async def fill(self, data: IntakeData) -> bool:
        """Load ``data`` and its title; True for a returning customer."""
        await self.form_mounted()
        await self.form.load(data)
        returning = data.customer.id is not None
        car = data.vehicle.plate or data.vehicle.vin
        title = t("intake.form.title", name=data.customer.name, car=car) if returning else t("intake.form.new_title")
        self._title = title
        self.show_missing()
        if not returning and data.vehicle.id is not None:  # found from its plate or VIN
            self.form.note("vehicle.vin", t("intake.form.known_car"))
        return returning

    def begin(self, returning: bool, resumed: bool, shown: bool) -> None:
        """Ready for typing; ``shown``: the form was in front already."""
        self.dirty = resumed  # a resumed draft is typed input not yet saved
        self.drafts.open()
        self.form.scroll_home(animate=False)
        # The first field has the focus at once, and the keys typed ahead go there; the
        # scrolling waits for the form's layout.
        start = self.form.field(start_path(self.form, returning))
        if shown:
            self.screen.call_after_refresh(self._scroll_start, start)
        else:
            self.form.when_shown(lambda: self._scroll_start(start))
        # after the frame: moving the focus restyles the screen (the keys wait till then).
        # Through the screen, whose callbacks after a frame run before the form handles its
        # Show: the scroll then starts from the form scrolled home and the start focused.
        self.screen.call_after_refresh(desk(self).release_keys, start)

    def _scroll_start(self, start: Widget) -> None:
        """Bring the start field into sight, or the field the keys typed ahead went on to
        (the focus may not have reached the form yet: then it goes to ``start``)."""
        focused = self.screen.focused
        if focused is None or self.form not in focused.ancestors:
            focused = start
        if focused is start and start.id == field_id("order.mileage"):
            self.form.show_section("order")  # the work order at the top, the car above it
        else:
            self.form.scroll_to_widget(focused, animate=False)

    def section(self, step: int) -> None:
        """PageUp/PageDown: to the first field of the previous or next part of the form.

        The focus moves as the key is read (a priority binding, the focus set at once), so
        keys typed right after it land in the new part, and a second PageDown in the same
        chunk counts from there. The part is told by the focused field, not by where it is
        painted: the screen has not been laid out again between two keys of one chunk."""
        from tui.widgets.intake_form import SECTIONS  # loaded with the form

        current = self.form.section_of(self.screen.focused)
        group, paths = SECTIONS[(current + step) % len(SECTIONS)]
        self.form.focus_path(paths[0], scroll=False)
        self.form.show_section(group)

    def walkaround(self) -> None:
        """Ctrl+G: to the walk-around (its first field, the part at the top), and from it
        back to the field the advisor left: nothing to mark costs those two keys, or none."""
        from tui.widgets.order_fields import WALKAROUND_PATHS

        focused = self.screen.focused
        if self.form.section_of(focused) == self.form.section_index("walkaround"):
            back = self._before_walkaround if self._before_walkaround is not None else self.form.field("order.mileage")
            self.screen.set_focus(back)
            return
        self._before_walkaround = focused
        self.form.focus_path(WALKAROUND_PATHS[0], scroll=False)
        self.form.show_section("walkaround")

    # ---- typing

    def on_intake_form_edited(self) -> None:  # IntakeForm.Edited, named: see form_mounted
        self.edited()

    def edited(self) -> None:
        self.dirty = True
        self.drafts.write_later()
        self.show_missing()

    # ---- the standard fields still empty, named while the customer is at the desk

    def show_missing(self) -> None:
        """The title line, then the standard fields the form leaves empty (cut to the width:
        the count says how many there are)."""
        from db.intake.missing import missing_in_form  # with the form, after the first frame

        line = Text(self._title, style="bold")
        # (the part lines are no standard field, and one may be mounting as this key is handled)
        labels = missing_in_form(self.form.collect(parts=False), self._cutoff) if self._title else []
        if labels:
            line.append("  " + t("intake.form.missing", n=len(labels), fields=listing(labels)))
        self.query_one("#form-title", Static).update(line)

    @on(Cutoff)
    def _cutoff_read(self, message: Cutoff) -> None:
        self._cutoff = message.day
        if self._title:
            self.show_missing()

    def _draft(self) -> dict[str, Any] | None:
        return {"stage": "form", "data": self.form.collect().to_json()} if self.display else None

    @on(DraftKeeper.Found)
    def _draft_found(self, message: DraftKeeper.Found) -> None:
        self.drafts.offer(message.draft, lambda data: self.post_message(self.Open(data, resumed=True)))

    def on_intake_form_field_left(self, message: IntakeForm.FieldLeft) -> None:
        if worth_asking(message.path, self.form.collect()):
            look_up(self, message.path, message.value)

    @on(Known)
    async def _known(self, message: Known) -> None:
        if await apply_known(self.form, message):
            self.edited()

    # ---- the masked mobile and ID number

    def can_reveal(self) -> bool:
        """The focused field shows a returning customer's number masked."""
        return self.form.masked_path(self.screen.focused) is not None

    def reveal(self) -> None:
        path = self.form.masked_path(self.screen.focused)
        customer_id = self.form.base.customer.id
        if path is not None and customer_id is not None:
            _reveal(self, customer_id, path, desk(self).advisor_id)

    @on(Revealed)
    def _revealed(self, message: Revealed) -> None:
        self.form.revealed(message.path, message.number)
        self.screen.refresh_bindings()  # the reveal key leaves the footer
        self.notify(t("card.revealed"), timeout=3, markup=False)

    def reset(self) -> None:
        """Put away: nothing typed, no draft written."""
        self.dirty = False
        self.drafts.close()

    # ---- saving

    def save(self) -> None:
        desk(self).hold_keys()  # for the next customer's find field once saved
        self.drafts.close()
        self._stop_notice()
        self._notice = self.set_timer(
            SAVING_NOTICE_AFTER, lambda: self.notify(t("intake.saving"), timeout=2, markup=False))
        # What was typed before F2 may still be on its way to the focused field: the form
        # is read after it.
        (self.screen.focused or self).call_later(self._save_form)

    def _save_form(self) -> None:
        _save(self, self.form.collect(), desk(self).advisor_id)

    def _stop_notice(self) -> None:
        if self._notice is not None:
            self._notice.stop()
            self._notice = None

    @on(Refused)
    async def _refused(self, message: Refused) -> None:
        # Keys typed after F2 were meant for the next customer, not for this form: said, not used.
        await desk(self).release_keys(replay=False)
        self._stop_notice()
        self.edited()  # not saved: the draft is kept as typed
        self.form.show_errors(message.errors)
        self.notify(t("intake.invalid", n=len(message.errors)), severity="error", timeout=6, markup=False)
        first = self.form.first_error_path(message.errors)
        if first:
            self.form.focus_path(first)

    @on(Asks)
    async def _asks(self, message: Asks) -> None:
        await desk(self).release_keys(replay=False)  # never an answer to the question below
        self._stop_notice()
        self.edited()

        def answered(value: str | None) -> None:
            if value == "fix":  # the advisor goes to correct what was typed
                self.form.focus_path("vehicle.vin" if message.kind == "vin_check" else "order.mileage")
                return
            if value in (None, CANCEL):
                return
            if message.kind == "owner_change":
                self.form.base.owner_change_confirmed = value == "yes"
            elif message.kind == "vin_check":  # this VIN only: a VIN typed after it is asked again
                self.form.base.vin_confirmed = self.form.collect().vehicle.vin
            else:
                self.form.base.lower_mileage_confirmed = True
            self.save()

        self.app.push_screen(ConfirmDialog(message.question, save_answers(message.kind)), answered)

    @on(Saved)
    def _saved(self) -> None:
        self._stop_notice()  # the screen starts the next customer

    def on_worker_error(self, worker: Any, error: BaseException) -> None:
        """A refused save (conflict, locked database) keeps the form and its draft as they are;
        after a conflict the other advisor's values are read, to be shown beside the form's."""
        if worker.group == "intake-save":  # no next stage for the keys typed after F2
            self.screen.call_later(desk(self).release_keys, replay=False)
            if isinstance(error, Conflict):
                base = self.form.base
                _read_theirs(self, base.vehicle.id, base.customer.id)
        self._stop_notice()
        if self.display:
            self.edited()

    # ---- another advisor saved first: theirs beside mine, the advisor chooses

    @on(Theirs)
    async def _theirs(self, message: Theirs) -> None:
        from db.intake.conflict import merge

        merged = merge(self.form.base, self.form.collect(), message.data)
        await self.form.load(merged.form)
        self.form.base = merged.base  # the next F2 saves over their version
        for path in merged.taken:
            self.form.note(path, t("intake.conflict.taken"))
        for difference in merged.both:
            theirs = self.form.shown(difference.path, difference.theirs)
            self.form.note(difference.path, t("intake.conflict.theirs", value=visible(theirs)))
        self.edited()
        self._choose(list(merged.both))

    def _choose(self, left: list[Any]) -> None:
        """Ask for each field both changed, one after the other: keep mine or take theirs."""
        if not left:
            self.notify(t("intake.conflict.done"), timeout=6, markup=False)
            return
        difference, rest = left[0], left[1:]
        theirs, mine = (visible(self.form.shown(difference.path, v)) for v in (difference.theirs, difference.mine))
        question = Text(t("intake.conflict.ask", field=t(f"intake.f.{difference.path}"), theirs=theirs, mine=mine))

        def answered(value: str | None) -> None:
            if value == "theirs":
                self.form.take(difference.path, difference.theirs)
                self.edited()
            self._choose(rest)

        self.app.push_screen(ConfirmDialog(question, [("mine", "intake.conflict.keep_mine"),
                                                      ("theirs", "intake.conflict.take_theirs")]), answered)


@db_work(group="intake-cutoff")
def _read_cutoff(stage: FormStage) -> None:
    from db.completeness import first_maintenance_cutoff

    stage.post_message(Cutoff(first_maintenance_cutoff()))


@db_work(group="intake-theirs")
def _read_theirs(stage: FormStage, vehicle_id: int | None, customer_id: int | None) -> None:
    from db.intake.reception import start_for

    stage.post_message(Theirs(start_for(vehicle_id, customer_id)))


@db_work(group="intake-save")
def _save(stage: FormStage, data: IntakeData, advisor_id: int | None) -> None:
    """Posts ``FormStage.Saved``, ``Refused`` or ``Asks`` to ``stage``."""
    from db.intake.reception import ConfirmationNeeded, IntakeInvalid, save_intake

    try:
        saved = save_intake(data, advisor_id)
    except IntakeInvalid as exc:
        stage.post_message(Refused(exc.errors))
        return
    except ConfirmationNeeded as exc:
        stage.post_message(Asks(exc.kind, str(exc)))
        return
    stage.post_message(FormStage.Saved(saved))
    # Conflict and DatabaseProblem reach the app's one handler: a notification, the form kept.


@db_work(group="intake-reveal")
def _reveal(stage: FormStage, customer_id: int, path: str, advisor_id: int | None) -> None:
    """Posts ``Revealed``: the number as the card's M / I give it, written to the audit log."""
    from db.archive import reveal

    stage.post_message(Revealed(path, reveal(customer_id, path.removeprefix("customer."), advisor_id)))


def start_path(form: IntakeForm, returning: bool) -> str:
    """Where typing starts: a returning car's mileage, else the first empty of name,
    mobile and VIN."""
    if returning:
        return "order.mileage"
    data = form.collect()
    return next((p for p, value in (("customer.name", data.customer.name),
                                     ("customer.mobile", data.customer.mobile),
                                     ("vehicle.vin", data.vehicle.vin))
                 if not value), "customer.name")


def save_answers(kind: str) -> list[tuple[str, str]]:
    """The answers to a save's question: a change of owner may also be declined (the
    customer only brought the car in; it keeps its owner)."""
    if kind == "owner_change":
        return [("yes", "intake.confirm.yes"), ("no", "intake.confirm.owner_no"), (CANCEL, "intake.confirm.cancel")]
    if kind == "vin_check":
        return [("yes", "intake.confirm.vin_yes"), ("fix", "intake.confirm.vin_fix"), (CANCEL, "intake.confirm.cancel")]
    if kind in ("lower_mileage", "mileage_jump"):  # a mistyped reading is the likelier answer
        return [("yes", "intake.confirm.yes"), ("fix", "intake.confirm.mileage_fix"), (CANCEL, "intake.confirm.cancel")]
    return [("yes", "intake.confirm.yes"), (CANCEL, "intake.confirm.cancel")]
