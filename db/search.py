"""Lookup keys (and, with the lookup issue, the queries over them).

Design.md's measured facts: a B-tree prefix range on an indexed key costs hundredths of a
millisecond where a ``LIKE '%x%'`` scan costs tens; tails need a reversed copy, indexed.
So every searchable value is stored again as a normalised key: upper case, no spaces or
separators; reversed for plates, VINs and mobiles (whose tails people type).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from db.validate import normalise

_SEPARATORS = re.compile(r"[\s·•・.\-_]")


def compact_key(value: object) -> str:
    """Upper case, spaces and separators dropped, full-width folded."""
    return _SEPARATORS.sub("", normalise(value)).upper()


def reverse_key(value: object) -> str:
    return compact_key(value)[::-1]


# Surnames read differently from the same character in ordinary words.
SURNAME_READINGS = {
    "长孙": ["zhang", "sun"], "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"],
    "单": ["shan"], "曾": ["zeng"], "解": ["xie"], "仇": ["qiu"], "朴": ["piao"],
    "区": ["ou"], "查": ["zha"], "盖": ["ge"], "乐": ["yue"], "缪": ["miao"],
    "覃": ["qin"], "翟": ["zhai"], "召": ["shao"], "种": ["chong"], "秘": ["bi"],
    "繁": ["po"], "黑": ["he"], "瞿": ["qu"], "员": ["yun"], "句": ["gou"],
}
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case: 张伟 -> ("zhangwei", "zw").

    Names repeat a great deal, so results are cached. Heteronym surnames use their
    surname reading (单 shan, 曾 zeng); Latin words count as one syllable each.
    """
    from pypinyin import lazy_pinyin

    cleaned = normalise(name)
    if not cleaned:
        return "", ""
    syllables: list[str] = []
    rest = cleaned
    for surname, reading in SURNAME_READINGS.items():
        if cleaned.startswith(surname):
            syllables.extend(reading)
            rest = cleaned[len(surname):]
            break
    for part in lazy_pinyin(rest, errors=lambda chars: _LATIN_WORD.findall(chars)):
        syllables.extend(_LATIN_WORD.findall(part.lower()))
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return full, initials


@dataclass(frozen=True)
class CustomerKeys:
    name_key: str
    pinyin_full: str | None
    pinyin_initials: str | None
    mobile_rev: str | None
    employer_key: str | None

    def as_dict(self) -> dict[str, str | None]:
        return dict(self.__dict__)


def customer_keys(name: str, mobile: str | None, employer: str | None) -> CustomerKeys:
    full, initials = pinyin_keys(name or "")
    return CustomerKeys(
        name_key=compact_key(name),
        pinyin_full=full or None,
        pinyin_initials=initials or None,
        mobile_rev=mobile[::-1] if mobile else None,
        employer_key=compact_key(employer) or None if employer else None,
    )


def vehicle_keys(vin: str, plate: str | None) -> dict[str, str | None]:
    return {"vin_rev": vin[::-1], "plate_rev": plate[::-1] if plate else None}


def prospect_keys(name: str, mobile: str | None) -> dict[str, str | None]:
    return {"name_key": compact_key(name), "mobile_rev": mobile[::-1] if mobile else None}
