"""``advisor serve``'s template: one process that has imported the program once, from which
every session's program is forked (``python -m tui.shell._template FD``, started by
tui/shell/_server.py; never run by hand).

A session started as a fresh interpreter spends about 0.4 s of CPU importing and setting
up before its first frame, and as much again when its advisor first opens the lookup
(F4 imports its screens), and holds its own copy of every module: some 55 MB. Twenty
advisors signing in together queue those seconds on a 2-core station, and every key
typed meanwhile waits behind them. Forked from here, a session starts with all of that
imported (its pages shared with the template until written), so it only builds its app.

The template reads requests from the server on a SOCK_SEQPACKET socket (descriptor FD):
a JSON line ``{"id", "argv", "env", "cwd"}`` with two descriptors, the session's pty
and the read end of its one-time ticket's pipe. It forks; the child becomes the
program, exactly as ``python -m tui ARGV`` in that pty would be (its own session with the
pty as controlling terminal, the environment and folder given, the ticket's descriptor
in argv renumbered); the template answers ``{"id", "pid"}`` and, when a session's
program ends, ``{"exited": pid, "code": code}`` (a negative code: killed by that signal,
as ``subprocess`` says). It ends when the server closes the socket. Nothing the SSH client
sends reaches the template: the server builds argv and the environment as it would for
a fresh process.
"""

from __future__ import annotations

import fcntl
import gc
import importlib
import json
import os
import pkgutil
import select
import signal
import socket
import sys
import termios

# What a session imports by its first frame and its first lookup, and every screen and
# widget besides (they are shared pages here, and a screen opened later opens at once).
PRELOAD = ("tui.cli", "tui.shell._app", "tui.app", "db.search", "db.access")
PACKAGES = ("tui.screens", "tui.widgets")
MAX_REQUEST = 1 << 16
_TEMPLATE_STREAMS: list = []


def preload(argv: list[str]) -> None:
    from tui.cli import _early_language

    _early_language(argv)  # anything translated while importing is in the sessions' language
    for name in PRELOAD:
        importlib.import_module(name)
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, package_name + "."):
            importlib.import_module(module.name)


def serve(sock: socket.socket) -> tuple[dict, list[int]] | None:
    """Fork sessions until the server goes; in a forked child, return its request."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a child's end wakes the select below
    gc.freeze()  # what was imported stays put: the children's copies stay shared
    try:
        while True:
            ready, _, _ = select.select([sock, wake_read], [], [])
            if wake_read in ready:
                os.read(wake_read, 512)
                _report_ended(sock)
            if sock not in ready:
                continue
            message, fds, _, _ = socket.recv_fds(sock, MAX_REQUEST, 4)
            if not message:
                return None  # the server is gone
            request = json.loads(message)
            try:
                pid = os.fork()
            except OSError as error:
                _close(fds)
                _send(sock, {"id": request["id"], "error": str(error)})
                continue
            if pid == 0:
                sock.close()
                os.close(wake_read)
                os.close(wake_write)
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                return request, fds
            _close(fds)
            _send(sock, {"id": request["id"], "pid": pid})
    except (BrokenPipeError, ConnectionResetError):
        return None


def _report_ended(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def _send(sock: socket.socket, answer: dict) -> None:
    sock.send(json.dumps(answer).encode())


def _close(fds: list[int]) -> None:
    for fd in fds:
        os.close(fd)


def terminal_signals() -> None:
    """A session's program takes a hang-up, Ctrl+\\ and an interrupt as a program in a
    terminal does, whatever the server was started under: ``nohup advisor serve &`` (or a
    shell's background job) leaves SIGHUP (SIGINT, SIGQUIT) ignored, and a child inherits
    that. A program deaf to SIGHUP outlived its dropped or idle session, its input thread
    spinning on the closed pty at a quarter of a core, and the client was never told."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def become_session(request: dict, fds: list[int]) -> int:
    """In the forked child: the program in its pty, as a fresh ``python -m tui`` would be."""
    terminal, ticket = fds
    terminal_signals()
    os.setsid()
    for target in (0, 1, 2):
        os.dup2(terminal, target)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # window size changes arrive as SIGWINCH, a hang-up as SIGHUP
    if terminal > 2:
        os.close(terminal)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    # Standard streams on the pty, in UTF-8 and line-buffered as a terminal's are. The
    # template's own are kept referenced: dropped, they would close descriptors 0-2.
    _TEMPLATE_STREAMS.extend((sys.stdin, sys.stdout, sys.stderr))
    sys.stdin = sys.__stdin__ = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False,
                                       buffering=1)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False,
                                       buffering=1)
    argv = [str(ticket) if arg == "{ticket}" else arg for arg in request["argv"]]
    sys.argv = ["advisor", *argv]
    from tui.cli import main

    return main(argv)


def main() -> int:
    sock = socket.socket(fileno=int(sys.argv[1]))
    preload(sys.argv[2:])
    forked = serve(sock)
    if forked is None:
        return 0
    return become_session(*forked)


if __name__ == "__main__":
    sys.exit(main())
