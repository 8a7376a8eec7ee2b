"""The papers printed at the desk: the reception order for the customer's signature and
the settlement statement at hand-back (issue 18).

``print_paper`` is what the interface and the shell call: it settles the visit first
when the statement is asked for, draws the PDF and sends it to the station's printer or
its print folder. ``render_order_pdf`` / ``render_settlement_pdf`` give the bytes alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from db.errors import Invalid, PrintFailed
from db.files import private_file
from db.i18n import t
from db.papers import facts as paper_facts
from db.papers import printing
from db.papers.order import render_order_pdf
from db.papers.settle import Settlement, settle
from db.papers.settlement import render_settlement_pdf

__all__ = ["PrintOutcome", "Settlement", "print_paper", "render_order_pdf", "render_paper",
           "render_settlement_pdf", "settle", "write_paper"]

Kind = Literal["order", "settlement"]
KINDS: tuple[Kind, ...] = ("order", "settlement")


@dataclass(frozen=True)
class PrintOutcome:
    printer: str | None  # the printer it was sent to, or None
    path: Path | None  # the PDF written to the print folder, when no printer is set


def render_paper(visit_id: int, kind: Kind, *, advisor_id: int | None = None) -> bytes:
    """The paper's PDF; the statement settles the visit first when it is not settled
    (number and date given now, audited under ``advisor_id``)."""
    if kind not in KINDS:
        raise Invalid(t("papers.bad_kind", kind=kind), "kind")
    if kind == "settlement":
        settle(visit_id, advisor_id)
        return render_settlement_pdf(visit_id)
    return render_order_pdf(visit_id)


def print_paper(visit_id: int, kind: Kind, *, advisor_id: int | None = None) -> PrintOutcome:
    """Print the paper: to setting ``print.printer`` through ``lp``, else as a PDF in the
    print folder (its path returned). Raises ``PrintFailed`` (no ``lp``, the printer's
    refusal with its message, a folder that cannot be written), ``NotFound``."""
    data = render_paper(visit_id, kind, advisor_id=advisor_id)
    name = printing.file_name(kind, paper_facts.work_order_no(visit_id))
    target = printing.printer()
    if target:
        printing.send_to_printer(data, target, name)
        return PrintOutcome(printer=target, path=None)
    return PrintOutcome(printer=None, path=printing.save(data, printing.print_dir(), name))


def write_paper(visit_id: int, kind: Kind, path: str | os.PathLike, *, overwrite: bool = False,
                advisor_id: int | None = None) -> Path:
    """The paper as a PDF at ``path`` (``advisor order --pdf``): 0600, whole or not at
    all; an existing file is refused unless ``overwrite``, before anything is settled."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise Invalid(t("file.exists", path=target), "file")
    data = render_paper(visit_id, kind, advisor_id=advisor_id)
    try:
        with private_file(target, overwrite=overwrite) as fh:
            fh.write(data)
    except FileExistsError:
        raise Invalid(t("file.exists", path=target), "file") from None
    except OSError as exc:
        raise PrintFailed(t("papers.cannot_write", path=target, reason=exc.strerror or exc)) from None
    return target
