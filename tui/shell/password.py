"""``advisor password NAME [--clear]``: an advisor's SSH password, typed twice on the
terminal (never read from a pipe or an argument), for the station's service account."""

from __future__ import annotations

import argparse
import sys

from db.i18n import t

NAME = "password"
HELP_KEY = "cli.password.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help=t("cli.password.name"))
    parser.add_argument("--clear", action="store_true", help=t("cli.password.clear"))


def run(args: argparse.Namespace) -> int:
    import getpass

    from db import access
    from db.connection import open_database, resolve_target
    from db.errors import Invalid

    target = resolve_target(args.db)
    open_database(target)
    access.require_station_admin(target)
    advisor, made = access.advisor_named(args.name, create=not args.clear)
    if made:
        print(t("cli.keys.created", name=advisor.name, role=t(f"roles.{advisor.role}"), login=advisor.login))
    if args.clear:
        access.set_password(None, advisor.id, None)
        print(t("cli.password.cleared", name=advisor.name))
        return 0
    if not sys.stdin.isatty():
        raise Invalid(t("cli.password.no_tty"))
    first = getpass.getpass(t("cli.password.first", name=advisor.name, login=advisor.login))
    again = getpass.getpass(t("cli.password.again"))
    if first != again:
        raise Invalid(t("cli.password.differ"))
    access.set_password(None, advisor.id, first)
    print(t("cli.password.done", name=advisor.name))
    return 0
