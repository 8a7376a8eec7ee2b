"""The ``advisor`` command from a shell: options anywhere, clean one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def advisor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)


def test_bad_database_file_gives_one_line_and_exit_2(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_text("hello")
    result = advisor("--db", str(path), "demo", "--customers", "1")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "不是本程序的数据库" in result.stderr and "Traceback" not in result.stderr


def test_unknown_scheme_in_english_after_the_command(tmp_path):
    result = advisor("demo", "--db", "ftp://x/y", "--lang", "en")
    assert result.returncode == 2
    assert "Unknown database address" in result.stderr


def test_bad_today(tmp_path):
    result = advisor("--today", "2026-02-30", "demo", "--db", str(tmp_path / "a.sqlite"))
    assert result.returncode == 2
    assert "没有这个日期：2 月没有 30 日" in result.stderr


def test_help_is_chinese_by_default_and_english_on_request():
    assert "服务顾问工作台" in advisor("--help").stdout
    assert "service advisor" in advisor("--help", "--lang", "en").stdout


def test_every_command_is_listed_and_a_typo_is_told_with_the_list():
    from tui.cli import _command_name, _module_names, command_modules

    names = [module.NAME for module in command_modules()]
    # Only the command named is imported: a module's NAME is read from its file's name.
    assert names == [_command_name(name) for name in _module_names()]
    shown = advisor("--help").stdout
    assert all(name in shown for name in names)
    typo = advisor("--lang", "en", "fnd", "x")
    assert typo.returncode == 2 and "invalid choice: 'fnd'" in typo.stderr and "migrate-to" in typo.stderr


def test_a_command_after_options_runs_with_its_own_options(tmp_path):
    result = advisor("--db", str(tmp_path / "a.sqlite"), "--lang", "en", "find", "--help")
    assert result.returncode == 0 and "--limit" in result.stdout


def test_usage_errors_speak_the_interface_language():
    missing = advisor("export")
    assert missing.returncode == 2
    assert "用法：advisor export" in missing.stderr and "缺少必需的参数：FILE.xlsx|.csv" in missing.stderr
    assert "usage" not in missing.stderr and "error" not in missing.stderr
    wrong = advisor("nosuch")
    assert "无效的选择：'nosuch'" in wrong.stderr and "invalid choice" not in wrong.stderr
    assert "选项" in advisor("backup", "--help").stdout
    english = advisor("export", "--lang", "en")
    assert "the following arguments are required" in english.stderr
