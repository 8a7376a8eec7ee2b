"""``advisor appointments [--day D] [--json]``: a day's appointments;
``advisor appointments --cancel ID [--reason TEXT]``: cancel one;
``advisor appointments --mark-no-shows``: the audited sweep that stores "no_show" on the
bookings past their no-show time (every list already shows them as no-shows; this only
writes it down, e.g. nightly from cron)."""

from __future__ import annotations

import argparse

from db.i18n import t
from db.safe_text import dumps

NAME = "appointments"
HELP_KEY = "cli.appointments.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--day", metavar="D", default=None, help=t("cli.appointments.day"))
    parser.add_argument("--json", action="store_true", help=t("cli.book.json"))
    parser.add_argument("--cancel", metavar="ID", type=int, default=None, help=t("cli.appointments.cancel"))
    parser.add_argument("--reason", metavar="TEXT", default=None, help=t("cli.appointments.reason"))
    parser.add_argument("--mark-no-shows", action="store_true", help=t("cli.appointments.mark_no_shows"))


def run(args: argparse.Namespace) -> int:
    from db import advisors, appointments
    from db.clock import today
    from db.connection import open_database, resolve_target
    from db.validate import date
    from tui.shell.book import line

    open_database(resolve_target(args.db))
    if args.cancel is not None:
        me = advisors.for_os_user()
        booking = appointments.cancel(args.cancel, me.id if me else None, args.reason)
        print(dumps(booking.as_json()) if args.json else line(booking))
        return 0
    if args.mark_no_shows:
        me = advisors.for_os_user()
        marked = appointments.mark_no_shows(me.id if me else None)
        print(dumps({"marked": marked}) if args.json else t("cli.appointments.marked", n=marked))
        return 0
    day = date(args.day, "day") if args.day else today()
    bookings = appointments.day_list(day)
    if args.json:
        print(dumps([b.as_json() for b in bookings], indent=1))
        return 0
    if not bookings:
        print(t("cli.appointments.none", day=day.isoformat()))
    for booking in bookings:
        print(line(booking))
    return 0
