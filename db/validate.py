"""Identifiers and values an advisor types: each function returns the normalised value
or raises ``Invalid`` with a message in the interface language.

Normalisation first (trim, full-width to half-width, upper case, separators dropped),
then the rules of domain.md: VIN (ISO 3779 check digit, binding for China and North America), plate, mobile (current number
plan), ID number (GB 11643, ISO 7064 MOD 11-2), plus dates, money and mileage.
"""

from __future__ import annotations

import datetime as dt
import re
from operator import mul
import unicodedata
from functools import partial
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from db import clock
from db.errors import Invalid, Unconfirmed
from db.lazy_pattern import LazyPattern
from db.i18n import listing, t

# ---------------------------------------------------------------- normalising


def normalise(text: object) -> str:
    """NFKC (full-width to half-width), trimmed, inner spaces kept."""
    if text is None:
        return ""
    value = str(text)
    if not value.isascii():  # ASCII is its own NFKC form
        value = unicodedata.normalize("NFKC", value)
    # NFKC leaves the ideographic space alone in some inputs; treat every space alike.
    return " ".join(value.split())


# Characters that show as nothing: zero-width space, non-joiner and joiner, word joiner,
# soft hyphen and a BOM inside a cell (a sheet pasted from a web page or Word). They are
# dropped from identifiers and names where they arrive, not refused as control characters.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def drop_invisible(text: str) -> str:
    return text if text.isascii() else text.translate(INVISIBLE)


def as_written(text: object) -> str:
    """Free text as the advisor wrote it: trimmed, runs of spaces and line breaks made one
    space, nothing else changed (保养，左前轮 and （ ） stay; only identifiers go through
    ``normalise``). NFC only, which changes no character's look."""
    if text is None:
        return ""
    value = str(text)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


def _compact(text: object) -> str:
    return "".join(normalise(text).split()).upper()


# ---------------------------------------------------------------- VIN

