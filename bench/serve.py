"""`advisor serve` under load: N advisors signed in at once over SSH, each typing lookups.

    python bench/serve.py                      # 1, 5, 10, 20 sessions on a 2,000-customer demo
    python bench/serve.py --sessions 1 5 --lookups 10 --customers 20000

A demo station is made in a temporary folder, one advisor (and key) per session, and a
real ``advisor serve`` is started on a free port of 127.0.0.1. Sessions are asyncssh
clients with a pty (80×24, xterm-256color) whose output feeds a terminal emulator (pyte).
Sessions are opened a level at a time (1, then up to 5, 10, 20) and stay open; a new
session's first lookup (its program composing the lookup screen and reading its styles,
some 0.25 s of CPU) is not timed, but it runs among the level's timed lookups and its CPU
counts in the CPU per lookup. With ``--first-f4-apart`` the new sessions make it as they
open, before the timed lookups, and its CPU is printed apart (``first F4``): the CPU per
lookup is then typing's alone (twenty sessions' first F4 in the same second queue the
keys typed meanwhile behind seconds of CPU: a sign-in burst rather than typing).

At each level every session presses F4 and types plate tails (five characters), each
after a random pause of up to ``--think`` seconds (1; 0 makes every session press at the
same instant, which measures a burst no desk makes: twenty keystrokes at once on two cores
queue whatever the server does); for each, the clock runs from the last keystroke sent to
the moment the plate the tail belongs to arrives in what the server sends that session
(the frame that paints it; the terminal emulator reads the frames only between timings, so
that twenty emulators parsing do not slow the clients that time). Per level: median and p95 of those times; the server's memory per session: the
proportional set size (shared pages split among the processes sharing them) of the
server, its template and the sessions' programs forked from it, over the number of
sessions; and the CPU time spent per lookup (the F4, the tail, the pauses between) by the
server itself and by the processes under it.

The last line: ``serve sessions=<N> p95_ms=<ms> mb_per_session=<mb>`` for the largest N.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh
import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
F4 = "\x1bOS"
_SGR = re.compile(rb"\x1b\[[0-9;:]*m")  # colours between the characters (a highlighted match)


class Screen(asyncssh.SSHClientSession):
    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.pending: list[bytes] = []
        self.recent = bytearray()  # what arrived since the last keystroke timed
        self.misses = 0

    def data_received(self, data, datatype) -> None:
        # The emulator reads it when the screen is next looked at, not while a keystroke
        # is timed: 20 emulators parsing every frame would slow the very clients timing.
        self.pending.append(data)
        self.recent += data
        self.changed.set()

    def text(self) -> str:
        if self.pending:
            self.stream.feed(b"".join(self.pending))
            self.pending.clear()
        return "\n".join(self.screen.display)

    async def wait_bytes(self, piece: bytes, timeout: float = 30) -> float:
        """The time at which ``piece`` arrives in what the server sends (painted)."""
        end = time.perf_counter() + timeout
        while (piece not in self.recent and piece not in _SGR.sub(b"", bytes(self.recent))
               and piece.decode() not in self.text()):  # painted in pieces: the emulator knows
            self.changed.clear()
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{piece!r} never painted")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass
        return time.perf_counter()

    async def wait_for(self, piece: str, timeout: float = 60) -> float:
        """The time at which ``piece`` is first on the screen."""
        end = time.perf_counter() + timeout
        while piece not in self.text():
            self.changed.clear()
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{piece!r} never painted:\n{self.text()}")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass
        return time.perf_counter()

    async def settle(self, quiet: float = 0.15) -> None:
        """Until nothing has been painted for ``quiet`` seconds."""
        while True:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), quiet)
            except asyncio.TimeoutError:
                return


def make_station(folder: Path, customers: int, sessions: int) -> tuple[str, list[tuple[str, asyncssh.SSHKey]], list[str]]:
    from db import access
    from db.connection import close_database, open_database
    from db.models import Advisor, Vehicle

    path = folder / "station.sqlite"
    subprocess.run([sys.executable, "-m", "tui", "--db", str(path), "demo", "--customers", str(customers)],
                   check=True, capture_output=True)
    open_database(path)
    people = []
    for i in range(sessions):
        advisor = Advisor.get_or_none(Advisor.name == f"压测{i:02d}") or Advisor.create(
            name=f"压测{i:02d}", login=f"bench{i:02d}", created_at=__import__("datetime").datetime.now())
        key = asyncssh.generate_private_key("ssh-ed25519")
        access.add_key(None, advisor.id, key.export_public_key().decode())
        people.append((advisor.login, key))
    plates = [p for (p,) in Vehicle.select(Vehicle.plate).where(Vehicle.plate.is_null(False)).tuples()
              if re.fullmatch(r"[^\x00-\x7f][A-Z][A-Z0-9]{5}", p)]
    close_database()
    return str(path), people, plates


def start_server(db: str, folder: Path) -> tuple[subprocess.Popen, int]:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_key")], check=True)
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen([sys.executable, "-m", "tui", "--db", db, "serve", "--port", "0", "--max-sessions", "64",
                             "--host-key", str(folder / "host_key")], stdout=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    return proc, int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))


def descendants(pid: int) -> list[int]:
    """The processes under ``pid``: the template and the sessions' programs forked from it
    (or started fresh, while there is no template)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
                found.extend(children)
                todo.extend(children)
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(CPU seconds of the server itself, of the processes under it), so far."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        with open(f"/proc/{p}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    total = 0.0
    for child in descendants(pid):
        try:
            total += own(child)
        except OSError:
            pass
    return own(pid), total


def memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants, MB: the sum of their proportional set
    sizes (a page shared by k processes counts 1/k in each), so the template's pages that
    the sessions share are counted once, as the machine holds them (resident sizes would
    count them in every session)."""
    total = 0
    for current in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def until_quiet(pid: int, quiet: float = 0.5, most: float = 30) -> None:
    """Until the server and its template have stopped working (the template imports the
    program when the server starts): no CPU spent for ``quiet`` seconds."""
    end = time.monotonic() + most
    last = sum(cpu_seconds(pid))
    while time.monotonic() < end:
        time.sleep(quiet)
        now = sum(cpu_seconds(pid))
        if now == last:
            return
        last = now


async def open_session(port: int, login: str, key) -> Screen:
    conn = await asyncssh.connect("127.0.0.1", port, username=login, client_keys=[key], known_hosts=None,
                                  agent_path=None)
    chan, session = await conn.create_session(Screen, term_type="xterm-256color", term_size=(80, 24), encoding=None)
    session.conn, session.channel = conn, chan
    await session.wait_for("F3 接待")
    await session.settle()
    session.warm = True
    return session


async def lookups(session: Screen, plates: list[str], rng: random.Random, count: int, think: float = 0) -> list[float]:
    times = []
    if getattr(session, "warm", False):
        session.warm = False
        await lookups(session, plates, rng, 1, think)  # a new session's first lookup loads the lookup code
    for _ in range(count):
        await asyncio.sleep(rng.uniform(0, think))  # advisors do not all press at one instant
        plate = rng.choice(plates)
        tail = plate[-5:]
        chan = session.channel
        chan.write(F4.encode())
        await session.settle(0.1)
        chan.write(tail[:-1].encode())
        await session.settle(0.2)
        if plate in session.text():
            continue  # shown before the last key: not a measure of that key
        session.recent.clear()
        sent = time.perf_counter()
        chan.write(tail[-1].encode())
        try:
            painted = await session.wait_bytes(plate.encode(), timeout=5)
        except TimeoutError:
            session.misses += 1  # not on the first page (another car's tail ranks first)
            continue
        times.append((painted - sent) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    most = max(args.sessions)
    db, people, plates = make_station(folder, args.customers, most)
    server, port = start_server(db, folder)
    rng = random.Random(7)
    sessions: list[Screen] = []
    last = ""
    try:
        until_quiet(server.pid)
        base = memory_mb(server.pid)
        print(f"station: {args.customers} customers, {len(plates)} plates; server at 127.0.0.1:{port}, "
              f"{base:.0f} MB before any session; load average {os.getloadavg()[0]:.2f}")
        for n in sorted(args.sessions):
            opening = time.perf_counter()
            while len(sessions) < n:
                batch = people[len(sessions):min(n, len(sessions) + 5)]
                sessions.extend(await asyncio.gather(*(open_session(port, login, key) for login, key in batch)))
            opened_s = time.perf_counter() - opening
            first = ""
            new = [s for s in sessions if getattr(s, "warm", False)]
            if args.first_f4_apart and new:
                cpu_first = sum(cpu_seconds(server.pid))
                await asyncio.gather(*(lookups(s, plates, rng, 0) for s in new))  # each one's first F4
                first = f"; first F4 {(sum(cpu_seconds(server.pid)) - cpu_first) * 1000 / len(new):.0f} ms"
                for session in new:
                    session.misses = 0
            cpu_before = cpu_seconds(server.pid)
            results = await asyncio.gather(*(lookups(s, plates, rng, args.lookups, args.think) for s in sessions))
            cpu_after = cpu_seconds(server.pid)
            times = [t for r in results for t in r]
            relay_ms = (cpu_after[0] - cpu_before[0]) * 1000 / max(1, len(times))
            program_ms = (cpu_after[1] - cpu_before[1]) * 1000 / max(1, len(times))
            per = (memory_mb(server.pid) - base) / n
            misses = sum(s.misses for s in sessions)
            print(f"sessions={n:3d}  lookups={len(times):4d} (+{misses} not shown)  median_ms={statistics.median(times):7.1f}  "
                  f"p95_ms={p95(times):7.1f}  max_ms={max(times):7.1f}  mb_per_session={per:6.1f}  "
                  f"(opened in {opened_s:.1f} s, load {os.getloadavg()[0]:.2f}; CPU per lookup: "
                  f"server {relay_ms:.0f} ms, programs {program_ms:.0f} ms{first})", flush=True)
            last = f"serve sessions={n} p95_ms={p95(times):.0f} mb_per_session={per:.0f}"
    finally:
        for session in sessions:
            session.conn.close()
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    print(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--lookups", type=int, default=10, help="lookups per session at each level")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--think", type=float, default=1.0,
                        help="each lookup starts after a random pause of up to this many seconds (0: all at once)")
    parser.add_argument("--first-f4-apart", action="store_true",
                        help="new sessions make their first lookup before the timed ones, its CPU printed apart")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
