"""``advisor serve``: the SSH front door (issue 14). Imported only by that command.

One asyncio process, run by the station's service account (the only account that can read
the database). Each SSH session that passes a key or password check gets the advisor
program in its own pty process, signed in as that advisor: the server issues a one-time
ticket (``db.access.issue_ticket``) and hands it down through a pipe the process inherits
(``--ticket-fd``); nothing the client sends (environment, command) chooses who it is.

Sessions get the program only: no shell, no command, no port forwarding, no SFTP, no
agent or X11 forwarding. The pty follows the client's window size and TERM; the program
runs in UTF-8 whatever the client's locale; terminal replies (cursor position reports,
device attributes, status and colour reports) are taken out of the key stream; the terminal
is restored whatever way the program ends; a session idle past its limit ends (the intake
typed so far is already kept as a draft: the reception saves one a moment after each key).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import signal
import socket
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import warnings

with warnings.catch_warnings():  # asyncssh still names DSA; the server never offers it
    warnings.simplefilter("ignore")
    import asyncssh

from db import access
from db.i18n import t
from tui.shell._programs import EXIT_REPORT_SECONDS, Program, Template

# What the terminal answers to a program's questions, never typed by a person. A cursor
# position report at row 1, column 2..16 is left alone: it is the same bytes as
# Shift/Ctrl/Alt+F3 (ESC [ 1 ; modifier R).
_REPLIES = re.compile(
    rb"\x1b\[(?!1;(?:[2-9]|1[0-6])R)\d+;\d+R"      # cursor position report
    rb"|\x1b\[[?>=][\d;]*c"                          # primary/secondary/tertiary device attributes
    rb"|\x1b\[[03]n"                                 # device status report
    rb"|\x1b\][0-9]+;[^\x07\x1b]*(?:\x07|\x1b\\)"    # OSC replies (colour queries)
    rb"|\x1bP[^\x1b]*\x1b\\"                         # DCS replies (terminal name, termcap)
)

# Put back whatever a full-screen program switched on: main screen, cursor, no mouse
# reports, no bracketed paste, no focus events, no in-band resize, default keyboard mode.
RESTORE = (b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
           b"\x1b[?2004l\x1b[?1004l\x1b[?2048l\x1b[<u\x1b[0m\r\n")

_TERM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$")


# The start of a reply cut off at the end of a packet (not a lone Esc, which is a key).
_CUT = re.compile(rb"\x1b(?:\[[?>=]?[\d;]*|\][^\x07\x1b]*|P[^\x1b]*)$")


def filter_replies(data: bytes) -> bytes:
    return _REPLIES.sub(b"", data)


class ReplyFilter:
    """``filter_replies`` over a stream: a reply split across two packets is held (at
    most ``HOLD`` seconds, then passed on as it is) until its end arrives."""

    HOLD = 0.05

    def __init__(self) -> None:
        self.held = b""

    def feed(self, data: bytes) -> bytes:
        data = self.held + data
        self.held = b""
        cut = _CUT.search(data)
        if cut and cut.end() - cut.start() > 1:
            data, self.held = data[:cut.start()], data[cut.start():]
        return filter_replies(data)

    def flush(self) -> bytes:
        data, self.held = self.held, b""
        return data


@dataclass
class Station:
    db_target: str
    max_sessions: int
    idle_seconds: float
    lang: str | None = None
    today: str | None = None
    sessions: set = field(default_factory=set)
    programs: Any = None  # tui.shell._programs.Template, once serving

    def program_argv(self) -> list[str]:
        """The arguments every session's program gets (its ticket's apart)."""
        argv = ["--db", self.db_target]
        if self.lang:
            argv += ["--lang", self.lang]
        if self.today:
            argv += ["--today", self.today]
        return argv


def host_key(path: str | None, db_target: str) -> tuple[asyncssh.SSHKey, str | None]:
    """The server's host key: ``path``, or ``ssh_host_ed25519_key`` beside the database (in
    the data directory for PostgreSQL), made on the first start (0600). Returns the key and the path when it was just made."""
    if path:
        return asyncssh.read_private_key(path), None
    from db.connection import _sqlite_path, default_path

    sqlite = _sqlite_path(db_target)
    folder = Path(sqlite).parent if sqlite else default_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    made = folder / "ssh_host_ed25519_key"
    if made.exists():
        return asyncssh.read_private_key(str(made)), None
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    return key, str(made)


def program_environment(term: str) -> dict[str, str]:
    """The server's own environment for a program (a session's, the template's): what it
    needs of the server's, the terminal type, UTF-8 whatever the locale."""
    keep = ("PATH", "HOME", "XDG_DATA_HOME", "ADVISOR_DB", "PYTHONPATH", "VIRTUAL_ENV",
            "TEXTUAL_ANIMATIONS", "PGPASSFILE")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(TERM=term, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1")
    return env


def _address(conn) -> str:
    peer = conn.get_extra_info("peername")
    return str(peer[0]) if peer else ""


class DeskServer(asyncssh.SSHServer):
    """One SSH connection: who it is (key or password), then its sessions."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.conn = None
        self.address = ""
        self.login = ""
        self.declined: list[str] = []
        self.candidate: tuple[int, str | None, str] | None = None  # advisor id, fingerprint, via
        self.advisor_id: int | None = None
        self.fingerprint: str | None = None
        self.password_failed = False

    # ---- the connection

    def connection_made(self, conn) -> None:
        self.conn = conn
        self.address = _address(conn)
        sock = conn.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # keys without delay
            except OSError:
                pass

    def connection_lost(self, exc) -> None:
        if self.advisor_id is None and self.declined and not self.password_failed:
            # Only keys were offered, and none was the login's: one failure for the lot.
            asyncio.ensure_future(asyncio.to_thread(
                access.record_failure, self.login, "key", address=self.address,
                fingerprint=",".join(self.declined[:5])))

    # ---- authentication

    def begin_auth(self, username: str) -> bool:
        self.login = (username or "")[:64].lower()
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def kbdint_auth_supported(self) -> bool:
        return False

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        advisor = await asyncio.to_thread(access.key_advisor, self.login, fingerprint)
        if advisor is None:
            if fingerprint not in self.declined:
                self.declined.append(fingerprint)  # not a failure unless no key is accepted
            return False
        self.candidate = (advisor.id, fingerprint, "key")
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        return await asyncio.to_thread(self._check_password, password)

    def _check_password(self, password: str) -> bool:
        try:
            advisor = access.check_password(self.login, password, address=self.address)
        except access.SignInRefused:
            self.password_failed = True
            return False
        self.candidate = (advisor.id, None, "password")
        return True

    def auth_completed(self) -> None:
        advisor_id, fingerprint, via = self.candidate
        self.advisor_id, self.fingerprint = advisor_id, fingerprint
        asyncio.ensure_future(asyncio.to_thread(access.record_sign_in, advisor_id, via, address=self.address,
                                                fingerprint=fingerprint))

    # ---- what a signed-in client may ask for: one session with a pty, nothing else

    def session_requested(self):
        return DeskSession(self)

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        return False  # ssh -L

    def server_requested(self, listen_host, listen_port):
        return False  # ssh -R

    def unix_connection_requested(self, dest_path):
        return False

    def unix_server_requested(self, listen_path):
        return False


class DeskSession(asyncssh.SSHServerSession):
    """The advisor program in a pty of its own, wired to one SSH channel."""

    def __init__(self, server: DeskServer) -> None:
        self.server = server
        self.station = server.station
        self.chan = None
        self.term = "xterm-256color"
        self.size = (80, 24)
        self.pty = False
        self.master: int | None = None
        self.proc: Program | None = None
        self.last_input = time.monotonic()
        self.idle_handle: asyncio.TimerHandle | None = None
        self.ended = False
        self.painted = False
        self.replies = ReplyFilter()
        self.early = b""  # keys typed before the program's pty exists
        self.reason = "closed"

    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.pty = True
        if term_type and _TERM.match(term_type):
            self.term = term_type
        if term_size and term_size[0] and term_size[1]:
            self.size = (term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True  # the "shell" is the program

    def exec_requested(self, command: str) -> bool:
        return False  # ssh … ls /

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # sftp

    def session_started(self) -> None:
        if not self.pty:
            self.chan.write(t("serve.no_pty").encode())
            self.chan.exit(1)
            return
        if len(self.station.sessions) >= self.station.max_sessions:
            self.chan.write(t("serve.banner_busy", n=self.station.max_sessions).encode())
            self.chan.exit(1)
            return
        self.station.sessions.add(self)
        asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        token = await asyncio.to_thread(access.issue_ticket, self.server.advisor_id, address=self.server.address,
                                        fingerprint=self.server.fingerprint)
        if self.ended:
            return
        self.master, slave = pty.openpty()
        self._set_size()
        # Keys are keys from the first byte: no echo, no line editing, Ctrl+C is no signal
        # (the program sets the same when it starts; output keeps its newline handling).
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        read_end, write_end = os.pipe()
        os.write(write_end, token.encode())
        os.close(write_end)
        try:
            self.proc = await self.station.programs.launch(
                [*self.station.program_argv(), "--ticket-fd", "{ticket}"], self._environment(),
                os.path.expanduser("~"), slave, read_end)
        finally:
            os.close(slave)
            os.close(read_end)
        if self.ended:  # the client left while the program was being started
            os.close(self.master)
            self.master = None
            self._hang_up()
            asyncio.ensure_future(self._reap())
            return
        asyncio.get_running_loop().add_reader(self.master, self._from_program)
        self._arm_idle()

    def _environment(self) -> dict[str, str]:
        """The server's own environment for the program, with the client's terminal: TERM,
        and only NO_COLOR/COLORTERM of what the client sent. UTF-8 whatever its locale."""
        env = program_environment(self.term)
        sent = self.chan.get_environment() or {}
        if "NO_COLOR" in sent:
            env["NO_COLOR"] = "1"
        if str(sent.get("COLORTERM", "")).lower() in ("truecolor", "24bit"):
            env["COLORTERM"] = "truecolor"
        return env

    def _set_size(self) -> None:
        if self.master is not None:
            cols, rows = self.size
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    # ---- bytes both ways

    def _from_program(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if not data:
            self._program_ended()
            return
        if not self.painted:
            self.painted = True
            self.last_input = time.monotonic()  # idle counts from the program's first frame
            self.chan.write(data)
            early, self.early = self.early, b""
            self._to_program(early)  # the terminal is raw now: typed-ahead keys are keys
            return
        self.chan.write(data)

    def data_received(self, data: bytes, datatype) -> None:
        if self.ended:
            return
        self.last_input = time.monotonic()
        data = self.replies.feed(data)
        if self.replies.held:
            asyncio.get_running_loop().call_later(ReplyFilter.HOLD, self._flush_held)
        self._to_program(data)

    def _flush_held(self) -> None:
        if self.replies.held:
            self._to_program(self.replies.flush())

    def _to_program(self, data: bytes) -> None:
        if not data:
            return
        if self.master is None or not self.painted:
            self.early = (self.early + data)[-4096:]
            return
        try:
            os.write(self.master, data)
        except OSError:
            pass

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width and height:
            self.size = (width, height)
            self._set_size()  # the kernel tells the program (SIGWINCH)

    # ---- idle limit

    def _arm_idle(self) -> None:
        if self.station.idle_seconds <= 0 or self.ended:
            return
        remaining = self.station.idle_seconds - (time.monotonic() - self.last_input)
        if remaining > 0:
            self.idle_handle = asyncio.get_running_loop().call_later(remaining, self._arm_idle)
            return
        self.reason = "idle"
        self._hang_up()

    # ---- ends

    def _hang_up(self) -> None:
        """As a dropped line does: SIGHUP to the program's process group."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGHUP)
            except ProcessLookupError:
                pass

    def _program_ended(self) -> None:
        loop = asyncio.get_running_loop()
        if self.master is not None:
            loop.remove_reader(self.master)
            os.close(self.master)
            self.master = None
        if self.idle_handle is not None:
            self.idle_handle.cancel()
        asyncio.ensure_future(self._close_channel())

    async def _close_channel(self) -> None:
        """The program closed its terminal: the client gets its exit code and the terminal
        put back (a program that lingers past ``EXIT_REPORT_SECONDS`` is hung up)."""
        code = 1
        if self.proc is not None:
            try:
                code = await asyncio.wait_for(self.proc.wait(), EXIT_REPORT_SECONDS)
            except asyncio.TimeoutError:
                self._hang_up()
                asyncio.ensure_future(self._reap())
        if not self.ended:
            self.chan.write(RESTORE)
            if self.reason == "idle":
                minutes = self.station.idle_seconds / 60
                self.chan.write(t("serve.idle_end", n=f"{minutes:g}").encode())
            self.chan.exit(max(0, code))
        self._finish()

    def eof_received(self) -> bool:
        return True  # keep the channel open for the program's last frames

    def connection_lost(self, exc) -> None:
        if self.ended:
            return
        self.ended = True
        self.reason = "disconnected" if self.reason == "closed" else self.reason
        self._hang_up()
        if self.proc is not None:
            asyncio.ensure_future(self._reap())
        self._finish()

    async def _reap(self) -> None:
        proc = self.proc
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except asyncio.TimeoutError:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            await proc.wait()

    def _finish(self) -> None:
        if self not in self.station.sessions:
            return
        self.station.sessions.discard(self)
        self.ended = True
        if self.server.advisor_id is not None:
            asyncio.ensure_future(asyncio.to_thread(
                access.record_sign_out, self.server.advisor_id, self.reason, address=self.server.address,
                fingerprint=self.server.fingerprint))


async def _daily_backups() -> None:
    """Sessions never take the daily backup (setting ``backup.daily``): the server does,
    at start and then each hour that finds today's copy missing."""
    from db.backup import daily_backup
    from db.errors import AdvisorError
    from db.i18n import number
    from tui.shell._progress import human_size

    while True:
        try:
            done = await asyncio.to_thread(daily_backup)
            if done is not None:
                print(t("backup.done", path=done.path, size=human_size(done.size),
                        rows=number(sum(done.counts.values()))), flush=True)
        except AdvisorError as exc:
            print(t("backup.daily_failed", message=exc), file=sys.stderr, flush=True)
        await asyncio.sleep(3600)


async def start(station: Station, host: str, port: int, key: asyncssh.SSHKey):
    return await asyncssh.create_server(
        lambda: DeskServer(station), host, port, server_host_keys=[key], encoding=None,
        agent_forwarding=False, x11_forwarding=False, allow_scp=False, sftp_factory=None,
        login_timeout=60, keepalive_interval=30, keepalive_count_max=4)


def serve(station: Station, host: str, port: int, key_path: str | None) -> int:
    from db.connection import _sqlite_path

    os.umask(0o077)
    sqlite = _sqlite_path(station.db_target)
    if sqlite:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.chmod(sqlite + suffix, 0o600)  # only the service account reads the archive
            except OSError:
                pass
    key, made = host_key(key_path, station.db_target)
    if made:
        print(t("cli.serve.host_key_made", path=made), flush=True)

    async def main() -> None:
        # Sessions are forked from a template that has imported the program once.
        station.programs = Template(station.program_argv(), program_environment("xterm-256color"))
        station.programs.start()
        server = await start(station, host, port, key)
        bound = server.sockets[0].getsockname()[1] if server.sockets else port
        print(t("cli.serve.listening", host=host, port=bound, fingerprint=key.get_fingerprint("sha256")), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        backups = asyncio.ensure_future(_daily_backups())
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        backups.cancel()
        server.close()
        for session in list(station.sessions):
            session._hang_up()
        await server.wait_closed()
        station.programs.stop()

    asyncio.run(main())
    return 0
