"""Start-up time: from launch to the ready reception screen, against a minimal Textual app.

    python bench/startup.py                  # 2,000-customer demo, 9 runs of each
    python bench/startup.py --runs 15        # more runs (odd numbers give a true median)
    python bench/startup.py --customers 20000

What an advisor waits for when opening a session over SSH: each program is started in a
fresh tmux window of 80×24 (a real terminal: Textual's driver, its first frame written
to a pty and parsed by tmux) and the clock runs from the spawn until the window shows
the ready screen. For ``advisor`` that is the reception screen with the advisor's name
in the greeting and the screen strip drawn; for the minimal app (one ``Static`` in the
same venv, started the same way) its text. The window is polled with
``tmux capture-pane`` every few milliseconds; the poll's own cost is the same for both.

One unmeasured start of each comes first, as a user's second start: the bytecode caches
are written (``PYTHONDONTWRITEBYTECODE`` is cleared for the runs, as is
``PYTHONUNBUFFERED``) and the files are in
the disk cache. The demo database is built once per run of this script into a temporary folder with the
project's own ``advisor demo`` command (today pinned), and its first advisor is tied to
this OS account, as after a first sign-in. Runs alternate (advisor, minimal, advisor, …)
(and which goes first too) so that a neighbour's load falls on both alike; on a shared machine compare the ratio,
not the seconds. The last line:
``startup advisor_s=<median> minimal_s=<median> ratio=<advisor / minimal>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"
TIMEOUT = 30.0
POLL = 0.005
SIZE = ("80", "24")

MINIMAL_APP = '''\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Static("minimal app ready")


Minimal().run()
'''


def _bin(name: str) -> str:
    """The venv's own command (the one this script runs with), else the PATH's."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def build_demo(folder: Path, customers: int) -> tuple[str, str]:
    """The demo database (``advisor demo``) and the advisor tied to this OS account."""
    path = folder / "demo.sqlite"
    env = {**os.environ, "ADVISOR_TODAY": TODAY}
    started = time.perf_counter()
    subprocess.run([_bin("advisor"), "demo", "--db", str(path), "--customers", str(customers)],
                   check=True, env=env, cwd=folder, stdout=subprocess.DEVNULL)
    print(f"demo: {customers:,} customers built in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    # As after the first start's sign-in: this OS account is remembered for one advisor.
    code = (
        "import sys; from db.connection import open_database; from db import advisors; "
        "from db.models import Advisor; open_database(sys.argv[1]); "
        "name = Advisor.select().order_by(Advisor.id).first().name; "
        "advisors.sign_in(name); print(name)"
    )
    name = subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env,
                          cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return str(path), name


class Tmux:
    """A tmux server of this run's own (its own socket), kept up by an idle session, so
    that no run pays for starting a server and nobody else's tmux is touched."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"bench-startup-{os.getpid()}"
        self.env = env
        self("new-session", "-d", "-s", "keep", "-x", SIZE[0], "-y", SIZE[1], "sleep 3600")

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], check=check, env=self.env,
                              capture_output=True, text=True)
        return done.stdout

    def close(self) -> None:
        self("kill-server", check=False)


def time_to_screen(tmux: Tmux, command: list[str], ready: list[str]) -> float:
    """Seconds from spawning ``command`` in a new 80×24 tmux session until every text in
    ``ready`` is on its screen."""
    session = f"run-{uuid.uuid4().hex[:8]}"
    shell = " ".join(_quote(part) for part in command)
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], shell)
    try:
        while True:
            shown = tmux("capture-pane", "-p", "-t", session, check=False)
            if all(text in shown for text in ready):
                return time.perf_counter() - started
            if time.perf_counter() - started > TIMEOUT:
                raise TimeoutError(f"never ready: {ready!r}; the screen showed:\n{shown}")
            time.sleep(POLL)
    finally:
        tmux("kill-session", "-t", session, check=False)


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9, help="runs of each program (at least 7)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("bench/startup.py needs tmux", file=sys.stderr)
        return 2
    runs = max(7, args.runs)
    with tempfile.TemporaryDirectory(prefix="advisor-startup-") as tmp:
        folder = Path(tmp)
        db_path, name = build_demo(folder, args.customers)
        minimal = folder / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        # As a user's shell: PYTHONDONTWRITEBYTECODE would make every start compile the
        # project's modules again (textual's came compiled from pip), PYTHONUNBUFFERED
        # changes how the frames are written.
        drop = ("ADVISOR_DB", "ADVISOR_TODAY", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(TERM=os.environ.get("TERM", "xterm-256color"), TEXTUAL_ANIMATIONS="none")
        advisor = ([_bin("advisor"), "--db", db_path, "--today", TODAY, "--lang", "zh"],
                   [f"服务顾问{name}，", "F9 工作台"])
        plain = ([sys.executable, str(minimal)], ["minimal app ready"])
        times: dict[str, list[float]] = {"advisor": [], "minimal": []}
        tmux = Tmux(env)
        try:
            for command, ready in (advisor, plain):  # warm-up: .pyc files, the disk cache
                time_to_screen(tmux, command, ready)
            for i in range(runs):
                order = [("advisor", advisor), ("minimal", plain)]
                for label, (command, ready) in (order if i % 2 == 0 else order[::-1]):
                    times[label].append(time_to_screen(tmux, command, ready))
                print(f"run {i + 1}/{runs}: advisor {times['advisor'][-1]:.3f} s, "
                      f"minimal {times['minimal'][-1]:.3f} s", file=sys.stderr)
        finally:
            tmux.close()
    advisor_s = statistics.median(times["advisor"])
    minimal_s = statistics.median(times["minimal"])
    print(f"advisor: min {min(times['advisor']):.3f} s, max {max(times['advisor']):.3f} s; "
          f"minimal: min {min(times['minimal']):.3f} s, max {max(times['minimal']):.3f} s")
    print(f"startup advisor_s={advisor_s:.3f} minimal_s={minimal_s:.3f} "
          f"ratio={advisor_s / minimal_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
