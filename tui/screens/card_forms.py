"""The archive card's forms: edit one group, or add a contact. F2 saves, Esc cancels.

The form stays open until the save succeeds: a refused value is shown beside its field,
a version conflict at the top, and everything typed stays where it was. A field with a
fixed list of codes (a contact's channel and outcome, marketing consent, a car's use) is
a ``ChoiceField``: the advisor picks a label with ←/→, the save gets the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from db.errors import Conflict, Invalid
from db.validate import as_stored
from tui.screens import card_conflict as conflict
from tui.screens.card_conflict import Current, Theirs
from tui.keys import TranslatedBindings, help_binding
from tui.screens.card_render import field_label, hint_key, label_width
from tui.widgets.choice import ChoiceField
from tui.widgets.fields import TextField
from tui.workers import db_work

Save = Callable[[dict[str, str]], Any]  # runs in a worker thread; raises AdvisorError to refuse
Check = Callable[[str, str], str | None]  # (field, typed text) -> what is wrong, or None; no database
Choices = dict[str, list[tuple[str, str]]]  # field -> [(code, label)], in the order ←/→ steps


class FieldForm(TranslatedBindings, ModalScreen[bool]):
    """A column of labelled fields. ``save`` gets {field: typed text}."""

    CSS_PATH = "card.tcss"
    AUTO_FOCUS = "TextField, ChoiceField"  # the first field, whichever kind
    HELP_KEY = "dialog.form.help"

    BINDINGS = [
        Binding("f2", "save", "key.save", id="card.form.save"),
        Binding("escape", "cancel", "card.key.cancel", id="card.form.cancel"),
        help_binding("card.form"),  # the same id as before: a remapped F1 stays remapped
    ]

    def __init__(self, title: str, initial: list[tuple[str, str]], save: Save,
                 on_conflict: Callable[[], None] | None = None,
                 placeholders: dict[str, str] | None = None, only_changed: bool = True,
                 choices: Choices | None = None, check: Check | None = None,
                 current: Current | None = None) -> None:
        """``current``: what the archive holds now (read in a worker after a conflict), to
        show the other advisor's values beside the typed ones (tui.screens.card_conflict)."""
        super().__init__()
        self._current = current
        self._check = check
        self._only_changed = only_changed
        self._choices = choices or {}
        self._placeholders = placeholders or {}
        self._title = title
        self._initial = initial
        self._save = save
        self._on_conflict = on_conflict

    def compose(self) -> ComposeResult:
        # The labels' column fits the longest label in the language shown ("First
        # maintenance date" in English); card.tcss holds the narrowest it may be.
        width = label_width(self._label(name) for name, _ in self._initial)
        with Vertical(id="form-box"):
            with Vertical(id="form-head"):  # docked: the fields below scroll under it
                yield Static(Text(self._title, style="bold"), id="form-title")
                yield Static(Text(""), id="form-error", classes="error form-field-error")
            with VerticalScroll(id="form-fields", can_focus=False):  # fields only are Tab stops
                for name, value in self._initial:
                    with Horizontal(classes=self.ROW_CLASSES):
                        label = Static(Text(self._label(name)), classes="form-label")
                        label.styles.width = width
                        yield label
                        yield self._field(name, value)
                    error = Static(Text(""), id=f"error-{name}", classes="error form-field-error")
                    error.styles.padding = (0, 0, 0, width)
                    yield error
                yield from self.compose_below()

    # What a form of other fields (the prospects') says differently: labels, F1 help,
    # row classes, and what stands under the fields.
    ROW_CLASSES = "form-row"

    def _label(self, name: str) -> str:
        return field_label(name)

    def _help_key(self, name: str) -> str:
        return hint_key(name)

    def compose_below(self) -> ComposeResult:
        yield from ()

    def _field(self, name: str, value: str) -> Widget:
        options = self._choices.get(name)
        if options is None:
            return TextField(value, id=f"field-{name}", help_key=self._help_key(name), compact=True,
                             enter_moves_on=True, placeholder=self._placeholders.get(name, ""))
        if value not in (code for code, _ in options):
            # A stored value outside the list (an old import's) stays as it is unless changed.
            options = [(value, value), *options]
        return ChoiceField(options, value=value, help_key=self._help_key(name), id=f"field-{name}")

    def values(self) -> dict[str, str]:
        """Only what the advisor changed: a save after a conflict must not put back the
        other advisor's fields as this form first showed them."""
        if not self._only_changed:
            return self._typed()
        return self._changed()

    def _typed(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}").value for name, _ in self._initial}

    def _changed(self) -> dict[str, str]:
        typed = self._typed()
        return {name: typed[name] for name, first in self._initial if typed[name] != first}

    def screen_key_rule(self) -> str:
        """A screen key asks before a form with typed input is closed (tui.screens.base);
        a choice picked with ←/→ counts too."""
        return "ask" if self._changed() else "close"

    # ---- a field is checked as it is left (as at the reception), not only on F2

    def _field_name(self, widget: Widget) -> str | None:
        return widget.id.removeprefix("field-") if widget.id and widget.id.startswith("field-") else None

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        name = self._field_name(event.input)
        if name is None or self._check is None:
            return
        first = dict(self._initial).get(name)
        # A value left as it was shown (a masked mobile, an old import's) is not judged here.
        message = None if event.value == first else self._check(name, event.value)
        self._say(self.query_one(f"#error-{name}", Static), message or "")
        stored = as_stored(name, event.value) if event.value != first and message is None else None
        if stored is not None and stored != event.value:  # 川a12345 shows as it will be kept
            event.input.value = stored

    @on(Input.Changed)
    def _corrected(self, event: Input.Changed) -> None:
        """The message beside a field goes as soon as what is typed there is right."""
        name = self._field_name(event.input)
        if name is None or self._check is None:
            return
        line = self.query_one(f"#error-{name}", Static)
        if line.display and not line.has_class("-note") and self._check(name, event.value) is None:
            self._say(line, "")

    def action_save(self) -> None:
        for static in self.query(".error"):
            self._say(static, "")
        self._run_save(self.values())

    @db_work(group="card-form")
    def _run_save(self, values: dict[str, str]) -> None:
        self._save(values)
        self.app.call_from_thread(self.dismiss, True)

    def on_worker_error(self, worker: object, error: BaseException) -> None:
        """The app's handler calls this after its notification: show it where it belongs."""
        if isinstance(error, Invalid) and error.field and self.query(f"#error-{error.field}"):
            self._say(self.query_one(f"#error-{error.field}", Static), str(error))
            self.query_one(f"#field-{error.field}").focus()
            return
        self._say(self.query_one("#form-error", Static), str(error))
        if isinstance(error, Conflict) and self._on_conflict is not None:
            self._on_conflict()
        if isinstance(error, Conflict) and self._current is not None:
            self._read_theirs()

    @db_work(group="card-form-theirs")
    def _read_theirs(self) -> None:
        assert self._current is not None
        self.post_message(Theirs(*self._current()))

    @on(Theirs)
    def _theirs(self, message: Theirs) -> None:
        result = conflict.apply(self, message)
        conflict.choose(self, list(result.both), message.masked)

    @staticmethod
    def _say(static: Static, message: str) -> None:
        static.remove_class("-note")  # an error (or nothing) in place of a conflict's note
        static.update(Text(message))
        static.display = bool(message)

    def action_cancel(self) -> None:
        """Esc asks first when something was typed or picked (tui.screens.base)."""
        from tui.screens.base import cancel_form

        cancel_form(self, False)
