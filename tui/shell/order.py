"""``advisor order WO_NO [--settlement] [--pdf FILE [--force]]``: a work order's reception
order or settlement statement, as a PDF file or to the station's printer (any advisor)."""

from __future__ import annotations

import argparse

from db.i18n import t

NAME = "order"
HELP_KEY = "cli.order.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("work_order_no", metavar="WO_NO", help=t("cli.order.work_order"))
    parser.add_argument("--settlement", action="store_true", help=t("cli.order.settlement"))
    parser.add_argument("--pdf", metavar="FILE", default=None, help=t("cli.order.pdf"))
    parser.add_argument("--force", action="store_true", help=t("cli.force"))


def run(args: argparse.Namespace) -> int:
    from db import papers
    from db.connection import open_database
    from db.papers.facts import visit_id_for
    from tui.shell._who import who

    open_database(args.db)
    me_id = who(args)
    kind = "settlement" if args.settlement else "order"
    visit_id = visit_id_for(args.work_order_no)
    paper = t(f"cli.order.paper.{kind}")
    if args.pdf:
        path = papers.write_paper(visit_id, kind, args.pdf, overwrite=args.force, advisor_id=me_id)
        print(t("cli.order.written", paper=paper, path=path))
        return 0
    outcome = papers.print_paper(visit_id, kind, advisor_id=me_id)
    if outcome.printer:
        print(t("cli.order.printed", paper=paper, printer=outcome.printer))
    else:
        print(t("cli.order.written", paper=paper, path=outcome.path))
    return 0
