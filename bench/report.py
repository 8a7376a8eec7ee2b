"""How long the station report takes on a demo database.

    python bench/report.py [CUSTOMERS] [--db URL]     (default 100,000 customers)

Builds or reuses ``bench/data/demo-<N>.sqlite`` (see demo_db.py), then times each part of
``db.report.build`` over the default period (twelve months to the demo's today), three
runs each, and prints the median. Its last line:
``report customers=<N> total_s=<median of the whole report>``. A file from an earlier
version is upgraded in place when opened (the report's indexes, migrations 0006 and 0008).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_db import demo_database  # noqa: E402

from db import report  # noqa: E402
from db.connection import open_database  # noqa: E402


def _median(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("customers", nargs="?", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    open_database(demo_database(args.customers, args.db))
    start, end = report.default_period()
    lost = 12
    parts = {
        "segments": lambda: report.segment_lines(start, end),
        "months": lambda: report.month_lines(start, end, lost),
        "calls": lambda: report.call_lines(start, end),
        "completeness": report.completeness_lines,
        "reminders": lambda: report.reminders(start, end),
    }
    for name, fn in parts.items():
        print(f"  {name:<13} {_median(fn):8.3f} s")
    total = _median(lambda: report.build(), runs=3)
    built = report.build()
    print(f"  visits in period {built.visits:,}, reminders {built.reminders.sent:,}, "
          f"calls {sum(c.calls for c in built.calls):,}")
    print(f"report customers={args.customers} total_s={total:.2f}")


if __name__ == "__main__":
    main()
