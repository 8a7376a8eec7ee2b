"""Lookup keys (and, with the lookup issue, the queries over them).

Design.md's measured facts: a B-tree prefix range on an indexed key costs hundredths of a
millisecond where a ``LIKE '%x%'`` scan costs tens; tails need a reversed copy, indexed.
So every searchable value is stored again as a normalised key: upper case, no spaces or
separators; reversed for plates, VINs and mobiles (whose tails people type).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

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
    "繁": ["po"], "黑": ["he"], "瞿": ["qu"], "员": ["yun"], "句": ["gou"], "卜": ["bu"],
    "薄": ["bo"], "折": ["she"], "都": ["du"], "重": ["chong"], "藏": ["zang"],
}
# A surname's other common reading where it is not the character's ordinary one (which
# ``pinyin_readings`` takes otherwise): 尉迟 typed weichi, 万俟 wanqi, 缪 miu.
SURNAME_ALT_READINGS = {
    "尉迟": ["wei", "chi"], "万俟": ["wan", "qi"], "长孙": ["chang", "sun"], "缪": ["miu"],
}
# Characters read one way in names wherever they stand (卜 in 阿卜杜 is bu, not bo).
NAME_READINGS = {"卜": "bu"}
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case: 张伟 -> ("zhangwei", "zw").

    Names repeat a great deal, so results are cached. Heteronym surnames use their
    surname reading (单 shan, 曾 zeng); Latin words count as one syllable each.
    ``pinyin_readings`` adds the second common reading.
    """
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
    syllables.extend(_syllables(rest, names=True))
    return _spelled(syllables)


def _spelled(syllables: list[str]) -> tuple[str, str]:
    return "".join(syllables), "".join(s[0] for s in syllables)


def _syllables(text: str, names: bool) -> list[str]:
    # Here, not at the top: pypinyin loads its dictionaries on import, which only a
    # lookup or a key to build needs, never the start of the program.
    from pypinyin import lazy_pinyin

    syllables: list[str] = []
    for char in lazy_pinyin(text, errors=lambda chars: _LATIN_WORD.findall(chars)):
        syllables.extend(_LATIN_WORD.findall(char.lower()))
    if names and any(c in NAME_READINGS for c in text):
        # one syllable per character where the text is all Chinese (the usual name)
        if len(syllables) == len(text):
            syllables = [NAME_READINGS.get(c, s) for c, s in zip(text, syllables)]
    return syllables


def fold_u(spelled: str) -> str:
    """ü as people type it either way: lv and lu, nv and nu (stored and asked folded)."""
    return spelled.replace("v", "u")


@lru_cache(maxsize=65536)
def pinyin_readings(name: str) -> tuple[tuple[str, str], tuple[str, str] | None]:
    """(the name's pinyin and initials, its second common reading or None).

    The first reads a heteronym surname as a surname (乐 yue, 覃 qin, 单 shan) and 卜 as
    bu; the second as the character is ordinarily read (乐 le, 覃 tan, 卜 bo), which is
    how many people spell it, with ü folded to u (吕 lu as well as lv): its full
    spelling is stored and asked folded (``fold_u``), its initials as they are."""
    first = pinyin_keys(name)
    cleaned = normalise(name)
    if not cleaned:
        return first, None
    surname = next((s for s in SURNAME_ALT_READINGS if cleaned.startswith(s)), None)
    if surname:
        plain = _spelled([*SURNAME_ALT_READINGS[surname], *_syllables(cleaned[len(surname):], names=True)])
    elif not any(cleaned.startswith(s) for s in SURNAME_READINGS) and not any(c in NAME_READINGS for c in cleaned):
        plain = first  # read as the first already (no surname or character read apart): pypinyin once, not twice
    else:
        plain = _spelled(_syllables(cleaned, names=False))
    alt_full = fold_u(plain[0])
    if alt_full == fold_u(first[0]) and "v" not in first[0]:
        return first, None
    return first, (alt_full, plain[1])


