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


# ====================================================================== queries
#
# One typed text may be several kinds of value at once ("12345" is a plate tail, a
# mobile tail and a work-order prefix), so ``find`` asks every key that could hold it,
# each a B-tree prefix range ``key >= p AND key < p || U+10FFFF`` on its own index, and
# merges the answers by rank. User text only ever reaches SQL as a bound parameter in a
# comparison, never in LIKE, so ``%``, ``_`` and quotes are ordinary characters.

import datetime as dt  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

from peewee import JOIN  # noqa: E402

from db.masking import mask_mobile  # noqa: E402

TOP = "\U0010FFFF"  # sorts after every character in a key (binary / "C" collation)
CJK = "\u4e00"  # the first common CJK ideograph: province characters sort at or after it
MIN_PLATE_TAIL = 3
MIN_MOBILE_TAIL = 4
MIN_VIN_TAIL = 6

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
_PLATE_EXTRA = set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼挂学警港澳领试超")


@dataclass(frozen=True)
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

    def as_json(self) -> dict[str, object]:
        """The shell's ``find --json`` object."""
        return {
            "customer_id": self.customer_id, "name": self.name, "mobile": self.mobile_masked,
            "plate": self.plate, "vin": self.vin, "vehicle_id": self.vehicle_id,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "match": self.match, "rank": self.rank,
        }


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    has_more: bool


def clean_query(query: object) -> str:
    """The typed text without control characters; NFKC, spaces collapsed."""
    text = "".join(c for c in str(query or "") if not unicodedata.category(c).startswith("C"))
    return normalise(text)


def _range(field, prefix: str):
    """``field`` starts with ``prefix``: an index range, never LIKE."""
    return (field >= prefix) & (field < prefix + TOP)


# A source yields (match kind, query) pairs; the query returns rows of
# (customer_id, name, mobile, plate, vin, vehicle_id, last_visit_date, exact?).


def _customer_rows(where, order):
    """Customers matching ``where`` with each current vehicle (or none), in ``order``."""
    from db.models import Customer, Vehicle

    return (Customer
            .select(Customer.id, Customer.name, Customer.mobile, Vehicle.plate, Vehicle.vin,
                    Vehicle.id, Vehicle.last_visit_date)
            .join(Vehicle, join_type=JOIN.LEFT_OUTER, on=(Vehicle.owner == Customer.id))
            .where(where & Customer.merged_into.is_null())
            .order_by(order, Customer.id, Vehicle.id))


def _vehicle_rows(where, order):
    """Vehicles matching ``where`` with their current owner, in ``order``."""
    from db.models import Customer, Vehicle

    return (Vehicle
            .select(Customer.id, Customer.name, Customer.mobile, Vehicle.plate, Vehicle.vin,
                    Vehicle.id, Vehicle.last_visit_date)
            .join(Customer, on=(Vehicle.owner == Customer.id))
            .where(where & Customer.merged_into.is_null())
            .order_by(order, Vehicle.id))


def _visit_rows(where, order):
    """Work orders matching ``where``: the customer who brought the car, and the car."""
    from db.models import Customer, Vehicle, Visit

    return (Visit
            .select(Customer.id, Customer.name, Customer.mobile, Vehicle.plate, Vehicle.vin,
                    Vehicle.id, Vehicle.last_visit_date)
            .join(Customer, on=(Visit.customer == Customer.id))
            .switch(Visit)
            .join(Vehicle, on=(Visit.vehicle == Vehicle.id))
            .where(where & Customer.merged_into.is_null())
            .order_by(order, Visit.id))


def _exact_or_prefix(field, value: str, exact_kind: str, prefix_kind: str, rows):
    """Two sources: the key equal to ``value``, then the key merely starting with it."""
    yield exact_kind, rows(field == value, field)
    yield prefix_kind, rows(_range(field, value) & (field != value), field)


