"""The OS account this process runs as: who is at the keyboard of a station, as far as
the operating system says (the advisor it was mapped to is in ``db.advisors``).

A module of its own: the start looks it up before its first frame, and the access rules
(``db.access``: logins, keys, tickets, the audit) need not be loaded for that.
"""

from __future__ import annotations

import os


def os_account() -> str:
    """The account this process runs as, from its real uid (not from the environment)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (some containers)
        return f"uid{os.getuid()}"
