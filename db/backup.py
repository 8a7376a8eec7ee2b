"""Backups of the archive, their checks, restoring one, and the daily copy with rotation.

SQLite: the online backup API copies the live file page by page while advisors keep
working. The copy runs inside one read transaction on the source, so it is one
consistent moment of the archive (in WAL mode a reader never blocks a writer, and the
copy is not restarted by their commits); the row counts taken in that same transaction
are what the finished copy must hold. The copy is written to ``<name>.partial`` and only
renamed to its name once ``PRAGMA integrity_check`` and the counts agree, so a backup
file that exists is a whole one, whatever happened meanwhile (a cancel, a kill, a full disk).

PostgreSQL: ``pg_dump`` in its custom format, checked by ``pg_restore --list``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from db import desks, settings
from db.clock import now, today
from db.connection import (IDENTITY_KEY, SQLITE_HEADER, _sqlite_path, check_restore_target, default_path, runner,
                           translate)
from db.errors import AdvisorError, DatabaseProblem
from db.files import create_private
from db.i18n import t
from db.models import ALL_MODELS, database_proxy

Progress = Callable[[int, int], None]  # (done, total) pages
STEP_PAGES = 1024  # 4 MB a step: a progress tick every few milliseconds
DAILY_PREFIX = "advisor-daily-"


class Cancelled(AdvisorError):
    """The person stopped the backup; nothing was left behind."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]  # rows per table, as checked in the copy
    size: int  # bytes
    newest_audit: tuple[int, str] | None = None  # the copy's newest audit entry (id, chain hash)


def table_names() -> list[str]:
    return [m._meta.table_name for m in ALL_MODELS]


def _count_rows(conn: sqlite3.Connection) -> dict[str, int]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in table_names() if name in present}


def _current() -> Database:
    database = database_proxy.obj
    if database is None:
        raise DatabaseProblem(t("db.not_open"))
    return database


def backup(dest: str | os.PathLike, progress: Progress | None = None,
           overwrite: bool = False) -> BackupResult:
    """Copy the open archive to ``dest`` and check the copy. ``progress`` may raise to cancel.
    An existing file is refused unless ``overwrite``."""
    database = _current()
    dest = Path(dest)
    if dest.is_dir():
        raise DatabaseProblem(t("backup.dest_is_dir", path=dest))
    postgres = isinstance(database, PostgresqlDatabase)
    if not postgres and Path(database.database).resolve() == dest.resolve():
        raise DatabaseProblem(t("backup.same_file", path=dest))
    if dest.exists() and not overwrite:
        raise DatabaseProblem(t("file.exists", path=dest))
    if postgres:
        return _pg_dump(database, dest)
    return _sqlite_backup(database.database, dest, progress)


def _sqlite_backup(source_path: str, dest: Path, progress: Progress | None) -> BackupResult:
    partial = dest.with_name(dest.name + ".partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(source_path, timeout=10, isolation_level=None)
        try:
            source.execute("BEGIN")  # one snapshot for the copy and for the counts
            counts = _count_rows(source)
            partial.unlink(missing_ok=True)
            os.close(create_private(partial))  # 0600; SQLite takes an empty file as a new database
            target = sqlite3.connect(partial, isolation_level=None)
            try:
                def step(status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                source.backup(target, pages=STEP_PAGES, progress=step)
                # The copy keeps the source's WAL mode flag; make it a plain single file.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            source.execute("COMMIT")
        finally:
            source.close()
        newest = _verify_copy(partial, counts)
        os.replace(partial, dest)
        return BackupResult(dest, counts, dest.stat().st_size, newest)
    except BaseException as exc:  # a cancel (KeyboardInterrupt, Cancelled) too: leave nothing half-made
        partial.unlink(missing_ok=True)
        if isinstance(exc, (sqlite3.Error, OSError)):
            raise _problem(exc, dest) from None
        raise


def _verify_copy(path: Path, counts: dict[str, int]) -> tuple[int, str] | None:
    """Check the copy; return its newest audit entry's (id, hash), for the manager to keep."""
    from db.audit import chain as auditchain

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise DatabaseProblem(t("backup.check_failed", path=path, reason=check[0][0]))
        copied = _count_rows(conn)
        try:
            newest = auditchain.newest(conn)
        except sqlite3.Error:  # an archive from before the chain
            newest = None
    finally:
        conn.close()
    if copied != counts:
        raise DatabaseProblem(t("backup.counts_differ", path=path))
    return newest


def _problem(exc: BaseException, path: Path) -> DatabaseProblem:
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        if exc.errno == 28:  # ENOSPC
            return DatabaseProblem(t("backup.disk_full", path=path))
        return DatabaseProblem(t("backup.cannot_write", path=path, reason=exc.strerror or exc))
    problem = translate(exc, str(path))
    return problem if isinstance(problem, DatabaseProblem) else DatabaseProblem(str(problem))


# ---------------------------------------------------------------------- PostgreSQL


def _pg_env(database: PostgresqlDatabase) -> tuple[list[str], dict[str, str]]:
    params = database.connect_params
    args = ["--dbname", database.database]
    if params.get("host"):
        args += ["--host", str(params["host"])]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    if params.get("user"):
        args += ["--username", str(params["user"])]
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])  # never on the command line
    return args, env