VIN_LETTERS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q
_TRANSLIT = {**{str(d): d for d in range(10)},
             **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
             "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

# World manufacturer identifiers seen on Chinese-market cars: a hint for the advisor only.
WMI_BRANDS = {
    "LFV": "一汽-大众", "LSV": "上汽大众", "LSG": "上汽通用", "LSJ": "上汽乘用车",
    "LZW": "上汽通用五菱", "LVS": "长安福特", "LS5": "长安汽车", "LVR": "长安马自达",
    "LHG": "广汽本田", "LVH": "东风本田", "LVG": "广汽丰田", "LFM": "一汽丰田",
    "LBV": "华晨宝马", "LE4": "北京奔驰", "LFP": "一汽轿车", "LFB": "一汽红旗",
    "LGB": "东风日产", "LDC": "神龙汽车", "LJD": "东风悦达起亚", "LBE": "北京现代",
    "LGX": "比亚迪", "LC0": "比亚迪", "LB3": "吉利汽车", "L6T": "吉利汽车",
    "LRW": "特斯拉（上海）", "LVV": "奇瑞汽车", "LGW": "长城汽车", "LNB": "北京汽车",
    "LGA": "东风汽车", "LFZ": "一汽奥迪", "LWV": "广汽菲克", "LUR": "长安沃尔沃",
    "LYV": "沃尔沃亚太", "LMG": "广汽传祺", "LNP": "蔚来", "LRB": "上汽通用别克",
}


def vin_check_char(vin17: str) -> str:
    """The check character (position 9) for a 17-character VIN."""
    total = sum(map(mul, map(_TRANSLIT.__getitem__, vin17[:17]), _WEIGHTS))  # in C: twice a row at import
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def vin(text: object, check_digit: bool = True) -> str:
    value = drop_invisible(_compact(text)).replace("-", "")
    if not value:
        raise Invalid(t("validate.vin.empty"), "vin")
    # The length first: a cell holding something else entirely ("BADVIN", a name) is
    # not a VIN with a wrong letter, and the letters' message would send one looking for it.
    if len(value) != 17:
        raise Invalid(t("validate.vin.length", n=len(value)), "vin")
    bad = sorted({c for c in value if c in "IOQ"})
    if bad:
        like = t("validate.vin.looks_like_separator").join(
            t("validate.vin.looks_like", letter=c, digit="1" if c == "I" else "0") for c in bad)
        raise Invalid(t("validate.vin.ioq", chars=listing(bad), like=like), "vin")
    other = [c for c in value if c not in VIN_LETTERS]
    if other:
        raise Invalid(t("validate.vin.chars", chars="".join(dict.fromkeys(other))), "vin")
    if check_digit:
        expected = vin_check_char(value)
        if value[8] != expected:
            if vin_check_binds(value):
                raise Invalid(t("validate.vin.check", got=value[8], expected=expected), "vin")
            raise Unconfirmed(t("validate.vin.check_unbound", got=value[8], expected=expected), "vin", value)
    return value


# Position 9 is a check character by rule for cars made for China (GB 16735: world maker
# codes beginning with L) and North America (1-5). Elsewhere (a European parallel import,
# WVWZZZ…) it may be any character: a failed check is asked at the desk, not refused.
_CHECK_BINDING_REGIONS = "L12345"


def vin_check_binds(value: str) -> bool:
    """The check character of this (normalised) VIN must be right: China or North America."""
    return value[:1] in _CHECK_BINDING_REGIONS


def vin_unchecked(value: str) -> bool:
    """A (normalised, valid) VIN whose check character fails where it does not bind: a
    reception asks the advisor to confirm it, an import lists it as a warning."""
    return value[8] != vin_check_char(value)


def vin_as_found(text: object) -> str:
    """A VIN as a form or a stored record holds it: a parallel import's unchecked VIN is
    taken as it is (asked when saved, see ``vin_unchecked``); any other fault is refused."""
    try:
        return vin(text)
    except Unconfirmed as exc:
        return exc.value


def vin_brand(value: str) -> str | None:
    """The manufacturer for a (normalised) VIN, where its code is known."""
    return WMI_BRANDS.get(value[:3])


# ---------------------------------------------------------------- plate

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_CHAR = "A-HJ-NP-Z0-9"  # serials use no I or O
_SPECIAL_ENDINGS = "挂学警港澳领试超"
_PLATE_RULES = (
    # ordinary: office letter + 5
    LazyPattern(rf"^[{PROVINCES}][A-Z][{_PLATE_CHAR}]{{5}}$"),
    # new energy, small cars: D (electric) or F (hybrid) first, then a letter/digit, then 4 digits
    LazyPattern(rf"^[{PROVINCES}][A-Z][DF][{_PLATE_CHAR}][0-9]{{4}}$"),
    # new energy, large cars: 5 digits then D or F
    LazyPattern(rf"^[{PROVINCES}][A-Z][0-9]{{5}}[DF]$"),
    # trailer, coach, police, Hong Kong / Macau, consulate, test, over-size
    LazyPattern(rf"^[{PROVINCES}][A-Z][{_PLATE_CHAR}]{{4}}[{_SPECIAL_ENDINGS}]$"),
)
# embassy (使 and six digits: the mission's code and its number) and emergency plates
# (rescue and fire vehicles: 应急 after four characters)
_EMBASSY_PLATE = LazyPattern(r"^使[0-9]{6}$")
_EMERGENCY_PLATE = LazyPattern(rf"^[{PROVINCES}][A-Z][{_PLATE_CHAR}]{{4}}应急$")
_PLATE_SEPARATORS = LazyPattern(r"[\s·•・.\-_]")
# What a sheet or a clerk writes for a car without its plate yet: no plate, not a bad one.
NO_PLATE_WORDS = frozenset({"无", "新车", "未上牌", "暂无", "待上牌", "-", "/", "—", "——", "－",
                            "临牌", "临时牌照", "临时号牌", "无牌", "待办", "新车待上牌", "未挂牌"})


# What those words are made of: a cell without a digit (every plate has some) holding one
# of these, or nothing but marks (-, /, ——), or only a province and an office letter (京A:
# the city known, the plate not yet), means no plate yet: 暂未上牌, 无牌照, 在办, 上牌中, N/A.
_NO_PLATE_MARKS = frozenset("临无未待暂办没空缺否中")
_NO_PLATE_LATIN = frozenset({"NA", "N/A", "NONE", "NULL", "NIL", "TBD", "TEMP"})
_PROVINCE_ONLY = LazyPattern(rf"^[{PROVINCES}][A-Z]?$")


def no_plate(text: object) -> bool:
    """True for an empty cell or what a clerk writes for a car without its plate yet."""
    value = _PLATE_SEPARATORS.sub("", drop_invisible(normalise(text))).upper()
    if any(c.isdigit() for c in value):  # nearly every cell: a plate (no such word has a digit)
        return False
    if not value or value in NO_PLATE_WORDS or normalise(text) in NO_PLATE_WORDS:
        return True
    return (not any(c.isalnum() for c in value) or value in _NO_PLATE_LATIN
            or any(c in _NO_PLATE_MARKS for c in value) or bool(_PROVINCE_ONLY.match(value)))


def optional_plate(text: object) -> str | None:
    """A plate, or None for an empty cell or a word meaning "no plate yet" (临牌, 未上牌 …)."""
    if no_plate(text):
        return None
    return plate(text)


def plate(text: object) -> str:
    value = _PLATE_SEPARATORS.sub("", drop_invisible(normalise(text))).upper()
    if not value:
        raise Invalid(t("validate.plate.empty"), "plate")
    if _EMBASSY_PLATE.match(value) or _EMERGENCY_PLATE.match(value):
        return value
    if value[0] not in PROVINCES:
        raise Invalid(t("validate.plate.province", first=value[0]), "plate")
    if len(value) < 2 or not ("A" <= value[1] <= "Z"):
        raise Invalid(t("validate.plate.office"), "plate")
    body = value[2:]
    if len(body) not in (5, 6):
        raise Invalid(t("validate.plate.length", n=len(body)), "plate")
    if any(rule.match(value) for rule in _PLATE_RULES):
        return value
    if len(body) == 6:
        raise Invalid(t("validate.plate.new_energy"), "plate")
    if any(c in "IO" for c in body):
        raise Invalid(t("validate.plate.io"), "plate")
    raise Invalid(t("validate.plate.chars"), "plate")


# ---------------------------------------------------------------- mobile

# Mainland mobile prefixes in use (MIIT number plan): 13x, 14[5-9], 15x but 154,
# 16[2567], 17[0-8], 18x, 19x but 194. IoT-only ranges (140-144, 1064…) are not phones.
_MOBILE = LazyPattern(r"^1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$")


def mobile(text: object) -> str:
    value = re.sub(r"[\s\-()（）]", "", normalise(text))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value:
        raise Invalid(t("validate.mobile.empty"), "mobile")
    if not value.isdigit():
        raise Invalid(t("validate.mobile.digits"), "mobile")
    if len(value) != 11:
        raise Invalid(t("validate.mobile.length", n=len(value)), "mobile")
    if not value.startswith("1"):
        raise Invalid(t("validate.mobile.start"), "mobile")
    if not _MOBILE.match(value):
        raise Invalid(t("validate.mobile.prefix", prefix=value[:3]), "mobile")
    return value


_NOTE = LazyPattern(r"[(\[【〔]([^)\]】〕]*)[)\]】〕]")
_AREA_CODE = LazyPattern(r"^\s*0\d{2,3}\s*$")


def _bracketed(found: re.Match) -> str:
    """A bracket in a phone cell: an area code stays with its number ((010)62345678), a
    number in brackets is a number of its own, anything else (微信同号) a note."""
    inside = found.group(1)
    if _AREA_CODE.match(inside):
        return inside.strip() + "-"
    return f"/{inside}/" if any(c.isdigit() for c in inside) else "/"

_PHONE_PARTS = LazyPattern(r"[/、,;|]+")
_LANDLINE = LazyPattern(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")
_SERVICE_LINE = LazyPattern(r"^([48]00)-?(\d{3})-?(\d{4})$")
_LOCAL_LINE = LazyPattern(r"^[2-9]\d{6,7}$")


def landline(text: object) -> str:
    """A fixed-line number: 010-12345678 (area code, number, extension), 400-…, or a
    local number without its area code; ``Invalid`` otherwise."""
    value = re.sub(r"[\s()（）]", "", normalise(text)).replace("转", "-")
    if value.startswith("+86"):
        value = "0" + value[3:].lstrip("0")
    found = _LANDLINE.match(value) or _SERVICE_LINE.match(value)
    if found:
        return "-".join(g for g in found.groups() if g)
    if _LOCAL_LINE.match(value):
        return value
    raise Invalid(t("validate.phone.bad", text=value), "mobile")


def phones(text: object) -> tuple[list[str], list[str]]:
    """(mobiles, other numbers) written in one cell, in order: two numbers separated by
    /, 、 or a space, a note in brackets (微信同号), a landline. ``Invalid`` (the mobile's
    own message) for a part that is no number at all."""
    cleaned = _NOTE.sub(_bracketed, normalise(text))
    # words around the numbers (手机, 宅电, 微信同号 …) are notes too
    cleaned = re.sub(r"[^\d+\-\s/、,;|转()（）]+", "/", cleaned)
    found_mobiles: list[str] = []
    others: list[str] = []
    for part in _PHONE_PARTS.split(cleaned):
        part = part.strip()
        if not part:
            continue
        pieces = [part] if not any(c.isspace() for c in part) else [part, *part.split()]
        for i, piece in enumerate(pieces):
            try:
                found_mobiles.append(mobile(piece))
            except Invalid as exc:
                try:
                    others.append(landline(piece))
                except Invalid:
                    if i == 0 and len(pieces) > 1:
                        continue  # "13800138000 13900139000": each on its own
                    raise exc from None
            if i == 0:
                break
    return found_mobiles, others


# ---------------------------------------------------------------- ID number

# First two digits of region codes (provinces, plus 71 Taiwan, 81/82 HK/Macau, 83 for
# residence permits of Taiwan residents). Full six-digit codes are not checked: codes are
# retired when districts merge, yet IDs issued under them stay valid for life.
_ID_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
}
_PR_NOT_ISSUING = {"71", "81", "82", "83"}
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    total = sum(map(mul, map(int, first17[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_number(text: object, today: dt.date | None = None) -> str:
    value = _compact(text)
    if not value:
        raise Invalid(t("validate.id.empty"), "id_number")
    if len(value) == 15 and value.isdigit():
        raise Invalid(t("validate.id.old15"), "id_number")
    if len(value) != 18:
        raise Invalid(t("validate.id.length", n=len(value)), "id_number")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise Invalid(t("validate.id.chars"), "id_number")
    # The 2023 foreigners' permanent residence card: 9, the issuing province, the
    # nationality code, then birth date, sequence and check as on an ID card.
    region = value[1:3] if value[0] == "9" else value[:2]
    if region not in _ID_PROVINCES or (value[0] == "9" and region in _PR_NOT_ISSUING):
        raise Invalid(t("validate.id.region", code=value[:2]), "id_number")
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise Invalid(t("validate.id.birth_bad", text=value[6:14]), "id_number") from None
    if today is None:
        today = clock.today()
    if born > today or born.year < 1880:
        raise Invalid(t("validate.id.birth_range", date=born.isoformat()), "id_number")
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise Invalid(t("validate.id.check", got=value[17], expected=expected), "id_number")
    return value


# ---------------------------------------------------------------- organisations

# GB 32100 unified social credit code: registering authority, kind, six-digit region,
# nine-character organisation code, check character; 31 characters (no I, O, Z, S, V).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code(text: object) -> str:
    """An organisation's unified social credit code (统一社会信用代码, GB 32100)."""
    value = _compact(text)
    if not value:
        raise Invalid(t("validate.uscc.empty"), "id_number")
    if len(value) != 18:
        raise Invalid(t("validate.uscc.length", n=len(value)), "id_number")
    bad = [c for c in value if c not in CREDIT_CODE_CHARS]
    if bad:
        raise Invalid(t("validate.uscc.chars", chars="".join(dict.fromkeys(bad))), "id_number")
    if not value[2:8].isdigit():
        raise Invalid(t("validate.uscc.region"), "id_number")
    expected = credit_check_char(value[:17])
    if value[17] != expected:
        raise Invalid(t("validate.uscc.check", got=value[17], expected=expected), "id_number")
    return value


def identifier(text: object) -> str:
    """A customer's stored identifier: a person's ID number or an organisation's credit
    code (an archive's kind says which; the stored value alone tells them apart enough to
    check it). ``Invalid`` with the ID number's message when it is neither."""
    try:
        return id_number(text)
    except Invalid:
        if is_credit_code(text):
            return credit_code(text)
        raise


def is_credit_code(text: object) -> bool:
    try:
        credit_code(text)
    except Invalid:
        return False
    return True


@dataclass(frozen=True)
class IdFacts:
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str


def id_facts(value: str, *, checked: bool = False) -> IdFacts:
    """Birth date, sex (odd sequence = male) and region of a valid ID number.

    ``checked``: the value is ``id_number``'s own result, not checked again.
    """
    if not checked:
        value = id_number(value)
    born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    return IdFacts(born, "M" if int(value[16]) % 2 else "F", value[:6])


# ---------------------------------------------------------------- dates, money, mileage

_DATE_FORMS = (
    LazyPattern(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    LazyPattern(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    LazyPattern(r"^(\d{4})(\d{2})(\d{2})$"),
)


_DATE_TIME = LazyPattern(r"^(\S+?)(?:[ T]+)(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                         r"\s*(?:Z|[+-]\d{2}:?\d{2}|AM|PM)?$", re.IGNORECASE)


def date(text: object, field: str = "date") -> dt.date:
    """2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501 (or a date object)."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = "".join(normalise(text).split())
    if ":" in value:  # "2023-05-01 00:00:00", "2023-05-06T14:30:00" (a time left by Excel)
        found = _DATE_TIME.match(normalise(text))
        if found:
            value = found.group(1)
    if not value:
        raise Invalid(t("validate.date.empty"), field)
    for form in _DATE_FORMS:
        match = form.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                raise Invalid(t("validate.date.no_month", text=value, month=month), field)
            try:
                return dt.date(year, month, day)
            except ValueError:  # written right, but the month has fewer days (2026-02-30)
                raise Invalid(t("validate.date.no_day", text=value, month=month, day=day), field) from None
    raise Invalid(t("validate.date.bad", text=value), field)


def optional_date(text: object, field: str = "date") -> dt.date | None:
    return None if not normalise(text) else date(text, field)


def upcoming_date(text: object, field: str = "date", today: dt.date | None = None) -> dt.date | None:
    """An optional date still to come: today or later (when to contact someone next)."""
    day = optional_date(text, field)
    if today is None:
        today = clock.today()
    if day is not None and day < today:
        raise Invalid(t("validate.date.past", date=day.isoformat()), field)
    return day


def date_example(today: dt.date | None = None) -> str:
    """A date field's placeholder: an example a few days ahead, so that it is a day the
    field would take (a fixed example date would one day lie in the past)."""
    if today is None:
        today = clock.today()
    return t("date.example", date=(today + dt.timedelta(days=5)).isoformat())


MONEY_MAX = Decimal("10000000")


def money(text: object, field: str = "fee") -> Decimal:
    """A fee in yuan: not negative, at most two decimals; empty means 0."""
    raw = normalise(text).replace(",", "").replace("¥", "").replace("元", "")
    if not raw:
        return Decimal("0.00")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Invalid(t("validate.money.bad", text=raw), field) from None
    if not value.is_finite():
        raise Invalid(t("validate.money.bad", text=raw), field)
    if value < 0:
        raise Invalid(t("validate.money.negative"), field)
    if value >= MONEY_MAX:
        raise Invalid(t("validate.money.too_big"), field)
    if value != value.quantize(Decimal("0.01")):
        raise Invalid(t("validate.money.cents"), field)
    return value.quantize(Decimal("0.01"))


MILEAGE_MAX = 2_000_000


def mileage(text: object, field: str = "mileage") -> int:
    """Odometer km: a whole number from 0 to 2,000,000."""
    raw = normalise(text).replace(",", "").lower().removesuffix("km").removesuffix("公里").strip()
    if not raw:
        raise Invalid(t("validate.mileage.empty"), field)
    if not raw.isdigit():
        raise Invalid(t("validate.mileage.bad", text=raw), field)
    value = int(raw)
    if value > MILEAGE_MAX:
        raise Invalid(t("validate.mileage.too_big"), field)
    return value


def quantity(text: object, field: str = "quantity") -> Decimal:
    raw = normalise(text)
    if not raw:
        return Decimal("1")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Invalid(t("validate.quantity.bad", text=raw), field) from None
    if not value.is_finite() or value <= 0 or value > 10000:
        raise Invalid(t("validate.quantity.bad", text=raw), field)
    return value.quantize(Decimal("0.01"))


def _has_control(value: str) -> bool:
    """A control, format, private-use or unassigned character (Unicode category C*).

    Every such character is also not printable, so printable text (nearly all of it)
    is answered without looking up each character's category.
    """
    return not value.isprintable() and any(unicodedata.category(c).startswith("C") for c in value)


def _symbol(value: str) -> str | None:
    """The first emoji or pictograph in a name (Unicode So, Sk: ★, 😀, a skin tone), if any;
    a name's own marks (· - ' .) are punctuation and pass."""
    if value.isascii():
        return None
    return next((c for c in value if unicodedata.category(c) in ("So", "Sk")), None)


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_PADDING = LazyPattern(rf"(?<=[{_CJK}·]) +(?=[{_CJK}·])")


def name(text: object, field: str = "name") -> str:
    """A person's name: required, printable, no emoji or symbol, at most 60 characters; kept as typed, but
    for invisible characters and the spaces that pad a Chinese name to line up in a
    column (王　芳 is 王芳; Latin names keep theirs)."""
    value = _PADDING.sub("", drop_invisible(normalise(text)))
    if not value:
        raise Invalid(t("validate.name.empty"), field)
    if _has_control(value):
        raise Invalid(t("validate.text.control"), field)
    symbol = _symbol(value)
    if symbol is not None:
        raise Invalid(t("validate.name.symbol", char=symbol), field)
    if len(value) > 60:
        raise Invalid(t("validate.text.too_long", n=60), field)
    return value


def text(value: object, field: str, max_length: int = 200) -> str | None:
    """Free text, kept as written (``as_written``): control characters refused, empty becomes None."""
    cleaned = as_written(value)
    if not cleaned:
        return None
    if _has_control(cleaned):
        raise Invalid(t("validate.text.control"), field)
    if len(cleaned) > max_length:
        raise Invalid(t("validate.text.too_long", n=max_length), field)
    return cleaned


def choice(value: object, allowed: tuple[str, ...], field: str) -> str:
    cleaned = normalise(value)
    if cleaned not in allowed:
        raise Invalid(t("validate.choice", value=cleaned, allowed=" / ".join(allowed)), field)
    return cleaned


def as_stored(name: str, value: object) -> str | None:
    """An identifier field's value as it will be stored (plate 川a12345 → 川A12345, full
    width to half, spaces out), for a form to show when the field is left; None when
    ``name`` (``plate`` or ``vehicle.plate``) is no identifier or the value is not valid."""
    check = {"plate": plate, "vin": partial(vin, check_digit=False), "mobile": mobile,
             "id_number": id_number}.get(name.rpartition(".")[2])
    if check is None or not normalise(value):
        return None
    try:
        return check(value)
    except Invalid:
        return None
