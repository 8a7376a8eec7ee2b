"""``advisor demo``: fill an empty database with a synthetic, deterministic station."""

from __future__ import annotations

import argparse
import os
import sys
import time

from db.i18n import number, t

NAME = "demo"
HELP_KEY = "cli.demo.help"
CREATES = True  # a demo station is a new archive


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=2000, help=t("cli.demo.customers"))
    parser.add_argument("--seed", type=int, default=1, help=t("cli.demo.seed"))


def run(args: argparse.Namespace) -> int:
    from db.connection import open_database, resolve_target
    from db.demo import generate

    target = resolve_target(args.db)
    open_database(target)
    started = time.monotonic()
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        line = t("cli.demo.progress", done=number(done), total=number(total), rate=rate)
        print(("\r" + line) if interactive else line, end="" if interactive else "\n",
              file=sys.stderr, flush=True)

    result = generate(customers=args.customers, seed=args.seed, progress=progress)
    if interactive:
        print(file=sys.stderr)
    size = "-"
    if os.path.exists(target):
        size = f"{os.path.getsize(target) / 1e6:.1f} MB"
    print(t("cli.demo.done", customers=number(result.customers), vehicles=number(result.vehicles),
            visits=number(result.visits), seconds=time.monotonic() - started, size=size))
    return 0