def _pg_dump(database: PostgresqlDatabase, dest: Path) -> BackupResult:
    if shutil.which("pg_dump") is None:
        raise DatabaseProblem(t("backup.no_pg_dump"))
    args, env = _pg_env(database)
    partial = dest.with_name(dest.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        os.close(create_private(partial))  # 0600: pg_dump writes into it, keeping the mode
        done = subprocess.run(["pg_dump", "--format=custom", "--no-password", "--file", str(partial), *args],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise DatabaseProblem(t("backup.pg_dump_failed", reason=_first_line(done.stderr)))
        listed = subprocess.run(["pg_restore", "--list", str(partial)], capture_output=True, text=True)
        if listed.returncode != 0 or "TABLE DATA" not in listed.stdout:
            raise DatabaseProblem(t("backup.check_failed", path=dest, reason=_first_line(listed.stderr)))
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    from db.audit import chain as auditchain

    counts = {m._meta.table_name: m.select().count() for m in ALL_MODELS}
    return BackupResult(dest, counts, dest.stat().st_size, auditchain.newest(database))


def _first_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[0] if lines else "?"


# ---------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    restored: Path
    set_aside: Path | None
    counts: dict[str, int]


def check_archive(path: Path) -> dict[str, int]:
    """Refuse, with the reason, a file that is not a whole archive of a schema we know."""
    if not path.is_file():
        raise DatabaseProblem(t("restore.missing", path=path))
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise DatabaseProblem(t("db.not_a_database", path=path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise DatabaseProblem(t("restore.damaged", path=path))
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "schema_migration" not in tables:
                raise DatabaseProblem(t("restore.not_an_archive", path=path))
            applied = [r[0] for r in conn.execute("SELECT name FROM schema_migration")]
            counts = _count_rows(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        raise DatabaseProblem(t("db.not_a_database", path=path)) from None

    known = {m.name for m in runner(SqliteDatabase(":memory:")).migrations()}
    newer = [name for name in applied if name not in known]
    if newer:
        raise DatabaseProblem(t("db.newer_schema", names=", ".join(newer)))
    if "0001_initial" not in applied:
        raise DatabaseProblem(t("restore.not_an_archive", path=path))
    return counts


def aside_name(path: Path, stamp: dt.datetime) -> Path:
    return path.with_name(f"{path.stem}.replaced-{stamp:%Y%m%d-%H%M%S}{path.suffix}")


def restore(source: str | os.PathLike, target: str | os.PathLike,
            progress: Progress | None = None) -> RestoreResult:
    """Put the archive ``source`` in place of the database file ``target``.

    Refused while another program has the archive open (``db.desks``: desks and commands
    hold a shared lock on it; the restore takes it alone for its whole length, so no
    program opens it meanwhile either). The replaced database is kept beside it
    (``<name>.replaced-<time>.sqlite``), copied through the backup API so that its last
    commits in the WAL are in the copy. The backup is first copied to
    ``<name>.restoring`` and given a new identity there (``db.connection.IDENTITY_KEY``),
    so the archive in place has it from its first moment: a desk that had the old one
    open (one that escaped the lock: an older version, a share without locks) has every
    save refused instead of writing into the restored archive.
    """
    source, target_text = Path(source), os.fspath(target)
    target_path_text = _sqlite_path(target_text)
    if target_path_text is None:
        raise DatabaseProblem(t("restore.pg_manual", file=source))
    target_path = Path(target_path_text)
    check_archive(source)
    check_restore_target(target_path)
    if target_path.exists() and target_path.resolve() == source.resolve():
        raise DatabaseProblem(t("backup.same_file", path=source))
    with desks.alone(target_path):
        aside = None
        if target_path.exists():
            aside = aside_name(target_path, now())
            try:
                check_archive(target_path)
            except DatabaseProblem:  # not a sound database: move the file itself out of the way
                os.replace(target_path, aside)
                for extra in ("-wal", "-shm"):
                    Path(target_text + extra).unlink(missing_ok=True)
            else:
                _sqlite_backup(os.fspath(target_path), aside, None)
        staging = target_path.with_name(target_path.name + ".restoring")
        try:
            staging.unlink(missing_ok=True)
            os.close(create_private(staging))  # 0600: copyfile writes into it, keeping the mode
            shutil.copyfile(source, staging)
            conn = sqlite3.connect(staging, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("INSERT OR REPLACE INTO setting (key, value, updated_at, updated_by_id) "
                             "VALUES (?, ?, ?, NULL)",
                             (IDENTITY_KEY, json.dumps(uuid.uuid4().hex), now().strftime("%Y-%m-%d %H:%M:%S")))
                counts = _count_rows(conn)
            finally:
                conn.close()
            if not target_path.exists():
                os.close(create_private(target_path))  # readable by the owner only, as every archive
            src = sqlite3.connect(f"file:{staging}?mode=ro", uri=True)
            dst = sqlite3.connect(target_path, timeout=10)
            try:
                def step(status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                # Into the live file: no program has it open (the lock), and one that
                # escaped the lock sees the old archive or the new one, never a mix.
                src.backup(dst, pages=STEP_PAGES, progress=step)
                dst.execute("PRAGMA journal_mode = WAL")
                if dst.execute("PRAGMA integrity_check").fetchall() != [("ok",)] or _count_rows(dst) != counts:
                    raise DatabaseProblem(t("backup.check_failed", path=target_path, reason="restore"))
            finally:
                src.close()
                dst.close()
        except (sqlite3.Error, OSError) as exc:
            raise _problem(exc, target_path) from None
        finally:
            staging.unlink(missing_ok=True)
    return RestoreResult(target_path, aside, counts)


def log_restore(result: RestoreResult, source: str | os.PathLike) -> None:
    """The restored archive's log says where it came from (its chain goes on from the backup's)."""
    from db.audit import write as audit

    audit.record("restore", advisor_id=None,
                 detail=f"restored from {Path(source).name} (aside: {result.set_aside.name if result.set_aside else ''})")


# ---------------------------------------------------------------------- daily backups


def backup_dir(database: Database) -> Path:
    """Setting ``backup.dir``, else ``backups/`` beside the database file (or the data dir)."""
    configured = settings.get("backup.dir")
    if configured:
        return Path(configured).expanduser()
    if isinstance(database, PostgresqlDatabase):
        return default_path().parent / "backups"
    return Path(database.database).resolve().parent / "backups"


def daily_path(folder: Path, day: dt.date, postgres: bool) -> Path:
    return folder / f"{DAILY_PREFIX}{day.isoformat()}.{'dump' if postgres else 'sqlite'}"


def daily_due() -> Path | None:
    """Where today's backup goes, when setting ``backup.daily`` is on and it is missing."""
    database = _current()
    if not settings.get("backup.daily"):
        return None
    path = daily_path(backup_dir(database), today(), isinstance(database, PostgresqlDatabase))
    return None if path.exists() else path


def daily_backup(progress: Progress | None = None) -> BackupResult | None:
    """Take today's backup if it is due, then keep only the newest ``backup.keep``."""
    path = daily_due()
    if path is None:
        return None
    result = backup(path, progress)
    rotate(path.parent, settings.get("backup.keep"))
    return result


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest daily backups beyond ``keep`` (never one taken by hand)."""
    daily = sorted(p for p in folder.glob(f"{DAILY_PREFIX}*") if not p.name.endswith(".partial"))
    doomed = daily[:-keep] if keep > 0 else []
    for old in doomed:
        old.unlink(missing_ok=True)
    return doomed
