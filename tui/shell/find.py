"""``advisor find QUERY [--json] [--limit N]``: the lookup engine from the shell."""

from __future__ import annotations

import argparse
import json

from db.i18n import t

NAME = "find"
HELP_KEY = "cli.find.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY", help=t("cli.find.query"))
    parser.add_argument("--json", action="store_true", help=t("cli.find.json"))
    parser.add_argument("--limit", type=int, default=20, metavar="N", help=t("cli.find.limit"))


def run(args: argparse.Namespace) -> int:
    from db.connection import open_database, resolve_target
    from db.search import search

    open_database(resolve_target(args.db))
    page = search(args.query, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([hit.as_json() for hit in page.hits], ensure_ascii=False, indent=1))
        return 0
    if not page.hits:
        print(t("cli.find.none"))
        return 1
    for hit in page.hits:
        last = hit.last_visit.isoformat() if hit.last_visit else "-"
        # Names are printed as they are: a terminal does not interpret markup.
        print("\t".join([str(hit.customer_id), hit.name, hit.mobile_masked or "-", hit.plate or "-",
                         hit.vin or "-", last, t(f"lookup.match.{hit.match}")]))
    if page.has_more:
        print(t("cli.find.more"))
    return 0
