"""What every main screen shares: the greeting on top, the body, a short footer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Literal

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tui.desk import desk
from tui.keys import TranslatedBindings
from tui.widgets.greeting import GreetingBanner
from tui.widgets.screen_strip import DeskFooter


# What a screen key (F3–F9, or the palette's "go to") does with a screen opened over a main
# screen (the archive card, the advisors list, the import, a form): it closes it, so the key
# lands on the screen the strip names, whose letter keys the advisor expects. Closing one
# with typed input (a text field changed since it opened) asks first, as Esc does. A
# screen may answer otherwise through ``screen_key_rule()``: "keep" when work under way
# shows there (a running import) or it must be answered (sign-in); the key shows it then.
ScreenKeyRule = Literal["close", "ask", "keep"]


def typed_input(screen: Screen) -> bool:
    from tui.widgets.fields import TextField

    return any(field.value != field.first_value for field in screen.query(TextField))


def screen_key_rule(screen: Screen) -> ScreenKeyRule:
    rule = getattr(screen, "screen_key_rule", None)
    if callable(rule):
        return rule()
    return "ask" if typed_input(screen) else "close"


def ask_discard(app, then: Callable[[], Awaitable[object] | object]) -> None:
    """The question before typed input is thrown away, "no" first (Enter keeps it);
    ``then`` runs on "yes". A screen key asks it, and Esc on a form (``cancel_form``)."""
    from db.i18n import t
    from tui.screens.confirm import CANCEL, ConfirmDialog

    async def answered(answer: str | None) -> None:
        if answer == "yes":
            result = then()
            if isawaitable(result):
                await result

    app.push_screen(ConfirmDialog(t("screen.discard"), [(CANCEL, "intake.confirm.no"),
                                                         ("yes", "intake.confirm.yes")]), answered)


def cancel_form(screen: Screen, result: object = None) -> None:
    """Esc on a form: closed at once when nothing was typed or picked in it (its
    ``screen_key_rule``), else only after the advisor says yes to throwing it away."""
    def close() -> None:
        screen.dismiss(result)  # not awaited: the answer arrives in this screen's own handler

    if screen_key_rule(screen) == "ask":
        ask_discard(screen.app, close)
    else:
        close()


def style_context(app: App) -> tuple[object, ...]:
    """What a screen's styles depend on from outside it: the style sheets and the theme
    (Textual counts their changes; a screen shown after a change is restyled by Textual
    on the way), and the app's classes and pseudo-classes (the terminal's focus, dark or
    light), which Textual applies only to the screens in front. A change to a widget of
    the screen itself restyles that widget at once, in front or not."""
    return app._css_update_count, app.classes, app.pseudo_classes


class DeskScreen(TranslatedBindings, Screen):
    """A main screen. Subclasses implement ``compose_body`` and set ``HELP_KEY``."""

    HELP_KEY = "screen.home.help"
    BINDINGS = [Binding("escape", "back", "key.back", show=False, id="back")]

    def compose(self) -> ComposeResult:
        yield GreetingBanner(id="greeting")
        yield from self.compose_body()
        yield DeskFooter(show_command_palette=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    # Styled as its widgets mounted, a moment before it is first shown (see _resumed).
    _styles_fresh = True
    # What the app's styling was when this screen was last in front (see style_context).
    _styled_in: tuple | None = None

    @on(events.ScreenResume)
    def _resumed(self, event: events.ScreenResume) -> None:
        """Textual restyles every widget of a screen each time it is shown again
        (``refresh_styles``): on the reception, with the work order's form kept mounted,
        that is most of the time F3 takes. It is skipped when nothing the styles depend on
        changed while the screen was away (``style_context``); the first time the screen
        is shown its widgets were styled as they mounted, a moment ago. (A decorated
        handler: it runs before Textual's own one of the base class.)"""
        if self._styles_fresh or self._styled_in == style_context(self.app):
            event.refresh_styles = False
        self._styles_fresh = False

    @on(events.ScreenSuspend)
    def _suspended(self) -> None:
        self._styled_in = style_context(self.app)

    # Textual runs the handler of each class of the screen's (the subclass's first, then
    # this one): a subclass's on_mount or on_screen_resume must not call these again.
    def on_screen_resume(self) -> None:
        self.refresh_greeting()

    def on_mount(self) -> None:
        self.refresh_greeting()

    def refresh_greeting(self) -> None:
        from db.clock import today

        # the banner is the screen's first child (compose): no walk through its widgets
        banner = next((w for w in self.children if isinstance(w, GreetingBanner)), None)
        if banner is None:  # the advisor became known before this screen was composed:
            return  # on_mount paints the greeting
        banner.advisor_name = desk(self).advisor_name
        banner.today = today().isoformat()

    def arrived(self) -> None:
        """Shown by its screen key: ready for what the advisor types next (the lookup
        focuses its box). Nothing by default."""

    def action_back(self) -> None:
        """Escape on a main screen returns to the desk's home."""
        if self.app.current_mode != "home":
            self.app.switch_mode("home")
