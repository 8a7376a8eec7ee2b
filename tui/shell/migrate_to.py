"""``advisor migrate-to URL``: copy the SQLite archive (``--db``) into an empty PostgreSQL."""

from __future__ import annotations

import argparse
import sys

from db.i18n import number, t

NAME = "migrate-to"
HELP_KEY = "migrate.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help=t("migrate.url"))


def run(args: argparse.Namespace) -> int:
    from db.connection import describe, open_database, resolve_target
    from db.migrate_to import move_to_postgres

    source = open_database(resolve_target(args.db))  # upgraded first: both sides on one schema
    interactive = sys.stderr.isatty()
    shown: dict[str, int] = {}
    width = [0]  # the longest progress line so far

    def progress(table: str, done: int, total: int) -> None:
        step = max(total // 20, 1)
        if done != total and done - shown.get(table, -step) < step:
            return
        shown[table] = done
        line = t("migrate.progress", table=table, done=number(done), total=number(total))
        if interactive:  # spaces over the end of a longer line before it (no escape sequence)
            line, width[0] = line + " " * max(width[0] - len(line), 0), max(width[0], len(line))
        print(("\r" + line) if interactive else line, end="" if interactive else "\n",
              file=sys.stderr, flush=True)

    result = move_to_postgres(source, args.url, progress)
    if interactive:
        print(file=sys.stderr)
    print(t("migrate.done", target=describe(args.url), rows=number(result.rows)))
    return 0
