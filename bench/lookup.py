"""Lookup speed: every query type in ``db/``, against raw indexed SQL and a full LIKE scan.

    python bench/lookup.py                       # 100,000 and 1,000,000 customers
    python bench/lookup.py --customers 100000    # one size
    python bench/lookup.py --db postgresql://…   # the same on PostgreSQL (filled if empty)

For each demo database (``bench/demo_db.py``: built on first use, then reused) it samples
real values, turns them into what an advisor types (a plate, its tail, a mobile's last
four digits, a VIN's last six, a name, its pinyin and initials, a work-order number, an
employer's start) and times, per query type:

- ``db``: ``db.search.search(query, limit=20)``, everything the screen gets (all the keys
  the text could be, merged and ranked, Hit objects built);
- ``raw``: the same query as raw indexed SQL: the very statement ``db/`` runs for that
  text (``db.search.statement``), parameters bound, through the driver (``sqlite3`` /
  psycopg2) with no ORM and no Python around it; ``db / raw`` is the price of the library;
- ``range``: the one key range of that type alone, written by hand. A text is often
  several kinds at once (six digits are a VIN tail, a mobile tail and the start of a
  work-order number), and ``db/`` must read every range the text could be, in one
  statement, so ``db / range`` also counts the ranges of the other kinds;
- ``scan``: the naive ``LIKE '%x%'`` query over the type's column.

Then it opens the app (Pilot, 80×24), types queries into the F4 box and times each key
press until the frame that shows its results is written (one key after a pause, and the
last of three typed quickly). Ratios (of medians: p95s on a shared machine
mostly measure the neighbours): ``vs_raw`` is the worst type's db / raw (the price of
the library over the same statement run bare; the worst db / range is printed above
it), ``vs_scan`` the median type's scan / db (how many times faster than scanning).
The last line: ``lookup customers=<N> p95_ms=<worst type's db p95> vs_raw=… vs_scan=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from demo_db import demo_database  # noqa: E402
from frames import FrameClock  # noqa: E402

from db.connection import close_database, is_postgres, open_database  # noqa: E402
from db.search import TOP, pinyin_keys  # noqa: E402

CUSTOMER_COLS = "c.id, c.name, c.mobile, v.plate, v.vin, v.id, v.last_visit_date"
BY_VEHICLE = f"SELECT {CUSTOMER_COLS} FROM vehicle v JOIN customer c ON v.owner_id = c.id WHERE "
BY_CUSTOMER = f"SELECT {CUSTOMER_COLS} FROM customer c LEFT JOIN vehicle v ON v.owner_id = c.id WHERE "
BY_VISIT = (f"SELECT {CUSTOMER_COLS} FROM visit w JOIN customer c ON w.customer_id = c.id "
            "JOIN vehicle v ON w.vehicle_id = v.id WHERE ")
LIVE = " AND COALESCE(c.merged_into_id, 0) = 0"  # as db.search: no index for it (nearly all are live)


def _range(column: str) -> str:
    return f"{column} >= ? AND {column} < ?"


# type -> (raw indexed SQL, its parameters from the typed text, scan SQL, scan parameter)
def query_types() -> dict[str, tuple[str, object, str, object]]:
    def prefix(value: str) -> tuple[str, str]:
        return value, value + TOP

    return {
        "exact_plate": (BY_VEHICLE + "v.plate = ?" + LIVE + " ORDER BY v.plate, v.id LIMIT 21",
                        lambda q: (q,),
                        BY_VEHICLE + "v.plate LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "plate_tail": (BY_VEHICLE + _range("v.plate_rev") + LIVE + " ORDER BY v.plate_rev, v.id LIMIT 21",
                       lambda q: prefix(q[::-1]),
                       BY_VEHICLE + "v.plate LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}",)),
        "vin": (BY_VEHICLE + "v.vin = ?" + LIVE + " ORDER BY v.vin, v.id LIMIT 21", lambda q: (q,),
                BY_VEHICLE + "v.vin LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "vin_tail": (BY_VEHICLE + _range("v.vin_rev") + LIVE + " ORDER BY v.vin_rev, v.id LIMIT 21",
                     lambda q: prefix(q[::-1]),
                     BY_VEHICLE + "v.vin LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}",)),
        "mobile_tail": (BY_CUSTOMER + _range("c.mobile_rev") + LIVE + " ORDER BY c.mobile_rev, c.id, v.id LIMIT 21",
                        lambda q: prefix(q[::-1]),
                        BY_CUSTOMER + "c.mobile LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}",)),
        "name": (BY_CUSTOMER + _range("c.name_key") + LIVE + " ORDER BY c.name_key, c.id, v.id LIMIT 21",
                 lambda q: prefix(q),
                 BY_CUSTOMER + "c.name LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "pinyin": (BY_CUSTOMER + _range("c.pinyin_full") + LIVE + " ORDER BY c.pinyin_full, c.id, v.id LIMIT 21",
                   lambda q: prefix(q),
                   BY_CUSTOMER + "c.pinyin_full LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "initials": (BY_CUSTOMER + _range("c.pinyin_initials") + LIVE
                     + " ORDER BY c.pinyin_initials, c.id, v.id LIMIT 21", lambda q: prefix(q),
                     BY_CUSTOMER + "c.pinyin_initials LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "work_order": (BY_VISIT + "w.work_order_no = ?" + LIVE + " ORDER BY w.work_order_no, w.id LIMIT 21",
                       lambda q: (q,),
                       BY_VISIT + "w.work_order_no LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
        "employer": (BY_CUSTOMER + _range("c.employer_key") + LIVE + " ORDER BY c.employer_key, c.id, v.id LIMIT 21",
                     lambda q: prefix(q),
                     BY_CUSTOMER + "c.employer LIKE ?" + LIVE + " LIMIT 21", lambda q: (f"%{q}%",)),
    }


def sample_queries(count: int, seed: int = 7) -> dict[str, list[str]]:
    """What advisors would type, from values that exist (a random live row each)."""
    from db.models import Customer, Vehicle, Visit

    rng = random.Random(seed)
    top_c = Customer.select().order_by(Customer.id.desc()).first().id
    top_v = Vehicle.select().order_by(Vehicle.id.desc()).first().id
    top_w = Visit.select().order_by(Visit.id.desc()).first().id

    def some(model, top, where):
        found = []
        while len(found) < count:
            row = model.select().where((model.id >= rng.randint(1, top)) & where).order_by(model.id).first()
            if row is not None:
                found.append(row)
        return found

    cars = some(Vehicle, top_v, Vehicle.plate.is_null(False) & Vehicle.owner.is_null(False))
    people = some(Customer, top_c, Customer.mobile.is_null(False) & Customer.merged_into.is_null())
    employed = some(Customer, top_c, Customer.employer_key.is_null(False))
    orders = some(Visit, top_w, Visit.customer.is_null(False))
    return {
        "exact_plate": [c.plate for c in cars],
        "plate_tail": [c.plate[-4:] for c in cars],
        "vin": [c.vin for c in cars],
        "vin_tail": [c.vin[-6:] for c in cars],
        "mobile_tail": [p.mobile[-4:] for p in people],
        "name": [p.name for p in people],
        "pinyin": [pinyin_keys(p.name)[0] for p in people],
        "initials": [pinyin_keys(p.name)[1] for p in people],
        "work_order": [w.work_order_no for w in orders],
        "employer": [e.employer_key[:4] for e in employed],
    }


def _timed(run, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered), math.ceil(len(ordered) * 0.95)) - 1]


def _driver_runner(database, statement):
    """``statement(q) -> (sql with ? marks, params)`` run through the driver itself:
    sqlite3 or psycopg2, no ORM."""
    if is_postgres(database):
        conn = database.connection()

        def run(q):
            sql, params = statement(q)
            with conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), params)
                return cur.fetchall()
        return run
    import sqlite3

    conn = sqlite3.connect(database.database)
    conn.execute("PRAGMA cache_size=-32000")

    def run(q):
        return conn.execute(*statement(q)).fetchall()
    return run


def raw_runner(database, sql: str, params):
    """One hand-written statement, its parameters from the typed text."""
    return _driver_runner(database, lambda q: (sql, params(q)))


def same_runner(database, queries: list[str]):
    """The statement db/ runs for each text, built beforehand: only the driver is timed."""
    from db.search import statement

    built = {q: statement(q, limit=20) for q in queries}
    return _driver_runner(database, built.__getitem__)


def bench_queries(database, samples: dict[str, list[str]], scans: int) -> dict[str, dict[str, float]]:
    from db.search import search

    results = {}
    for kind, (raw_sql, raw_params, scan_sql, scan_params) in query_types().items():
        queries = samples[kind]
        raw = same_runner(database, queries)
        one_range = raw_runner(database, raw_sql, raw_params)
        for q in queries:  # all read the same pages: warm them first, for each one's sake
            search(q, limit=20)
            raw(q)
            one_range(q)
        db_times = _timed(lambda q: search(q, limit=20), queries)
        raw_times = _timed(raw, queries)
        range_times = _timed(one_range, queries)
        scan = raw_runner(database, scan_sql, scan_params)
        scan_times = _timed(scan, queries[:scans])
        (db_med, db_p95), (raw_med, raw_p95), (range_med, _), (scan_med, scan_p95) = (
            _stats(db_times), _stats(raw_times), _stats(range_times), _stats(scan_times))
        results[kind] = dict(db_med=db_med, db_p95=db_p95, raw_med=raw_med, raw_p95=raw_p95,
                             range_med=range_med, scan_med=scan_med, scan_p95=scan_p95)
        print(f"  {kind:<12} db {db_med:6.3f} / {db_p95:6.3f}  raw {raw_med:6.3f} / {raw_p95:6.3f}"
              f"  range {range_med:6.3f}  scan {scan_med:7.1f} / {scan_p95:7.1f}"
              f"  db/raw {db_med / raw_med:4.2f}  db/range {db_med / range_med:4.2f}"
              f"  scan/db {scan_med / db_med:5.0f}", flush=True)
    return results


TYPING_GAP_S = 0.1  # between keys of a quick typist (about 120 words a minute)


async def _keystrokes(target: str, queries: list[str]) -> tuple[list[float], list[float]]:
    """Key press to painted results, in the real app at 80×24, in two ways:

    - ``single``: the last character of a query typed after a pause;
    - ``typing``: its last three characters typed ``TYPING_GAP_S`` apart, timed from the
      last key (what a debounce or throttle adds shows here).

    Keys go in as a terminal sends them (Pilot.press would also wait for the whole app to
    look idle). The clock stops at the frame in which the result list was drawn holding
    the answer to the last key (``frames.FrameClock``).
    """
    from textual import events

    from tui.app import AdvisorApp
    from tui.screens.lookup import LookupScreen

    app = AdvisorApp(db_target=target, advisor_name="bench")
    single: list[float] = []
    typing: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        clock = FrameClock(app)
        await pilot.pause(0.5)
        await pilot.press("f4")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        box = screen.query_one("#lookup-query")
        clock.probe(screen.query_one("#lookup-results"), "results", lambda: screen.shown)

        async def timed(keys: str, to: list[float]) -> None:
            for key in keys[:-1]:
                app.post_message(events.Key(key, key))
                await asyncio.sleep(TYPING_GAP_S)
            goal = screen.searches.generation + 1
            clock.arm(lambda: clock.notes.get("results", 0) >= goal)
            started = time.perf_counter()
            app.post_message(events.Key(keys[-1], keys[-1]))
            to.append((await clock.wait() - started) * 1000)

        for query in queries:
            for typed, to in ((query[-1:], single), (query[-3:], typing)):
                box.value = query[:-len(typed)]
                await pilot.pause(0.3)  # that search answers; the next key starts afresh
                await app.workers.wait_for_complete()
                await pilot.pause(0.2)
                await timed(typed, to)
    return single, typing


def keystroke_bench(target: str, samples: dict[str, list[str]], count: int = 40) -> tuple[float, ...]:
    """(single median, p95, typing median, p95 in ms, peak MB): the app runs in a process
    of its own, so that its resident memory is the program's, not this benchmark's."""
    import json
    import subprocess
    import tempfile

    kinds = ("exact_plate", "plate_tail", "mobile_tail", "name", "pinyin", "initials", "vin_tail", "work_order")
    queries = [q for kind in kinds for q in samples[kind][:count // len(kinds)]]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"target": target, "queries": queries}, fh, ensure_ascii=False)
    try:
        out = subprocess.run([sys.executable, __file__, "--app-only", fh.name], check=True,
                             capture_output=True, text=True).stdout
    finally:
        os.unlink(fh.name)
    return tuple(float(x) for x in out.split()[-5:])


def app_only(job: str) -> None:
    """The child of ``keystroke_bench``: prints the two medians and p95s and the peak MB."""
    import json

    with open(job, encoding="utf-8") as fh:
        spec = json.load(fh)
    open_database(spec["target"])
    single, typing = asyncio.run(_keystrokes(spec["target"], spec["queries"]))
    (med, p95), (t_med, t_p95) = _stats(single), _stats(typing)
    print(f"{med:.2f} {p95:.2f} {t_med:.2f} {t_p95:.2f} {rss_mb():.1f}")


def rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM: unlike ru_maxrss, it does not
    inherit the parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(customers: int, db_url: str | None, count: int, scans: int, app: bool) -> str:
    target = demo_database(customers, db_url)
    database = open_database(target)
    try:
        from db.models import Customer

        actual = Customer.select().count()
        samples = sample_queries(count)
        print(f"lookup on {actual:,} customers ({'PostgreSQL' if is_postgres(database) else 'SQLite'}), "
              f"{count} queries a type (scan: {scans}); median / p95 in ms:", flush=True)
        results = bench_queries(database, samples, scans)
        worst = max(r["db_p95"] for r in results.values())
        # Ratios of medians (p95s on a shared machine measure the neighbours): the
        # worst type's db/raw, and the median type's scan/db.
        vs_raw = max(r["db_med"] / r["raw_med"] for r in results.values())
        kind, r = max(results.items(), key=lambda item: item[1]["db_med"] / item[1]["range_med"])
        print(f"  worst db / range: {r['db_med'] / r['range_med']:.2f} ({kind}: the ranges of every "
              f"kind the text could be, against its own range alone)", flush=True)
        vs_scan = statistics.median(r["scan_med"] / r["db_med"] for r in results.values())
        if app:
            med, p95, t_med, t_p95, app_rss = keystroke_bench(target, samples)
            print(f"  keystroke to painted results: median {med:.1f} ms, p95 {p95:.1f} ms; typing "
                  f"{TYPING_GAP_S * 1000:.0f} ms apart, from the last key: median {t_med:.1f} ms, "
                  f"p95 {t_p95:.1f} ms; the app's peak resident memory {app_rss:.0f} MB", flush=True)
        print(f"  this benchmark's peak resident memory: {rss_mb():.0f} MB; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    finally:
        close_database()
    return f"lookup customers={actual} p95_ms={worst:.3f} vs_raw={vs_raw:.2f} vs_scan={vs_scan:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (filled with the demo when empty)")
    parser.add_argument("--queries", type=int, default=200, help="queries per type")
    parser.add_argument("--scans", type=int, default=10, help="LIKE scans per type (slow)")
    parser.add_argument("--no-app", action="store_true", help="skip the keystroke timing in the app")
    parser.add_argument("--app-only", metavar="JOB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app_only:
        app_only(args.app_only)
        return
    lines = [run_one(n, args.db, args.queries, args.scans, not args.no_app) for n in args.customers]
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
