"""The desk's home: what the program is for, the station's size, the keys."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from db.i18n import number, t
from tui.desk import desk
from tui.screens.base import DeskScreen
from tui.workers import db_work


class HomeScreen(DeskScreen):
    HELP_KEY = "screen.home.help"

    class CountsLoaded(Message):
        def __init__(self, counts: object) -> None:
            super().__init__()
            self.counts = counts

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="home-body"):
            yield Static(Text(t("home.intro")), id="home-intro")
            yield Static(Text(""), id="home-counts")
            yield Static(Text(""), id="home-keys")
            yield Static(Text(""), id="home-db")

    def on_mount(self) -> None:
        self.query_one("#home-db", Static).update(
            Text(t("home.db", target=desk(self).db_label), style="dim"))
        self.query_one("#home-keys", Static).update(self._keys_text())
        self.load_counts()

    def on_screen_resume(self) -> None:
        self.load_counts()

    def _keys_text(self) -> Text:
        from tui.main_screens import MAIN_SCREENS

        text = Text(t("home.keys_title") + "\n", style="bold")
        rows = [("F1", t("key.help")), ("F2", t("key.save"))]
        rows += [(s.key.upper(), t(s.label_key)) for s in MAIN_SCREENS if s.id != "home"]
        rows += [("Ctrl+P", t("key.palette")), ("Esc", t("key.back")), ("Ctrl+Q", t("key.quit"))]
        for key, label in rows:
            text.append(f"  {key:<7}", style="bold")
            text.append(label + "\n")
        return text

    @db_work(group="home")
    def load_counts(self) -> None:
        from db.stats import station_counts

        self.post_message(self.CountsLoaded(station_counts()))

    @on(CountsLoaded)
    def show_counts(self, message: CountsLoaded) -> None:
        counts = message.counts
        line = t("home.counts", customers=number(counts.customers), vehicles=number(counts.vehicles),
                 visits=number(counts.visits))
        text = Text(line)
        if not counts.customers:
            text.append("\n" + t("home.empty"), style="italic")
        self.query_one("#home-counts", Static).update(text)
