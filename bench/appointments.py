"""The appointment book's speed: a day's grid and a booking, in db/ and on the screen.

    python bench/appointments.py                      # 100,000 customers
    python bench/appointments.py --customers 1000000  # the issue's size (a long build)

On a copy of the demo database (``bench/demo_db.py``: built on first use, then reused;
the demo books about half its visits and fills today and the next six days to two
thirds of the places), it times

- ``grid``: ``db.appointments.day_grid(day)`` for the next 30 days (what F12 reads);
- ``arrivals``: ``db.appointments.arrivals()``, today's expected cars (reception's board);
- ``book``: ``db.appointments.book(...)`` of a car into a free place, committed (with its
  audit entry), 40 times;
- ``grid_key``: in the app (Pilot, 80×24), F12 and then → a day at a time: from the key
  to the frame that shows the new day's grid (``bench/frames.py``);
- ``arrivals_key``: in the app, F3 from the book back to reception: from the key to the
  frame that shows today's arrivals read again (the reception reads them on its return;
  the first return is printed apart: Textual restyles the reception's widgets then);
- ``first F12`` (printed, not a target): F12's first showing, once right after the first
  frame and once after the app has prepared the book's styles (2 s in).

The last line: ``appointments customers=<N> grid_p95_ms=… arrivals_p95_ms=… book_p95_ms=…
grid_key_p95_ms=… arrivals_key_p95_ms=…``; the target is 50 ms for each.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from demo_db import demo_database  # noqa: E402
from frames import FrameClock  # noqa: E402

from db import appointments  # noqa: E402
from db.clock import today  # noqa: E402
from db.connection import close_database, open_database  # noqa: E402


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def report(name: str, times: list[float]) -> float:
    print(f"{name:10} n={len(times):3}  median {statistics.median(times):7.2f} ms  p95 {p95(times):7.2f} ms"
          f"  max {max(times):7.2f} ms")
    return p95(times)


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def db_figures() -> dict[str, float]:
    from db.models import Appointment, Vehicle

    start = today()
    days = [start + dt.timedelta(days=n) for n in range(30)]
    figures = {"grid": report("grid", [timed(lambda d=d: appointments.day_grid(d)) for d in days])}
    figures["arrivals"] = report("arrivals", [timed(appointments.arrivals) for _ in range(20)])
    booked = {v for (v,) in Appointment.select(Appointment.vehicle).where(Appointment.day > start).tuples()}
    cars = [c for c in Vehicle.select(Vehicle.id).where(Vehicle.owner.is_null(False)).order_by(Vehicle.id.desc())
            .limit(200).tuples() if c[0] not in booked][:40]
    times = []
    for n, (vehicle_id,) in enumerate(cars):
        day = start + dt.timedelta(days=8 + n // 10)  # days the demo left empty: every slot free
        at = appointments.at_of(day, appointments.hours().slots[n % 10])
        times.append(timed(lambda: appointments.book(vehicle_id=vehicle_id, at=at, booked_by=None)))
    figures["book"] = report("book", times)
    return figures


async def app_figures(path: str, days: int = 20, settle: float = 0.5, rounds: int = 20) -> tuple[float, float] | None:
    from tui.app import AdvisorApp
    from tui.widgets.arrivals import ArrivalsBoard
    from tui.widgets.book_grid import BookGrid

    from tui import collector

    collector.hold()  # as the program starts (tui.shell._app): the start's objects are frozen at its first frame
    app = AdvisorApp(db_target=path, advisor_name="刘洋")
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(settle)
        clock = FrameClock(app)
        for n in range(days + 1):
            key = "f12" if n == 0 else "right"
            want = today() + dt.timedelta(days=1 + max(0, n))
            if n == 0:
                want = today() + dt.timedelta(days=1)

            def shown(want=want) -> bool:
                grids = [w for w in app.screen.query(BookGrid)] if app.screen.is_mounted else []
                return bool(grids) and grids[0].grid is not None and grids[0].grid.day == want

            clock.arm(shown)
            started = time.perf_counter()
            await pilot.press(key)
            at = await clock.wait()
            if n:  # F12's first showing also builds the screen: reported apart
                times.append((at - started) * 1000)
            else:
                print(f"first F12  {(at - started) * 1000:7.2f} ms (the screen built and its day read, "
                      f"{settle:.1f} s after the start)")
            await pilot.pause(0.05)
        arrivals = []
        for n in range(rounds + 1):
            await pilot.press("f3")
            await pilot.pause(0.3)
            board = app.screen.query_one(ArrivalsBoard)  # the reception's own, found once: the
            shown_before = board.bookings                 # probe runs in every frame it waits for

            def fresh(old=shown_before, board=board) -> bool:
                return board.screen is app.screen and board.bookings is not old and board.display

            await pilot.press("f12")
            await pilot.pause(0.3)
            clock.arm(fresh)
            started = time.perf_counter()
            await pilot.press("f3")
            took = (await clock.wait() - started) * 1000
            if n:
                arrivals.append(took)
            else:  # Textual restyles the reception's widgets on its first return: reported apart
                print(f"first F3   {took:7.2f} ms (back to reception from F12 the first time)")
    if not rounds:
        return None
    return report("grid_key", times), report("arrivals_key", arrivals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    source = demo_database(args.customers)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "book.sqlite")
        shutil.copy(source, path)  # the bookings made here stay out of the shared demo
        open_database(path)
        # The real time pinned to the morning of the demo's day: today's bookings are still
        # ahead, so the arrivals hold the day's cars (at night they would all be no-shows).
        from db import clock

        clock.pin_now(dt.datetime.combine(today(), dt.time(8, 0)))
        try:
            from db.models import Appointment

            print(f"{args.customers:,} customers, {Appointment.select().count():,} appointments")
            figures = db_figures()
        finally:
            close_database()
        figures["grid_key"], figures["arrivals_key"] = asyncio.run(app_figures(path))
        asyncio.run(app_figures(path, days=0, settle=3.0, rounds=0))  # the first F12 once the book is prepared
    print(f"appointments customers={args.customers} "
          + " ".join(f"{name}_p95_ms={value:.1f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
