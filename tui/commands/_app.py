"""``advisor`` with no command: open the interactive program."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    from db.connection import open_database, resolve_target

    target = resolve_target(args.db)
    open_database(target)  # refuses a bad file or URL before the screen is taken over
    from tui.app import AdvisorApp

    app = AdvisorApp(db_target=target, advisor_name=args.advisor)
    app.run()
    return app.return_code or 0
