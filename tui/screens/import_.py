"""The sales-sheet import, from the upkeep screen (Ctrl+O there).

Steps: type the file's path and press Enter: the header is read and each column shown
with the field it feeds; type mappings for the rest (``客户电话=手机 备注=-``, remembered
after the import); F2 starts (Ctrl+T toggles a dry run). The import runs in a worker
that posts progress after every batch; Esc cancels it between batches (what is
committed stays, and a re-run continues). Esc when idle goes back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, Static

from db import importer
from db.clock import today
from db.errors import AdvisorError
from db.i18n import field_label, listing, number, t
from db.importer import parse_map_options, run_import
from db.safe_text import visible
from tui.keys import TranslatedBindings
from tui.widgets.fields import TextField
from tui.widgets.greeting import GreetingBanner
from tui.widgets.screen_strip import DeskFooter
from tui.workers import db_work


class ImportScreen(TranslatedBindings, Screen):
    HELP_KEY = "import.help"
    CSS_PATH = "doors.tcss"
    AUTO_FOCUS = "#import-path"
    BINDINGS = [
        Binding("f2", "start", "import.key.start", id="import.start"),
        Binding("ctrl+t", "toggle_dry", "import.key.dry", id="import.dry"),
        Binding("escape", "back", "import.key.back", id="import.back"),
    ]

    @dataclass
    class HeaderRead(Message):
        plan: object  # db.importer.ColumnPlan

    @dataclass
    class Progressed(Message):
        rows: int
        rejected: int
        fraction: float | None

    @dataclass
    class Finished(Message):
        result: object  # db.importer.ImportResult

    def __init__(self) -> None:
        super().__init__()
        self.dry_run = False
        self.running = False
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield GreetingBanner(id="greeting")
        with Vertical(id="import-form"):
            with Horizontal(classes="doors-row"):
                yield Static(Text(t("import.path")), classes="doors-label")
                yield TextField(id="import-path", compact=True, placeholder=t("import.path_hint"),
                                help_key="import.path_help")
            with Horizontal(classes="doors-row"):
                yield Static(Text(t("import.map")), classes="doors-label")
                yield TextField(id="import-map", compact=True, placeholder=t("import.map_hint"),
                                help_key="import.map_help")
        yield Static(Text(t("import.idle")), id="import-status")
        yield ProgressBar(total=100, show_eta=False, id="import-progress")
        table: DataTable = DataTable(id="import-columns", cursor_type="row", zebra_stripes=True)
        self._fill_columns(table, [])
        yield table
        yield DeskFooter()

    def on_mount(self) -> None:
        banner = self.query_one(GreetingBanner)
        banner.advisor_name = getattr(self.app, "advisor_name", "") or ""

        banner.today = today().isoformat()

    def _say(self, text: str) -> None:
        self.query_one("#import-status", Static).update(Text(text))

    def _inputs(self) -> tuple[str, dict[str, str]] | None:
        """The path and the mapping typed, or None after saying what is wrong."""
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self._say(t("import.need_path"))
            self.query_one("#import-path", Input).focus()
            return None
        try:
            return path, parse_map_options(self.query_one("#import-map", Input).value.split())
        except AdvisorError as exc:
            self._say(str(exc))
            return None

    # ---- step 1: the header

    @on(Input.Submitted, "#import-path")
    def path_given(self) -> None:
        self.query_one("#import-map", Input).focus()
        self.refresh_header()

    @on(Input.Submitted, "#import-map")
    def map_given(self) -> None:
        self.refresh_header()

    def refresh_header(self) -> None:
        typed = self._inputs()
        if typed is not None:
            self.read_header(*typed)

    @db_work(group="import-header")
    def read_header(self, path: str, mapping: dict[str, str]) -> None:
        self.post_message(self.HeaderRead(importer.read_header(path, mapping)))

    @on(HeaderRead)
    def show_header(self, message: HeaderRead) -> None:
        plan = message.plan
        rows: list[tuple[Text, Text]] = []
        for index, header in enumerate(plan.header):
            target = plan.columns.get(index)
            if target:
                shown = Text(field_label(target))
            elif header in plan.unmapped:
                shown = Text(t("import.unrecognised"), style="bold")  # the advisor may map it
            else:
                shown = Text(t("import.unmapped"), style="dim")  # mapped away on purpose
            rows.append((Text(visible(header)), shown))  # a header's escape sequence made visible
        self._fill_columns(self.query_one("#import-columns", DataTable), rows)
        if plan.missing:
            self._say(t("import.missing", fields=listing(field_label(f) for f in plan.missing)))
        elif plan.refusal:  # a needed column missing, an unused one like it: map it first
            self._say(plan.refusal)
        else:
            self._say(t("import.ready", dry=t("import.dry_on") if self.dry_run else ""))

    @staticmethod
    def _fill_columns(table: DataTable, rows: list[tuple[Text, Text]]) -> None:
        """The table afresh, each column as wide as its widest cell.

        Widths are given, not left to the table: ``DataTable`` measures auto-width columns
        only when it is next idle, and a frame painted before that stays in its render cache
        with the old, narrow widths (Textual issue #4470): now and then the screen showed
        "购车日" for "购车日期", and kept showing it."""
        table.clear(columns=True)
        for number, (key, label_key) in enumerate((("header", "import.col.header"),
                                                   ("field", "import.col.field"))):
            label = t(label_key)
            width = max([Text(label).cell_len, *(row[number].cell_len for row in rows)])
            table.add_column(label, key=key, width=width)
        for row in rows:
            table.add_row(*row)

    def on_worker_error(self, worker: object, error: BaseException) -> None:
        self.running = False
        self._say(str(error))

    # ---- step 2: the run

    def action_toggle_dry(self) -> None:
        self.dry_run = not self.dry_run
        self._say(t("import.dry_state_on") if self.dry_run else t("import.dry_state_off"))

    def action_start(self) -> None:
        typed = None if self.running else self._inputs()
        if typed is None:
            return
        path, mapping = typed
        self.running = True
        self._cancel.clear()
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        self._say(t("import.running"))
        self.run_import(path, mapping, self.dry_run, getattr(self.app, "advisor_id", None))

    @db_work(group="import-run")
    def run_import(self, path: str, mapping: dict[str, str], dry_run: bool, advisor_id: int | None) -> None:
        def progress(result) -> None:
            self.post_message(self.Progressed(result.rows, result.rejected, result.fraction))

        result = run_import(path, mapping=mapping, dry_run=dry_run, advisor_id=advisor_id,
                            progress=progress, cancel=self._cancel.is_set)
        self.post_message(self.Finished(result))

    @on(Progressed)
    def show_progress(self, message: Progressed) -> None:
        if message.fraction is not None:
            self.query_one("#import-progress", ProgressBar).update(progress=round(message.fraction * 100))
        self._say(t("import.progress", rows=number(message.rows), rejected=number(message.rejected)))

    @on(Finished)
    def show_result(self, message: Finished) -> None:
        self.running = False
        result = message.result
        text = result.summary()
        if result.rejects_path:
            text += "\n" + t("cli.import.rejects_at", path=result.rejects_path)
        if not result.cancelled:
            self.query_one("#import-progress", ProgressBar).update(progress=100)
        self._say(text)

    def screen_key_rule(self) -> str:
        """F7 shows a running import's progress (tui.screens.base); otherwise a typed path
        or mapping is asked about before it is thrown away."""
        from tui.screens.base import typed_input

        if self.running:
            return "keep"
        return "ask" if typed_input(self) else "close"

    def action_back(self) -> None:
        if self.running:
            self._cancel.set()
            self._say(t("import.cancelling"))
            return
        self.dismiss()
