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

    from db.audit import chain as auditchain

    database = open_database(resolve_target(args.db))
    report = build(args.date_from, args.date_to)
    # The audit log's newest hash: a copy kept with the daily report lets a manager notice
    # a log rewritten later (advisor audit-verify --expect HASH).
    newest = auditchain.newest(database)
    if args.json:
        data = report.as_json()
        data["audit_newest"] = {"id": newest[0], "hash": newest[1]} if newest else None
        print(dumps(data, indent=2))
        return 0
    from tui.report_render import render

    width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 2
    print(render(report, width).plain, end="")
    if newest:
        print(t("chain.newest", id=newest[0], hash=newest[1]))
    return 0
