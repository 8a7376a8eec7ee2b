"""A real `advisor serve` on a free port of 127.0.0.1, and real clients: OpenSSH's `ssh`
in a pty read through a terminal emulator (pyte), and asyncssh's client."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte

LISTENING = re.compile(r"127\.0\.0\.1:(\d+)")


class Server:
    def __init__(self, db_path: Path, *extra: str) -> None:
        env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", str(db_path), "--today", "2026-11-26", "serve", "--port", "0",
             "--host-key", str(db_path.parent / "host_key"), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        line = self.proc.stdout.readline()
        found = LISTENING.search(line)
        if not found:
            self.stop()
            raise RuntimeError(f"advisor serve did not start: {line}")
        self.port = int(found.group(1))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def make_host_key(folder: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_key")], check=True)


def make_client_key(folder: Path, name: str) -> Path:
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
    return path


def ssh_command(port: int, login: str, key: Path | None, *extra: str, remote: tuple[str, ...] = ()) -> list[str]:
    command = ["ssh", "-p", str(port), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
               "-o", "KbdInteractiveAuthentication=no", "-F", "/dev/null"]
    if key is not None:
        command += ["-i", str(key)]
    return command + [*extra, f"{login}@127.0.0.1", *remote]


def _set_ctty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`ssh` in a pty of ``cols``×``rows``, its output fed to a pyte screen."""

    def __init__(self, command: list[str], cols: int = 80, rows: int = 24) -> None:
        self.master, slave = pty.openpty()
        self._size(cols, rows)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, preexec_fn=_set_ctty)
        os.close(slave)
        self.raw = b""

    def _size(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def pump(self, timeout: float = 0.1) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            self.raw += data
            self.stream.feed(data)

    # A cap, not a pause: the wait ends as soon as the client does. An idle session's end
    # (12 s of quiet, then the program saving its draft and closing) took over 20 s once
    # with the machine's load at 9 on 2 cores.
    def wait_exit(self, timeout: float = 60) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump()
        self.drain()
        return self.proc.wait(1)

    def drain(self) -> None:
        """Everything the client wrote before it ended."""
        before = -1
        while len(self.raw) != before:
            before = len(self.raw)
            self.pump(0.2)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, *pieces: str, timeout: float = 30, check=None) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump()
            text = self.text()
            if all(p in text for p in pieces) and (check is None or check(text)):
                return text
            if self.proc.poll() is not None:
                self.pump()
                break
        raise AssertionError(f"never saw {pieces!r}; screen:\n{self.text()}\nraw tail: {self.raw[-300:]!r}")

    def type(self, data: str | bytes) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(rows, cols)
        self._size(cols, rows)  # the kernel tells ssh (SIGWINCH), ssh tells the server

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def close(self) -> None:
        self.kill()
        os.close(self.master)


def wait_until(check, timeout: float = 15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")