@dataclass(frozen=True)
class CustomerKeys:
    name_key: str
    pinyin_full: str | None
    pinyin_initials: str | None
    mobile_rev: str | None
    employer_key: str | None
    pinyin_alt: str | None = None
    pinyin_alt_initials: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return dict(self.__dict__)


def customer_keys(name: str, mobile: str | None, employer: str | None) -> CustomerKeys:
    (full, initials), alt = pinyin_readings(name or "")
    return CustomerKeys(
        name_key=compact_key(name),
        pinyin_full=full or None,
        pinyin_initials=initials or None,
        mobile_rev=mobile[::-1] if mobile else None,
        employer_key=compact_key(employer) or None if employer else None,
        pinyin_alt=alt[0] if alt else None,
        pinyin_alt_initials=alt[1] if alt and alt[1] != initials else None,
    )


def vehicle_keys(vin: str, plate: str | None) -> dict[str, str | None]:
    return {"vin_rev": vin[::-1], "plate_rev": plate[::-1] if plate else None}


def prospect_keys(name: str, mobile: str | None) -> dict[str, str | None]:
    return {"name_key": compact_key(name), "mobile_rev": mobile[::-1] if mobile else None}


# ====================================================================== queries
#
# One typed text may be several kinds of value at once ("12345" is a plate tail, a
# mobile tail and a work-order prefix), so ``search`` asks every key that could hold it,
# each a B-tree prefix range ``key >= p AND key < p || U+10FFFF`` on its own index (the
# whole value is the start of its own range, so one range per key serves exact and
# prefix alike), all in ONE statement (``UNION ALL`` of small ordered, limited parts),
# and merges the rows by rank in Python. User text only ever reaches SQL as a bound
# parameter in a comparison, never in LIKE: ``%``, ``_`` and quotes are plain characters.
#
# The statements are plain text with the simplest shapes, the same on SQLite and on
# PostgreSQL (where the key columns are ``COLLATE "C"``, migration 0002, so a range is a
# prefix there too). Building them with the ORM cost ten times the queries themselves.

import datetime as dt  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

from db.masking import mask_mobile  # noqa: E402
from db.models import database_proxy

TOP = "\U0010FFFF"  # sorts after every character in a key (binary / "C" collation)
MIN_PLATE_TAIL = 3
MAX_PLATE = 8  # province, office letter and six (db.validate.plate's longest form)
# Every plate form (db.validate.plate) has a letter within its last six characters (the
# office letter, or the D / F of a new-energy plate), so six digits or more in a row are a
# mobile or VIN tail, never a plate's: that range is not asked. (An embassy plate, 使 and
# six digits, is found whole or by a tail of five.)
MAX_DIGITS_PLATE_TAIL = 5
MIN_MOBILE_TAIL = 4
MIN_VIN_TAIL = 6
MIN_WORK_ORDER = 3
MIN_EMPLOYER = 2  # one character would match a good part of the station

# Rank of each kind of match (lower is better): an exact identifier first.
RANKS = {
    "exact_plate": 0, "vin": 0,
    "work_order": 1, "mobile": 1,
    "name_exact": 2,
    "plate_tail": 3, "vin_tail": 3,
    "mobile_tail": 4, "pinyin_exact": 4, "initials_exact": 4,
    "name": 5, "work_order_prefix": 5,
    "pinyin": 6, "initials": 6,
    "employer": 7,
}
# What a Hit reports (exact and prefix variants share a name).
_REPORTED = {"name_exact": "name", "pinyin_exact": "pinyin", "initials_exact": "initials",
             "work_order_prefix": "work_order", "mobile": "mobile_tail"}
_PLATE_CHARS = set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼挂学警港澳领试超使应急")


@dataclass(slots=True)
class Hit:
    """One result row: a customer and one of their vehicles (or none)."""

    customer_id: int
    name: str
    mobile_masked: str
    plate: str | None
    vin: str | None
    vehicle_id: int | None
    last_visit: dt.date | None
    match: str  # exact_plate, plate_tail, vin, vin_tail, mobile_tail, name, pinyin, initials, work_order, employer
    rank: int
    # Its place in the ranking: (rank, source, key, the source's order columns).
    order: tuple = field(default=(), compare=False, repr=False)

    def as_json(self) -> dict[str, object]:
        """The shell's ``find --json`` object."""
        return {
            "customer_id": self.customer_id, "name": self.name, "mobile": self.mobile_masked,
            "plate": self.plate, "vin": self.vin, "vehicle_id": self.vehicle_id,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "match": self.match, "rank": self.rank,
        }


