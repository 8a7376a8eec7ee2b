"""The sessions' programs for ``advisor serve``: forked from the template process
(tui/shell/_template.py), or, while it is not there, started as fresh interpreters.

Either way the server gets a ``Program``: its pid (its process group too: each program
leads a session of its own), ``poll()`` for its exit code so far, ``await wait()``.
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import json
import os
import socket
import subprocess
import sys
import termios

from tui.shell import _template

# After the program's pty closed: how long its exit code may take to come from the
# template before the session ends without it.
EXIT_REPORT_SECONDS = 5.0


class Program:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()

    def poll(self) -> int | None:
        return self.returncode

    def ended(self, code: int) -> None:
        if self.returncode is None:
            self.returncode = code
            if not self._ended.done():
                self._ended.set_result(code)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)


class FreshProgram(Program):
    """``python -m tui ARGV`` started from scratch (the template is not available)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        super().__init__(proc.pid)
        self.proc = proc

    def poll(self) -> int | None:
        code = self.proc.poll()
        if code is not None:
            self.ended(code)
        return code

    async def wait(self) -> int:
        if self.returncode is None:
            self.ended(await asyncio.to_thread(self.proc.wait))
        return self.returncode  # type: ignore[return-value]


def _take_tty() -> None:
    """In the new session's child: the pty becomes its controlling terminal, so that a
    window size change reaches the program as SIGWINCH and a hang-up as SIGHUP."""
    _template.terminal_signals()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def start_fresh(argv: list[str], env: dict[str, str], cwd: str, terminal: int, ticket: int) -> Program:
    argv = [str(ticket) if arg == "{ticket}" else arg for arg in argv]
    proc = subprocess.Popen([sys.executable, "-m", "tui", *argv], stdin=terminal, stdout=terminal, stderr=terminal,
                            env=env, pass_fds=(ticket,), start_new_session=True, preexec_fn=_take_tty,
                            close_fds=True, cwd=cwd)
    return FreshProgram(proc)


class Template:
    """The template process, and the programs forked from it.

    ``start`` launches it (it imports the program, a second or two of CPU, while the
    server already listens); ``launch`` asks it for a session's program and returns that
    program, or a fresh one when the template has ended or cannot fork.
    """

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv = argv  # the sessions' common arguments (the language among them)
        self.env = env
        self.sock: socket.socket | None = None
        self.proc: subprocess.Popen | None = None
        self._ids = itertools.count(1)
        self._asked: dict[int, asyncio.Future] = {}
        self._programs: dict[int, Program] = {}

    def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", _template.__name__, str(theirs.fileno()), *self.argv],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=self.env, pass_fds=(theirs.fileno(),),
                start_new_session=True, close_fds=True, cwd=os.path.expanduser("~"))
        except OSError:
            ours.close()
            return
        finally:
            theirs.close()
        ours.setblocking(False)
        self.sock = ours
        asyncio.get_running_loop().add_reader(ours.fileno(), self._answers)

    async def launch(self, argv: list[str], env: dict[str, str], cwd: str, terminal: int, ticket: int) -> Program:
        if self.sock is not None:
            ask = next(self._ids)
            answer = asyncio.get_running_loop().create_future()
            self._asked[ask] = answer
            request = json.dumps({"id": ask, "argv": argv, "env": env, "cwd": cwd}).encode()
            try:
                socket.send_fds(self.sock, [request], [terminal, ticket])
                pid = await answer
            except (OSError, RuntimeError):
                pid = None
            finally:
                self._asked.pop(ask, None)
            if pid is not None:
                program = self._programs.get(pid)
                if program is None:
                    program = self._programs[pid] = Program(pid)
                elif program.returncode is not None:
                    del self._programs[pid]  # its end was read before its pid
                return program
        return start_fresh(argv, env, cwd, terminal, ticket)

    def _answers(self) -> None:
        while self.sock is not None:
            try:
                message = self.sock.recv(_template.MAX_REQUEST)
            except BlockingIOError:
                return
            except OSError:
                message = b""
            if not message:
                self._gone()
                return
            answer = json.loads(message)
            if "exited" in answer:
                program = self._programs.pop(answer["exited"], None)
                if program is None:  # ended before its pid's answer was read
                    program = self._programs[answer["exited"]] = Program(answer["exited"])
                program.ended(answer["code"])
            elif answer.get("id") in self._asked:
                waiting = self._asked[answer["id"]]
                if not waiting.done():
                    if "pid" in answer:
                        waiting.set_result(answer["pid"])
                    else:
                        waiting.set_exception(RuntimeError(answer.get("error", "")))

    def _gone(self) -> None:
        """The template ended: its programs' ends can no longer be told (each session still
        ends when its pty closes); new sessions start fresh."""
        if self.sock is not None:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None
        for waiting in self._asked.values():
            if not waiting.done():
                waiting.set_exception(RuntimeError("template ended"))
        for program in self._programs.values():
            program.ended(0)
        self._programs.clear()
        if self.proc is not None and self.proc.poll() is None:
            asyncio.ensure_future(asyncio.to_thread(self.proc.wait))  # no zombie left behind

    def stop(self) -> None:
        if self.sock is not None:
            self._gone()
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
