"""Who runs a shell command: the OS account's advisor (by uid), or ``--advisor NAME``
with the PIN asked on the terminal when that advisor has one. A shell command never moves
an account's mapping (``remember=False``) and never reads a PIN from a pipe."""

from __future__ import annotations

import argparse
import sys


def who(args: argparse.Namespace) -> int | None:
    from db import advisors, roles
    from db.i18n import t

    name = getattr(args, "advisor", None)
    if not name:
        me = advisors.for_os_user()
        return me.id if me else None
    try:
        return roles.identify(name, remember=False).id
    except roles.PinNeeded as exc:
        if not sys.stdin.isatty():
            raise
        import getpass

        pin = getpass.getpass(t("cli.pin_prompt", name=exc.advisor_name))
        return roles.identify(name, pin=pin, remember=False).id
