"""`advisor keys …` and `advisor password NAME` from the service account's shell (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from db.connection import close_database, open_database
from db.models import Advisor, AuditEntry
from db.roles import pin_matches
from tests.serve_support import Terminal, make_client_key

if shutil.which("ssh-keygen") is None:
    pytest.skip("OpenSSH's ssh-keygen is not installed", allow_module_level=True)


def _advisor(db_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "--db", str(db_path), *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_keys_add_list_remove(db_path, tmp_path):
    key = make_client_key(tmp_path, "liu")
    added = _advisor(db_path, "demo", "--customers", "5")
    assert added.returncode == 0, added.stderr
    first = _advisor(db_path, "keys", "add", "王经理", f"{key}.pub")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert "新建顾问 王经理" in lines[0] and lines[-1] == "login=wangjingli"
    fingerprint = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True).stdout.split()[1]
    assert fingerprint in first.stdout
    listed = json.loads(_advisor(db_path, "keys", "list", "--json").stdout)
    assert [(k["advisor"], k["login"], k["fingerprint"]) for k in listed] == [("王经理", "wangjingli", fingerprint)]
    # The same key for someone else is refused.
    again = _advisor(db_path, "keys", "add", "wangjun", f"{key}.pub")
    assert again.returncode == 2 and "已登记给 王经理" in again.stderr
    bad = tmp_path / "bad.pub"
    bad.write_text("ssh-ed25519 not-base64!\n")
    assert "不是 OpenSSH 公钥" in _advisor(db_path, "keys", "add", "王经理", str(bad)).stderr
    removed = _advisor(db_path, "keys", "remove", "wangjingli", fingerprint)
    assert removed.returncode == 0 and json.loads(_advisor(db_path, "keys", "list", "--json").stdout) == []
    assert "没有指纹为" in _advisor(db_path, "keys", "remove", "王经理", fingerprint).stderr
    open_database(db_path)
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("advisor.key"))]
    assert actions == ["advisor.key_add", "advisor.key_remove"]
    close_database()


def test_password_is_typed_twice_on_a_terminal(db_path):
    assert _advisor(db_path, "demo", "--customers", "5").returncode == 0
    piped = _advisor(db_path, "password", "wangjun")
    assert piped.returncode == 2 and "只在终端上输入" in piped.stderr
    term = Terminal([sys.executable, "-m", "tui", "--db", str(db_path), "password", "王俊"])
    try:
        term.wait_for("新密码")
        term.type("first-one-1\r")
        term.wait_for("再输入一次")
        term.type("other-one-2\r")
        term.wait_for("两次输入不一致")
        assert term.wait_exit() == 2
    finally:
        term.close()
    term = Terminal([sys.executable, "-m", "tui", "--db", str(db_path), "password", "王俊"])
    try:
        term.wait_for("新密码")
        term.type("long-enough-9\r")
        term.wait_for("再输入一次")
        term.type("long-enough-9\r")
        assert term.wait_exit() == 0 and "long-enough-9" not in term.text()
    finally:
        term.close()
    open_database(db_path)
    assert pin_matches(Advisor.get(Advisor.name == "王俊").password_hash, "long-enough-9")
    close_database()


def test_only_the_file_owner_manages_keys(db_path, tmp_path, monkeypatch):
    from db import access
    from db.errors import Forbidden

    open_database(db_path)
    monkeypatch.setattr(os, "getuid", lambda: 12345)
    with pytest.raises(Forbidden, match="不是本站的服务账号"):
        access.require_station_admin(str(db_path))
    close_database()
