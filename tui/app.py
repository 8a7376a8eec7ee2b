"""The Textual application: modes for the main screens, one error handler for workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.actions import SkipAction
from textual._context import active_app
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.worker import Worker, WorkerState

from db.errors import AdvisorError, Unconfirmed
from db.i18n import t
from tui import collector, wrap
from tui.guard import DropHidden
from tui.desk import Desk
from tui.keys import TranslatedBindings, key_name
from tui.palette import DeskCommands, DeskPalette
from tui.main_screens import MAIN_SCREENS, MainScreen

# Keys are held while a screen changes stage (a find, a form opening): milliseconds as a
# rule. Past this many seconds something went wrong, and the keyboard must not stay dead.
HOLD_LIMIT = 5.0
# Work put off until the first frame (building forms not shown yet) waits this many seconds
# more: Textual has drawn the frame when it says Ready, but its bytes reach the terminal
# from a thread of their own, which work started at once would hold up.
SETTLE_AFTER_FIRST_FRAME = 0.5
# The first showing of a main screen that brings its own .tcss re-reads every style
# source of the app (Textual's Stylesheet.reparse, then a restyle): 0.3-1 s on F12. The
# appointment book, reached from the card, the lookup, F5 and F6, has its styles read
# this many seconds after the first frame instead, while the advisor reads the screen
# (never on the way to the first frame: the start stays as it is).
PREPARE_BOOK_AFTER_FIRST_FRAME = 2.0


def _screen_bindings() -> list[Binding]:
    """F3–F9: one key per main screen, everywhere; in F1 help and the palette, not the
    footer (see tui/main_screens.py)."""
    return [
        Binding(s.key, f"app.show_screen('{s.id}')", s.label_key, show=False, id=f"screen.{s.id}")
        for s in MAIN_SCREENS
    ]


def _main_screen(main: MainScreen) -> Screen:
    """A main screen, made when its mode is first shown (the first one as the app starts).

    Textual 8 refreshes the app's styles for a new mode's screen (``App._init_mode`` →
    ``refresh_css``): it parses every style sheet again from scratch and throws away its
    cache of parsed sheets, so that the first screen's widgets parse them all a third time;
    a tenth of the start, for variables that never change here (the app has one theme).
    What that refresh does that counts, styling the app itself before the screen's widgets
    take their colours from it, is done here; the screen is then marked as styled.
    """
    screen = main.load()()
    app = active_app.get()
    app.stylesheet.update(app, animate=False)
    screen._css_update_count = app._css_update_count
    return screen


class AdvisorApp(TranslatedBindings, App[int]):
    # The reception's styles come with the app's: it is the first screen, and a screen
    # bringing a style sheet of its own makes Textual parse every style sheet again.
    CSS_PATH = ["app.tcss", "screens/intake/intake.tcss"]
    ENABLE_COMMAND_PALETTE = True
    # Ctrl+P: this screen's actions, help, quit and the screens, in the interface language
    # (tui/palette.py); Textual's own English system commands are left out.
    COMMANDS = {DeskCommands}
    BINDINGS = [
        Binding("f1", "help", "key.help", id="help"),
        Binding("ctrl+q", "quit", "key.quit", show=False, id="quit", priority=True),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, id="palette", priority=True),
        # Focus moves are priority bindings: the app moves the focus as it reads the key,
        # so keys that arrive in the same chunk after it (fast typing over SSH) land in
        # the next field, not in the one just left.
        Binding("tab", "next_field", show=False, id="field.next", priority=True),
        Binding("shift+tab", "previous_field", show=False, id="field.previous", priority=True),
        Binding("enter", "enter_field", show=False, id="field.enter", priority=True),
        *_screen_bindings(),
    ]
    MODES = {s.id: (lambda s=s: _main_screen(s)) for s in MAIN_SCREENS}
    DEFAULT_MODE = "intake"  # the screen advisors live in; F9 is the desk's home

    def __init__(self, db_target: str, advisor_name: str | None = None, *,
                 known_advisor: tuple[int, str] | None = None) -> None:
        """``known_advisor`` (id, name): who is at the keyboard, already established by
        the caller from something the user can't forge (this OS account's advisor, or an
        ``advisor serve`` session's redeemed ticket): no sign-in is asked."""
        super().__init__()
        wrap.install()  # no wrapped line starts with a closing mark (，。）) anywhere
        from db.connection import describe

        self.db_target = db_target
        self.db_label = describe(db_target)
        self.advisor_id: int | None = known_advisor[0] if known_advisor else None
        self.advisor_name: str = known_advisor[1] if known_advisor else ""
        self._requested_advisor = advisor_name
        self.title = t("app.title")
        self._filters.append(DropHidden())  # nothing hidden reaches the terminal (tui/guard.py)
        # Keys read while a screen changes stage, in the order read (see hold_keys).
        self._held: list[events.Key] | None = None
        self._book_prepared = False  # prepare_book_styles done (once)
        self._holding = False
        self._hold_timer: Timer | None = None

    # ---- moving between fields

    def action_next_field(self) -> None:
        if getattr(self.focused, "takes_tab", False):
            raise SkipAction()  # a widget moving within itself (the book's places)
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        if getattr(self.focused, "takes_tab", False):
            raise SkipAction()
        self.screen.focus_previous()

    def action_enter_field(self) -> None:
        """Enter in a form's field goes to the next field; elsewhere Enter is the widget's."""
        if not getattr(self.focused, "enter_moves_on", False):
            raise SkipAction()
        start = self.focused
        moved = self.screen.focus_next()
        # past the fields the form filled in itself (TextField.skip_on_enter), never round again
        while getattr(moved, "skip_on_enter", False) and moved is not start:
            moved = self.screen.focus_next()

    # ---- keys typed while a screen changes stage

    def hold_keys(self) -> None:
        """Keep every key read from now on, unhandled, until ``release_keys``.

        A screen calls this from the action of the key that starts a change of stage (Enter
        that starts a find, Enter that opens a work order): until the next stage is shown
        there is no field the keys typed after it were meant for, and the widget focused
        now would swallow them. Called from a priority binding, it runs as that key is read,
        so every later key of the same chunk is kept."""
        self._holding = True
        if self._held is None:
            self._held = []
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_LIMIT, self._hold_overdue)

    async def release_keys(self, focus: Widget | None = None, *, replay: bool = True) -> None:
        """Focus ``focus`` (at once), then handle the kept keys in order, as if just read;
        keys read meanwhile wait behind them. A replayed key may start another change of
        stage (Enter on the brief): the rest are kept again for that one.

        ``replay=False`` drops the kept keys instead and says which (several matches, none,
        an error: not what the advisor typed ahead for)."""
        if focus is not None:
            focus.screen.set_focus(focus, scroll_visible=False)
        if not self._holding:
            return
        self._holding = False
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if not replay:
            held, self._held = self._held or [], None
            self._say_dropped(held)
            return
        while self._held and not self._holding:
            # App.on_event, not ours: ours would keep the key again while the list is open.
            await super().on_event(self._held.pop(0))
        if not self._holding:
            self._held = None

    def _hold_overdue(self) -> None:
        self._hold_timer = None
        if self._holding:
            self.call_later(self.release_keys, replay=False)

    def _say_dropped(self, held: list[events.Key]) -> None:
        shown = "".join(_key_text(key) for key in held)
        if shown:
            self.notify(t("keys.dropped", keys=shown), severity="warning", timeout=8, markup=False)

    async def on_event(self, event: events.Event) -> None:
        if (self._held is not None and isinstance(event, events.Key) and not event.is_forwarded
                and not self._always_now(event.key)):
            self._held.append(event)  # handled in its turn by release_keys
            return
        await super().on_event(event)

    def _always_now(self, key: str) -> bool:
        """Quitting is never held."""
        return any(b.action == "quit" for b in self._bindings.key_to_bindings.get(key, ()))

    # ---- who is at the keyboard

    def on_mount(self) -> None:
        if self.advisor_id is None:
            self.identify_advisor(self._requested_advisor)

    def on_ready(self) -> None:
        """The first frame is drawn: the main screen under it may start what it had put
        off so as not to delay that frame, at once (``at_first_frame``: a look-up the
        advisor may be waiting for) or a moment later (``after_first_frame``: building
        what is not shown yet)."""
        collector.release()
        main = self.screen_stack[0] if self.screen_stack else None
        now = getattr(main, "at_first_frame", None)
        if callable(now):
            now()
        then = getattr(main, "after_first_frame", None)
        if callable(then):
            self.set_timer(SETTLE_AFTER_FIRST_FRAME, then)
        self.set_timer(PREPARE_BOOK_AFTER_FIRST_FRAME, self.prepare_book_styles)

    def prepare_book_styles(self) -> None:
        """Read the appointment book's styles now (see PREPARE_BOOK_AFTER_FIRST_FRAME), unless
        it was shown already or the keyboard is held for a stage change (then its first
        showing reads them, as before). Textual's own loader of a screen's CSS does it."""
        declared = self._modes.get("book")  # none once the app is closing (Textual clears them)
        if declared is None or self._book_prepared or self._screen_stacks.get("book") or self._held is not None:
            return
        self._book_prepared = True
        from tui.main_screens import by_id

        screen = by_id("book").load()()
        self._load_screen_css(screen)
        # Its styles are those of now: its first showing need not re-read them all again
        # (a theme changed meanwhile still does: the count moves on).
        screen._css_update_count = self._css_update_count

        def prepared() -> Screen:
            self._modes["book"] = declared  # this instance once; a mode made again is a new one
            return screen

        self._modes["book"] = prepared

    def identify_advisor(self, answer: str | tuple[str, str | None] | None, confirm_remap: bool = False) -> None:
        """By name (with the PIN when the advisor has one), else by this OS account."""
        from tui.workers import db_work

        name, pin = answer if isinstance(answer, tuple) else (answer, None)

        @db_work(group="advisor")
        def lookup(app: AdvisorApp) -> None:
            from db import advisors, roles
            from db.errors import Forbidden

            try:
                advisor = (roles.identify(name, pin, confirm_remap=confirm_remap) if name
                           else advisors.for_os_user())
            except roles.PinNeeded as exc:
                app.call_from_thread(app._ask_sign_in, exc.advisor_name, str(exc))
                return
            except roles.RemapNeeded as exc:
                app.call_from_thread(app._ask_remap, (name, pin), str(exc))
                return
            except Forbidden as exc:  # retired, or unknown where self-registration is off
                app.call_from_thread(app._ask_sign_in, None, str(exc))
                return
            app.call_from_thread(app._advisor_known, advisor.id if advisor else None,
                                 advisor.name if advisor else "")

        lookup(self)

    def _ask_sign_in(self, pin_for: str | None = None, message: str = "") -> None:
        from tui.screens.sign_in import SignInScreen

        self.push_screen(SignInScreen(pin_for=pin_for, message=message), callback=self.identify_advisor)

    def _ask_remap(self, answer: tuple[str, str | None], message: str) -> None:
        """This OS account belongs to someone else: move it only when the person says so."""
        from tui.screens.confirm import ConfirmDialog

        def answered(choice: str | None) -> None:
            if choice == "move":
                self.identify_advisor(answer, confirm_remap=True)
            else:
                self._ask_sign_in()

        self.push_screen(ConfirmDialog(message, [("move", "signin.remap_yes"), ("other", "signin.remap_no")]),
                         callback=answered)

    def _advisor_known(self, advisor_id: int | None, advisor_name: str) -> None:
        if advisor_id is None:
            self._ask_sign_in()
            return
        self.advisor_id, self.advisor_name = advisor_id, advisor_name
        refresh = getattr(self.screen, "refresh_greeting", None)
        if refresh:
            refresh()

    def signing_in(self) -> bool:
        """The sign-in is up: nothing else of the program may be reached until it is
        answered (Ctrl+Q still quits)."""
        if self.advisor_id is not None:
            return False
        from tui.screens.sign_in import SignInScreen  # asked often (check_action): not loaded when known

        return any(isinstance(s, SignInScreen) for s in self.screen_stack)

    # ---- keys

    # Actions that need a signed-in advisor. A screen switch would leave the sign-in
    # behind in its mode's stack: the program used with nobody signed in.
    NEEDS_ADVISOR = ("show_screen",)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Refused (and so neither offered by the palette nor run) while signing in."""
        if action in self.NEEDS_ADVISOR and self.signing_in():
            return False
        return True

    async def action_show_screen(self, screen_id: str) -> None:
        """A screen key: that main screen itself, ready for typing.

        Each main screen is a mode with its own stack, so a card opened in the lookup stayed
        on top of it: F4 brought the card back, and the plate typed next ran its commands
        (``a`` asked to anonymise). Screens opened over the main screen are closed now
        (see tui.screens.base.screen_key_rule: a form with typed input asks first, a
        running import stays in front)."""
        from tui.screens.base import ask_discard, screen_key_rule

        if self.current_mode != screen_id:
            await self.switch_mode(screen_id)
        over = self.screen_stack[1:]
        rules = [screen_key_rule(screen) for screen in over]
        kept = max((i for i, rule in enumerate(rules) if rule == "keep"), default=-1)
        closing = len(over) - kept - 1
        if "ask" in rules[kept + 1:]:
            ask_discard(self, lambda: self._close_over(closing))
        else:
            await self._close_over(closing)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual holds a mode switch's frames back for 50 ms (``delay_update``) to hide a
        screen being built. A main screen shown again is built already, and those 50 ms were
        most of F3 from the book back to the reception: the hold is kept only for a
        screen's first showing."""
        self._showing_built = mode in self._screen_stacks
        try:
            return super().switch_mode(mode)
        finally:
            self._showing_built = False

    _showing_built = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._showing_built:
            super().delay_update(delay)

    async def open_book(self, request) -> None:
        """The appointment book with a car to book (from the card, the lookup or F5): the
        book's own screen key, then the car handed over (a ``tui.book_request.BookRequest``)."""
        await self.action_show_screen("book")
        start = getattr(self.screen, "start", None)
        if callable(start):
            start(request)

    async def _close_over(self, count: int) -> None:
        """Close the top ``count`` screens of the mode in front; on its main screen, get it
        ready for typing once it is shown again (its own focus comes back on resume)."""
        for _ in range(count):
            await self.pop_screen()
        if len(self.screen_stack) == 1:
            arrived = getattr(self.screen, "arrived", None)
            if callable(arrived):
                self.call_after_refresh(arrived)

    def get_key_display(self, binding: Binding) -> str:
        """The footer, F1 help and the palette name keys alike: Esc, Ctrl+N, PgDn."""
        return binding.key_display or key_name(binding.key)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen, self.focused))

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's own binding, which no longer quits): how to quit, in the
        interface language, by the key the footer and help name."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(t("app.quit_hint", key=self.get_key_display(active.binding)),
                            title=t("app.quit_title"), markup=False)
                return

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(DeskPalette())

    # ---- the one handler for errors in workers

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """Workers of the app itself. ``Worker.StateChanged`` does not bubble, so workers
        of screens and widgets reach ``worker_error`` through ``tui.workers.db_work``."""
        if event.state == WorkerState.ERROR and event.worker.node is self:
            self.worker_error(event.worker, event.worker.error)

    def worker_error(self, worker: Worker, error: BaseException) -> None:
        handler = getattr(worker.node, "on_worker_error", None)
        if isinstance(error, Unconfirmed) and callable(handler):
            handler(worker, error)  # a question the form asks, not a failure to announce
            return
        if isinstance(error, AdvisorError):
            # Messages can carry names people typed: never read them as markup.
            self.notify(str(error), severity="error", timeout=8, markup=False)
        else:
            self.log.error("worker failed", worker=worker.name, error=repr(error))
            self.notify(t("error.unexpected", reason=type(error).__name__), severity="error", timeout=8)
        if callable(handler):
            handler(worker, error)

    @staticmethod
    def main_screens() -> list[MainScreen]:
        return MAIN_SCREENS


if TYPE_CHECKING:
    # Screens see the app as a Desk (tui/desk.py): a type checker holds AdvisorApp to it here.
    _DESK: type[Desk] = AdvisorApp


def _key_text(key: events.Key) -> str:
    """A kept key as the advisor would recognise it in a message."""
    if key.is_printable and key.character:
        return key.character
    return {"enter": "⏎", "tab": "⇥", "backspace": "⌫"}.get(key.key, "")
