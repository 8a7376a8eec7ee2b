"""``advisor import FILE``: the sales department's sheet into the archive (db/importer.py)."""

from __future__ import annotations

import argparse
import sys

from db.i18n import listing, number, t

NAME = "import"
HELP_KEY = "cli.import.help"
CREATES = True  # the sales sheet can start a station's archive


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=t("cli.import.file"))
    parser.add_argument("--dry-run", action="store_true", help=t("cli.import.dry_run"))
    parser.add_argument("--rejects", metavar="FILE", default=None, help=t("cli.import.rejects"))
    parser.add_argument("--map", metavar="列名=field", action="append", default=[],
                        help=t("cli.import.map"))


def run(args: argparse.Namespace) -> int:
    from db import importer
    from tui.shell._who import who
    from db.connection import open_database

    open_database(args.db)
    mapping = importer.parse_map_options(args.map)
    me_id = who(args)
    interactive = sys.stderr.isatty()

    def progress(result: importer.ImportResult) -> None:
        share = f"{result.fraction:.0%}" if result.fraction is not None else "…"
        line = t("cli.import.progress", share=share, rows=number(result.rows), rejected=number(result.rejected))
        print(("\r" + line) if interactive else line, end="" if interactive else "\n",
              file=sys.stderr, flush=True)

    result = importer.run_import(args.file, mapping=mapping, dry_run=args.dry_run,
                                 rejects_path=args.rejects, advisor_id=me_id,
                                 progress=progress)
    if interactive:
        print(file=sys.stderr)
    print(result.summary())
    if result.unmapped:
        print(t("cli.import.unmapped", headers=listing(result.unmapped)))
    if result.rejects_path:
        print(t("cli.import.rejects_at", path=result.rejects_path))
    return 1 if result.rejected else 0