class After(NamedTuple):
    """Where the next page starts: right after the last row shown, whatever was created
    or left the range since (``search(..., after=page.next)``)."""

    order: tuple  # the last row's place in the ranking (Hit.order)
    shown: int  # rows shown up to it: the next read asks for that many more at once


@dataclass(slots=True)
class Page:
    hits: list[Hit]
    has_more: bool
    next: After | None = None  # pass as ``after`` for the page after this one


def clean_query(query: object) -> str:
    """The typed text without control characters; NFKC, spaces collapsed."""
    text = str(query or "")
    if not text.isprintable():  # rare: drop control and format characters one by one
        text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    return normalise(text)


# ---------------------------------------------------------------- the statement's parts

_COLUMNS = ("c.id AS cid, c.name AS cname, c.mobile AS cmobile, v.plate AS vplate, v.vin AS vvin, "
            "v.id AS vid, v.last_visit_date AS vlast")
# table part, the order after the key: {key} is the indexed key of the range
_BY_VEHICLE = ("FROM vehicle v JOIN customer c ON c.id = v.owner_id", "v.id")
_BY_CUSTOMER = ("FROM customer c LEFT JOIN vehicle v ON v.owner_id = c.id", "c.id, v.id")
_BY_VISIT = ("FROM visit w JOIN customer c ON c.id = w.customer_id JOIN vehicle v ON v.id = w.vehicle_id",
             "w.id")
# A row's place after its key, as each part's ORDER BY puts it (a work-order number is
# unique, so its key alone orders the visits' rows). A missing vehicle sorts first here,
# as on SQLite; on PostgreSQL last, but a customer's rows are all without a vehicle (one
# row) or all with one, so the order within a customer is the same. Plain functions:
# this runs for every row of every lookup.
_ORDER_AFTER_KEY: dict[tuple[str, str], Callable[[tuple], tuple]] = {
    _BY_VEHICLE: lambda row: (row[7] or 0,),
    _BY_CUSTOMER: lambda row: (row[2], row[7] or 0),
    _BY_VISIT: lambda row: (),
}


class Source(NamedTuple):
    """One key's prefix range, and how its rows rank (exact value or mere prefix).

    A named tuple: a query builds a few of these, and a frozen dataclass's slower
    construction showed in the lookup's per-query cost."""

    tables: tuple[str, str]  # (FROM … JOIN …, order after the key)
    column: str  # the indexed key, e.g. "v.plate_rev"
    prefix: str  # the range's start
    classify: Callable[[str, tuple], str]  # (key of the row, row) -> kind in RANKS
    best: str  # the best kind this source can give (its exact kind)

    @property
    def shape(self) -> tuple[tuple[str, str], str]:
        """What the statement's text depends on (the values go as parameters)."""
        return self.tables, self.column

    def params(self, limit: int) -> tuple:
        return (self.prefix, self.prefix + TOP, limit)


def _part(shape: tuple[tuple[str, str], str], param: str, number: int) -> str:
    (joins, order), column = shape
    # Live archives written so that no index serves it (as segments.live_customer):
    # nearly every archive is live, yet SQLite, with sampled statistics or none, took
    # "merged_into_id IS NULL" for the selective term and walked the merged_into index
    # over every customer (about a second a key range at 1,000,000 customers).
    return (f"SELECT * FROM (SELECT {number} AS src, {column} AS k, {_COLUMNS} {joins} "
            f"WHERE {column} >= {param} AND {column} < {param} "
            f"AND COALESCE(c.merged_into_id, 0) = 0 "
            f"ORDER BY {column}, {order} LIMIT {param}) s{number}")


