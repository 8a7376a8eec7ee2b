"""A small labelled form used by the prospects screen (and its contact log).

F2 saves in a worker; a refused value is shown beside its field, anything else at the
top; what was typed stays. Esc cancels. Labels come from the catalogue key of each field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from db.i18n import t
from tui.keys import TranslatedBindings
from tui.screens.worker_errors import ReportWorkerErrors
from tui.widgets.fields import TextField
from tui.workers import db_work

# (field name, label catalogue key, initial value, placeholder)
Field = tuple[str, str, str, str]


class DoorsForm(ReportWorkerErrors, TranslatedBindings, ModalScreen[bool]):
    CSS_PATH = "doors.tcss"
    AUTO_FOCUS = "TextField"
    BINDINGS = [
        Binding("f2", "save", "key.save", id="doors.form.save"),
        Binding("escape", "cancel", "doors.key.cancel", id="doors.form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], save: Callable[[dict[str, str]], Any],
                 below: Text | None = None) -> None:
        super().__init__()
        self._title = title
        self._fields = list(fields)
        self._save = save
        self._below = below

    def compose(self) -> ComposeResult:
        with Vertical(id="doors-form"):
            yield Static(Text(self._title, style="bold"), id="doors-form-title")
            yield Static(Text(""), id="doors-form-error", classes="error")
            with VerticalScroll(id="doors-form-fields"):
                for name, label_key, value, placeholder in self._fields:
                    with Horizontal(classes="doors-row"):
                        yield Static(Text(t(label_key)), classes="doors-label")
                        yield TextField(value, id=f"field-{name}", compact=True, placeholder=placeholder,
                                        help_key=f"doors.help.{name}")
                    yield Static(Text(""), id=f"error-{name}", classes="error doors-field-error")
                if self._below is not None:
                    yield Static(self._below, id="doors-form-below")
            yield Static(Text(t("doors.form.keys"), style="dim"), id="doors-form-keys")

    def on_mount(self) -> None:
        for static in self.query(".error"):
            static.display = False

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}", Input).value for name, *_ in self._fields}

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        for static in self.query(".error"):
            self._say(static, "")
        self._run_save(self.values())

    @db_work(group="doors-form")
    def _run_save(self, values: dict[str, str]) -> None:
        self._save(values)
        self.app.call_from_thread(self.dismiss, True)

    def on_worker_error(self, worker: object, error: BaseException) -> None:
        field = getattr(error, "field", None)
        if field and self.query(f"#error-{field}"):
            self._say(self.query_one(f"#error-{field}", Static), str(error))
            self.query_one(f"#field-{field}", Input).focus()
            return
        self._say(self.query_one("#doors-form-error", Static), str(error))

    @staticmethod
    def _say(static: Static, message: str) -> None:
        static.update(Text(message))
        static.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(False)
