"""``advisor`` with no command: open the interactive program."""

from __future__ import annotations

import argparse
import os
import sys


def run_app(args: argparse.Namespace) -> int:
    from tui import collector

    collector.hold()  # until the first frame (AdvisorApp.on_ready): see tui/collector.py
    from db.connection import ArchiveMissing, describe, open_database, resolve_target
    from db.i18n import t

    target = resolve_target(args.db)
    # The first start on the default path creates the archive; a path given (--db,
    # ADVISOR_DB) where there is none is asked about first: it may be a typing mistake.
    # A session through the front door (a ticket) never asks: the station's archive is
    # the server's to have.
    first_start = not args.db and not os.environ.get("ADVISOR_DB")
    served = getattr(args, "ticket_fd", None) is not None
    try:
        open_database(target, create=first_start and not served)  # refuses a bad file or URL before the screen is taken over
    except ArchiveMissing:
        if served:
            raise
        from tui.create_archive import ask_to_create

        if not ask_to_create(describe(target)):
            print(t("archive.create_declined", path=describe(target)), file=sys.stderr)
            return 2
        open_database(target, create=True)
    if served:
        known = _redeem(args.ticket_fd)
    else:
        _daily_backup()
        known = None if args.advisor else _os_account_advisor()
    from tui.app import AdvisorApp

    app = AdvisorApp(db_target=target, advisor_name=args.advisor, known_advisor=known)
    app.run()
    return app.return_code or 0


def _os_account_advisor() -> tuple[int, str] | None:
    """The advisor this OS account signed in as before, looked up while the database is
    open anyway: the first frame then greets them by name, with no second frame after a
    worker's answer. Anything else (a name given, nobody remembered) the app asks itself."""
    from db.advisors import for_os_user

    advisor = for_os_user()
    return (advisor.id, advisor.name) if advisor is not None else None


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


def _redeem(fd: int) -> tuple[int, str]:
    """An ``advisor serve`` session: the server wrote a one-time ticket into the pipe it
    handed down as descriptor ``fd``; whoever runs the program without one gets nothing."""
    import os
    from dataclasses import replace

    from db.access import redeem_ticket
    from db.audit import write as audit

    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as pipe:
        token = pipe.read(200)
    session = redeem_ticket(token)
    # Everything this session writes to the audit log names the SSH client and its key.
    audit.set_context(replace(audit.local_context(), client=session.address, client_key=session.fingerprint))
    return session.advisor.id, session.advisor.name
