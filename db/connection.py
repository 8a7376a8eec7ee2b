"""Opening the archive: a path or URL, pragmas, schema creation and migrations.

SQLite is the default, one file in the user's data directory (XDG). Several advisors
share it, so every connection runs in WAL mode with a busy timeout, and every writing
transaction is ``BEGIN IMMEDIATE`` (a deferred one that reads, then writes, fails at once
with "database is locked" when another advisor committed in between). ``writing()`` is
the one way the program opens a writing transaction; it turns low-level failures into
``DatabaseProblem`` with a message for the user.

Only explicit acts create an archive. ``open_database(create=False)`` refuses a missing
file or folder, and whatever the ``create`` flag, a path that holds something that is not
this program's archive is refused before anything is written to it: a 0-byte file, a file
that is not SQLite, another program's SQLite database. This program's identity is SQLite's
``application_id`` header field (``APPLICATION_ID``, "advi"), set when an archive is created
and when an archive of an earlier version (which has none) is first opened; such an older
archive is recognised by its migration table and tables before anything is written.
Scripts and tests create by default; the ``advisor`` command allows it only to the
commands that declare ``CREATES`` (``demo``, ``import``), to the program's first start on
its default path, and after the program has asked (``creating``).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from peewee import Database, DatabaseError, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase

from db.errors import AdvisorError, DatabaseProblem
from db.files import create_private
from db.i18n import t
from db.models import ALL_MODELS, database_proxy

if TYPE_CHECKING:
    from playhouse.migrations import Runner

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_HISTORY = "schema_migration"  # the runner's table of the migrations applied
BUSY_TIMEOUT_MS = 10_000  # design.md asks for at least 5 s; eight busy advisors need more room
SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x61647669  # "advi", in the SQLite file's header (PRAGMA application_id)
OUR_TABLES = {"schema_migration", "customer", "vehicle", "visit"}  # an archive without the id


class ArchiveMissing(DatabaseProblem):
    """No archive at the path or URL given, and creating one was not asked for."""


_may_create = True  # what open_database does when not told; see ``creating``


@contextlib.contextmanager
def creating(allowed: bool) -> Iterator[None]:
    """Whether ``open_database`` creates a missing archive when not told (the shell sets
    this per command: only a command that creates by its nature may)."""
    global _may_create
    saved, _may_create = _may_create, allowed
    try:
        yield
    finally:
        _may_create = saved

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": BUSY_TIMEOUT_MS,
    "foreign_keys": 1,
    # FULL: a committed work order survives a power cut, not only a crash; a save is
    # one fsync, well inside the intake's time budget.
    "synchronous": "full",
    "cache_size": -32_000,  # 32 MB of page cache per connection
    "temp_store": "memory",
}


def default_path() -> Path:
    """``$XDG_DATA_HOME/advisor/advisor.sqlite`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "advisor" / "advisor.sqlite"


def resolve_target(target: str | os.PathLike | None) -> str:
    """``--db`` beats ``ADVISOR_DB``, which beats the default file."""
    if target:
        return os.fspath(target)
    return os.environ.get("ADVISOR_DB") or os.fspath(default_path())


def describe(target: str) -> str:
    """A target for messages: passwords in URLs are hidden."""
    parsed = urlparse(target)
    if parsed.scheme.startswith("postgres") and parsed.password:
        return target.replace(f":{parsed.password}@", ":***@")
    return target


def _sqlite_path(target: str) -> str | None:
    """The file path for a SQLite target, or None when the target is a URL of another kind."""
    if target == ":memory:":
        return target
    parsed = urlparse(target)
    if parsed.scheme in ("sqlite", "sqlite3"):
        # sqlite:///relative.db, sqlite:////abs/path.db
        return target.split("://", 1)[1][1:] or ":memory:"
    if parsed.scheme and len(parsed.scheme) > 1 and "://" in target:
        return None
    return target


def stored_text(raw: bytes) -> str:
    """A TEXT value as SQLite gives it. The program writes UTF-8 only, but another tool
    writing straight into the file can leave bytes that are not (a lone surrogate's
    ``ED A0 80``, a stray ``FF``): sqlite3's own decoding would then stop every reader of
    that row with a traceback. Such bytes are kept as the lone surrogates U+DC80–DCFF
    (``surrogateescape``), which ``db.safe_text`` shows as visible escapes (``\\udcff``)
    and ``advisor quality`` lists like any other hidden character."""
    return raw.decode("utf-8", "surrogateescape")


_UNDECODABLE = "Could not decode to UTF-8"  # sqlite3's OperationalError for such a row
_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(row: Any) -> Any:
    """A row of parameters sqlite3 can bind: a lone surrogate (what ``stored_text`` made
    of bytes that were not UTF-8) written as U+FFFD, the Unicode replacement character."""
    return tuple(_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in row)


def _bindable(row: Any) -> bool:
    return not any(isinstance(v, str) and not v.isprintable() and _SURROGATE.search(v) for v in row)


class ArchiveCursor(sqlite3.Cursor):
    """Writing text read by ``stored_text`` back (a search key rebuilt from a name that
    holds such bytes) would stop at binding with ``UnicodeEncodeError``: the statement is
    run again with the lone surrogates as U+FFFD (for ``executemany``, from the first row
    that holds one: the rows before it are done). The normal path costs nothing; the
    validators refuse such characters where an advisor types them, so only values derived
    from a stored one are written this way."""

    _query: tuple[str, Any] | None = None  # a SELECT just run, nothing fetched from it yet

    def execute(self, sql, parameters=()):  # noqa: ANN001, ANN201 - sqlite3's signature
        self._query = (sql, parameters) if sql.lstrip()[:6].upper() in ("SELECT", "WITH") else None
        try:
            return super().execute(sql, parameters)
        except UnicodeEncodeError:
            if isinstance(parameters, dict):
                return super().execute(sql, dict(zip(parameters, _storable(parameters.values()))))
            return super().execute(sql, _storable(parameters))

    def executemany(self, sql, seq_of_parameters):  # noqa: ANN001, ANN201
        rows = seq_of_parameters if isinstance(seq_of_parameters, (list, tuple)) else list(seq_of_parameters)
        try:
            return super().executemany(sql, rows)
        except UnicodeEncodeError:
            first = next(i for i, row in enumerate(rows) if not _bindable(row))
            return super().executemany(sql, [_storable(row) for row in rows[first:]])

    # Reading: sqlite3 decodes text in C, at full speed; a row it cannot decode raises
    # before the statement steps past it, so that one row is read again by ``stored_text``
    # (a text factory on every value would cost reading twice as much). ``fetchall`` of a
    # query not yet read from stays in C and, on such a row, runs the query again.

    def _again(self, read: Callable[[], Any], exc: sqlite3.OperationalError) -> Any:
        """``read`` once more with ``stored_text`` decoding, after ``exc`` (re-raised when
        it is about something else than text that is not UTF-8)."""
        if _UNDECODABLE not in str(exc):
            raise exc
        self.connection.text_factory = stored_text
        try:
            return read()
        finally:
            self.connection.text_factory = str

    def fetchone(self):  # noqa: ANN201
        self._query = None
        try:
            return super().fetchone()
        except sqlite3.OperationalError as exc:
            return self._again(super().fetchone, exc)

    def __next__(self):  # noqa: ANN204
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def fetchmany(self, size: int | None = None):  # noqa: ANN201
        rows = []
        for _ in range(self.arraysize if size is None else size):
            row = self.fetchone()
            if row is None:
                break
            rows.append(row)
        return rows

    def fetchall(self):  # noqa: ANN201
        query, self._query = self._query, None
        if query is None:
            return list(iter(self.fetchone, None))
        try:
            return super().fetchall()
        except sqlite3.OperationalError as exc:
            return self._again(lambda: super(ArchiveCursor, self).execute(*query).fetchall(), exc)


class ArchiveConnection(sqlite3.Connection):
    """The SQLite archive's connection: its cursors are ``ArchiveCursor``."""

    def cursor(self, factory=ArchiveCursor):  # noqa: ANN001, ANN201
        return super().cursor(factory)

    def execute(self, sql, parameters=()):  # noqa: ANN001, ANN201
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):  # noqa: ANN001, ANN201
        return self.cursor().executemany(sql, seq_of_parameters)


def make_database(target: str, create: bool = True) -> Database:
    """Build (not connect) the peewee database for a path or URL. A SQLite file is
    checked first (``_check_sqlite_file``); a new one is created, readable by its owner
    only, when ``create``."""
    path = _sqlite_path(target)
    if path is not None:
        if path != ":memory:":
            _check_sqlite_file(Path(path), create)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", factory=ArchiveConnection,
                              timeout=BUSY_TIMEOUT_MS / 1000)
    parsed = urlparse(target)
    if parsed.scheme in ("postgres", "postgresql"):
        from db.pg import load_driver  # psycopg2 only when PostgreSQL is opened

        if not load_driver():
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise DatabaseProblem(t("db.pg_driver_missing")) from None
        return PostgresqlDatabase(
            (parsed.path or "/").lstrip("/") or "postgres",
            user=parsed.username or None,
            password=parsed.password or None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    raise DatabaseProblem(t("db.unknown_scheme", scheme=parsed.scheme, target=describe(target)))


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse early, with a clear message, what SQLite would refuse late or obscurely, and
    anything that is not this program's archive, before a byte is written to it. A
    missing file is created (empty, mode 0600: the WAL and shared-memory files SQLite adds
    take the same mode) when ``create``, else refused."""
    if path.exists():
        _refuse_what_is_not_sqlite(path)
        if not is_our_archive(path):
            raise DatabaseProblem(t("db.not_ours", path=path))
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseProblem(t("db.readonly_file", path=path))
        return
    if not create:
        if not path.parent.is_dir():
            raise ArchiveMissing(t("db.missing_folder", path=path, folder=path.parent))
        raise ArchiveMissing(t("db.missing", path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseProblem(t("db.cannot_create", path=path, reason=exc.strerror or exc)) from None
    if not os.access(path.parent, os.W_OK):
        raise DatabaseProblem(t("db.cannot_create", path=path, reason=t("db.dir_readonly")))
    try:
        os.close(create_private(path))
    except FileExistsError:  # created by another desk starting at the same moment
        return _check_sqlite_file(path, create)
    except OSError as exc:
        raise DatabaseProblem(t("db.cannot_create", path=path, reason=exc.strerror or exc)) from None


def _refuse_what_is_not_sqlite(path: Path) -> None:
    """A folder, an unreadable or empty file, a file without SQLite's header: refused."""
    if path.is_dir():
        raise DatabaseProblem(t("db.is_directory", path=path))
    if not os.access(path, os.R_OK):
        raise DatabaseProblem(t("db.unreadable", path=path))
    if not path.stat().st_size:
        raise DatabaseProblem(t("db.empty_file", path=path))
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise DatabaseProblem(t("db.not_a_database", path=path))


def check_restore_target(path: Path) -> None:
    """What ``advisor restore`` may put a backup in place of: this program's archive (a
    damaged one too, which is why a restore is run: a SQLite file whose tables cannot be
    read is set aside whole), or no file yet in a folder that exists. Refused, before
    anything is touched: a missing folder, an empty file, a file that is not SQLite, and
    another program's database, which a restore would otherwise rename away and replace
    by an archive under the name that program opens."""
    if not path.exists():
        if not path.parent.is_dir():
            raise ArchiveMissing(t("db.missing_folder", path=path, folder=path.parent))
        return
    _refuse_what_is_not_sqlite(path)
    try:
        ours = _identify(path, "?mode=ro")
    except sqlite3.Error as exc:
        if _is_busy(exc):
            raise DatabaseProblem(t("db.locked")) from None
        return  # damaged beyond reading its tables: whose it was cannot be told, and it is set aside whole
    if not ours:
        raise DatabaseProblem(t("db.not_ours", path=path))


def is_our_archive(path: Path) -> bool:
    """This program's archive: our ``application_id``, or none at all (an archive of an
    earlier version) with our migration table, its first migration, and our tables.
    Read through a read-only connection: nothing is written to a file being judged."""
    try:
        return _identify(path, "?mode=ro")
    except sqlite3.Error as exc:
        if _is_busy(exc):
            raise DatabaseProblem(t("db.locked")) from None
    try:
        # A WAL file cannot be read where its shared-memory file cannot be made (a
        # read-only folder): the main file alone then tells whose it is.
        return _identify(path, "?mode=ro&immutable=1")
    except sqlite3.Error:
        raise DatabaseProblem(t("db.not_a_database", path=path)) from None


def _identify(path: Path, options: str) -> bool:
    conn = sqlite3.connect(path.resolve().as_uri() + options, uri=True)
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if application_id:
            return application_id == APPLICATION_ID
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not OUR_TABLES <= tables:
            return False
        return conn.execute("SELECT 1 FROM schema_migration WHERE name = '0001_initial'").fetchone() is not None
    finally:
        conn.close()


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True,
                  create: bool | None = None) -> Database:
    """Open the archive, bring its schema up to date, bind the models.

    ``create``: make a new archive when there is none at ``target`` (a missing SQLite
    file, an empty PostgreSQL database); not given, what ``creating`` allows (yes, unless
    the shell said otherwise). Refused whatever ``create`` says: anything that is not this
    program's archive (see ``_check_sqlite_file``, ``_check_postgres``)."""
    resolved = resolve_target(target)
    create = _may_create if create is None else create
    path = _sqlite_path(resolved)
    fresh = path not in (None, ":memory:") and not Path(path).exists()
    database = make_database(resolved, create)
    try:
        database.connect(reuse_if_open=True)
        if isinstance(database, SqliteDatabase):
            # A file that is not a database is only noticed on the first read.
            tables = {r[0] for r in database.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
            if fresh or (path == ":memory:" and not tables):
                database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        else:
            _check_postgres(database, resolved, create)
    except AdvisorError:
        database.close()
        raise
    except (OperationalError, DatabaseError, InterfaceError) as exc:
        database.close()
        if fresh:  # created just now and not usable: leave nothing behind
            with contextlib.suppress(OSError):
                if not os.path.getsize(path):
                    os.unlink(path)
        raise translate(exc, resolved) from None
    if path not in (None, ":memory:"):
        from db import desks

        try:
            desks.join(Path(path))
        except AdvisorError:
            database.close()
            raise
        database._desk_path = Path(path)
    database_proxy.initialize(database)
    if migrate:
        upgrade(database)
    database._archive_identity = read_identity(database)
    return database


def _check_postgres(database: Database, target: str, create: bool) -> None:
    """A PostgreSQL database holds this program's archive (its migration table), or is
    empty and ``create`` says to make one; a database of another program is refused."""
    tables = {r[0] for r in database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()}
    if not tables:
        if not create:
            raise ArchiveMissing(t("db.missing", path=describe(target)))
        return
    if "schema_migration" not in tables:
        raise DatabaseProblem(t("db.not_ours", path=describe(target)))


# A restore (db/backup.py) gives the archive it puts in place a new identity, a setting
# row no desk writes. Every writing transaction compares it with the one read when the
# archive was opened: a desk that opened the archive before a restore never writes to the
# restored one (its ids, versions and advisors are of another archive).
IDENTITY_KEY = "archive.identity"
_UNREAD = object()


def read_identity(database: Database) -> str | None:
    from db.models import Setting

    try:
        return Setting.select(Setting.value).where(Setting.key == IDENTITY_KEY).scalar()
    except (OperationalError, DatabaseError, InterfaceError):  # an archive not yet upgraded (migrate=False)
        return None


def _check_identity(database: Database) -> None:
    held = getattr(database, "_archive_identity", _UNREAD)
    if held is _UNREAD:
        return
    if read_identity(database) != held:
        raise DatabaseProblem(t("desks.replaced"))


def runner(database: Database) -> Runner:
    # Imported here: the runner (with playhouse.migrate and peewee's PostgreSQL and
    # CockroachDB extensions behind it) is needed only when a database's migrations are
    # looked at in full; opening an up-to-date database reads the history alone.
    from playhouse.migrations import Runner

    return Runner(database, directory=os.fspath(MIGRATIONS_DIR), table_name=MIGRATION_HISTORY)


def _up_to_date(database: Database) -> bool:
    """The history names exactly this program's migration files (as the runner finds
    them): nothing to apply, nothing from a newer program. Every start but an upgrade's."""
    if not database.table_exists(MIGRATION_HISTORY):
        return False
    applied = {name for (name,) in database.execute_sql(f'SELECT name FROM "{MIGRATION_HISTORY}"')}
    return applied == {path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py")}


def schema_state(database: Database) -> tuple[list[str], list[str]]:
    """(applied migration names, names this program does not know)."""
    r = runner(database)
    applied = sorted(r.applied())
    known = {m.name for m in r.migrations()}
    return applied, [name for name in applied if name not in known]


def upgrade(database: Database) -> list[str]:
    """Apply pending migrations; refuse a database written by a newer program."""
    try:
        if isinstance(database, SqliteDatabase) and database.database != ":memory:":
            # An archive of an earlier version (recognised before it was opened) takes
            # this program's id now, whether or not a migration is pending.
            if database.execute_sql("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        if _up_to_date(database):
            return []
        _, unknown = schema_state(database)
        if unknown:
            raise DatabaseProblem(t("db.newer_schema", names=", ".join(unknown)))
        r = runner(database)
        if not any(m.applied is None for m in r.status() if m.path):
            return []
        with database.atomic():
            if isinstance(database, PostgresqlDatabase):
                # Two programs starting on a fresh server must not both create the tables.
                _take_write_lock(database, UPGRADE_LOCK_KEY)
                r = runner(database)
                if not any(m.applied is None for m in r.status() if m.path):
                    return []
            return r.up()
    except AdvisorError:
        raise
    except (OperationalError, DatabaseError, InterfaceError) as exc:
        raise translate(exc, database.database) from None


def close_database() -> None:
    database = database_proxy.obj
    if database is not None and not database.is_closed():
        database.close()
    path = getattr(database, "_desk_path", None)
    if path is not None:
        from db import desks

        del database._desk_path
        desks.leave(path)


def translate(exc: BaseException, target: str | None = None) -> AdvisorError:
    """A low-level database failure as a message the user can act on."""
    text = str(exc).lower()
    where = describe(str(target)) if target else ""
    if "locked" in text or "busy" in text or "lock timeout" in text or "deadlock" in text:
        return DatabaseProblem(t("db.locked"))
    if "readonly" in text or "read-only" in text or "read only" in text:
        return DatabaseProblem(t("db.readonly"))
    if "disk is full" in text or "disk full" in text or "no space" in text:
        return DatabaseProblem(t("db.full"))
    if "not a database" in text or "file is encrypted" in text or "malformed" in text:
        return DatabaseProblem(t("db.not_a_database", path=where))
    if "unable to open" in text:
        return DatabaseProblem(t("db.cannot_create", path=where, reason=str(exc)))
    if "could not connect" in text or "connection refused" in text or "connection to server" in text:
        return DatabaseProblem(t("db.cannot_connect", target=where, reason=str(exc).strip().splitlines()[0]))
    return DatabaseProblem(t("db.failed", reason=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__))


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """One writing transaction (``BEGIN IMMEDIATE`` on SQLite), all or nothing.

    Nested calls become savepoints. Just before the outermost one commits, the work the
    transaction's writes asked for runs inside it (``before_commit``: derived data, see
    ``db.derived``). Database failures leave as ``DatabaseProblem``;
    ``AdvisorError`` raised inside (a refused value, a version conflict) rolls back and
    passes through unchanged. Waiting for the writers' lock is patient (see
    ``_begin_patiently``): a busy database delays a save, it does not refuse it.
    """
    database = database_proxy.obj
    if database is None:
        raise DatabaseProblem(t("db.not_open"))
    outermost = database.transaction_depth() == 0
    owner = getattr(_pending, "hooks", None) is None  # the outermost writing(): it rebuilds
    if owner:
        _pending.hooks = {}
    try:
        if not outermost:
            with database.atomic():
                yield
                if owner:
                    _before_commit()
            return
        transaction = _begin_patiently(database)
        try:
            _check_identity(database)
            yield
            if owner:
                _before_commit()
        except BaseException:
            transaction.__exit__(*sys.exc_info())  # rolls back
            raise
        transaction.__exit__(None, None, None)  # commits (or rolls back and raises)
    except AdvisorError:
        raise
    except (OperationalError, DatabaseError, InterfaceError, sqlite3.Error) as exc:
        raise translate(_first_failure(exc), database.database) from None
    finally:
        if owner:
            _pending.hooks = None
        if outermost:
            _run_deferred()


# What the open writing transaction must do just before it commits, by name: the rebuild
# of derived data (``db.derived``) is put here by the write paths that change its sources.
# Per thread, as peewee's transactions are; a savepoint that rolls back leaves its notes,
# which only make a rebuild recompute a row that did not change.
_pending = threading.local()


def before_commit(name: str, make: Callable[[], Any]) -> Any:
    """The open writing transaction's pending work called ``name``: ``make()`` the first
    time it is asked for; its ``before_commit()`` runs once, inside the transaction, just
    before ``writing()`` commits (a failure there rolls everything back)."""
    hooks = getattr(_pending, "hooks", None)
    if hooks is None:
        raise RuntimeError(f"{name}: changed outside db.connection.writing()")
    if name not in hooks:
        hooks[name] = make()
    return hooks[name]


def _before_commit() -> None:
    hooks = _pending.hooks
    while hooks:  # work done here may ask for more (it sees a fresh dict then)
        _pending.hooks = {}
        for work in hooks.values():
            work.before_commit()
        hooks = _pending.hooks


_deferred = threading.local()


def after_transaction(work: Callable[[], object]) -> None:
    """Run ``work`` in a writing transaction of its own once the current one has ended,
    committed or rolled back (now, when none is open). A refused attempt's log entry
    (``db.audit.refused``) must outlive the rollback of what it refused. A failure to
    write it never hides the refusal itself."""
    database = database_proxy.obj
    if database is None:
        return
    if database.transaction_depth() == 0:
        _run_quietly(work)
        return
    if not hasattr(_deferred, "items"):
        _deferred.items = []
    _deferred.items.append(work)


def _run_deferred() -> None:
    items = getattr(_deferred, "items", None)
    if not items:
        return
    _deferred.items = []
    for work in items:
        _run_quietly(work)


def _run_quietly(work: Callable[[], object]) -> None:
    try:
        with writing():
            work()
    except AdvisorError:
        pass


WRITE_PATIENCE_S = 60.0  # beyond the busy timeout: a queue of desks on a slow disk still lands


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "lock timeout" in text


def _begin_patiently(database: Database):
    """Enter the outermost transaction, holding the writers' lock; retry while it is busy.

    Only the start is retried: nothing has been written yet, so trying again is safe.
    SQLite's busy handler already waits ``BUSY_TIMEOUT_MS``, but in WAL mode
    ``BEGIN IMMEDIATE`` can also fail at once (during another connection's checkpoint or
    WAL restart) and a long queue of desks can outlast one timeout.
    """
    deadline = time.monotonic() + WRITE_PATIENCE_S
    delay = 0.01
    while True:
        transaction = database.atomic()
        try:
            transaction.__enter__()
            if isinstance(database, PostgresqlDatabase):
                _take_write_lock(database)
            return transaction
        except (OperationalError, DatabaseError, sqlite3.Error) as exc:
            if database.transaction_depth() > 0:  # begun, then the lock timed out
                transaction.__exit__(type(exc), exc, exc.__traceback__)
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (1 + random.random()))  # jitter: waiting desks do not retry in step
        delay = min(delay * 2, 0.5)


def _first_failure(exc: BaseException) -> BaseException:
    """The failure that ended the transaction, not the ROLLBACK that came after it.

    SQLite rolls a transaction back by itself on some errors (a full disk, an I/O error);
    peewee's ROLLBACK then fails with "no transaction is active" and would hide the cause.
    """
    while "no transaction is active" in str(exc) and exc.__context__ is not None:
        exc = exc.__context__
    return exc


# One advisory lock taken by every writing transaction on PostgreSQL: writers queue one
# after another exactly as ``BEGIN IMMEDIATE`` makes them queue on SQLite, so the
# read-then-write paths (find the vehicle by VIN, else create it; next work-order number)
# behave the same on both backends without serialisation failures to retry. Under READ
# COMMITTED each statement after the lock sees everything committed before it. Writes
# are a few milliseconds each, so one queue is no bottleneck for a station or a group.
WRITE_LOCK_KEY = 0x61647669  # "advi"
UPGRADE_LOCK_KEY = WRITE_LOCK_KEY + 1


def _take_write_lock(database: Database, key: int = WRITE_LOCK_KEY) -> None:
    """Wait (as long as SQLite's busy timeout) for the writers' lock of this transaction."""
    database.execute_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
    database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def is_postgres(database: Database | None = None) -> bool:
    database = database or database_proxy.obj
    return isinstance(database, PostgresqlDatabase)


def tables() -> list[type]:
    return list(ALL_MODELS)
