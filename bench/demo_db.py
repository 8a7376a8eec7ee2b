"""A demo database for benchmarks, built once and reused: ``bench/data/demo-<N>.sqlite``.

    from demo_db import demo_database          # python bench/<name>.py
    from bench.demo_db import demo_database    # python -m bench.<name>
    path = demo_database(100_000)              # builds on first use, then reuses

Every benchmark sees the same station: seed ``SEED``, today pinned to ``TODAY`` (left
pinned, so queues are due on the day the demo was made for). The file is built under a
temporary name and renamed when complete, so an interrupted build is never reused.
A ``db_url`` (e.g. PostgreSQL) is filled when empty and reused when it holds N customers.

Run alone to build or check one: ``python bench/demo_db.py 1000000``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from db import clock  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402

SEED = 1
TODAY = "2026-11-26"
DATA = Path(__file__).resolve().parent / "data"


def _progress(done: int, total: int) -> None:
    print(f"\r  demo: {done:,}/{total:,} customers", end="", file=sys.stderr, flush=True)


def _build(target: str, customers: int) -> None:
    from db.demo import generate

    open_database(target)
    try:
        generate(customers=customers, seed=SEED, progress=_progress)
        print(file=sys.stderr)
    finally:
        close_database()


def demo_database(customers: int, db_url: str | None = None) -> str:
    """The path (or the given URL) of a demo database with ``customers`` customers."""
    clock.pin_today(TODAY)
    started = time.monotonic()
    if db_url is not None:
        from db.models import Customer

        open_database(db_url)
        try:
            have = Customer.select().count()
        finally:
            close_database()
        if have == customers:
            print(f"demo database {db_url}: reused ({customers:,} customers)")
            return db_url
        _build(db_url, customers)  # refuses a database holding other data
        print(f"demo database {db_url}: built {customers:,} customers in "
              f"{time.monotonic() - started:.1f} s")
        return db_url
    path = DATA / f"demo-{customers}.sqlite"
    if path.exists():
        print(f"demo database {path}: reused")
        return str(path)
    DATA.mkdir(parents=True, exist_ok=True)
    building = DATA / f"demo-{customers}.building.sqlite"
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    _build(str(building), customers)
    os.replace(building, path)
    for leftover in (Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"demo database {path}: built {customers:,} customers in "
          f"{time.monotonic() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    return str(path)


if __name__ == "__main__":
    demo_database(int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
                  sys.argv[2] if len(sys.argv) > 2 else None)
