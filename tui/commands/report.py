"""``advisor report [--json] [--from DATE --to DATE]``: the station's results for a period."""

from __future__ import annotations

import argparse
import shutil

from db.i18n import t
from db.safe_text import dumps

NAME = "report"
HELP_KEY = "cli.report.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help=t("cli.report.from"))
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help=t("cli.report.to"))
    parser.add_argument("--json", action="store_true", help=t("cli.report.json"))


def run(args: argparse.Namespace) -> int:
    from db.connection import open_database, resolve_target
    from db.report import build

    open_database(resolve_target(args.db))
    report = build(args.date_from, args.date_to)
    if args.json:
        print(dumps(report.as_json(), indent=2))
        return 0
    from tui.report_render import render

    width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 2
    print(render(report, width).plain, end="")
    return 0
