"""Printing a visit's paper from the interface: the reception order from the save summary
(F3), the settlement statement or the order from the card's visits. ``db.papers`` draws
and sends it; this runs it off the event loop and says where it went."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from db.i18n import t
from tui.workers import db_work


class Printed(Message):
    """Where the paper went: ``text`` names the printer or the PDF's path (plain text)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


@db_work(group="print")
def print_visit(node: Any, visit_id: int, kind: str, advisor_id: int | None) -> None:
    """Print ``kind`` (``order`` or ``settlement``) of the visit and post ``Printed`` to
    ``node``. ``PrintFailed`` and ``NotFound`` reach the app's one worker-error handler."""
    from db.papers import print_paper  # reportlab loads with the first print, not at start

    outcome = print_paper(visit_id, kind, advisor_id=advisor_id)  # type: ignore[arg-type]
    node.post_message(Printed(t("reception_order.printed", printer=outcome.printer) if outcome.printer
                              else t("reception_order.saved_pdf", path=str(outcome.path))))
