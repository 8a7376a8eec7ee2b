"""F3, the reception screen: it switches between the find, brief and form stages and
hands each key to the stage in front; the stages do the work."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher

from db.i18n import t
from tui.desk import desk
from tui.screens.base import DeskScreen
from tui.screens.confirm import CANCEL, ConfirmDialog
from tui.screens.intake.brief import BriefStage
from tui.screens.intake.find import FindStage
from tui.screens.intake.form import FormStage
from tui.widgets.brief_view import order_today_line


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
        # (Desk.hold_keys) until the next stage has its focus; in the form's fields
        # the app's own priority Enter moves on first. One binding per stage, so that the
        # footer shows Enter 开单 on the brief only (Enter finds: the find stage says so).
        Binding("enter", "find_enter", show=False, id="intake.find", priority=True),
        Binding("enter", "proceed", "intake.key.order", id="intake.proceed", priority=True),
        Binding("escape", "back", "key.back", show=False, id="back"),
        # in a returning customer's masked mobile or ID number (a letter, as the card's M
        # and I, would be typed into the field); shown in the footer only there
        Binding("ctrl+r", "reveal", "intake.key.reveal", id="intake.reveal"),
        # today's arrivals under the find field: the focus stays in the field
        Binding("ctrl+o", "receive_arrival", "intake.key.arrival", id="intake.arrival", priority=True),
        # (no description: the arrivals' title line names them, F1 keeps room for the rest)
        Binding("ctrl+down", "arrival(1)", "", show=False, id="intake.next_arrival", priority=True),
        Binding("ctrl+up", "arrival(-1)", "", show=False, id="intake.previous_arrival", priority=True),
        # priority: the form is a VerticalScroll, whose own PageDown/PageUp scroll it (only the form stage)
        Binding("pagedown", "section(1)", "intake.key.next_section", show=False, id="intake.next_section",
                priority=True),
        Binding("pageup", "section(-1)", "intake.key.prev_section", show=False, id="intake.prev_section",
                priority=True),
        # the walk-around part of the form and back (priority: from a text field too)
        Binding("ctrl+g", "walkaround", "intake.key.walkaround", id="intake.walkaround", priority=True),
        # the reception order of the work order just saved, for the customer's signature
        Binding("ctrl+t", "print_order", "intake.key.print_order", id="intake.print_order", priority=True),
    ]
    # The key's action for each stage: the others are neither run nor shown there.
    ACTION_STAGES = {"save": ("form",), "proceed": ("brief",), "find_enter": ("find",),
                     "section": ("form",), "walkaround": ("form",), "new_archive": ("find", "brief"),
                     "receive_arrival": ("find",), "arrival": ("find",), "reveal": ("form",)}

    def __init__(self) -> None:
        super().__init__()
        self.stage = "find"
        self.draft_checked = False
        self.first_frame_drawn = False
        self.first_frame_shown = False
        self.last_saved = None  # db.intake.reception.SavedIntake of the summary shown

    def compose_body(self) -> ComposeResult:
        with ContentSwitcher(initial="find", id="stages"):
            yield FindStage(id="find")
            yield BriefStage(id="brief")
            yield FormStage(id="form-stage")

    @property
    def find_stage(self) -> FindStage:
        return self.query_one(FindStage)

    @property
    def brief_stage(self) -> BriefStage:
        return self.query_one(BriefStage)

    @property
    def form_stage(self) -> FormStage:
        return self.query_one(FormStage)

    def on_mount(self) -> None:
        self.find_stage.field.focus()

    def at_first_frame(self) -> None:
        """Called by the app as soon as its first frame is drawn: the advisor's draft is
        looked for from now on (a worker started before that frame held it up)."""
        self.first_frame_drawn = True
        self._look_for_draft()

    def after_first_frame(self) -> None:
        """Called by the app once its first frame is on the terminal: the work order's form
        is built then (``FormStage.form_mounted``), not on the way to that frame; so are
        today's arrivals read. When the advisor went to another screen before this one was
        composed there is nothing to build yet: the form is built when first needed."""
        if not self.query(FormStage):
            return
        self.form_stage.after_first_frame()
        self.first_frame_shown = True
        self.find_stage.load_arrivals()

    def on_screen_resume(self) -> None:
        if self.stage == "find" and self.first_frame_shown:  # back from another screen (F12 booked one)
            self.find_stage.load_arrivals()

    def refresh_greeting(self) -> None:
        super().refresh_greeting()
        self._look_for_draft()

    def _look_for_draft(self) -> None:
        """Once the advisor is known (before the screen is shown, or after a sign-in), look
        for a draft, once: not before the program's first frame is drawn, which its
        worker would delay, and after the frame that shows the screen."""
        advisor_id = desk(self).advisor_id
        if advisor_id is not None and self.first_frame_drawn and not self.draft_checked and self.query(FormStage):
            self.draft_checked = True
            self.call_after_refresh(self.form_stage.drafts.look_for, advisor_id)

    def _show(self, stage: str) -> None:
        self.stage = stage
        self.query_one("#stages", ContentSwitcher).current = "form-stage" if stage == "form" else stage
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        stages = self.ACTION_STAGES.get(action)
        arrivals = self.find_stage.arrivals
        if action in ("receive_arrival", "arrival") and (arrivals.current is None or not arrivals.display):
            return False
        if action == "print_order" and (self.last_saved is None or not self.find_stage.summary_shown):
            return False
        if action == "reveal" and (self.stage != "form" or not self.form_stage.can_reveal()):
            return False
        return stages is None or self.stage in stages

    # ---- keys: each goes to its stage

    def action_find_enter(self) -> None:
        # The keys after Enter wait for the brief. Enter itself goes on to the find field
        # or the pick list: the keys typed before it are still on their way there, so
        # only they know what it finds or picks (the field posts Submitted, the list
        # OptionSelected, and a stage that follows releases the keys).
        if self.find_stage.submits(self.focused):
            desk(self).hold_keys()
        raise SkipAction()

    def action_arrival(self, step: int) -> None:
        self.find_stage.arrivals.move(step)

    def action_receive_arrival(self) -> None:
        """Ctrl+O: the highlighted arrival's brief; its work order starts from the request
        booked (``db.intake.reception.start_for``), and saving marks the booking arrived."""
        booking = self.find_stage.arrivals.current
        if booking is not None:
            desk(self).hold_keys()  # for the brief, as a find's Enter does
            self.brief_stage.load_brief(booking.vehicle_id, booking.customer_id)

    async def action_proceed(self) -> None:
        order = getattr(self.brief_stage.brief, "order_today", None)
        if order is None:
            desk(self).hold_keys()  # for the work order's first field
            self.post_message(FormStage.Open(self.brief_stage.data))
            return
        # The car has a work order today: the advisor chooses before anything is typed,
        # so keys typed ahead of the question answer nothing (kept, then dropped and named).
        desk(self).hold_keys()
        await desk(self).release_keys(replay=False)

        def answered(value: str | None) -> None:
            if value == "second":
                self.post_message(FormStage.Open(self.brief_stage.data))
            elif value == "open" and order.customer_id is not None:
                from tui.screens.card import ArchiveCard

                self.app.push_screen(ArchiveCard(order.customer_id, section="visits", visit_id=order.visit_id))

        self.app.push_screen(ConfirmDialog(order_today_line("intake.today.ask", order), [
            ("open", "intake.today.open"), ("second", "intake.today.second"), (CANCEL, "intake.confirm.cancel")]),
            answered)

    def action_new_archive(self) -> None:
        self.find_stage.new_archive()

    def action_reveal(self) -> None:
        self.form_stage.reveal()

    def action_section(self, step: int) -> None:
        self.form_stage.section(step)

    def action_walkaround(self) -> None:
        self.form_stage.walkaround()

    def action_print_order(self) -> None:
        from tui.printing import print_visit

        if self.last_saved is not None:
            print_visit(self, self.last_saved.visit_id, "order", desk(self).advisor_id)

    def on_printed(self, message: Any) -> None:  # tui.printing.Printed, loaded with the first print
        self.find_stage.show_printed(message.text)

    def action_save(self) -> None:
        self.form_stage.save()

    # ---- from one stage to the next

    @on(FindStage.Picked)
    def _picked(self, message: FindStage.Picked) -> None:
        self.brief_stage.load_brief(message.hit.vehicle_id, message.hit.customer_id)

    @on(BriefStage.Ready)
    def _brief_ready(self, message: BriefStage.Ready) -> None:
        self.brief_stage.show(message)
        self._show("brief")

    @on(FormStage.Open)
    async def _open_form(self, message: FormStage.Open) -> None:
        returning = await self.form_stage.fill(message.data)
        shown = self.stage == "form"
        self._show("form")
        self.form_stage.begin(returning, message.resumed, shown)

    @on(FormStage.Saved)
    def _saved(self, message: FormStage.Saved) -> None:
        """Back to the find field for the next customer, the summary under it."""
        self.restart(focus=False)
        self.last_saved = message.saved
        self.find_stage.show_summary(message.saved)
        self.refresh_bindings()  # Ctrl+T prints its reception order
        self.find_stage.load_arrivals()  # the car just received leaves the arrivals

    def action_back(self) -> None:
        if self.stage == "form" and self.form_stage.dirty:
            def answered(value: str | None) -> None:
                if value == "yes":
                    self.restart()  # closes drafts first, so none lands after the discard
                    self.form_stage.drafts.discard(desk(self).advisor_id)

            self.app.push_screen(ConfirmDialog(t("intake.confirm.discard"),
                                               [(CANCEL, "intake.confirm.no"), ("yes", "intake.confirm.yes")]),
                                 answered)
        elif self.stage != "find":
            self.restart()
        elif not self.find_stage.back():
            super().action_back()

    def restart(self, focus: bool = True) -> None:
        """Back to the find field for the next customer (``focus``: now)."""
        self.form_stage.reset()
        self.find_stage.reset()
        self._show("find")
        if focus:
            self.set_focus(self.find_stage.field)
