"""F7: daily upkeep: incomplete archives, values failing validation, suspected duplicates.

Keys 1–7 switch the list; each is paged (the next page loads when the cursor reaches the
end). Enter opens the archive card; M merges the selected duplicate into its group's
first (oldest) archive after a confirmation that shows what will be kept; Ctrl+O opens
the sales-sheet import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from db import completeness, merge, quality
from db.i18n import field_label, listing, number, t
from db.masking import mask_id, mask_mobile
from db.quality import live_archives
from db.safe_text import visible
from tui.desk import desk
from tui.keys import TranslatedBindings, help_binding
from tui.screens.base import DeskScreen
from tui.workers import db_work

PAGE_SIZE = 30
VIEWS = ("incomplete", "bad", "mobile_names", "same_id", "same_name_mobile", "vin_spelling", "vin_near")
MERGEABLE = ("mobile_names", "same_id", "same_name_mobile")


def _view_binding(n: int, view: str) -> Binding:
    return Binding(str(n), f"view('{view}')", "upkeep.key.view", show=n == 1,
                   key_display="1-7" if n == 1 else None, id=f"upkeep.view.{view}")


@dataclass
class Line:
    """One table row: what it shows and which archive it is about."""

    cells: list[Text]
    customer_id: int | None
    group: Any = None  # db.quality.DuplicateGroup for duplicate views


class UpkeepScreen(DeskScreen):
    HELP_KEY = "upkeep.help"
    CSS_PATH = "doors.tcss"
    AUTO_FOCUS = "#upkeep-table"
    BINDINGS = [
        *(_view_binding(n, view) for n, view in enumerate(VIEWS, start=1)),
        Binding("m", "merge", "upkeep.key.merge", id="upkeep.merge"),
        Binding("ctrl+o", "import", "upkeep.key.import", id="upkeep.import"),
        Binding("ctrl+r", "refresh", "upkeep.key.refresh", show=False, id="upkeep.refresh"),
    ]

    @dataclass
    class Summary(Message):
        score: float
        archives: int

    @dataclass
    class PageLoaded(Message):
        generation: int
        lines: list
        items: int  # archives, values or groups in this page (a group spans several lines)
        total: int | None
        more: Any  # next offset / cursor, or None at the end

    @dataclass
    class MergePlanned(Message):
        plan: object  # db.merge.MergePlan

    def __init__(self) -> None:
        super().__init__()
        self.view = "incomplete"
        self._generation = 0
        self._lines: list[Line] = []
        self._items = 0
        self._more: Any = None
        self._loading = False
        self._stale = False  # another screen may have changed the archive since the lists loaded

    def compose_body(self) -> ComposeResult:
        yield Static(Text(t("upkeep.loading")), id="upkeep-status")
        yield Static(Text(""), id="upkeep-view")
        yield DataTable(id="upkeep-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="upkeep-hint", classes="hint")

    def _hint(self, message: str) -> None:
        """A word about the last key pressed, under the table (cleared by the next list)."""
        hint = self.query_one("#upkeep-hint", Static)
        hint.update(Text(message))
        hint.display = bool(message)

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self._stale:  # back from an import or an archive card: counts may have changed
            self._stale = False
            self.action_refresh()
        else:  # back from another screen: archives may have been made or merged meanwhile
            self.load_summary()

    def action_refresh(self) -> None:
        self.load_summary()
        self.action_view(self.view)

    @db_work(group="upkeep-summary")
    def load_summary(self) -> None:
        self.post_message(self.Summary(completeness.station().score, live_archives()))

    @on(Summary)
    def show_summary(self, message: Summary) -> None:
        self.query_one("#upkeep-status", Static).update(
            Text(t("upkeep.summary", score=message.score, archives=number(message.archives))))

    # ---- the lists

    def action_view(self, view: str) -> None:
        self._hint("")
        self.view = view
        self._generation += 1
        self._lines = []
        self._items = 0
        self._more = None
        table = self.query_one("#upkeep-table", DataTable)
        table.clear(columns=True)
        for column, width in self._columns(view):
            # Fixed widths: a page arriving never re-lays out rows already drawn, and the
            # longest column (what is missing, the problem) takes what 80 columns leave.
            table.add_column(t(f"upkeep.col.{column}"), key=column, width=width)
        self.query_one("#upkeep-view", Static).update(Text(self._view_title(view)))
        self._loading = True
        self.load_lines(self._generation, view, None)

    def palette_detail(self, action: str, params: tuple[object, ...]) -> str | None:
        """Ctrl+P tells the seven lists apart by their titles."""
        return self._view_title(str(params[0])) if action == "view" and params else None

    @staticmethod
    def _view_title(view: str) -> str:
        n = VIEWS.index(view) + 1
        title = t(f"upkeep.view.{view}") if view in ("incomplete", "bad") else t(f"quality.kind.{view}")
        return f"{n}. {title}"

    @staticmethod
    def _columns(view: str) -> tuple[tuple[str, int], ...]:
        """Each column as wide as its header in the language shown (and its widest value),
        the last one taking what is left of 80 columns."""
        if view == "incomplete":
            score = _fits("score", 4)
            return (("name", 14), ("mobile", 11), ("score", score), ("missing", 44 - score))
        if view == "bad":
            from db.quality import CHECKED_FIELDS

            field = _fits("field", *(cell_len(field_label(f)) for f in CHECKED_FIELDS))
            return (("who", 14), ("field", field), ("value", 18), ("reason", 37 - field))
        group = _fits("group", 4)
        return (("group", group), ("customer", 28 - group), ("mobile", 11), ("vin", 17))

    @db_work(group="upkeep-lines")
    def load_lines(self, generation: int, view: str, start: Any) -> None:
        self.post_message(self.PageLoaded(generation, *_fetch(view, start)))

    @on(PageLoaded)
    def show_lines(self, message: PageLoaded) -> None:
        if message.generation != self._generation:
            return
        table = self.query_one("#upkeep-table", DataTable)
        for line in message.lines:
            table.add_row(*line.cells)
            self._lines.append(line)
        self._items += message.items
        self._more = message.more
        self._loading = False
        title = self._view_title(self.view)
        if message.total:
            counted = "upkeep.count.archives" if self.view == "incomplete" else "upkeep.count.groups"
            title += " " + t(counted, shown=number(self._items), total=number(message.total))
        elif not self._lines:  # nothing found (a count of 0, or a list that has no count)
            title += " " + t("upkeep.none")
        self.query_one("#upkeep-view", Static).update(Text(title))

    @on(DataTable.RowHighlighted, "#upkeep-table")
    def near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self._lines) - 1 and self._more is not None and not self._loading:
            self._loading = True
            self.load_lines(self._generation, self.view, self._more)

    def _current(self) -> Line | None:
        row = self.query_one("#upkeep-table", DataTable).cursor_row
        return self._lines[row] if 0 <= row < len(self._lines) else None

    @on(DataTable.RowSelected, "#upkeep-table")
    def open_card(self) -> None:
        line = self._current()
        if line is not None and line.customer_id:
            from tui.screens.card import ArchiveCard

            self._stale = True
            self.app.push_screen(ArchiveCard(line.customer_id))

    # ---- merge

    def action_merge(self) -> None:
        line = self._current()
        if self.view not in MERGEABLE or line is None or line.group is None:
            self._hint(t("upkeep.merge_where"))
            return
        first = line.group.members[0].customer_id
        if line.customer_id == first:
            self._hint(t("upkeep.merge_pick_other"))
            return
        self.plan_merge(first, line.customer_id)

    @db_work(group="upkeep-merge")
    def plan_merge(self, keep_id: int, lose_id: int) -> None:
        self.post_message(self.MergePlanned(merge.plan(keep_id, lose_id)))

    @on(MergePlanned)
    def confirm_merge(self, message: MergePlanned) -> None:
        plan = message.plan

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_merge(plan.keep_id, plan.lose_id, (plan.keep_version, plan.lose_version))

        self.app.push_screen(MergeConfirm(plan), callback=answered)

    @db_work(group="upkeep-merge")
    def run_merge(self, keep_id: int, lose_id: int, versions: tuple[int, int]) -> None:
        merge.merge(keep_id, lose_id, desk(self).advisor_id, expected=versions)
        self.app.call_from_thread(self._merged)

    def _merged(self) -> None:
        self.action_refresh()
        self._hint(t("upkeep.merged"))

    def action_import(self) -> None:
        from tui.screens.import_ import ImportScreen

        self._stale = True
        self.app.push_screen(ImportScreen())


def _fits(column: str, *widths: int) -> int:
    """Cells for ``column``: its header's or the widest of ``widths``."""
    return max(cell_len(t(f"upkeep.col.{column}")), *widths)


