"""``advisor`` with no command: open the interactive program."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    from db.connection import open_database, resolve_target

    target = resolve_target(args.db)
    open_database(target)  # refuses a bad file or URL before the screen is taken over
    _daily_backup()
    from tui.app import AdvisorApp

    app = AdvisorApp(db_target=target, advisor_name=args.advisor)
    app.run()
    return app.return_code or 0


def _daily_backup() -> None:
    """Today's automatic backup (setting backup.daily), before the screen is taken over.

    A failure or a Ctrl+C is reported and the program opens anyway: the desk must not
    stay closed because a backup folder is full.
    """
    import sys

    from db.backup import daily_backup, daily_due
    from db.errors import AdvisorError
    from db.i18n import t
    from tui.shell._progress import end_line, progress_printer

    try:
        if daily_due() is None:
            return
        print(t("backup.daily_taking"), file=sys.stderr)
        daily_backup(progress_printer("backup.progress"))
        end_line()
    except KeyboardInterrupt:
        end_line()
        print(t("backup.daily_skipped"), file=sys.stderr)
    except AdvisorError as exc:
        end_line()
        print(t("backup.daily_failed", message=exc), file=sys.stderr)