@lru_cache(maxsize=256)
def _statement(shapes: tuple[tuple[tuple[str, str], str], ...], param: str) -> str:
    """The UNION ALL of the sources' ranges; a typed text has a handful of possible shapes,
    so the text is built once per shape (building it cost as much as running it)."""
    return " UNION ALL ".join(_part(shape, param, number) for number, shape in enumerate(shapes))


def _exact_or(exact: str, prefix: str, value: str) -> Callable[[str, tuple], str]:
    return lambda key, row: exact if key == value else prefix


def _sources(text: str) -> Iterator[Source]:
    """Every key range that could hold ``text``."""
    key = compact_key(text)
    if not key:
        return
    ascii_alnum = key.isascii() and key.isalnum()
    # plates: the whole plate, or any tail of 3+, with or without the province character;
    # a whole plate typed without its province ranks as exact (one CJK character short)
    if (MIN_PLATE_TAIL <= len(key) <= MAX_PLATE
            and not (key.isdigit() and len(key) > MAX_DIGITS_PLATE_TAIL)
            and all(c.isascii() and c.isalnum() or c in _PLATE_CHARS for c in key)):
        def plate_kind(_: str, row: tuple, key: str = key) -> str:
            plate = row[5] or ""
            whole = plate == key or (key.isascii() and plate[1:] == key)
            return "exact_plate" if whole else "plate_tail"

        yield Source(_BY_VEHICLE, "v.plate_rev", key[::-1], plate_kind, "exact_plate")
    # VINs: the whole VIN or its last 6+ characters
    if ascii_alnum and MIN_VIN_TAIL <= len(key) <= 17:
        yield Source(_BY_VEHICLE, "v.vin_rev", key[::-1],
                     lambda _, row, key=key: "vin" if row[6] == key else "vin_tail", "vin")
    # mobiles: the last 4+ digits; a whole number (+86 allowed) ranks as exact
    digits = key[3:] if key.startswith("+86") else key
    if digits.isascii() and digits.isdigit() and len(digits) >= MIN_MOBILE_TAIL:
        yield Source(_BY_CUSTOMER, "c.mobile_rev", digits[::-1],
                     lambda _, row, d=digits: "mobile" if row[4] == d else "mobile_tail",
                     "mobile" if len(digits) == 11 else "mobile_tail")
    # work orders: as printed (separators kept), exact or prefix; they carry digits
    order_no = "".join(text.split()).upper()
    code_like = key.isascii() and any(c.isdigit() for c in key)  # a plate tail, a mobile, …
    if len(order_no) >= MIN_WORK_ORDER and code_like:
        yield Source(_BY_VISIT, "w.work_order_no", order_no,
                     _exact_or("work_order", "work_order_prefix", order_no), "work_order")
    if code_like:
        return  # Latin letters with digits: a code, never a person's or employer's name
    # names: the compact name, exact or prefix
    yield Source(_BY_CUSTOMER, "c.name_key", key, _exact_or("name_exact", "name", key), "name_exact")
    # pinyin: full spelling or initials, lower case letters only
    spelled = key.lower()
    if spelled.isascii() and spelled.isalpha():
        yield Source(_BY_CUSTOMER, "c.pinyin_full", spelled,
                     _exact_or("pinyin_exact", "pinyin", spelled), "pinyin_exact")
        yield Source(_BY_CUSTOMER, "c.pinyin_initials", spelled,
                     _exact_or("initials_exact", "initials", spelled), "initials_exact")
        # the name's second reading (乐 le, 覃 tan, ü typed u): few archives have one
        folded = fold_u(spelled)
        yield Source(_BY_CUSTOMER, "c.pinyin_alt", folded,
                     _exact_or("pinyin_exact", "pinyin", folded), "pinyin_exact")
        yield Source(_BY_CUSTOMER, "c.pinyin_alt_initials", spelled,
                     _exact_or("initials_exact", "initials", spelled), "initials_exact")
    # employer: the start of the compact name
    if len(key) >= MIN_EMPLOYER:
        yield Source(_BY_CUSTOMER, "c.employer_key", key, lambda _, row: "employer", "employer")


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])  # SQLite hands dates back as text


