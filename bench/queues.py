"""Queue speed: every daily count, and the first page of each queue, on demo stations.

    python bench/queues.py                      # 100,000 then 1,000,000 demo customers
    python bench/queues.py --customers 100000   # one size (built once, reused: bench/demo_db.py)
    python bench/queues.py --db PATH|URL        # an existing archive (today: --today or the pin)
    python bench/queues.py --db PATH|URL --explain   # and each queue's query plans

Times are wall-clock (what an advisor feels); CPU time of the process is printed beside
them, as the machine may be busy with other work. Targets at 1,000,000 customers: all counts together under 2 s, any first page (50 rows,
with segment badges and the last contact's note) under 100 ms. Counts are timed after one
warm-up pass (the screen counts again after every call); each first page is timed five
times and its 95th percentile kept. The campaign queue is counted only when chosen, so
its count is shown apart. The last line reads
``queues customers=<N> counts_s=<total> first_page_p95_ms=<worst>``.
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

from db import clock  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402

CAMPAIGN_SPEC = "age:mid,use:private"
PAGE_RUNS = 5


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _explain(day) -> None:
    """Each daily queue's count and first-page queries with their plans (EXPLAIN): the
    index each reads, on SQLite or PostgreSQL."""
    from db.queues import lists as queues
    from db.connection import is_postgres
    from db.models import database_proxy

    database = database_proxy.obj
    prefix = "EXPLAIN " if is_postgres() else "EXPLAIN QUERY PLAN "
    for name in queues.DAILY:
        for what, query in queues.statements(name, day):
            sql, params = query.sql()
            plan = [row[0] if is_postgres() else row[3] for row in database.execute_sql(prefix + sql, params)]
            print(f"{name} {what}:")
            for step in plan:
                print(f"    {step}")


def bench(target: str, explain: bool = False) -> tuple[int, float, float]:
    from db.queues import lists as queues
    from db.models import Customer

    started = time.perf_counter()
    open_database(target)  # applies pending migrations (the queue indexes) once
    print(f"open {target}: {time.perf_counter() - started:.1f} s")
    customers = Customer.select().count()
    day = clock.today()
    print(f"customers={customers:,} today={day}")
    queues.counts(day)  # warm-up: the page cache as an advisor's session has it
    total = total_cpu = 0.0
    print(f"{'queue':<20}{'rows':>10}{'count':>12}{'(cpu)':>12}{'first page p95':>18}{'(cpu)':>12}")
    worst = worst_cpu = 0.0
    for name in queues.DAILY:
        t0, c0 = time.perf_counter(), time.process_time()
        n = queues.count(name, day)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        total += took
        total_cpu += cpu
        pages, pages_cpu = [], []
        for _ in range(PAGE_RUNS):
            t0, c0 = time.perf_counter(), time.process_time()
            queues.rows(name, day, limit=50)
            pages.append(time.perf_counter() - t0)
            pages_cpu.append(time.process_time() - c0)
        worst, worst_cpu = max(worst, p95(pages)), max(worst_cpu, p95(pages_cpu))
        print(f"{name:<20}{n:>10,}{_ms(took):>12}{_ms(cpu):>12}{_ms(p95(pages)):>18}{_ms(p95(pages_cpu)):>12}")
    t0 = time.perf_counter()
    n = queues.count(queues.CAMPAIGN, day, segment=CAMPAIGN_SPEC)
    campaign_count = time.perf_counter() - t0
    pages = []
    for _ in range(PAGE_RUNS):
        t0 = time.perf_counter()
        queues.rows(queues.CAMPAIGN, day, limit=50, segment=CAMPAIGN_SPEC)
        pages.append(time.perf_counter() - t0)
    worst = max(worst, p95(pages))
    print(f"{'campaign':<20}{n:>10,}{_ms(campaign_count):>12}{'':>12}{_ms(p95(pages)):>18}{'':>12}"
          f"  ({CAMPAIGN_SPEC}: counted on demand, not in the total)")
    t0 = time.perf_counter()
    queues.counts(day)
    print(f"all daily counts in one call: {time.perf_counter() - t0:.2f} s "
          f"(median page {statistics.median(pages) * 1000:.1f} ms for the campaign)")
    # CPU time spent by this process (SQLite runs in it): the cost without the wait for a
    # processor on a busy machine; wall time is what an advisor would feel.
    print(f"cpu: counts_s={total_cpu:.2f} first_page_p95_ms={worst_cpu * 1000:.1f}")
    if explain:
        _explain(day)
    close_database()
    return customers, total, worst * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append",
                        help="demo station size (repeatable; default 100000 and 1000000)")
    parser.add_argument("--db", help="an existing archive (path or URL) instead of a demo station")
    parser.add_argument("--today", help="pin today (YYYY-MM-DD) for --db")
    parser.add_argument("--explain", action="store_true", help="print each queue's query plans too")
    args = parser.parse_args(argv)
    if args.db:
        if args.today:
            clock.pin_today(args.today)
        targets = [args.db]
    else:
        from bench.demo_db import demo_database

        targets = [demo_database(n) for n in (args.customers or [100_000, 1_000_000])]
    lines = []
    for target in targets:
        customers, total, worst = bench(target, args.explain)
        lines.append(f"queues customers={customers} counts_s={total:.2f} first_page_p95_ms={worst:.1f}")
        print(lines[-1])
    if len(lines) > 1:
        print("\n".join(lines[:-1]))
        print(lines[-1])  # the largest station's figures stay last
    return 0


if __name__ == "__main__":
    sys.exit(main())