def _fetch(view: str, start: Any) -> tuple[list[Line], int, int | None, Any]:
    """One page of a view as table lines (runs in the worker)."""
    if view == "incomplete":
        offset = start or 0
        rows, total = quality.incomplete(offset, PAGE_SIZE)
        lines = []
        for r in rows:
            missing = listing(f.label for f, _ in completeness.for_customer(r.customer_id).missing)
            lines.append(Line([Text(visible(r.name)), Text(visible(mask_mobile(r.mobile))), Text(f"{r.score:.0f}%"),
                               Text(missing, overflow="ellipsis", no_wrap=True)], r.customer_id))
        more = offset + len(rows) if offset + len(rows) < total else None
        return lines, len(rows), total, more
    if view == "bad":
        page = quality.bad_values(start, PAGE_SIZE)
        lines = []
        for b in page.rows:
            value = {"mobile": mask_mobile, "id_number": mask_id}.get(b.field, str)(b.value)
            lines.append(Line([Text(visible(b.who)), Text(field_label(b.field)), Text(visible(value)),
                               Text(b.reason, overflow="ellipsis", no_wrap=True)], b.customer_id))
        return lines, len(lines), None, page.cursor
    offset = start or 0
    groups, total = quality.duplicates(view, offset, PAGE_SIZE)
    lines = []
    for n, group in enumerate(groups, start=offset + 1):
        for i, m in enumerate(group.members):
            mark = Text(f"#{n}" if i == 0 else "", style="bold")
            who = Text(f"{m.customer_id or '-'} ") + Text(visible(m.name))  # the name is data: never markup
            lines.append(Line([mark, who, Text(visible(mask_mobile(m.mobile))), Text(visible(m.vin or ""))],
                              m.customer_id, group))
    more = offset + len(groups) if offset + len(groups) < total else None
    return lines, len(groups), total, more