def _statement_for(sources: list[Source], limit: int, param: str) -> tuple[str, list]:
    params: list = []
    for source in sources:
        params.extend(source.params(limit))
    return _statement(tuple(source.shape for source in sources), param), params


def statement(query: str, *, limit: int = 20, param: str = "?") -> tuple[str, list] | None:
    """The SQL and parameters ``search(query, limit=limit)`` runs first (None: nothing to
    ask), for a benchmark to run the very same statement through the driver alone."""
    sources = list(_sources(clean_query(query)))
    return _statement_for(sources, max(1, int(limit)) + 1, param) if sources else None


def _fetch(sources: list[Source], limit: int) -> list[tuple]:
    """Every source's first ``limit`` rows, in one statement."""
    database = database_proxy.obj
    return database.execute_sql(*_statement_for(sources, limit, database.param)).fetchall()


def search(query: str, *, limit: int = 20, offset: int = 0, after: After | None = None) -> Page:
    """One page of results for what an advisor typed, best first, and whether more follow.

    ``after`` (the previous page's ``next``) continues right after the last row shown:
    the query runs afresh, so a page cut at an offset moved when archives were created
    or left the range in between (a row twice, or one never shown)."""
    sources = list(_sources(clean_query(query)))
    limit, offset = max(1, int(limit)), max(0, int(offset))
    if not sources:
        return Page([], False, after)
    batch = (after.shown if after else 0) + offset + limit + 1  # one more: is there a next page?
    while True:
        rows = _fetch(sources, batch)
        hits, known_to = _merge(sources, rows, batch)
        if known_to is not None:  # a source was cut: only the rows before its cut are sure
            hits = [hit for hit in hits if hit.order <= known_to]
        if after is not None:
            hits = [hit for hit in hits if hit.order > after.order]
        if known_to is None or len(hits) > offset + limit:
            break
        # Too few sure rows (one car's many work orders filled a source): read further.
        batch *= 4
    page = hits[offset:offset + limit]
    shown = (after.shown if after else 0) + offset + len(page)
    return Page(page, len(hits) > offset + limit, After(page[-1].order, shown) if page else after)


def _first(item: tuple) -> object:
    return item[0]


def _merge(sources: list[Source], rows: list[tuple], batch: int) -> tuple[list[Hit], tuple | None]:
    """Rows ranked and made unique per (customer, vehicle), each pair at its best place;
    and up to which place that list is sure (None: every row was read).

    A source cut at ``batch`` rows holds back only rows that come after its last one in
    its own order, and so in the ranking (rank never falls along a source's key order: the
    exact value is the range's first key. Plates are the one exception in principle: an
    exact plate typed without its province sorts after tails sharing its last six
    characters, which no page's worth of plates do)."""
    ranked = []
    for row in rows:
        number, key = row[0], row[1]
        source = sources[number]
        kind = source.classify(key, row)
        ranked.append(((RANKS[kind], number, key) + _ORDER_AFTER_KEY[source.tables](row), kind, row))
    bounds = []
    if len(rows) >= batch:  # only then can a source have been cut
        cut: dict[int, tuple] = {}
        counts: dict[int, int] = {}
        for order, _, row in ranked:
            number = row[0]
            counts[number] = counts.get(number, 0) + 1
            cut[number] = max(cut.get(number, order), order)
        bounds = [cut[number] for number, count in counts.items() if count >= batch]
    ranked.sort(key=_first)
    seen: set = set()
    hits = []
    for order, kind, row in ranked:
        _, _, cid, name, mobile, plate, vin, vid, last = row
        if (cid, vid) in seen:
            continue
        seen.add((cid, vid))
        hits.append(Hit(cid, name, mask_mobile(mobile), plate, vin, vid, _as_date(last),
                        _REPORTED.get(kind, kind), order[0], order))
    return hits, min(bounds) if bounds else None


def find(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """The hits of one page (see ``search`` for whether more follow)."""
    return search(query, limit=limit, offset=offset).hits
