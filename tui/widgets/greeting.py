"""The greeting line an advisor says to every customer, always on top."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from db.i18n import t


class GreetingBanner(Static):
    """One line: the greeting with the advisor's name, and today's date on the right."""

    advisor_name: reactive[str] = reactive("")
    today: reactive[str] = reactive("")

    def render(self) -> Text:
        # The name is customer-typed-like data: build Text, never markup.
        name = self.advisor_name or "…"
        left = Text(t("app.greeting", name=name), style="bold")
        right = Text(t("app.today", date=self.today), style="dim") if self.today else Text()
        width = self.size.width or 80
        gap = max(1, width - left.cell_len - right.cell_len)
        if left.cell_len + right.cell_len + 1 > width:
            return left
        return Text.assemble(left, " " * gap, right)
