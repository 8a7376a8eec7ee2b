"""One message catalogue for every text the program shows.

Chinese is the default; English is the switch (``--lang en`` or ``ADVISOR_LANG``).
Texts live in ``<package>/texts/<area>.py`` modules as ``TEXTS = {key: (zh, en)}``, one
module per area so that parts of the program never edit the same file. Each side keeps
the texts it uses: ``db/texts/`` those ``db/`` itself shows (validation messages, errors,
field labels, queue and segment names), ``tui/texts/`` those only the interface shows;
``tui`` adds its package with ``register`` when it is imported, so ``db`` never imports
``tui``. Keys are dotted: ``area.thing``. A missing key is a bug and raises ``KeyError``
(a test reads every module for duplicates, empty entries and the side a key lives on).

gettext's usual .po/.mo files would need a compile step at install time; a Python
table keeps the catalogue importable as plain source and checkable by tests.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import os
import pkgutil
from collections.abc import Iterable
from functools import lru_cache

from db.safe_text import LINES, visible

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


# The packages whose modules hold texts; ``register`` adds one (tui adds ``tui.texts``).
_PACKAGES = ["db.texts"]


def register(package: str) -> None:
    """Add the text modules of ``package`` (a dotted name) to the catalogue."""
    if package not in _PACKAGES:
        _PACKAGES.append(package)
        catalogue.cache_clear()


def text_modules() -> list[tuple[str, dict[str, tuple[str, str]]]]:
    """Each text module of every registered package: (dotted name, its TEXTS)."""
    found = []
    for package in _PACKAGES:
        path = importlib.import_module(package).__path__
        for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
            name = f"{package}.{info.name}"
            found.append((name, importlib.import_module(name).TEXTS))
    return found


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """All texts, loaded once from every module of the registered packages."""
    merged: dict[str, tuple[str, str]] = {}
    for name, texts in text_modules():
        for key, pair in texts.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice ({name})")
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
    return text.format(**{name: _filled(value) for name, value in values.items()})


_AS_IS = (int, float, decimal.Decimal, dt.date, dt.time, dt.timedelta)  # their format specs ({n:,}) kept


def _filled(value: object) -> object:
    """A value as ``t`` fills it in: numbers and dates as they are, anything else (a
    string, a path, an exception, a name's object) as its text shown by the rule."""
    if value is None or isinstance(value, _AS_IS):
        return value
    return visible(value if isinstance(value, str) else str(value), LINES)


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
