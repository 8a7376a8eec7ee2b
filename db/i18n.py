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
from collections.abc import Iterable
from functools import lru_cache

from db.safe_text import LINES, visible_value

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
    """The text for ``key`` in the current language, with ``{names}`` filled in.

    The values filled in are shown by ``db.safe_text``'s rule (a control or invisible
    character as a visible escape; line breaks and tabs kept), since they are names,
    paths, headers and reasons that came from outside: a toast, a status line or a
    shell message built here never carries them raw."""
    zh, en = catalogue()[key]
    text = en if _language == "en" else zh
    if not values:
        return text
    return text.format(**{name: visible_value(value, LINES) for name, value in values.items()})


def has(key: str) -> bool:
    return key in catalogue()


# Where a field's label is found, first match wins: the standard fields' labels (the
# completeness list, the card), the card's other fields, the import's, then the intake
# form's (a work order's mileage, kind and fees), then names only the audit log shows.
_FIELD_LABELS = ("completeness.field.{}", "card.field.{}", "import.field.{}", "intake.f.customer.{}",
                 "intake.f.vehicle.{}", "intake.f.order.{}", "audit.field.{}")


def field_label(name: str) -> str:
    """A field's label as the forms show it (手机 / Mobile for ``mobile``); a name
    without one is shown as it is."""
    for pattern in _FIELD_LABELS:
        key = pattern.format(name)
        if key in catalogue():
            return t(key)
    return name


def number(value: int | None) -> str:
    """A count or a distance as the interface shows it, thousands grouped in both
    languages (1,972 archives, 95,027 公里): one place, so that a list's count, a card's
    km and a dialog's figures never disagree about how a number looks."""
    return "" if value is None else f"{value:,}"


def listing(items: Iterable[object]) -> str:
    """Items joined the language's way: 、 between Chinese items, a comma between English
    ones (a 、 in an English line reads as a stray mark)."""
    return t("i18n.list_separator").join(str(item) for item in items)
