"""F3, the reception: find the archive, read the brief, fill the work order, save.

Three stages in one screen (a ContentSwitcher): ``find`` (one field for whatever the
customer offers; after a save, the saved work order's summary under it, so that the next
customer is found or built at once), ``brief`` (the reception brief) and ``form`` (new
archive or work order). Every database call runs in a worker that posts a typed
message back; the rules themselves live in ``db.intake.reception``, ``db.intake.brief`` and ``db.search``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher, Input, OptionList, Static
from textual.widgets.option_list import Option

from db.i18n import number, t
from db.safe_text import visible
from tui.screens.base import DeskScreen
from tui.screens.confirm import CANCEL, ConfirmDialog
from tui.widgets.brief_view import BriefText, brief_text, saved_text
from tui.widgets.fields import TextField
from tui.widgets.form_row import field_id
from tui.workers import db_work

if TYPE_CHECKING:
    # Imported when the form is mounted, after the first frame (with db.intake and the
    # validation rules behind it): see _form_mounted.
    from tui.widgets.intake_form import IntakeForm

DRAFT_DELAY = 0.6  # seconds after the last keystroke before the draft is written
# A save normally ends in milliseconds; "saving…" is shown only when one waits longer
# (another advisor holds the write lock), so a quick save never flashes a stale toast.
SAVING_NOTICE_AFTER = 0.4
# Likewise "searching…": a find answers in milliseconds, and a status painted meanwhile
# would only compete with the worker for the interpreter.
SEARCHING_NOTICE_AFTER = 0.2
FIND_LIMIT = 8  # a short pick list; the lookup screen (F4) pages through more


class IntakeScreen(DeskScreen):
    HELP_KEY = "screen.intake.help"
    CSS_PATH = "intake.tcss"
    BINDINGS = [
        # priority: the keys typed after F2 are kept for the next customer's find field
        # (they would otherwise land in the form, and in what is saved)
        Binding("f2", "save", "intake.key.save", id="intake.save", priority=True),
        # priority, like Enter below: the keys typed after them are kept for the form they open
        Binding("ctrl+n", "new_archive", "intake.key.new", id="intake.new", priority=True),
        # priority: Enter that finds or opens the work order holds the keys typed after it
        # (AdvisorApp.hold_keys) until the next stage has its focus; in the form's fields
        # the app's own priority Enter moves on first. One binding per stage, so that the
        # footer shows Enter 开单 on the brief only (Enter finds: the find stage says so).
        Binding("enter", "find_enter", show=False, id="intake.find", priority=True),
        Binding("enter", "proceed", "intake.key.order", id="intake.proceed", priority=True),
        Binding("escape", "back", "key.back", show=False, id="back"),
        # priority: the form is a VerticalScroll, whose own PageDown/PageUp scroll it (only the form stage)
        Binding("pagedown", "section(1)", "intake.key.next_section", show=False, id="intake.next_section",
                priority=True),
        Binding("pageup", "section(-1)", "intake.key.prev_section", show=False, id="intake.prev_section",
                priority=True),
    ]

    # ---- messages from the workers

    class Found(Message):
        def __init__(self, query: str, hits: list[Any]) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    class BriefLoaded(Message):
        def __init__(self, brief: Any, data: Any) -> None:
            super().__init__()
            self.brief, self.data = brief, data

    class ExtrasLoaded(Message):
        def __init__(self, brief: Any) -> None:
            super().__init__()
            self.brief = brief

    class FormReady(Message):
        def __init__(self, data: Any, resumed: bool = False) -> None:
            super().__init__()
            self.data, self.resumed = data, resumed

    class Known(Message):
        def __init__(self, path: str, known: Any, data: Any) -> None:
            super().__init__()
            self.path, self.known, self.data = path, known, data

    class Saved(Message):
        def __init__(self, saved: Any) -> None:
            super().__init__()
            self.saved = saved

    class Refused(Message):
        def __init__(self, errors: dict[str, str]) -> None:
            super().__init__()
            self.errors = errors

    class Asks(Message):
        def __init__(self, kind: str, question: str) -> None:
            super().__init__()
            self.kind, self.question = kind, question

    class DraftFound(Message):
        def __init__(self, draft: Any) -> None:
            super().__init__()
            self.draft = draft

    def __init__(self) -> None:
        super().__init__()
        self.stage = "find"
        self.dirty = False  # typed input not yet saved
        self.draft_checked = False
        self._draft_timer: Timer | None = None
        self._saving_notice: Timer | None = None
        self._searching_notice: Timer | None = None
        self._hits: list[Any] = []
        self._last_query = ""
        self._brief_data: Any = None
        # Drafts are written by workers; once a save starts, none may land after it (the
        # save deletes the draft in its own transaction). The lock orders the two.
        self._draft_lock = threading.Lock()
        self._drafts_open = True
        self._form_mount: tuple[IntakeForm, AwaitMount] | None = None

    # ---- layout

    def compose_body(self) -> ComposeResult:
        with ContentSwitcher(initial="find", id="stages"):
            with Vertical(id="find"):
                yield Static(Text(t("intake.find.title"), style="bold"), classes="stage-title")
                yield TextField(placeholder=t("intake.find.placeholder"), id="find-input",
                                help_key="intake.find.help", max_length=40)
                yield Static(Text(t("intake.find.hint")), id="find-status", classes="hint")
                yield OptionList(id="find-results")
                yield BriefText(Text(""), id="saved-text")
            with VerticalScroll(id="brief"):
                yield BriefText(Text(""), id="brief-text")
                yield Static(Text(t("intake.brief.hint")), classes="hint")
            with Vertical(id="form-stage"):
                yield Static(Text(""), id="form-title")  # whose work order, always in sight
                # The form (some forty fields) is mounted after the first frame: see
                # after_first_frame and _form_mounted.

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#find-results").display = False
        self.query_one("#saved-text").display = False
        self.query_one("#find-input").focus()

    def after_first_frame(self) -> None:
        """The program's first frame is on the terminal: build the work order's form now,
        while the advisor reads the screen, rather than before it is drawn."""
        self.call_later(self._form_mounted)

    async def _form_mounted(self) -> IntakeForm:
        """The form, mounted on first call (later calls wait for that same mount)."""
        if self._form_mount is None:
            from tui.widgets.intake_form import IntakeForm  # not on the way to the first frame

            form = IntakeForm(id="form")
            self._form_mount = (form, self.query_one("#form-stage").mount(form))
        form, mounting = self._form_mount
        await mounting
        return form

    def refresh_greeting(self) -> None:
        super().refresh_greeting()
        # Once the advisor is known (before the screen is shown, or after a sign-in), look
        # for a draft, once: after the frame that shows the screen, which it must not delay.
        advisor_id = getattr(self.app, "advisor_id", None)
        if advisor_id is not None and not self.draft_checked:
            self.draft_checked = True
            self.call_after_refresh(self.load_draft, advisor_id)

    def _show(self, stage: str) -> None:
        self.stage = stage
        self.query_one("#stages", ContentSwitcher).current = "form-stage" if stage == "form" else stage
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.stage == "form"
        if action == "proceed":
            return self.stage == "brief"
        if action == "find_enter":
            return self.stage == "find"
        if action == "section":
            return self.stage == "form"
        if action == "new_archive":
            return self.stage in ("find", "brief")
        return True

    @property
    def form(self) -> IntakeForm:
        return self.query_one("#form")  # type: ignore[return-value]

    # ---- finding the archive

    @on(Input.Submitted, "#find-input")
    async def _search(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            await self.app.release_keys()  # nothing to find: what follows is typed here
            return
        self._last_query = query
        self.query_one("#saved-text").display = False  # the next customer's search
        self._searching_notice_cancel()
        self._searching_notice = self.set_timer(
            SEARCHING_NOTICE_AFTER,
            lambda: self.query_one("#find-status", Static).update(Text(t("intake.find.searching"))))
        self.find(query)

    def _searching_notice_cancel(self) -> None:
        if self._searching_notice is not None:
            self._searching_notice.stop()
            self._searching_notice = None

    @db_work(group="intake-find")
    def find(self, query: str) -> None:
        """The matches; for a single one its brief too, in the same worker (one hop less
        before the brief is painted)."""
        from db.search import find

        hits = find(query, limit=FIND_LIMIT)
        brief = self._brief_of(hits[0].vehicle_id, hits[0].customer_id) if len(hits) == 1 else None
        self.post_message(self.Found(query, hits))  # both handled before the next frame
        if brief is not None:
            self.post_message(brief)

    @on(Found)
    async def _found(self, message: Found) -> None:
        self._searching_notice_cancel()
        self._hits = message.hits
        if len(message.hits) == 1:
            return  # its brief follows from the same worker; _restart resets this stage
        results = self.query_one("#find-results", OptionList)
        status = self.query_one("#find-status", Static)
        results.clear_options()
        results.display = len(message.hits) > 1
        if message.hits:
            status.update(Text(t("intake.find.many", n=number(len(message.hits)))))
            results.add_options([Option(_hit_line(h), id=str(n)) for n, h in enumerate(message.hits)])
            results.highlighted = 0
        else:
            status.update(Text(t("intake.find.none", query=message.query)))
        # Keys typed ahead were meant for one customer's brief: with several to pick from or
        # none, they would pick blindly or pile up in the find field. Dropped, and said so.
        await self.app.release_keys(results if message.hits else None, replay=False)

    @on(OptionList.OptionSelected, "#find-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        hit = self._hits[int(event.option.id or 0)]
        self.app.hold_keys()  # for the brief (already held when Enter picked)
        self.load_brief(hit.vehicle_id, hit.customer_id)

    @db_work(group="intake-brief")
    def load_brief(self, vehicle_id: int | None, customer_id: int | None) -> None:
        self.post_message(self._brief_of(vehicle_id, customer_id))

    def _brief_of(self, vehicle_id: int | None, customer_id: int | None) -> BriefLoaded:
        """In a worker: the brief and the work order's start for this car and customer."""
        from db.intake.brief import brief
        from db.intake.reception import start_for

        return self.BriefLoaded(brief(vehicle_id, customer_id, full=False), start_for(vehicle_id, customer_id))

    @on(BriefLoaded)
    def _brief_loaded(self, message: BriefLoaded) -> None:
        self._brief_data = message.data
        # Paint the brief first: the extras' worker holds the GIL for a while building SQL.
        # The keys typed ahead (an Enter for the work order) are let go once it is drawn.
        self.query_one("#brief-text", BriefText).show(brief_text(message.brief), then=lambda: (
            self.load_extras(message.brief), self.call_later(self.app.release_keys, self.query_one("#brief"))))
        self._show("brief")

    @db_work(group="intake-extras")
    def load_extras(self, partial: Any) -> None:
        """Reminders and segment badges, slower to work out: they join the brief shown."""
        from db.intake.brief import fill_extras

        self.post_message(self.ExtrasLoaded(fill_extras(partial)))

    @on(ExtrasLoaded)
    def _extras_loaded(self, message: ExtrasLoaded) -> None:
        shown = self._brief_data
        if self.stage == "brief" and shown is not None and shown.customer.id == message.brief.customer_id:
            self.query_one("#brief-text", BriefText).show(brief_text(message.brief))

    # ---- the form

    def action_proceed(self) -> None:
        self.app.hold_keys()  # for the work order's first field
        self.post_message(self.FormReady(self._brief_data))

    def action_find_enter(self) -> None:
        # The keys after Enter wait for the brief. Enter itself goes on to the find field
        # or the pick list: the keys typed before it are still on their way there, so
        # only they know what it finds or picks (the field posts Submitted, the list
        # OptionSelected, and a stage that follows releases the keys).
        if self.focused in (self.query_one("#find-input"), self.query_one("#find-results")):
            self.app.hold_keys()
        raise SkipAction()

    def action_new_archive(self) -> None:
        self.app.hold_keys()  # for the new archive's first field
        field = self.query_one("#find-input", Input)
        # What was typed before Ctrl+N may still be on its way to the field: read it there.
        field.call_later(lambda: self.new_archive(field.value))

    @db_work(group="intake-brief")
    def new_archive(self, query: str) -> None:
        from db.intake.reception import prefill_from_query

        self.post_message(self.FormReady(prefill_from_query(query)))

    @on(FormReady)
    async def _form_ready(self, message: FormReady) -> None:
        await self._form_mounted()
        await self.form.load(message.data)
        returning = message.data.customer.id is not None
        car = message.data.vehicle.plate or message.data.vehicle.vin
        title = (t("intake.form.title", name=message.data.customer.name, car=car) if returning
                 else t("intake.form.new_title"))
        self.query_one("#form-title", Static).update(Text(title, style="bold"))
        if not returning and message.data.vehicle.id is not None:  # found from its plate or VIN
            self.form.note("vehicle.vin", t("intake.form.known_car"))
        shown = self.stage == "form"
        self._show("form")
        self.dirty = message.resumed  # a resumed draft is typed input not yet saved
        self._drafts(True)
        self.form.scroll_home(animate=False)
        # The first field has the focus at once, and the keys typed ahead go there; the
        # scrolling waits for the form's layout.
        start = self.form.field(self._start_path(returning))
        if shown:
            self.call_after_refresh(self._scroll_start, start)
        else:
            self.form.when_shown(lambda: self._scroll_start(start))
        # after the frame: moving the focus restyles the screen (the keys wait till then)
        self.call_after_refresh(self.app.release_keys, start)

    def _start_path(self, returning: bool) -> str:
        """Where typing starts: a returning car's mileage, else the first empty of name,
        mobile and VIN."""
        if returning:
            return "order.mileage"
        data = self.form.collect()
        return next((p for p, value in (("customer.name", data.customer.name),
                                         ("customer.mobile", data.customer.mobile),
                                         ("vehicle.vin", data.vehicle.vin))
                     if not value), "customer.name")

    def _scroll_start(self, start: Widget) -> None:
        """Bring the start field into sight, or the field the keys typed ahead went on to
        (the focus may not have reached the form yet: then it goes to ``start``)."""
        focused = self.focused
        if focused is None or self.form not in focused.ancestors:
            focused = start
        if focused is start and start.id == field_id("order.mileage"):
            self.form.show_section("order")  # the work order at the top, the car above it
        else:
            self.form.scroll_to_widget(focused, animate=False)

    def on_intake_form_edited(self) -> None:  # IntakeForm.Edited
        self._edited()

    def _edited(self) -> None:
        self.dirty = True
        self._drafts(True)
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._write_draft)

    def _write_draft(self) -> None:
        advisor_id = getattr(self.app, "advisor_id", None)
        if advisor_id is not None and self.stage == "form":
            self.save_draft(advisor_id, {"stage": "form", "data": self.form.collect().to_json()})

    @db_work(group="intake-draft")
    def save_draft(self, advisor_id: int, payload: dict[str, Any]) -> None:
        from db.intake.drafts import save_draft

        with self._draft_lock:
            if self._drafts_open:
                save_draft(advisor_id, payload)

    def _drafts(self, open_: bool) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        with self._draft_lock:
            self._drafts_open = open_

    def on_intake_form_field_left(self, message: IntakeForm.FieldLeft) -> None:
        data = self.form.collect()
        # Only a new archive (or a new car) can duplicate what the archive already holds.
        if message.path.startswith("vehicle.") and data.vehicle.id is None or \
                message.path == "customer.mobile" and data.customer.id is None:
            self.look_up(message.path, message.value, data)

    @db_work(group="intake-known", exclusive=False)
    def look_up(self, path: str, value: str, data: Any) -> None:
        from db.intake.reception import known_for, start_for

        known = known_for(path, value)
        loaded = start_for(known.vehicle_id) if known.vehicle_id else None
        self.post_message(self.Known(path, known, loaded))

    @on(Known)
    async def _known(self, message: Known) -> None:
        known = message.known
        if message.data is not None:  # a car the archive knows (a sales import): load it
            current = self.form.collect()
            current.vehicle = message.data.vehicle
            await self.form.load(current)
            key = "intake.form.known_vin" if known.owner_name else "intake.form.known_car_free"
            self.form.note(message.path, t(key, plate=known.plate or "", name=known.owner_name or ""))
            self._edited()
        elif known.prospect_id is not None:
            current = self.form.collect()
            current.prospect_id = known.prospect_id
            if not current.customer.name:
                current.customer.name = known.prospect_name or ""
            await self.form.load(current)
            self.form.note("customer.mobile", t("intake.form.prospect", name=known.prospect_name or ""))
            self._edited()
        elif known.customer_name:
            self.form.note("customer.mobile", t("intake.form.mobile_taken", name=known.customer_name))

    def action_section(self, step: int) -> None:
        """PageUp/PageDown: to the first field of the previous or next part of the form.

        The focus moves as the key is read (a priority binding, the focus set at once), so
        keys typed right after it land in the new part, and a second PageDown in the same
        chunk counts from there. The part is told by the focused field, not by where it is
        painted: the screen has not been laid out again between two keys of one chunk."""
        from tui.widgets.intake_form import SECTIONS

        current = self.form.section_of(self.focused)
        group, paths = SECTIONS[(current + step) % len(SECTIONS)]
        self.form.focus_path(paths[0], scroll=False)
        self.form.show_section(group)

    # ---- saving

    def action_save(self) -> None:
        self.app.hold_keys()  # for the next customer's find field once saved
        self._drafts(False)
        self._saving_notice_cancel()
        self._saving_notice = self.set_timer(
            SAVING_NOTICE_AFTER, lambda: self.notify(t("intake.saving"), timeout=2, markup=False))
        # What was typed before F2 may still be on its way to the focused field: the form
        # is read after it.
        (self.focused or self).call_later(self._save_form)

    def _save_form(self) -> None:
        self.save(self.form.collect(), getattr(self.app, "advisor_id", None))

    def _saving_notice_cancel(self) -> None:
        if self._saving_notice is not None:
            self._saving_notice.stop()
            self._saving_notice = None

    @db_work(group="intake-save")
    def save(self, data: Any, advisor_id: int | None) -> None:
        from db.intake.reception import ConfirmationNeeded, IntakeInvalid, save_intake

        try:
            saved = save_intake(data, advisor_id)
        except IntakeInvalid as exc:
            self.post_message(self.Refused(exc.errors))
            return
        except ConfirmationNeeded as exc:
            self.post_message(self.Asks(exc.kind, str(exc)))
            return
        self.post_message(self.Saved(saved))
        # Conflict and DatabaseProblem reach the app's one handler: a notification, the form kept.

    @on(Refused)
    async def _refused(self, message: Refused) -> None:
        # Keys typed after F2 were meant for the next customer, not for this form: said, not used.
        await self.app.release_keys(replay=False)
        self._saving_notice_cancel()
        self._edited()  # not saved: the draft is kept as typed
        self.form.show_errors(message.errors)
        self.notify(t("intake.invalid", n=len(message.errors)), severity="error", timeout=6, markup=False)
        first = self.form.first_error_path(message.errors)
        if first:
            self.form.focus_path(first)

    @on(Asks)
    async def _asks(self, message: Asks) -> None:
        await self.app.release_keys(replay=False)  # never an answer to the question below
        self._saving_notice_cancel()
        self._edited()
        if message.kind == "owner_change":
            answers = [("yes", "intake.confirm.yes"), ("no", "intake.confirm.owner_no"),
                       (CANCEL, "intake.confirm.cancel")]
        else:
            answers = [("yes", "intake.confirm.yes"), (CANCEL, "intake.confirm.cancel")]

        def answered(value: str | None) -> None:
            if value in (None, CANCEL):
                return
            base = self.form.base
            if message.kind == "owner_change":
                base.owner_change_confirmed = value == "yes"
            else:
                base.lower_mileage_confirmed = True
            self.action_save()

        self.app.push_screen(ConfirmDialog(message.question, answers), answered)

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        """Back to the find field for the next customer, the summary under it; keys typed
        after F2 go there once it is drawn."""
        self._saving_notice_cancel()
        self._restart(focus=False)
        summary = self.query_one("#saved-text", BriefText)
        summary.show(saved_text(message.saved),
                     then=lambda: self.call_later(self.app.release_keys, self.query_one("#find-input")))
        summary.display = True

    def on_worker_error(self, worker: Any, error: BaseException) -> None:
        """A refused save (conflict, locked database) keeps the form and its draft as they are."""
        if worker.group in ("intake-find", "intake-brief", "intake-save"):  # no next stage
            self.call_later(self.app.release_keys, replay=False)
        self._saving_notice_cancel()
        self._searching_notice_cancel()
        if self.stage == "find":  # a find that failed is searching no more
            self.query_one("#find-status", Static).update(Text(t("intake.find.hint")))
        if self.stage == "form":
            self._edited()

    # ---- drafts

    @db_work(group="intake-draft")
    def load_draft(self, advisor_id: int) -> None:
        from db.intake.drafts import load_draft

        draft = load_draft(advisor_id)
        if draft is not None:
            self.post_message(self.DraftFound(draft))

    @on(DraftFound)
    def _draft_found(self, message: DraftFound) -> None:
        from db.intake.reception import IntakeData

        data = IntakeData.from_json(message.draft.data.get("data") or {})
        what = " ".join(x for x in (data.customer.name, data.vehicle.plate) if x) or t("intake.draft_empty")
        question = t("intake.confirm.resume", when=f"{message.draft.updated_at:%Y-%m-%d %H:%M}", what=what)

        def answered(value: str | None) -> None:
            if value == "yes":
                self.post_message(self.FormReady(data, resumed=True))
            elif value == "no":
                self.discard_draft(self.app.advisor_id)

        self.app.push_screen(ConfirmDialog(question, [("yes", "intake.confirm.yes"),
                                                      ("no", "intake.confirm.no")]), answered)

    @db_work(group="intake-draft")
    def discard_draft(self, advisor_id: int | None) -> None:
        from db.intake.drafts import discard_draft

        if advisor_id is not None:
            discard_draft(advisor_id)

    # ---- going back

    def action_back(self) -> None:
        if self.stage == "form" and self.dirty:
            def answered(value: str | None) -> None:
                if value == "yes":
                    self._restart()  # closes drafts first, so none lands after the discard
                    self.discard_draft(getattr(self.app, "advisor_id", None))

            self.app.push_screen(ConfirmDialog(t("intake.confirm.discard"),
                                               [(CANCEL, "intake.confirm.no"), ("yes", "intake.confirm.yes")]),
                                 answered)
        elif self.stage != "find":
            self._restart()
        else:
            field = self.query_one("#find-input", Input)
            summary = self.query_one("#saved-text")
            if field.value:
                field.value = ""
            elif summary.display:
                summary.display = False
            else:
                super().action_back()

    def _restart(self, focus: bool = True) -> None:
        """Back to the identification field for the next customer (``focus``: now)."""
        self.dirty = False
        self._drafts(False)
        self.query_one("#find-input", Input).value = ""
        self.query_one("#find-results", OptionList).display = False
        self.query_one("#saved-text").display = False
        self.query_one("#find-status", Static).update(Text(t("intake.find.hint")))
        self._show("find")
        if focus:
            self.set_focus(self.query_one("#find-input"))


def _hit_line(hit: Any) -> Text:
    """One pick-list row in aligned columns, the customer's values as plain text."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for value, width, style in ((hit.plate or "—", 10, "bold"), (hit.name, 10, ""),
                                (hit.mobile_masked, 13, ""), (f"…{hit.vin[-6:]}" if hit.vin else "", 9, "")):
        cell = Text(visible(value or ""), style=style)
        cell.truncate(width, overflow="ellipsis")
        text.append_text(cell)
        text.append(" " * (width - cell.cell_len + 1))
    if hit.last_visit:
        text.append(hit.last_visit.isoformat(), style="dim")
    return text
