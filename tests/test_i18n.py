"""The message catalogue: complete in both languages, placeholders matching."""

from __future__ import annotations

import ast
import os
import string
import subprocess
import sys
from pathlib import Path

import tui  # noqa: F401  (its texts join the catalogue, as when the program runs)
from db.i18n import catalogue, set_language, t, text_modules


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_both_languages_with_the_same_placeholders():
    for key, (zh, en) in catalogue().items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_switch():
    set_language("en")
    assert t("key.help") == "Help"
    set_language("zh_CN.UTF-8")
    assert t("key.help") == "帮助"
    set_language("fr")
    assert t("key.help") == "帮助"


def _strings_in(package: str) -> tuple[set[str], set[str]]:
    """The string constants of a package's code (its texts left out), and the fixed starts
    of the keys it builds (``f"queue.{name}"``, ``"card.field.{}"``)."""
    exact, starts = set(), set()
    root = Path(__file__).resolve().parent.parent / package
    for path in root.rglob("*.py"):
        if "texts" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                exact.add(node.value)
                if "{" in node.value:
                    starts.add(node.value.split("{")[0])
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                starts.add(node.values[0].value)
    return exact, {s for s in starts if "." in s and " " not in s and len(s) > 3}


def _uses(strings: tuple[set[str], set[str]], key: str) -> bool:
    exact, starts = strings
    return key in exact or any(key.startswith(s) for s in starts)


def test_each_key_is_defined_once_on_the_side_that_uses_it():
    """db/texts holds what db/ shows, tui/texts what only the interface shows: db never
    needs tui to speak, and no key is written twice."""
    where: dict[str, list[str]] = {}
    for name, texts in text_modules():
        for key in texts:
            where.setdefault(key, []).append(name)
    assert {k: v for k, v in where.items() if len(v) > 1} == {}
    assert {name.split(".")[0] for name, _ in text_modules()} == {"db", "tui"}
    db_code = _strings_in("db")
    misplaced = {key: names[0] for key, names in where.items()
                 if names[0].startswith("db.") != _uses(db_code, key)}
    assert misplaced == {}, "a key db/ uses belongs in db/texts, one only tui/ uses in tui/texts"


def test_db_speaks_without_the_interface():
    """A script that imports only db/ has db's texts and no interface module; importing
    tui adds the interface's texts to the same catalogue."""
    script = ("import sys, db.i18n as i; print(i.t('validate.vin.empty')); print(len(i.catalogue())); "
              "print(any(m.split('.')[0] in ('tui', 'textual') for m in sys.modules)); "
              "import tui; print(len(i.catalogue()))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "ADVISOR_LANG": "zh"})
    text, alone, interface, together = done.stdout.split("\n")[:4]
    db_keys = sum(len(texts) for name, texts in text_modules() if name.startswith("db."))
    assert (text, int(alone), interface) == ("请填写车架号（VIN）", db_keys, "False")
    assert int(together) == len(catalogue()) > db_keys
