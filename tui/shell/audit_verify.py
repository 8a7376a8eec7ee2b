"""``advisor audit-verify [--expect HASH]``: is the audit log's hash chain whole?

Exit 0 printing the count (and the newest hash, to compare with a backup's or a report's
copy) when every entry follows from the one before; exit 1 naming the first that doesn't.
"""

from __future__ import annotations

import argparse

from db.i18n import number, t

NAME = "audit-verify"
HELP_KEY = "cli.audit_verify.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expect", metavar="HASH", help=t("cli.audit_verify.expect"))
    parser.add_argument("--against", metavar="BACKUP", help=t("cli.audit_verify.against"))


def run(args: argparse.Namespace) -> int:
    from db.audit import chain as auditchain
    from db.connection import open_database, resolve_target

    database = open_database(resolve_target(args.db))
    report = auditchain.verify(database)
    if not report.ok:
        print(t("chain.broken", id=report.broken_id, at=f"{report.broken_at:%Y-%m-%d %H:%M:%S}"
                if hasattr(report.broken_at, "strftime") else report.broken_at,
                action=_action(report.broken_action)))
        return 1
    if not report.count:
        print(t("chain.ok_empty"))
    else:
        print(t("chain.ok", count=number(report.count), newest=report.newest_id, hash=report.newest_hash))
    if report.chained_from is not None:
        print(t("chain.began", first=report.chained_from, last=report.chained_to, entry=report.chain_entry))
    if report.rewritten:
        print(t("chain.rewritten", n=number(report.rewritten)))
    if args.expect:
        found = auditchain.find_hash(database, args.expect.strip().lower())
        if found is None:
            print(t("chain.expect_missing"))
            return 1
        print(t("chain.expect_found", id=found))
    if args.against:
        kept = _newest_in_backup(args.against)
        if kept is None:
            print(t("chain.against_empty", file=args.against))
        elif auditchain.find_hash(database, kept[1]) != kept[0]:
            print(t("chain.against_differs", file=args.against, id=kept[0]))
            return 1
        else:
            print(t("chain.against_same", file=args.against, id=kept[0]))
    return 0


def _newest_in_backup(path: str) -> tuple[int, str] | None:
    """The backup's newest audit entry (id, hash), read from the file as it is."""
    import sqlite3
    from pathlib import Path

    from db.audit import chain as auditchain
    from db.backup import check_archive

    check_archive(Path(path))  # a sound archive of a version we know, or a clear message
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return auditchain.newest(conn)
    except sqlite3.Error:  # from before the chain
        return None
    finally:
        conn.close()


def _action(action: str | None) -> str:
    from db.audit.read import action_label

    return action_label(action or "")
