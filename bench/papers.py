"""The printed papers and the health record on a demo station: how long the print key's
work takes (reading a work order and drawing its PDF; settling first for the statement)
and how fast the health record streams a year of settled visits.

    python bench/papers.py [--customers 2000] [--orders 40]

Works on a copy of the shared demo database (settling writes). Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo_db import TODAY, demo_database  # noqa: E402

from db import clock  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=40)
    args = parser.parse_args()
    source = demo_database(args.customers)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.sqlite"
        shutil.copy(source, path)
        clock.pin_today(TODAY)
        open_database(str(path))
        try:
            from db import papers
            from db.health_record import export_health_record
            from db.models import Advisor, Visit

            manager = Advisor.select().first()
            Advisor.update(role="manager").where(Advisor.id == manager.id).execute()
            ids = [v.id for v in Visit.select(Visit.id).order_by(Visit.id.desc()).limit(args.orders)]
            figures: dict[str, list[float]] = {"order_ms": [], "statement_ms": [], "unsettled_statement_ms": []}
            for visit_id in ids:
                started = time.perf_counter()
                papers.render_order_pdf(visit_id)
                figures["order_ms"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                papers.render_paper(visit_id, "settlement")
                figures["statement_ms"].append((time.perf_counter() - started) * 1000)
            Visit.update(settlement_no=None, settled_on=None).where(Visit.id.in_(ids)).execute()
            for visit_id in ids:  # the statement's first print: settled (and audited) first
                started = time.perf_counter()
                papers.render_paper(visit_id, "settlement", advisor_id=manager.id)
                figures["unsettled_statement_ms"].append((time.perf_counter() - started) * 1000)
            for name, values in figures.items():
                print(f"{name:24} median {statistics.median(values):7.1f}  p95 {_p95(values):7.1f}")
            for suffix in ("csv", "json"):
                started = time.perf_counter()
                result = export_health_record(Path(folder) / f"record.{suffix}", advisor_id=manager.id,
                                              date_from=dt.date.fromisoformat(TODAY) - dt.timedelta(days=365))
                spent = time.perf_counter() - started
                print(f"health record .{suffix:5} {result.visits:,} visits, {result.rows:,} rows in {spent:.2f} s "
                      f"({result.visits / spent:,.0f} visits/s)")
        finally:
            close_database()


if __name__ == "__main__":
    main()
