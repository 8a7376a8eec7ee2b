"""``advisor export [--queue NAME | --segment NAME] FILE``: a list for campaign tools."""

from __future__ import annotations

import argparse
import sys

from db.i18n import number, t

NAME = "export"
HELP_KEY = "cli.export.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.xlsx|.csv", help=t("cli.export.file"))
    parser.add_argument("--queue", metavar="NAME", default=None, help=t("cli.export.queue"))
    parser.add_argument("--segment", metavar="NAME", default=None, help=t("cli.export.segment"))
    parser.add_argument("--unmasked", action="store_true", help=t("cli.export.unmasked"))
    parser.add_argument("--force", action="store_true", help=t("cli.force"))


def run(args: argparse.Namespace) -> int:
    from tui.shell._who import who
    from db.connection import open_database
    from db.export import export

    open_database(args.db)
    me_id = who(args)
    result = export(args.file, queue=args.queue, segment=args.segment, unmasked=args.unmasked,
                    overwrite=args.force, advisor_id=me_id,
                    progress=lambda n: print(t("cli.export.progress", rows=number(n)), file=sys.stderr))
    print(t("cli.export.done", rows=number(result.rows), path=result.path)
          + (" " + t("cli.export.audited") if result.unmasked else ""))
    return 0
