"""``advisor book QUERY --at "YYYY-MM-DD HH:MM" [--for NAME] [--note TEXT] [--json]``:
book a car into a slot from the shell. Exit 0 booked, 1 the slot is full (the nearest
free slots on stderr), 2 anything else (no car or several, outside the hours, past)."""

from __future__ import annotations

import argparse
import sys

from db.i18n import t
from db.safe_text import dumps

NAME = "book"
HELP_KEY = "cli.book.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY", help=t("cli.find.query"))
    parser.add_argument("--at", required=True, metavar='"YYYY-MM-DD HH:MM"', help=t("cli.book.at"))
    parser.add_argument("--for", dest="for_name", metavar="NAME", default=None, help=t("cli.book.for"))
    parser.add_argument("--note", metavar="TEXT", default=None, help=t("cli.book.note"))
    parser.add_argument("--json", action="store_true", help=t("cli.book.json"))


def line(booking) -> str:
    """One appointment as a tab-separated line (``book`` and ``appointments`` print it)."""
    from db.appointments import at_text

    return "\t".join([str(booking.id), at_text(booking.at), booking.plate or "-", booking.name,
                      t(f"book.status.{booking.status}"), booking.advisor_name or t("book.any_advisor"),
                      booking.request or "-"])


def run(args: argparse.Namespace) -> int:
    from db import advisors, appointments
    from db.connection import open_database, resolve_target

    open_database(resolve_target(args.db))
    at = appointments.parse_at(args.at)
    car = appointments.find_car(args.query)
    for_advisor = appointments.advisor_named(args.for_name).id if args.for_name else None
    me = advisors.for_os_user()
    try:
        booking = appointments.book(vehicle_id=car.vehicle_id, customer_id=car.customer_id, at=at,
                                    advisor_id=for_advisor, booked_by=me.id if me else None,
                                    request=args.note)
    except appointments.SlotFull as exc:
        print(t("cli.error", message=exc), file=sys.stderr)
        return 1
    if args.json:
        print(dumps(booking.as_json()))
    else:
        print(line(booking))
    return 0
