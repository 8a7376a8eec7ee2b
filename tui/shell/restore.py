"""``advisor restore FILE``: put a checked backup in place of the database, keeping the old one."""

from __future__ import annotations

import argparse

from db.i18n import number, t

NAME = "restore"
HELP_KEY = "cli.restore.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help=t("cli.restore.file"))


def run(args: argparse.Namespace) -> int:
    from db.backup import log_restore, restore
    from db.connection import open_database, resolve_target
    from tui.shell._progress import end_line, progress_printer

    target = resolve_target(args.db)
    try:
        result = restore(args.file, target, progress_printer("restore.progress"))
    except KeyboardInterrupt:  # the copy into the file is one transaction: rolled back
        end_line()
        print(t("restore.cancelled"))
        return 130
    end_line()
    open_database(target)  # brings an older backup's schema up to date now, not at first use
    log_restore(result, args.file)
    print(t("restore.done", source=args.file, rows=number(sum(result.counts.values()))))
    if result.set_aside:
        print(t("restore.aside", path=result.set_aside))
    return 0