class MergeConfirm(TranslatedBindings, ModalScreen[bool]):
    """What a merge keeps, before it happens: Enter merges, Esc does nothing."""

    CSS_PATH = "doors.tcss"
    HELP_KEY = "upkeep.merge_keys"
    BINDINGS = [
        Binding("enter", "answer(True)", "upkeep.key.confirm", id="upkeep.merge.confirm"),
        Binding("escape", "answer(False)", "doors.key.cancel", id="upkeep.merge.cancel"),
        help_binding("upkeep.merge"),
    ]

    def __init__(self, plan: Any) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        p = self.plan
        text = Text(t("upkeep.merge_title") + "\n\n", style="bold")
        text.append(t("upkeep.merge_keep", id=p.keep_id) + " ")
        text.append(visible(p.keep_name) + "\n")
        text.append(t("upkeep.merge_lose", id=p.lose_id) + " ")
        text.append(visible(p.lose_name) + "\n\n")
        text.append(t("upkeep.merge_moves", vehicles=number(len(p.vehicles)), visits=number(p.visits),
                      contacts=number(p.contacts), ownerships=number(p.ownerships)) + "\n")
        if p.vehicles:
            text.append("  " + listing(p.vehicles[:8]) + ("…" if len(p.vehicles) > 8 else "") + "\n")
        if p.filled:
            text.append(t("upkeep.merge_filled", fields=listing(field_label(n) for n in p.filled)) + "\n")
        if p.differing:
            text.append(t("upkeep.merge_differ", fields=listing(field_label(n) for n in p.differing)) + "\n")
        text.append("\n" + t("upkeep.merge_keys"), style="dim")
        with Vertical(id="merge-box"):
            yield Static(text, id="merge-text")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
