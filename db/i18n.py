"""One message catalogue for every text the program shows.

Chinese is the default; English is the switch (``--lang en`` or ``ADVISOR_LANG``).
Texts live in ``db/texts/<area>.py`` modules as ``TEXTS = {key: (zh, en)}``, one module
per area so that parts of the program never edit the same file. Keys are dotted:
``area.thing``. A missing key is a bug and raises ``KeyError`` (a test reads every
module for duplicates and empty entries).

gettext's usual .po/.mo files would need a compile step at install time; a Python
table keeps the catalogue importable as plain source and checkable by tests.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from functools import lru_cache

LANGUAGES = ("zh", "en")
_language = "zh"


def set_language(lang: str | None) -> str:
    """Choose the interface language; unknown values fall back to Chinese."""
    global _language
    lang = (lang or os.environ.get("ADVISOR_LANG") or "zh").lower()
    lang = lang.split("_")[0].split("-")[0]
    _language = lang if lang in LANGUAGES else "zh"
    return _language


def language() -> str:
    return _language


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """All texts, loaded once from every module of ``db.texts``."""
    from db import texts

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"db.texts.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice (db/texts/{info.name}.py)")
            merged[key] = pair
    return merged


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{names}`` filled in."""
    zh, en = catalogue()[key]
    text = en if _language == "en" else zh
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()
