"""`advisor serve` driven by real SSH clients (issue 14): OpenSSH's `ssh` in a pty, read
through a terminal emulator, and asyncssh's client."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess

import pytest
from rich.cells import cell_len

asyncssh = pytest.importorskip("asyncssh")
if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
    pytest.skip("OpenSSH's client (ssh, ssh-keygen) is not installed", allow_module_level=True)

from db import access, settings  # noqa: E402
from db.intake.drafts import load_draft  # noqa: E402
from db.errors import Forbidden  # noqa: E402
from db.models import Advisor, AuditEntry  # noqa: E402
from tests.manager_fixtures import advisor  # noqa: E402
from tests.serve_support import Server, Terminal, make_client_key, make_host_key, ssh_command, wait_until  # noqa: E402

PASSWORD = "correct-horse-7"


@pytest.fixture
def station(database, db_path, tmp_path):
    boss = advisor("王经理", role="manager")
    liu = advisor("刘洋")
    key = make_client_key(tmp_path, "liu_key")
    access.add_key(None, liu.id, (tmp_path / "liu_key.pub").read_text())
    access.set_password(None, boss.id, PASSWORD)
    settings.set_value("signin.delay_ms", 0)
    make_host_key(tmp_path)
    server = Server(db_path)
    yield {"server": server, "port": server.port, "key": key, "liu": Advisor.get_by_id(liu.id),
           "boss": Advisor.get_by_id(boss.id), "tmp": tmp_path}
    server.stop()


def _entries(action: str, field: str | None = None) -> list[AuditEntry]:
    query = AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    return [e for e in query if field is None or e.field == field]


def _refused(detail: str | None = None) -> list[AuditEntry]:
    """Refused sign-ins (reason in ``detail``)."""
    return [e for e in _entries("refused", "roles.action.sign_in") if detail is None or e.detail == detail]


def _connect(port: int, login: str, **options):
    return asyncssh.connect("127.0.0.1", port, username=login, known_hosts=None, agent_path=None,
                            client_keys=options.pop("client_keys", None), **options)


def test_a_registered_key_reaches_the_reception_as_its_advisor(station):
    term = Terminal(ssh_command(station["port"], "liuyang", station["key"], "-t"))
    try:
        text = term.wait_for("我是服务顾问刘洋", "F3 接待")
        assert "刘洋" in text.splitlines()[0]
        # The window follows the client's size.
        term.resize(100, 30)
        # The footer moves to the new last lines, the greeting's date to the new right edge.
        text = term.wait_for(check=lambda text: "Ctrl+P" in text.splitlines()[28])
        assert text.splitlines()[0].rstrip().endswith("2026-11-26") and cell_len(text.splitlines()[0].rstrip()) > 90
        term.type("\x11")  # Ctrl+Q
        assert term.wait_exit() == 0
        assert b"\x1b[?1049l" in term.raw[-200:] and b"\x1b[?25h" in term.raw[-200:]  # terminal restored
    finally:
        term.close()
    fingerprint = access.key_lines(station["liu"].id)[0].fingerprint
    signin = wait_until(lambda: _entries("signin"))
    assert signin[0].advisor_id == station["liu"].id and signin[0].field == "ssh_key"
    assert (signin[0].client, signin[0].client_key) == ("127.0.0.1", fingerprint)
    signout = wait_until(lambda: _entries("signout"))
    assert signout[0].advisor_id == station["liu"].id


def test_an_unknown_key_a_command_and_no_pty_are_refused(station):
    stranger = make_client_key(station["tmp"], "stranger")
    run = subprocess.run(ssh_command(station["port"], "liuyang", stranger, "-o", "BatchMode=yes", "-T"),
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert run.returncode == 255 and "Permission denied" in run.stderr
    failed = wait_until(lambda: _refused("key"))
    fingerprint = subprocess.run(["ssh-keygen", "-lf", str(stranger) + ".pub"], capture_output=True,
                                 text=True).stdout.split()[1]
    assert (failed[0].client, failed[0].client_key, failed[0].advisor_id) == ("127.0.0.1", fingerprint, station["liu"].id)
    # A registered key with a command: the command is never run.
    run = subprocess.run(ssh_command(station["port"], "liuyang", station["key"], "-o", "BatchMode=yes",
                                     remote=("ls", "/")),
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert run.returncode != 0 and "exec request failed" in run.stderr and "bin" not in run.stdout
    # Without a terminal: told to use one, nothing else.
    run = subprocess.run(ssh_command(station["port"], "liuyang", station["key"], "-o", "BatchMode=yes", "-T"),
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert run.returncode == 1 and "请用终端登录" in run.stdout


async def test_wrong_password_forward_and_sftp_are_refused(station):
    port = station["port"]
    with pytest.raises(asyncssh.PermissionDenied):
        async with _connect(port, "wangjingli", password="wrong-password"):
            pass
    assert [e.advisor_id for e in _refused("password")] == [station["boss"].id]
    async with _connect(port, "wangjingli", password=PASSWORD) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", 22)  # ssh -L
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            async with conn.start_sftp_client():
                pass
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)  # ssh -R
    assert wait_until(lambda: _entries("signin"))[-1].field == "ssh_password"


async def test_a_declined_key_before_the_right_one_is_no_failure(station, tmp_path):
    stranger = asyncssh.read_private_key(str(make_client_key(tmp_path, "other")))
    mine = asyncssh.read_private_key(str(station["key"]))
    async with _connect(station["port"], "liuyang", client_keys=[stranger, mine]):
        pass
    assert wait_until(lambda: _entries("signin"))[-1].advisor_id == station["liu"].id
    assert not _refused()


async def test_five_wrong_passwords_lock_the_login_and_are_logged(station):
    port = station["port"]
    for _ in range(5):
        with pytest.raises(asyncssh.PermissionDenied):
            async with _connect(port, "wangjingli", password="not-the-one"):
                pass
    with pytest.raises(asyncssh.PermissionDenied):
        async with _connect(port, "wangjingli", password=PASSWORD):
            pass
    assert len(_refused("password")) == 5
    locked = _refused("locked")
    assert locked and locked[0].client == "127.0.0.1" and locked[0].advisor_id == station["boss"].id
    assert access.locked_until("wangjingli") is not None
    assert not _entries("signin")
    # Another login from the same address is not locked (an address is only slowed).
    async with _connect(port, "liuyang", client_keys=[str(station["key"])]):
        pass


def test_killing_the_client_mid_intake_leaves_a_draft_offered_next_time(station):
    command = ssh_command(station["port"], "liuyang", station["key"], "-t")
    term = Terminal(command)
    try:
        term.wait_for("我是服务顾问刘洋")
        term.type("\x0e")  # Ctrl+N: a new archive
        term.wait_for("F2")
        term.type("赵六")
        wait_until(lambda: (d := load_draft(station["liu"].id)) and "赵六" in json.dumps(d.data, ensure_ascii=False))
    finally:
        term.kill()
        term.close()
    wait_until(lambda: _entries("signout"))
    assert _entries("signout")[-1].field == "session_disconnected"
    again = Terminal(command)
    try:
        text = again.wait_for("未保存的接待草稿")
        assert "赵六" in text
    finally:
        again.close()


def test_a_ticket_works_once(database):
    someone = advisor("刘洋")
    token = access.issue_ticket(someone.id, address="10.0.0.1")
    assert access.redeem_ticket(token).advisor.id == someone.id
    with pytest.raises(Forbidden):
        access.redeem_ticket(token)
    with pytest.raises(Forbidden):
        access.redeem_ticket("made-up")


def test_replies_are_filtered_but_keys_kept():
    from tui.shell._server import ReplyFilter, filter_replies

    assert filter_replies(b"a\x1b[12;40Rb\x1b[?62;22cc\x1b[>1;10;0c\x1b[0n") == b"abc"
    assert filter_replies(b"\x1b]11;rgb:0000/0000/0000\x1b\\x") == b"x"
    assert filter_replies(b"\x1b[1;2R\x1b[A\x1b") == b"\x1b[1;2R\x1b[A\x1b"  # Shift+F3, Up, Esc
    # A reply cut in two packets is held until its end; a lone Esc is a key, passed at once.
    stream = ReplyFilter()
    assert stream.feed(b"ab\x1b[24;") == b"ab" and stream.feed(b"80Rc") == b"c"
    assert stream.feed(b"\x1b") == b"\x1b" and not stream.held


def test_an_idle_session_ends_and_keeps_the_typed_intake(station, db_path):
    idle = Server(db_path, "--idle-minutes", "0.2")  # 12 seconds
    term = Terminal(ssh_command(idle.port, "liuyang", station["key"], "-t"))
    try:
        term.wait_for("我是服务顾问刘洋")
        term.type("\x0e")
        term.wait_for("F2")
        term.type("钱七")
        wait_until(lambda: (d := load_draft(station["liu"].id)) and "钱七" in json.dumps(d.data, ensure_ascii=False))
        assert term.wait_exit() == 0
        assert "闲置超过 0.2 分钟，会话已结束" in term.text()
    finally:
        term.close()
        idle.stop()
    assert wait_until(lambda: _entries("signout"))[-1].field == "session_idle"


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            found.extend(int(child) for child in handle.read().split())
    return found


def test_sessions_are_forked_from_the_template_and_start_fresh_without_it(station):
    """Each session's program is forked from the template the server started (which has
    imported the program once); with the template gone, sessions still open, started as
    fresh programs."""
    server = station["server"].proc.pid
    template = wait_until(lambda: _children(server))[0]
    term = Terminal(ssh_command(station["port"], "liuyang", station["key"], "-t"))
    try:
        term.wait_for("我是服务顾问刘洋", "F3 接待")
        assert len(_children(template)) == 1 and _children(server) == [template]
        term.type("\x11")  # Ctrl+Q
        assert term.wait_exit() == 0  # the exit code the template reported
    finally:
        term.close()
    wait_until(lambda: not _children(template))
    os.kill(template, signal.SIGKILL)
    wait_until(lambda: template not in _children(server))
    term = Terminal(ssh_command(station["port"], "liuyang", station["key"], "-t"))
    try:
        term.wait_for("我是服务顾问刘洋", "F3 接待")
        assert len(_children(server)) == 1  # the fresh program, the server's own child
        term.type("\x11")
        assert term.wait_exit() == 0
    finally:
        term.close()


def test_a_server_started_with_nohup_still_ends_idle_sessions(station, db_path):
    """``nohup advisor serve &`` leaves SIGHUP ignored, and the server's children inherit
    that: a session's program, forked from the template or started fresh, still ends when
    its session is idle past the limit (it stayed, deaf to the hang-up, and the advisor's
    terminal was never given back)."""
    server = Server(db_path, "--idle-minutes", "0.1", nohup=True)  # 6 s
    try:
        template = wait_until(lambda: _children(server.proc.pid))[0]
        for forked in (True, False):
            term = Terminal(ssh_command(server.port, "liuyang", station["key"], "-t"))
            try:
                term.wait_for("我是服务顾问刘洋", "F3 接待")
                assert term.wait_exit() == 0
                assert "闲置超过 0.1 分钟，会话已结束" in term.text()
            finally:
                term.close()
            if forked:
                os.kill(template, signal.SIGKILL)
                wait_until(lambda: template not in _children(server.proc.pid))
    finally:
        server.stop()
