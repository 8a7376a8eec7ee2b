"""``advisor health-record [--from D] [--to D] FILE.csv|FILE.json``: the repair health
record of the settled visits of a period (managers: a bulk export)."""

from __future__ import annotations

import argparse
import sys

from db.i18n import number, t

NAME = "health-record"
HELP_KEY = "cli.health.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv|FILE.json", help=t("cli.health.file"))
    parser.add_argument("--from", dest="date_from", metavar="D", default=None, help=t("cli.health.from"))
    parser.add_argument("--to", dest="date_to", metavar="D", default=None, help=t("cli.health.to"))
    parser.add_argument("--force", action="store_true", help=t("cli.force"))


def run(args: argparse.Namespace) -> int:
    from db.connection import open_database
    from db.health_record import export_health_record
    from db.validate import date
    from tui.shell._who import who

    date_from = date(args.date_from, "from") if args.date_from else None
    date_to = date(args.date_to, "to") if args.date_to else None
    open_database(args.db)
    result = export_health_record(args.file, date_from=date_from, date_to=date_to, advisor_id=who(args),
                                  overwrite=args.force)
    print(t("cli.health.done", visits=number(result.visits), rows=number(result.rows), path=result.path))
    if result.company_missing:
        print(t("cli.health.no_company"), file=sys.stderr)
    return 0
