"""Which programs have a SQLite archive open, so that a restore never happens under them.

Every program that opens the archive file (a desk, a shell command) holds a shared lock
on a small file beside it, ``<archive>-desks`` (POSIX ``fcntl`` record locks, the kind
SQLite itself relies on, so they work wherever the archive does, network shares with
working locks included). A restore takes the lock exclusively, without waiting: while any
other program holds it, the restore is refused; while the restore holds it, a program
that starts is told to wait. The system drops the locks of a program that ends in any way
(a crash, a closed SSH window), so there is no heartbeat to keep and no stale entry to
clear. The lock file holds nothing; it is created with the archive's own permissions.

POSIX locks belong to the process, not to a file descriptor: one descriptor per lock file
stays open for as long as the process uses it (closing any other descriptor of that file
would drop the lock), and the process's own shared lock does not stand in the way of its
own restore.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from db.errors import DatabaseProblem
from db.i18n import t

_lock = threading.Lock()
_fds: dict[str, int] = {}  # lock file -> its one descriptor in this process
_shared: dict[str, int] = {}  # lock file -> how many opens of the archive hold it here


def lock_path(archive: Path) -> Path:
    return archive.with_name(archive.name + "-desks")


def _descriptor(path: Path, archive: Path) -> int:
    key = os.fspath(path)
    fd = _fds.get(key)
    if fd is None:
        try:
            mode = archive.stat().st_mode & 0o666
        except OSError:
            mode = 0o600
        try:
            fd = os.open(key, os.O_RDWR | os.O_CREAT, mode)
        except PermissionError:
            fd = os.open(key, os.O_RDONLY)  # another account's station file: shared locks only
        _fds[key] = fd
    return fd


def join(archive: Path) -> None:
    """This process opens the archive: hold the shared lock (refused during a restore)."""
    path = lock_path(archive)
    with _lock:
        try:
            fd = _descriptor(path, archive)
            if not _shared.get(os.fspath(path)):
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseProblem(t("desks.restore_under_way", path=archive)) from None
        except OSError:
            return  # no lock file possible (a read-only folder): nothing to guard with
        _shared[os.fspath(path)] = _shared.get(os.fspath(path), 0) + 1


def leave(archive: Path) -> None:
    path = os.fspath(lock_path(archive))
    with _lock:
        count = _shared.get(path, 0)
        if count <= 0:
            return
        _shared[path] = count - 1
        if count == 1:
            del _shared[path]
            fd = _fds.pop(path, None)
            if fd is not None:
                os.close(fd)  # drops the lock


@contextlib.contextmanager
def alone(archive: Path) -> Iterator[None]:
    """Hold the archive exclusively (a restore), or refuse while another program has it open."""
    path = lock_path(archive)
    key = os.fspath(path)
    with _lock:
        try:
            fd = _descriptor(path, archive)
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            raise DatabaseProblem(t("desks.open_elsewhere", path=archive)) from None
        except OSError as exc:
            raise DatabaseProblem(t("desks.cannot_lock", path=path, reason=exc.strerror or exc)) from None
    try:
        yield
    finally:
        with _lock:
            fd = _fds.get(key)
            if fd is not None:
                if _shared.get(key):
                    fcntl.lockf(fd, fcntl.LOCK_SH)  # this process still has it open itself
                else:
                    os.close(_fds.pop(key))
