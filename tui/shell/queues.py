"""``advisor queues [NAME]``: today's count of every queue, or one queue's rows."""

from __future__ import annotations

import argparse
import sys

from db.i18n import t
from db.safe_text import dumps, visible

NAME = "queues"
HELP_KEY = "cli.queues.help"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help=t("cli.queues.name"))
    parser.add_argument("--json", action="store_true", help=t("cli.queues.json"))
    parser.add_argument("--limit", type=int, default=50, metavar="N", help=t("cli.queues.limit"))
    parser.add_argument("--segment", metavar="SPEC", default=None, help=t("cli.queues.segment"))


def run(args: argparse.Namespace) -> int:
    from db.queues import lists as queues
    from db.clock import today
    from db.connection import open_database, resolve_target

    open_database(resolve_target(args.db))
    day = today()
    if not args.name:
        found = queues.counts(day)
        if args.json:
            print(dumps({"day": day.isoformat(), "counts": found}))
            return 0
        print(t("cli.queues.counts_title", day=day.isoformat()))
        width = max(len(name) for name in found)
        for name, n in found.items():
            print(f"  {name:<{width}}  {n:>8,}  {t('queue.' + name)}")
        return 0
    items = queues.rows(args.name, day, limit=max(args.limit, 0), segment=args.segment)
    if args.json:
        print(dumps([_as_json(item) for item in items], indent=1))
        return 0
    total = queues.count(args.name, day, segment=args.segment)
    print(t("queues.rows", queue=t("queue." + args.name), n=f"{total:,}"))
    for item in items:
        _print_item(item)
    return 0


def _as_json(item) -> dict:
    return {
        "queue": item.queue, "due_key": item.due_key, "customer_id": item.customer_id,
        "vehicle_id": item.vehicle_id, "prospect_id": item.prospect_id, "name": item.name,
        "mobile": item.mobile_masked, "plate": item.plate,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "reason": item.reason, "late": item.late, "attempts": item.attempts, "letter": item.letter,
        "last_note": item.last_note, "segments": [b.label for b in item.badges], "hint": item.hint,
    }


def _print_item(item) -> None:
    line = "  ".join(visible(x) for x in (item.name, item.mobile_masked, item.plate, item.reason) if x)
    print(line)
    if item.badges:
        print("    " + " | ".join(b.label for b in item.badges))
    if item.hint:
        print("    " + t("queues.guidance") + item.hint)
    if item.letter:
        print("    " + t("queue.letter", n=item.attempts))
    if item.last_note:
        print("    " + t("queues.last_note") + visible(item.last_note))
    sys.stdout.flush()
