"""Where a paper goes: the station's printer through ``lp`` when setting ``print.printer``
names one, else a PDF in the station's print folder (setting ``print.dir``, else
``print/`` beside the archive file, or in the data directory for PostgreSQL), whose path
the caller shows. Over SSH that folder is the server's: a station serving desks sets its
printer. Files are written 0600 and whole (``db.files``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from peewee import SqliteDatabase

from db import settings
from db.connection import default_path
from db.errors import PrintFailed
from db.files import private_file
from db.i18n import t
from db.models import database_proxy

LP_TIMEOUT = 60  # seconds: a spooler that hangs longer is reported, not waited on


def print_dir() -> Path:
    """The station's print folder (not created here)."""
    configured = settings.get("print.dir")
    if configured:
        return Path(configured).expanduser()
    database = database_proxy.obj
    if isinstance(database, SqliteDatabase) and database.database not in ("", ":memory:"):
        return Path(database.database).resolve().parent / "print"
    return default_path().parent / "print"


def file_name(kind: str, work_order_no: str) -> str:
    """``order-WO20260101-0001.pdf``: the number with anything a file name should not
    hold (a slash from a custom format) replaced."""
    return f"{kind}-{re.sub(r'[^0-9A-Za-z_.-]+', '_', work_order_no) or 'visit'}.pdf"


def save(data: bytes, folder: Path, name: str) -> Path:
    """Write ``data`` to ``folder/name`` (0600, replacing an older print of the same paper)."""
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with private_file(target) as fh:
            fh.write(data)
    except OSError as exc:
        raise PrintFailed(t("papers.folder_unwritable", path=folder, reason=exc.strerror or exc)) from None
    return target


def send_to_printer(data: bytes, printer: str, name: str) -> None:
    """``lp -d PRINTER FILE``; the file is a private temporary copy, removed afterwards."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintFailed(t("papers.no_lp", printer=printer))
    with tempfile.TemporaryDirectory(prefix="advisor-print-") as folder:
        path = Path(folder) / name
        with private_file(path) as fh:
            fh.write(data)
        try:
            done = subprocess.run([lp, "-d", printer, os.fspath(path)], capture_output=True, text=True,
                                  timeout=LP_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PrintFailed(t("papers.lp_failed", printer=printer, reason=t("papers.lp_timeout"))) from None
        except OSError as exc:
            raise PrintFailed(t("papers.lp_failed", printer=printer, reason=exc.strerror or exc)) from None
        if done.returncode != 0:
            reason = (done.stderr or done.stdout or "").strip() or t("papers.lp_exit", code=done.returncode)
            raise PrintFailed(t("papers.lp_failed", printer=printer, reason=reason[:300]))


def printer() -> str | None:
    name = settings.get("print.printer").strip()
    return name or None
