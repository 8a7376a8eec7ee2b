"""``advisor keys add NAME FILE.pub | list [--json] | remove NAME FINGERPRINT``: the
advisors' SSH keys, for the station's service account at the server's own shell."""

from __future__ import annotations

import argparse

from db.i18n import t
from db.safe_text import dumps, visible

NAME = "keys"
HELP_KEY = "cli.keys.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="keys_action", metavar="add|list|remove", required=True)
    add = sub.add_parser("add", help=t("cli.keys.add"), description=t("cli.keys.add"))
    add.add_argument("name", metavar="NAME", help=t("cli.password.name"))
    add.add_argument("file", metavar="FILE.pub")
    listing = sub.add_parser("list", help=t("cli.keys.list"), description=t("cli.keys.list"))
    listing.add_argument("--json", action="store_true", help=t("cli.keys.json"))
    remove = sub.add_parser("remove", help=t("cli.keys.remove"), description=t("cli.keys.remove"))
    remove.add_argument("name", metavar="NAME", help=t("cli.password.name"))
    remove.add_argument("fingerprint", metavar="FINGERPRINT")


def run(args: argparse.Namespace) -> int:
    from db import access
    from db.connection import open_database, resolve_target
    from db.errors import Invalid

    target = resolve_target(args.db)
    open_database(target)
    access.require_station_admin(target)
    if args.keys_action == "list":
        lines = access.key_lines()
        if args.json:
            print(dumps([line.as_json() for line in lines], indent=1))
        elif not lines:
            print(t("cli.keys.none"))
        for line in lines if not args.json else ():
            print("\t".join(visible(v) for v in (line.login, line.name, line.fingerprint, line.kind, line.comment or "-")))
        return 0
    advisor, made = access.advisor_named(args.name, create=args.keys_action == "add")
    if made:
        print(t("cli.keys.created", name=advisor.name, role=t(f"roles.{advisor.role}"), login=advisor.login))
    if args.keys_action == "add":
        try:
            with open(args.file, encoding="utf-8", errors="replace") as handle:
                text = handle.read(20000)
        except OSError as exc:
            raise Invalid(t("cli.keys.cannot_read", path=args.file, reason=exc.strerror or exc)) from None
        key = access.add_key(None, advisor.id, text)
        print(t("cli.keys.added", name=advisor.name, fingerprint=key.fingerprint))
        print(f"login={advisor.login}")
        return 0
    access.remove_key(None, advisor.id, args.fingerprint)
    print(t("cli.keys.removed", name=advisor.name, fingerprint=args.fingerprint))
    return 0
