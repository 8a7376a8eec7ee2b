"""``advisor find QUERY [--json] [--limit N]``: the lookup engine from the shell."""

from __future__ import annotations

import argparse

from db.i18n import t
from db.safe_text import dumps, visible

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
        print(dumps([hit.as_json() for hit in page.hits], indent=1))
        return 0
    if not page.hits:
        print(t("cli.find.none"))
        return 1
    for hit in page.hits:
        last = hit.last_visit.isoformat() if hit.last_visit else "-"
        # A terminal reads no markup, but it obeys control characters: each field is
        # made visible (a tab or newline in a name would also break the columns).
        print("\t".join([str(hit.customer_id), *(visible(v or "-") for v in (
            hit.name, hit.mobile_masked, hit.plate, hit.vin)), last, t(f"lookup.match.{hit.match}")]))
    if page.has_more:
        print(t("cli.find.more"))
    return 0
