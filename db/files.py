"""Files the program writes: readable by their owner only, and whole or not at all.

The archive, its backups and daily copies, exports (the campaign list, a customer's own
copy) and the import's rejects list hold personal data. Each is created with mode 0600
(owner read and write) whatever the umask, so that another account on the machine reads
none of it; a station that shares one file between several OS accounts without the SSH
front door gives them a group and sets the mode itself (README: "Sharing one file").

A file is written under a temporary name in its own folder and renamed into place when
it is complete, so a crash, a full disk or a cancel never leaves half a file under the
name asked for, and an existing file is replaced in one step or (``overwrite=False``)
never touched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o600


def create_private(path: str | os.PathLike, *, exclusive: bool = True) -> int:
    """Create ``path`` with mode 0600 and return its descriptor (open for writing).

    ``exclusive``: fail with ``FileExistsError`` when it exists; else an existing file is
    emptied and its mode set to 0600 as well. The mode is set explicitly too, since the
    umask can only take permissions away from the one asked for at creation."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    except OSError:
        os.close(fd)
        raise
    return fd


def partial_name(path: Path) -> Path:
    """A fresh temporary name beside ``path`` (hidden, marked as partial)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")


def publish(temporary: Path, path: Path, *, overwrite: bool) -> None:
    """Put the complete ``temporary`` file at ``path``: in one rename, or without ever
    replacing an existing file (``overwrite=False``: ``FileExistsError``)."""
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails when path exists: no moment where it is replaced
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        if path.exists():  # a file system without hard links
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(temporary, path)
        return
    temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def private_file(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through: 0600, and at ``path`` only once the block
    has ended without an error (else nothing is left, and an older file is untouched)."""
    target = Path(path)
    if not overwrite and target.exists():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    temporary = partial_name(target)
    fh = os.fdopen(create_private(temporary), "wb")
    try:
        with fh:
            yield fh
        publish(temporary, target, overwrite=overwrite)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
