"""The PostgreSQL side of the test suite: a database of the run's own on a real server.

``ADVISOR_TEST_PG`` names the server (default: this machine's, user postgres, trust
auth). The run creates ``advisor_test_<pid>_<random>`` there, migrates it once, empties
it before each test (TRUNCATE … RESTART IDENTITY: ids start at 1 as on a new SQLite
file) and drops it at the end. The database uses a Chinese ICU collation when the server
has one, so that tests meet the ordering a real Chinese station's server would have.

No server: a developer's run skips those tests and says how to run them; a CI run
(``CI`` set) fails them, since the issue wants PostgreSQL covered there.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from urllib.parse import urlparse, urlunparse

import pytest

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
HOW_TO = (
    "PostgreSQL tests need a server: start one (e.g. `pg_ctlcluster 15 main start`) and set "
    "ADVISOR_TEST_PG=postgresql://user@host:port/db (default " + DEFAULT_URL + "); "
    "the driver comes with pip install -e '.[test,postgres]'"
)


def server_url() -> str:
    return os.environ.get("ADVISOR_TEST_PG") or DEFAULT_URL


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/" + name))


def url_of(database) -> str:
    """A ``postgresql://`` URL for an open peewee PostgresqlDatabase."""
    params = database.connect_params
    user = params.get("user") or ""
    password = f":{params['password']}" if params.get("password") else ""
    at = "@" if user else ""
    host = params.get("host") or ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{password}{at}{host}{port}/{database.database}"


def _connect(url: str):
    import psycopg2

    parsed = urlparse(url)
    conn = psycopg2.connect(dbname=parsed.path.lstrip("/") or "postgres", user=parsed.username,
                            password=parsed.password, host=parsed.hostname, port=parsed.port,
                            connect_timeout=5)
    conn.autocommit = True
    return conn


def admin_connection(url: str):
    """A connection for CREATE/DROP DATABASE: the URL's own database, else ``postgres``."""
    import psycopg2

    try:
        return _connect(url)
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        return _connect(with_database(url, "postgres"))


def unavailable(reason: str):
    message = f"PostgreSQL not reachable ({reason}). {HOW_TO}"
    if os.environ.get("CI"):
        pytest.fail("CI must run the PostgreSQL tests: " + message, pytrace=False)
    pytest.skip(message)


def create_database(admin, name: str) -> None:
    """CREATE DATABASE, with a Chinese ICU collation when the server offers one."""
    import psycopg2

    with admin.cursor() as cur:
        try:
            cur.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                        "LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'")
        except psycopg2.Error:  # an older server or one without ICU
            cur.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")


def drop_database(admin, name: str) -> None:
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class TestServer:
    admin: object
    name: str
    url: str
    tables: list[str] = field(default_factory=list)
    _extra: list[str] = field(default_factory=list)

    @classmethod
    def start(cls) -> "TestServer":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            unavailable("the psycopg2 driver is not installed")
        try:
            admin = admin_connection(server_url())
        except Exception as exc:  # noqa: BLE001 - any failure means: no server for us
            unavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        name = f"advisor_test_{os.getpid()}_{secrets.token_hex(3)}"
        create_database(admin, name)
        with admin.cursor() as cur:  # a test database need not survive a power cut
            cur.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        server = cls(admin, name, with_database(server_url(), name))
        from db.connection import close_database, open_database

        database = open_database(server.url)
        server.tables = [t for t in database.get_tables() if t != "schema_migration"]
        close_database()
        return server

    def fresh(self) -> str:
        """Empty every table (the schema stays migrated); return the database's URL."""
        conn = _connect(self.url)
        try:
            # DELETE, not TRUNCATE: TRUNCATE makes new files for every table (~0.7 s a
            # test); a DELETE of a test's few rows and a sequence reset take milliseconds.
            conn.autocommit = False
            with conn.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '20s'")
                cur.execute("SET LOCAL session_replication_role = replica")  # no FK order
                for table in self.tables:
                    cur.execute(f'DELETE FROM "{table}"')
                cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
                for (sequence,) in cur.fetchall():
                    cur.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
            conn.commit()
        finally:
            conn.close()
        return self.url

    def extra_database(self) -> str:
        """A second, empty (unmigrated) database of this run, for tests that need two.

        One scratch database serves every such test: emptied by dropping its schema,
        which is quick, where CREATE/DROP DATABASE wait for a server checkpoint.
        """
        name = f"{self.name}_x"
        url = with_database(server_url(), name)
        if not self._extra:
            create_database(self.admin, name)
            self._extra.append(name)
        else:
            conn = _connect(url)
            try:
                with conn.cursor() as cur:
                    cur.execute("SET lock_timeout = '20s'")
                    cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            finally:
                conn.close()
        return url

    def _stale(self) -> list[str]:
        """Databases of earlier runs on this machine whose process is gone (killed runs)."""
        if urlparse(server_url()).hostname not in ("127.0.0.1", "localhost", "::1", None):
            return []  # another machine's pids mean nothing here
        with self.admin.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'advisor\\_test\\_%'")
            names = [row[0] for row in cur.fetchall()]
        stale = []
        for name in names:
            try:
                pid = int(name.split("_")[2])
                os.kill(pid, 0)
            except ProcessLookupError:
                stale.append(name)
            except (ValueError, IndexError, PermissionError):
                continue
        return stale

    def stop(self) -> None:
        from db.connection import close_database

        close_database()
        stale = self._stale()
        self.admin.close()
        # DROP DATABASE waits for a checkpoint (seconds on a busy server): let a detached
        # process do it so that the run need not wait.
        script = ("import sys; from tests.pg_support import admin_connection, drop_database\n"
                  "admin = admin_connection(sys.argv[1])\n"
                  "for name in sys.argv[2:]: drop_database(admin, name)\n")
        names = [*self._extra, self.name, *stale]
        subprocess.Popen([sys.executable, "-c", script, server_url(), *names],
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