def _sources(text: str) -> Iterator[tuple[str, object]]:
    """Every (kind, query) that could hold ``text``, best kinds first."""
    from db.models import Customer, Vehicle, Visit

    key = compact_key(text)
    if not key:
        return
    ascii_alnum = key.isascii() and key.isalnum()
    # plates: whole, or any tail of 3+ with or without the province character
    if len(key) >= MIN_PLATE_TAIL and all(c.isascii() and c.isalnum() or c in _PLATE_EXTRA for c in key):
        yield "exact_plate", _vehicle_rows(Vehicle.plate == key, Vehicle.plate)
        rev = key[::-1]
        if key.isascii():
            # The whole plate typed without its province: the reversed key is followed
            # by one CJK character (every province sorts at or after U+4E00).
            yield "exact_plate", _vehicle_rows((Vehicle.plate_rev >= rev + CJK) & (Vehicle.plate_rev < rev + TOP),
                                               Vehicle.plate_rev)
        yield "plate_tail", _vehicle_rows(_range(Vehicle.plate_rev, rev) & (Vehicle.plate != key),
                                          Vehicle.plate_rev)
    # VINs: whole (17) or the last 6–16 characters
    if ascii_alnum and len(key) == 17:
        yield "vin", _vehicle_rows(Vehicle.vin == key, Vehicle.vin)
    if ascii_alnum and MIN_VIN_TAIL <= len(key) < 17:
        yield "vin_tail", _vehicle_rows(_range(Vehicle.vin_rev, key[::-1]), Vehicle.vin_rev)
    # mobiles: the last 4+ digits (+86 allowed on a whole number)
    digits = key[3:] if key.startswith("+86") else key
    if digits.isdigit() and digits.isascii() and len(digits) >= MIN_MOBILE_TAIL:
        if len(digits) == 11:
            yield "mobile", _customer_rows(Customer.mobile == digits, Customer.mobile)
        else:
            yield "mobile_tail", _customer_rows(_range(Customer.mobile_rev, digits[::-1]),
                                                Customer.mobile_rev)
    # work orders: exact or prefix, as printed (separators kept)
    order_no = "".join(text.split()).upper()
    if len(order_no) >= 3:
        yield from _exact_or_prefix(Visit.work_order_no, order_no, "work_order", "work_order_prefix",
                                    _visit_rows)
    # names: exact or prefix of the compact name
    yield from _exact_or_prefix(Customer.name_key, key, "name_exact", "name", _customer_rows)
    # pinyin: full spelling or initials, lower case letters only
    spelled = key.lower()
    if spelled.isascii() and spelled.isalpha():
        yield from _exact_or_prefix(Customer.pinyin_full, spelled, "pinyin_exact", "pinyin",
                                    _customer_rows)
        yield from _exact_or_prefix(Customer.pinyin_initials, spelled, "initials_exact", "initials",
                                    _customer_rows)
    # employer: prefix of the compact name (2+ characters, or every customer would match)
    if len(key) >= 2:
        yield "employer", _customer_rows(_range(Customer.employer_key, key), Customer.employer_key)


# The kinds a Hit reports (exact and prefix variants share a name).
_REPORTED = {"name_exact": "name", "pinyin_exact": "pinyin", "initials_exact": "initials",
             "work_order_prefix": "work_order", "mobile": "mobile_tail"}


def search(query: str, *, limit: int = 20, offset: int = 0) -> Page:
    """One page of results for what an advisor typed, best first, and whether more follow."""
    text = clean_query(query)
    limit = max(1, int(limit))
    offset = max(0, int(offset))
    sources = [(RANKS[kind], n, kind, q) for n, (kind, q) in enumerate(_sources(text))]
    sources.sort(key=lambda s: (s[0], s[1]))
    need = offset + limit + 1
    merged: dict[tuple[int, int | None], Hit] = {}
    for rank, _, kind, q in sources:
        if len(merged) >= need:
            break
        _take(q, kind, rank, need, merged)
    hits = list(merged.values())
    return Page(hits[offset:offset + limit], len(hits) > offset + limit)


def _take(q, kind: str, rank: int, need: int, merged: dict) -> None:
    """Add rows of one source until ``need`` distinct (customer, vehicle) pairs are known."""
    batch = need
    start = 0
    while len(merged) < need:
        rows = list(q.limit(batch).offset(start).tuples())
        for cid, name, mobile, plate, vin, vid, last in rows:
            pair = (cid, vid)
            if pair not in merged:
                merged[pair] = Hit(cid, name, mask_mobile(mobile), plate, vin, vid, last,
                                   _REPORTED.get(kind, kind), rank)
        if len(rows) < batch:
            return
        # Repeated pairs (one car's several work orders) used up the batch: read on.
        start += batch
        batch *= 2


def find(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """The hits of one page (see ``search`` for whether more follow)."""
    return search(query, limit=limit, offset=offset).hits
