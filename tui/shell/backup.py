"""``advisor backup FILE``: a checked copy of the archive, taken while others keep working."""

from __future__ import annotations

import argparse

from db.i18n import number, t

NAME = "backup"
HELP_KEY = "cli.backup.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=t("cli.backup.file"))
    parser.add_argument("--force", action="store_true", help=t("cli.force"))


def run(args: argparse.Namespace) -> int:
    from db.backup import backup
    from db.connection import open_database, resolve_target
    from tui.shell._progress import end_line, human_size, progress_printer

    open_database(resolve_target(args.db))
    try:
        result = backup(args.file, progress_printer("backup.progress"), overwrite=args.force)
    except KeyboardInterrupt:
        end_line()
        print(t("backup.cancelled"))
        return 130
    end_line()
    print(t("backup.done", path=result.path, size=human_size(result.size), rows=number(sum(result.counts.values()))))
    if result.newest_audit:  # kept apart from the archive, it shows a later rewrite of the log
        print(t("chain.newest", id=result.newest_audit[0], hash=result.newest_audit[1]))
    return 0
