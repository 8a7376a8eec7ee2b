"""The message catalogue: complete in both languages, placeholders matching."""

from __future__ import annotations

import string

from db.i18n import catalogue, set_language, t


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
