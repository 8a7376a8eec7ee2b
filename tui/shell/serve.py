"""``advisor serve [--host H] [--port P] [--max-sessions N] [--idle-minutes M] [--host-key FILE]``:
the SSH server (tui/shell/_server.py; asyncssh is imported only here, when the command runs)."""

from __future__ import annotations

import argparse
import os

from db.i18n import t

NAME = "serve"
HELP_KEY = "cli.serve.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help=t("cli.serve.host"))
    parser.add_argument("--port", type=int, default=2222, help=t("cli.serve.port"))
    parser.add_argument("--max-sessions", type=int, default=None, metavar="N", help=t("cli.serve.max_sessions"))
    parser.add_argument("--idle-minutes", type=float, default=None, metavar="M", help=t("cli.serve.idle_minutes"))
    parser.add_argument("--host-key", default=None, metavar="FILE", help=t("cli.serve.host_key"))


def run(args: argparse.Namespace) -> int:
    from db import settings
    from db.connection import open_database, resolve_target
    from db.errors import DatabaseProblem

    target = resolve_target(args.db)
    if "://" not in target:
        target = os.path.abspath(target)  # the sessions' programs start in the home directory
    open_database(target)
    try:
        from tui.shell import _server as serve
    except ImportError:
        raise DatabaseProblem(t("cli.serve.needs_asyncssh")) from None
    max_sessions = args.max_sessions if args.max_sessions is not None else settings.get("serve.max_sessions")
    idle = args.idle_minutes if args.idle_minutes is not None else settings.get("serve.idle_minutes")
    station = serve.Station(db_target=target, max_sessions=max(1, max_sessions), idle_seconds=idle * 60,
                            lang=args.lang, today=args.today)
    return serve.serve(station, args.host, args.port, args.host_key)
