""""Create a new archive at …?": asked when the program is started on a path (``--db``,
``ADVISOR_DB``) where there is no archive. A typing mistake in a path must not quietly
become a new, empty archive that the advisors then fill beside the real one; so the
program asks before the desk opens, and only a yes creates it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.binding import Binding

from db.i18n import t
from tui.guard import DropHidden
from tui.keys import TranslatedBindings
from tui.screens.confirm import ConfirmDialog

CREATE = "create"


class CreateArchiveApp(TranslatedBindings, App[bool]):
    """Returns True when the new archive is to be created."""

    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "key.quit", show=False, id="quit", priority=True)]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        self.title = t("app.title")
        self._filters.append(DropHidden())

    def on_mount(self) -> None:
        question = ConfirmDialog(Text(t("archive.create_ask", path=self.where)),
                                 [(CREATE, "archive.create_yes"), ("cancel", "archive.create_no")])
        self.push_screen(question, callback=lambda answer: self.exit(answer == CREATE))


def ask_to_create(where: str) -> bool:
    return bool(CreateArchiveApp(where).run())
