"""The sales department's sheet into the service archive (销售部门客户档案 → 服务档案).

``run_import`` streams a .csv or .xlsx file (db/sheets.py), validates each row with the
intake's validators, and writes in batches, each batch one ``writing()`` transaction:

- the car is found by VIN and updated (empty fields filled, marked sold here) and linked,
  never duplicated; a VIN twice in one file is a rejected row naming the first line;
- the customer is found by ID number, else by mobile *and* name (a shared family mobile
  under another name is a different person, left to the upkeep's duplicate finder),
  else as the car's current owner of the same name, else created (source sales_import);
- an archive's values are never overwritten by the sheet, only empty ones filled: the
  service archive is kept by advisors who see the car, the sheet is a record of the sale.
- an open prospect with the row's mobile is converted (``db.prospects.convert``, as at the
  intake: its contacts move to the archive) when the row creates or links a customer with
  that mobile; the customer stays of source sales_import, the door it came in by;
- an occupation written brings its segment category (``db.segments.occupation_fields``).

So a second run of the same file finds everything and changes nothing, and a run killed
between batches leaves whole batches and completes on a re-run. ``dry_run`` does the same
work in each batch's transaction and rolls it back.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from db import derived
from db import validate as v
from db.audit import write as audit
from db.clock import now, today
from db.connection import is_postgres, writing
from db.errors import Invalid
from db.i18n import field_label, listing, number, t
from db.models import Customer, Ownership, Prospect, Setting, Vehicle
from db.prospects import convert as convert_prospect
from db.search import compact_key
from db.segments import occupation_fields
from db.sheets import Book, Sheet, SheetRow, SheetWriter, open_book

BATCH_SIZE = 1000  # rows per transaction: ~0.1 s of writing, so other advisors barely wait
MAPPING_SETTING = "import.header_map"  # remembered header -> field (a Setting row, JSON)
IGNORE = "-"  # --map 备注=- : leave this column out

CUSTOMER_FIELDS = ("name", "mobile", "id_number", "occupation", "home_address", "employer", "phone2",
                   "kind")
VEHICLE_FIELDS = ("vin", "plate", "brand", "model", "color", "engine_no", "transmission_no",
                  "purchase_date", "usage")
FIELDS = CUSTOMER_FIELDS + VEHICLE_FIELDS
REQUIRED = ("name", "vin")
# Not required, but the archive needs them: a sheet without them whose unused column
# looks like them (phone numbers, dates) is refused whole until a mapping says what it is.
NEEDED = ("mobile", "purchase_date")
UNCHECKED_LINES_SHOWN = 10  # line numbers of unchecked VINs the summary names
HEADER_SCAN = 30  # rows looked at for the header (title rows above it are skipped)
LOOK_SAMPLE = 50  # data rows looked at to tell what an unused column holds
_TEXT_LIMITS = {"occupation": 60, "home_address": 200, "employer": 100, "brand": 40, "model": 60,
                "color": 20, "engine_no": 30, "transmission_no": 30}
PHONE2_LIMIT = 40  # Customer.phone2: the numbers beside the mobile, " / " between them
_CODES = ("engine_no", "transmission_no")  # identifiers: upper case, no spaces

# The headers sales sheets use. They are compared by ``header_keys``: spaces and line
# breaks, marks and "(必填)" dropped, 号码 read as 号, 时间 as 日期, 名称/姓名 as 名, a
# trailing number dropped (电话2), each part of "车架号/VIN" or "车架号(VIN)" tried on its
# own; then also without what names a number (a trailing 号, 码, 代号, 代码, 编号, NO,
# NUMBER, CODE: VIN码, 电话号码, 车辆识别代码, Engine No.), 日 read as 日期 (开票日), and
# without a leading 客户/车主/购车人/用户 or Customer/Owner/Buyer (车主身份证号, Customer
# Name); so 手机号码, 车架号码, 开票时间, 车主名称, 客户手机号码 need no entry of their own.
# English headers as DMS exports write them are listed in upper case, spaces dropped.
HEADER_ALIASES = {
    **dict.fromkeys(("姓名", "客户姓名", "客户名称", "客户", "车主", "车主姓名", "购车人", "购买人",
                     "购车单位", "买方", "NAME", "CUSTOMER", "OWNER", "BUYER", "CLIENT", "PURCHASER"),
                    "name"),
    **dict.fromkeys(("手机", "手机号", "联系电话", "联系方式", "电话", "移动电话", "客户电话", "客户手机",
                     "车主电话", "车主手机", "联系手机", "联系人电话", "联系人手机", "MOBILE", "TEL", "PHONE",
                     "MOBILEPHONE", "CELL", "CONTACTNUMBER"), "mobile"),
    **dict.fromkeys(("固定电话", "座机", "家庭电话", "办公电话", "单位电话", "宅电", "其他电话", "备用电话",
                     "LANDLINE", "HOMEPHONE", "OFFICEPHONE", "OTHERPHONE"), "phone2"),
    **dict.fromkeys(("身份证号", "身份证", "证件号", "身份证件号", "证件", "统一社会信用代码", "信用代码",
                     "社会信用代码", "身份证/统一社会信用代码", "IDNO", "IDNUMBER", "IDCARD", "IDCARDNUMBER"),
                    "id_number"),
    **dict.fromkeys(("客户类型", "客户性质", "车主类型", "车主性质", "购车人类型", "客户类别", "购车类型",
                     "CUSTOMERTYPE", "OWNERTYPE", "BUYERTYPE"), "kind"),
    **dict.fromkeys(("车架号", "VIN", "VIN码", "底盘号", "车辆识别代号", "车辆识别号", "车辆识别码",
                     "CHASSISNUMBER", "FRAMENUMBER"), "vin"),
    **dict.fromkeys(("车牌号", "车牌", "号牌号", "号牌", "牌照号", "PLATE", "PLATENUMBER", "LICENSEPLATE",
                     "LICENCEPLATE", "REGISTRATIONNUMBER"), "plate"),
    **dict.fromkeys(("品牌", "厂牌", "BRAND", "MAKE"), "brand"),
    **dict.fromkeys(("车型", "车辆型号", "车型名", "型号", "MODEL"), "model"),
    **dict.fromkeys(("颜色", "车身颜色", "车色", "外观颜色", "COLOR"), "color"),
    **dict.fromkeys(("发动机号", "电动机号", "ENGINENUMBER", "MOTORNUMBER"), "engine_no"),
    **dict.fromkeys(("变速器号", "变速箱号", "TRANSMISSIONNUMBER", "GEARBOXNUMBER"), "transmission_no"),
    **dict.fromkeys(("购车日期", "开票日期", "发票日期", "销售日期", "交车日期", "购买日期", "成交日期",
                     "提车日期", "交付日期", "PURCHASEDATE", "INVOICEDATE", "SALEDATE", "SALESDATE",
                     "DELIVERYDATE", "DATEOFPURCHASE", "DATEOFSALE"), "purchase_date"),
    **dict.fromkeys(("地址", "家庭住址", "住址", "联系地址", "家庭地址", "客户地址", "车主地址", "ADDRESS",
                     "HOMEADDRESS"), "home_address"),
    **dict.fromkeys(("职业", "OCCUPATION", "JOB"), "occupation"),
    **dict.fromkeys(("单位", "工作单位", "单位名", "EMPLOYER"), "employer"),
    **dict.fromkeys(("使用性质", "车辆使用性质", "用途", "车辆用途", "USAGE", "USE"), "usage"),
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_BRACKETED = re.compile(r"[(\[{<《【〔]([^)\]}>》】〕]*)[)\]}>》】〕]")
_OWNER_WORDS = ("客户", "车主", "购车人", "购买人", "购车", "车辆", "用户", "CUSTOMER", "OWNER", "BUYER",
                "CLIENT", "PURCHASER", "VEHICLE", "CAR")
_BRACKET_MARKS = str.maketrans("", "", "()[]{}<>《》【】〔〕")
_HEADER_PARTS = re.compile(r"[/\\|、]")
_MARKS = str.maketrans("", "", "*:：#.。·_-'\"“”")
_REWRITES = (("必填", ""), ("选填", ""), ("号码", "号"), ("时间", "日期"), ("名称", "名"), ("姓名", "名"))
# English words spelled more than one way, then what ends a header naming a number
_WORDS = (("TELEPHONE", "PHONE"), ("CELLPHONE", "MOBILE"), ("COLOUR", "COLOR"), ("NUMBER", "NO"),
          ("LICENCE", "LICENSE"))
_NUMBER_ENDINGS = ("代号", "代码", "编号", "号", "码", "NO", "NUM", "CODE")


def _stem(key: str) -> str:
    """A compared header without what says it names a number (车架号 车架, VIN码 VIN,
    PHONENO PHONE), and 日 as 日期 (开票日)."""
    if key.isascii():
        for old, new in _WORDS:
            key = key.replace(old, new)
    for ending in _NUMBER_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending):
            if not (key.isascii() and len(key) - len(ending) < 3):  # ID No. is not "ID" (a row's id)
                key = key[:-len(ending)]
            break
    if key.endswith("日") and len(key) > 1:
        key += "期"
    return key


def _canon(part: str) -> str:
    key = part.translate(_MARKS).upper()
    for old, new in _REWRITES:
        key = key.replace(old, new)
    return key.rstrip("0123456789") or key


def header_keys(text: object) -> list[str]:
    """Every way a header is compared, the whole first: "车架号(VIN)" gives 车架号(VIN),
    车架号, VIN; "客户\n手机号码" gives 客户手机号."""
    raw = "".join(v.normalise(text).split())
    keys: list[str] = []
    outer = _BRACKETED.sub("", raw)
    unbracketed = raw.translate(_BRACKET_MARKS)  # as earlier versions keyed remembered mappings
    for piece in (raw, outer, unbracketed, *_BRACKETED.findall(raw)):
        for part in (piece, *_HEADER_PARTS.split(piece)):
            key = _canon(part)
            if key and key not in keys:
                keys.append(key)
    for key in list(keys):  # 车主身份证号, 客户手机号: whose the value is, then what it is
        for owner in _OWNER_WORDS:
            rest = key.removeprefix(owner)
            if rest and rest != key and rest not in keys:
                keys.append(rest)
    for key in list(keys):  # then without what names a number: 电话号码, VIN码, Engine No.
        stem = _stem(key)
        if stem not in keys:
            keys.append(stem)
    return keys


def header_key(text: object) -> str:
    """A header as a mapping names it (its whole text, compared as ``header_keys``)."""
    keys = header_keys(text)
    return keys[0] if keys else ""


def _aliases() -> dict[str, str]:
    """Every known header as compared, then its stem where no known header has it."""
    found = {_canon(k): f for k, f in HEADER_ALIASES.items()}
    for key, name in list(found.items()):
        found.setdefault(_stem(key), name)
    return found


_ALIASES = _aliases()


def field_for(text: str) -> str | None:
    """A field name typed by the user: its English name or its Chinese header; ``-`` ignores."""
    cleaned = v.normalise(text)
    if cleaned == IGNORE or cleaned in FIELDS:
        return cleaned
    return next((_ALIASES[k] for k in header_keys(cleaned) if k in _ALIASES), None) or next(
        (f for f in FIELDS if header_key(field_label(f)) == header_key(cleaned)), None)


def parse_map_options(items: Iterable[str]) -> dict[str, str]:
    """``列名=field`` pairs (the shell's ``--map``) as {header key: field}; ``Invalid`` if bad."""
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.partition("=")
        target_field = field_for(target) if sep else None
        if not header.strip() or target_field is None:
            raise Invalid(t("import.bad_map", item=item, fields=", ".join(FIELDS)), "map")
        mapping[header_key(header)] = target_field
    return mapping


# ---------------------------------------------------------------- remembered mappings


def remembered() -> dict[str, str]:
    row = Setting.get_or_none(Setting.key == MAPPING_SETTING)
    return json.loads(row.value) if row else {}


def remember(mapping: Mapping[str, str], advisor_id: int | None) -> None:
    """Keep the user's mappings for the next sheet with the same headers."""
    if not mapping:
        return
    with writing():
        merged = {**remembered(), **mapping}
        Setting.insert(key=MAPPING_SETTING, value=json.dumps(merged, ensure_ascii=False),
                       updated_at=now(), updated_by=advisor_id).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: json.dumps(merged, ensure_ascii=False), Setting.updated_at: now(),
                    Setting.updated_by: advisor_id}).execute()


@dataclass(frozen=True)
class ColumnPlan:
    header: tuple[str, ...]
    columns: dict[int, str]  # column index -> field
    unmapped: list[str]  # headers neither recognised nor mapped (left out)
    missing: list[str]  # required fields without a column
    refusal: str | None = None  # why the run would refuse the file (``looks_like``), if it would

    def field_columns(self) -> dict[str, list[int]]:
        by_field: dict[str, list[int]] = {}
        for index, name in sorted(self.columns.items()):
            by_field.setdefault(name, []).append(index)
        return by_field


def plan_columns(header: Iterable[object], mapping: Mapping[str, str] | None = None,
                 known: Mapping[str, str] | None = None) -> ColumnPlan:
    """Which column feeds which field: the user's mapping, then remembered ones (``known``,
    else read from the settings), then aliases."""
    header = tuple(v.normalise(cell_text(h)) for h in header)
    sources = (mapping or {}, remembered() if known is None else known, _ALIASES)
    columns: dict[int, str] = {}
    unmapped: list[str] = []
    for index, text in enumerate(header):
        if not text:
            continue
        keys = header_keys(text)
        target = next((source[k] for source in sources for k in keys if k in source), None)
        if target == IGNORE:
            continue
        if target in FIELDS:
            columns[index] = target
        else:
            unmapped.append(text)
    missing = [f for f in REQUIRED if f not in columns.values()]
    return ColumnPlan(header, columns, unmapped, missing)


@dataclass
class SheetPlan:
    """One sheet to read: its columns, where its header is, its rows after the header."""

    sheet: Sheet
    plan: ColumnPlan
    header_line: int
    rows: Iterator[SheetRow]
    sample: list[SheetRow]

    @property
    def name(self) -> str:
        return self.sheet.name


def find_header(sheet: Sheet, mapping: Mapping[str, str] | None,
                known: Mapping[str, str]) -> SheetPlan | ColumnPlan:
    """The sheet's header: the first of its first ``HEADER_SCAN`` rows in which every
    required column is recognised (title rows such as "XX汽车4S店 2024年销售台账" above it
    are passed over). Without one, the best candidate's plan (for the message)."""
    rows = iter(sheet)
    seen: list[SheetRow] = []
    best: ColumnPlan | None = None
    for row in itertools.islice(rows, HEADER_SCAN):
        seen.append(row)
        if _blank_row(row.values):
            continue
        plan = plan_columns(row.values, mapping, known)
        if not plan.missing:
            sample = list(itertools.islice(rows, LOOK_SAMPLE))
            return SheetPlan(sheet, plan, row.line, itertools.chain(sample, rows), sample)
        if best is None or len(plan.columns) > len(best.columns):
            best = plan
    return best or plan_columns((), mapping, known)


def read_header(path: str | os.PathLike, mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """The header of the file's first sheet to be read and the columns recognised in it
    (for the mapping step); without one, the best candidate's."""
    known = remembered()
    with open_book(path) as book:
        first: ColumnPlan | None = None
        for sheet in book.sheets:
            found = find_header(sheet, mapping, known)
            if isinstance(found, SheetPlan):
                alike = _looks_like(found)
                return replace(found.plan, refusal=looks_like(*alike)) if alike else found.plan
            first = first or found
        return first or plan_columns((), mapping, known)


def _looks_like(plan: SheetPlan) -> tuple[str, str] | None:
    """(a needed field the sheet has no column for, the unused column that looks like it)."""
    wanted = [f for f in NEEDED if f not in plan.plan.columns.values()]
    if not wanted or not plan.sample:
        return None
    used = set(plan.plan.columns)
    header = plan.plan.header
    for index, text in enumerate(header):
        if index in used or not text or text not in plan.plan.unmapped:
            continue
        cells = [r.values[index] for r in plan.sample if index < len(r.values)]
        cells = [c for c in cells if cell_text(c).strip()]
        if len(cells) < min(3, len(plan.sample)):
            continue
        for name in wanted:
            test = _is_phone if name == "mobile" else _is_date
            if sum(1 for c in cells if test(c)) >= 0.8 * len(cells):
                return name, text
    return None


def looks_like(name: str, header: str, sheet: str = "") -> str:
    """The refusal of a sheet without a ``name`` column whose column ``header`` looks like one."""
    where = t("import.in_sheet", sheet=sheet) if sheet else ""
    return t("import.looks_like", where=where, field=field_label(name), header=header, name=name)


def _is_phone(value: Any) -> bool:
    try:
        found, others = v.phones(cell_text(value))
    except Invalid:
        return False
    return bool(found or others)


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        return v.optional_date(_excel_text(cell_text(value))) is not None
    except Invalid:
        return False


# ---------------------------------------------------------------- one row


@dataclass
class CleanRow:
    line: int
    raw: tuple[Any, ...]
    values: dict[str, Any]
    sheet: str = ""

    @property
    def person_key(self) -> str:
        """Who this row's customer is, for counting people created across dry-run batches."""
        if self.values.get("id_number"):
            return "id:" + self.values["id_number"]
        return f"mn:{self.values.get('mobile')}|{compact_key(self.values['name'])}|{self.values['vin']}"


def cell_text(value: Any) -> str:
    """A cell as the sheet showed it: 13800138000.0 -> "13800138000", dates as ISO."""
    if type(value) is str:  # nearly every cell
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _excel_text(text: str) -> str:
    """A cell's text without what Excel leaves in a CSV: ``="0123"`` (a text formula that
    keeps leading zeros), a leading apostrophe (Excel's mark for text), invisible
    characters (zero-width space or joiner, a BOM pasted into a cell)."""
    if text[:1] in ("=", "'"):
        if text.startswith('="') and text.endswith('"') and len(text) >= 3:
            text = text[2:-1].replace('""', '"')
        elif text[0] == "'":
            text = text[1:]
    return text if text.isascii() else v.drop_invisible(text)


def _blank_row(values: tuple[Any, ...]) -> bool:
    return not any(x.strip() if type(x) is str else cell_text(x).strip() for x in values)


# What Excel shows in a cell whose formula has no result (a CSV keeps it as text)
_EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                           "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
                           "#UNKNOWN!", "#N/A N/A"})
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_DIGITS_KEPT = 15  # Excel keeps 15 significant digits of a number


def _number_cell(value: Any, text: str, name: str, untyped: bool = False) -> None:
    """``Invalid`` when an identifier arrived as a number whose digits cannot all be
    trusted: Excel keeps 15 significant digits, so an 18-digit ID in a number cell has
    lost its last ones (5.10107198503126E+17), and rebuilt from it would pass the check
    digit about one time in eleven as somebody else's ID.

    ``untyped``: the cells are text as a CSV shows them, so a number cell cannot be told
    from a text one; Excel writes such a number's lost digits as zeros
    (510107198503126000), and an all-digit value longer than 15 digits ending so is
    refused as one, unless written as text (="…", a leading apostrophe)."""
    if isinstance(value, float) and not isinstance(value, bool):
        lost = abs(value) >= 10 ** _DIGITS_KEPT
    elif isinstance(value, int) and not isinstance(value, bool):
        digits = str(abs(value))
        lost = len(digits) > _DIGITS_KEPT and not digits[_DIGITS_KEPT:].strip("0")
    else:
        digits = text.strip()
        lost = bool(_SCIENTIFIC.match(digits))
        if not lost and untyped and len(digits) > _DIGITS_KEPT and digits.isdigit() \
                and not digits[_DIGITS_KEPT:].strip("0") and cell_text(value).strip() == digits:
            raise Invalid(t("import.number_zeros", label=field_label(name)), name)
    if lost:
        raise Invalid(t("import.number_cell", label=field_label(name)), name)


_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")  # a date cell's serial day as a CSV shows it (45052)


def _purchase_date(value: Any, day: dt.date | None = None, epoch: dt.date | None = None) -> dt.date | None:
    if type(value) is str and _SERIAL.match(value.strip()):
        value = float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 <= value <= 80000:
        # a date cell without a date format: a serial day from the workbook's epoch
        # (1899-12-30, or 1904-01-01 for a workbook from Mac Excel)
        return (epoch or _EXCEL_EPOCH) + dt.timedelta(days=int(value))
    found = v.optional_date(value if isinstance(value, dt.date) else _excel_text(cell_text(value)),
                            "purchase_date")
    if found is not None and not (dt.date(1980, 1, 1) <= found <= (day or today())):
        raise Invalid(t("import.date_range", date=found.isoformat()), "purchase_date")
    return found


_KIND_WORDS = {"organisation": ("单位", "公司", "企业", "机关", "集团", "组织", "法人", "团体", "ORG"),
               "person": ("个人", "私人", "自然人", "个体", "PERSON")}
_ORGANISATION_NAME = re.compile(r"(公司|集团|企业|有限|厂|局|院|所|中心|站|学校|银行|委员会|合作社|车队|协会|商行)$")


def _kind(text: str) -> str | None:
    """客户类型 as written: person or organisation; None for an empty cell or another
    sense of the column (VIP客户, 普通: a tier), where the ID column decides."""
    cleaned = compact_key(text)
    if not cleaned:
        return None
    for kind, words in _KIND_WORDS.items():
        if any(w in cleaned for w in words):
            return kind
    return None


def _identity(text: str, kind: str | None, name: str | None, day: dt.date) -> tuple[str, str]:
    """(the ID number or the unified social credit code, the customer's kind).

    A 客户类型 column decides; otherwise the value: an ID number (or a 2023 permanent
    residence card) is a person, a valid credit code an organisation. An all-digit value
    passing both checks goes by the name (有限公司 …)."""
    if kind == "organisation":
        return v.credit_code(text), "organisation"
    if kind == "person":
        return v.id_number(text, today=day), "person"
    try:
        person = v.id_number(text, today=day)
    except Invalid as exc:
        try:
            return v.credit_code(text), "organisation"
        except Invalid as not_code:
            letters = [c for c in compact_key(text)[:17] if c.isalpha()]
            raise (not_code if letters else exc) from None
    if name and _ORGANISATION_NAME.search(name) and v.is_credit_code(text):
        return v.credit_code(text), "organisation"
    return person, "person"


_USAGE_WORDS = (  # 使用性质 as written -> the car's use; checked in this order
    ("commercial", ("营运", "出租", "网约", "客运", "货运", "租赁", "经营", "教练", "COMMERCIAL")),
    ("official", ("公务", "公用", "机关", "警用", "消防", "救护", "救险", "OFFICIAL")),
    ("private", ("自用", "私家", "家庭", "个人", "私人", "PRIVATE")),
)


def _usage(text: str, kind: str) -> str | None:
    """使用性质: 营运 (a taxi, ride-hailing, rental) is an operating car; 非营运 is a private
    car for a person and an official one for an organisation."""
    cleaned = compact_key(text)
    if not cleaned:
        return None
    if "非营运" in cleaned or "非经营" in cleaned or "转非" in cleaned:  # 营转非: no longer operating
        return "official" if kind == "organisation" else "private"
    for usage, words in _USAGE_WORDS:
        if any(w in cleaned for w in words):
            return usage
    raise Invalid(t("import.usage_bad", text=v.normalise(text)), "usage")


class RowInvalid(Invalid):
    """A sheet row with bad cells: every one of them, so that the rejects list tells the
    sales department all that is wrong with the row at once, not one cell per re-run."""

    def __init__(self, problems: list[Invalid]) -> None:
        self.problems = problems
        super().__init__(t("i18n.clause_separator").join(
            t("i18n.labelled", label=field_label(p.field), text=str(p)) for p in problems),
            problems[0].field)


def clean_row(row: SheetRow, by_field: Mapping[str, list[int]], day: dt.date | None = None,
              epoch: dt.date | None = None, untyped: bool = False) -> CleanRow:
    """The row's values validated and normalised; ``RowInvalid`` names every bad field.

    ``day`` is today's date, looked up once per run rather than twice per row; ``epoch``
    the workbook's first serial day; ``untyped`` says the cells are all text (a CSV), so
    a number's lost digits can only be seen in its text (``_number_cell``).
    """
    raw = row.values
    width = len(raw)
    day = day or today()
    problems: list[Invalid] = []

    def cells(name: str) -> list[tuple[Any, str]]:
        """The field's non-blank cells and their text, in the sheet's order; ``Invalid``
        for a formula's error value (#N/A: a lookup that found nothing), which is no value
        of the customer's, yet not an empty cell either."""
        found = []
        for index in by_field.get(name, ()):
            if index < width:
                text = _excel_text(cell_text(raw[index]))
                if text.strip():
                    if text[0] == "#" and text.strip().upper() in _EXCEL_ERRORS:
                        raise Invalid(t("import.excel_error", text=text.strip()), name)
                    found.append((raw[index], text))
        return found

    def pick(name: str) -> tuple[Any, str]:
        """The field's first non-blank cell, and its text."""
        found = cells(name)
        return found[0] if found else (None, "")

    def check(name: str, validator: Callable[[], Any]) -> None:
        try:
            values[name] = validator()
        except Invalid as exc:
            problems.append(exc if exc.field else Invalid(str(exc), name))
            values[name] = None

    def identifier(name: str, validate: Callable[[str], Any], required: bool = False) -> Callable[[], Any]:
        value, text = pick(name)

        def checked() -> Any:
            if not text and not required:
                return None
            _number_cell(value, text, name, untyped)
            return validate(text)
        return checked

    values: dict[str, Any] = {}
    check("name", lambda: v.name(pick("name")[1]))
    # a parallel import's VIN is taken and listed in the summary (ImportResult.unchecked_vins)
    check("vin", identifier("vin", v.vin_as_found, required=True))
    check("mobile", lambda: _phone_values(cells("mobile"), cells("phone2"), values, untyped))
    values.setdefault("phone2", None)
    check("kind", lambda: _kind(pick("kind")[1]))
    check("id_number", identifier("id_number", lambda text: _identity(text, values["kind"], values["name"], day)))
    if values["id_number"]:
        values["id_number"], values["kind"] = values["id_number"]
    elif not values["kind"] and values["name"] and _ORGANISATION_NAME.search(values["name"]):
        values["kind"] = "organisation"
    values["kind"] = values["kind"] or "person"
    check("plate", lambda: v.optional_plate(pick("plate")[1]))
    for name, limit in _TEXT_LIMITS.items():
        if name in by_field:
            check(name, lambda: _text_value(pick(name)[1], name, limit))
        else:  # no such column: nothing to check
            values[name] = None
    check("purchase_date", lambda: _sale_date(pick("purchase_date")[0], day, epoch))
    check("usage", lambda: _usage(pick("usage")[1], values["kind"]))
    if problems:
        raise RowInvalid(problems)
    if not values["brand"]:
        values["brand"] = v.vin_brand(values["vin"])
    return CleanRow(row.line, raw, values)


def _phone_values(mobile_cells: list[tuple[Any, str]], other_cells: list[tuple[Any, str]],
                  values: dict[str, Any], untyped: bool = False) -> str | None:
    """The mobile, and the other numbers as the second phone (``values["phone2"]``).

    A cell may hold two numbers (/, 、, a space), a note (微信同号) or a landline; a sheet
    may have both 电话 and 手机. The first mobile is the mobile; the rest are kept."""
    if len(mobile_cells) == 1 and not other_cells:  # nearly every row: one plain mobile
        value, text = mobile_cells[0]
        _number_cell(value, text, "mobile", untyped)
        try:
            return v.mobile(text)
        except Invalid:
            pass
    mobiles: list[str] = []
    others: list[str] = []
    for value, text in (*mobile_cells, *other_cells):
        _number_cell(value, text, "mobile", untyped)
        found, rest = v.phones(text)
        mobiles.extend(m for m in found if m not in mobiles)
        others.extend(o for o in rest if o not in others)
    rest = [*mobiles[1:], *others]
    if rest:
        joined = " / ".join(rest)
        values["phone2"] = joined if len(joined) <= PHONE2_LIMIT else joined[:PHONE2_LIMIT].rsplit(" / ", 1)[0]
    return mobiles[0] if mobiles else None


def _code_or_text(text: str | None, name: str) -> str | None:
    return compact_key(text) if text and name in _CODES else text


# A ledger's dates, models, colours, addresses and occupations repeat from row to row:
# each written form is checked once a run (a refused one is checked again, and refused).
_REPEATS = 4096


@functools.lru_cache(maxsize=_REPEATS)
def _text_value(text: str, name: str, limit: int) -> str | None:
    return _code_or_text(v.text(text, name, limit), name)


@functools.lru_cache(maxsize=_REPEATS, typed=True)
def _sale_date(value: Any, day: dt.date, epoch: dt.date | None) -> dt.date | None:
    return _purchase_date(value, day, epoch)


# ---------------------------------------------------------------- the run


@dataclass
class ImportResult:
    rows: int = 0
    new: int = 0  # cars new to the archive
    updated: int = 0  # cars (or their owners) found and changed
    unchanged: int = 0  # found, nothing to change (a re-run)
    rejected: int = 0
    new_customers: int = 0
    converted: int = 0  # open prospects whose mobile was on the sheet, now customers
    batches: int = 0
    fraction: float | None = None
    cancelled: bool = False
    dry_run: bool = False
    rejects_path: Path | None = None
    unmapped: list[str] = field(default_factory=list)
    resold: int = 0  # cars on file that changed hands on the sheet (a later sale)
    history: int = 0  # earlier owners from an older sheet, put into a car's history
    sheets_read: list[str] = field(default_factory=list)
    sheets_left: list[str] = field(default_factory=list)  # no recognised header
    # lines whose VIN fails its check where the check does not bind (parallel imports):
    # imported, and named in the summary for someone to compare with the cars
    unchecked_vins: list[int] = field(default_factory=list)

    def summary(self) -> str:
        key = "import.summary_dry" if self.dry_run else "import.summary"
        text = t(key, rows=number(self.rows), new=number(self.new), updated=number(self.updated),
                 unchanged=number(self.unchanged), rejected=number(self.rejected),
                 customers=number(self.new_customers))
        if self.resold:
            text += t("import.resold_dry" if self.dry_run else "import.resold", n=number(self.resold))
        if self.history:
            text += t("import.history_dry" if self.dry_run else "import.history", n=number(self.history))
        if self.sheets_left:
            text += t("import.sheets_left", sheets=listing(self.sheets_left))
        if self.converted:
            text += t("import.converted_dry" if self.dry_run else "import.converted", n=number(self.converted))
        if self.unchecked_vins:
            lines = listing(self.unchecked_vins[:UNCHECKED_LINES_SHOWN])
            if len(self.unchecked_vins) > UNCHECKED_LINES_SHOWN:
                lines += "…"
            text += t("import.vin_unchecked", n=number(len(self.unchecked_vins)), lines=lines)
        if self.cancelled:
            text += " " + t("import.cancelled")
        return text


class _RolledBack(Exception):
    """Ends a dry run's batch transaction without keeping anything."""


class Importer:
    def __init__(self, path: str | os.PathLike, *, mapping: Mapping[str, str] | None = None,
                 dry_run: bool = False, rejects_path: str | os.PathLike | None = None,
                 advisor_id: int | None = None, batch_size: int = BATCH_SIZE,
                 progress: Callable[[ImportResult], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> None:
        self.path = Path(path)
        self.mapping = dict(mapping or {})
        self.advisor_id = advisor_id
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.cancel = cancel or (lambda: False)
        self.result = ImportResult(dry_run=dry_run)
        self.rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(self.path)
        self._rejects: SheetWriter | None = None
        self._seen_vins: dict[str, int] = {}  # VIN -> where first seen: sheet number << 32 | line
        self._dry_people: set[str] = set()  # customers a dry run "created" in an earlier batch
        self._dry_converted: set[int] = set()  # prospects a dry run "converted" likewise

    # -- the run

    def run(self) -> ImportResult:
        known = remembered()
        with open_book(self.path) as book:
            plans = self._plan(book, known)
            if not self.result.dry_run:
                remember(self.mapping, self.advisor_id)
            epoch = getattr(book, "epoch", None)
            epoch = epoch.date() if isinstance(epoch, dt.datetime) else epoch
            batch: list[CleanRow] = []
            try:
                day = today()
                for plan in plans:
                    self._plan_now = plan
                    by_field = plan.plan.field_columns()
                    for row in plan.rows:
                        if _blank_row(row.values):
                            continue  # blank lines between blocks of a sheet
                        self.result.rows += 1
                        cleaned = self._clean(row, by_field, day, epoch, not book.typed)
                        if cleaned is not None:
                            batch.append(cleaned)
                        if len(batch) >= self.batch_size:
                            self._commit(batch, plan.sheet.fraction())
                            batch = []
                            if self.cancel():
                                self.result.cancelled = True
                                break
                    if self.result.cancelled:
                        break
                else:
                    self._commit(batch, 1.0)
            finally:
                self._close_rejects()
        if not self.result.dry_run and (self.result.new or self.result.updated or self.result.converted
                                        or self.result.resold or self.result.history):
            with writing():
                audit.record("import", advisor_id=self.advisor_id,
                             detail=f"{self.path.name}: {self.result.summary()}")
        return self.result

    def _plan(self, book: Book, known: Mapping[str, str]) -> list[SheetPlan]:
        """The sheets to read, each with its header; ``Invalid`` (nothing written) when no
        sheet has one, or when a needed column is missing but an unused one looks like it."""
        plans: list[SheetPlan] = []
        first_miss: ColumnPlan | None = None
        for sheet in book.sheets:
            found = find_header(sheet, self.mapping, known)
            if isinstance(found, SheetPlan):
                plans.append(found)
            else:
                first_miss = first_miss or found
                if sheet.name:
                    self.result.sheets_left.append(sheet.name)
        if not plans:
            plan = first_miss or plan_columns((), self.mapping, known)
            raise Invalid(t("import.missing_columns",
                            fields=listing(field_label(f) for f in plan.missing),
                            headers=listing(plan.unmapped) or "-"), "map")
        for plan in plans:
            alike = _looks_like(plan)
            if alike:
                raise Invalid(looks_like(*alike, sheet=plan.name if len(book.sheets) > 1 else ""), "map")
        unmapped: list[str] = []
        for plan in plans:
            unmapped.extend(h for h in plan.plan.unmapped if h not in unmapped)
        self.result.unmapped = unmapped
        self.result.sheets_read = [p.name for p in plans]
        self._header = plans[0].plan.header
        self._sheet_names = {id(p): p.name or self.path.stem for p in plans}
        self._plans_by_sheet = {p.name or self.path.stem: p for p in plans}
        self._sheet_number = {id(p): number for number, p in enumerate(plans)}
        return plans

    def _clean(self, row: SheetRow, by_field: Mapping[str, list[int]], day: dt.date,
               epoch: dt.date | None, untyped: bool) -> CleanRow | None:
        try:
            cleaned = clean_row(row, by_field, day, epoch, untyped)
        except Invalid as exc:
            reason = str(exc) if isinstance(exc, RowInvalid) or not exc.field else t(
                "i18n.labelled", label=field_label(exc.field), text=str(exc))
            self._reject(row.line, row.values, reason)
            return None
        cleaned.sheet = self._sheet_names[id(self._plan_now)]
        here = self._sheet_number[id(self._plan_now)] << 32 | row.line  # one int: 100,000 of them
        first = self._seen_vins.setdefault(cleaned.values["vin"], here)
        if first != here and first >> 32 == here >> 32:
            # twice in one sheet is a slip; in two sheets (two years' sales) the sale
            # dates decide who owns the car, as for a car already on file
            self._reject(row.line, row.values, t("import.vin_twice", line=first & 0xFFFFFFFF))
            return None
        if v.vin_unchecked(cleaned.values["vin"]):
            self.result.unchecked_vins.append(row.line)
        return cleaned

    def _commit(self, batch: list[CleanRow], fraction: float | None) -> None:
        if batch:
            try:
                with writing():
                    counts = apply_batch(batch, self.advisor_id)
                    if self.result.dry_run:
                        raise _RolledBack(counts)
            except _RolledBack as rolled:
                counts = rolled.args[0]
                fresh = [p for p in counts.created_people if p not in self._dry_people]
                self._dry_people.update(counts.created_people)
                counts.new_customers = len(fresh)
                counts.converted = [p for p in counts.converted if p not in self._dry_converted]
                self._dry_converted.update(counts.converted)
            self.result.new += counts.new
            self.result.updated += counts.updated
            self.result.unchanged += counts.unchanged
            self.result.new_customers += counts.new_customers
            self.result.converted += len(counts.converted)
            self.result.resold += counts.resold
            self.result.history += counts.history
            self.result.batches += 1
            for row, reason in counts.refused:
                self._reject(row.line, row.raw, reason, row.sheet)
        self.result.fraction = fraction
        if self.progress:
            self.progress(self.result)

    # -- rejects

    def _reject(self, line: int, raw: tuple[Any, ...], reason: str, sheet: str | None = None) -> None:
        """One rejected row: its line (a number), what is wrong, its sheet, its cells.
        A sheet whose header differs from the first one's gets its header written first."""
        self.result.rejected += 1
        sheet = sheet if sheet is not None else self._sheet_names[id(self._plan_now)]
        if self._rejects is None:
            self._rejects = SheetWriter(self.rejects_path, [t("import.rejects_line"), t("import.rejects_reason"),
                                                            t("import.rejects_sheet"), *self._header])
            self.result.rejects_path = self.rejects_path
            self._headers_written = {self._header}
        plan = self._plans_by_sheet[sheet]
        if plan.plan.header not in self._headers_written:
            self._headers_written.add(plan.plan.header)
            self._rejects.write([plan.header_line, t("import.rejects_header"), sheet, *plan.plan.header])
        self._rejects.write([line, reason, sheet, *(cell_text(x) for x in raw)])

    def _close_rejects(self) -> None:
        if self._rejects is not None:
            self._rejects.close()
        elif self.rejects_path.exists() and self.rejects_path == default_rejects_path(self.path):
            self.rejects_path.unlink()  # our own list from an earlier run: no longer true


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def run_import(path: str | os.PathLike, **options: Any) -> ImportResult:
    """Import one sheet; see ``Importer`` for the options."""
    return Importer(path, **options).run()


# ---------------------------------------------------------------- one batch, one transaction


@dataclass
class BatchCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_customers: int = 0
    created_people: list[str] = field(default_factory=list)
    converted: list[int] = field(default_factory=list)  # prospects turned into customers
    resold: int = 0
    history: int = 0
    refused: list[tuple[CleanRow, str]] = field(default_factory=list)  # rows only the archive could judge


class _People:
    """The batch's customers, looked up in three queries and kept as rows are written.

    Rows are plain namespaces, not peewee models: building model instances cost more than
    the inserts themselves at 100,000 rows. Merged and anonymised archives are dropped
    here, not in the query: given ``anonymised_at IS NULL`` beside ``id_number IN (…)``,
    SQLite without planner statistics walks the anonymised_at index, that is every live
    customer, once per batch (seconds per batch in a large archive).
    """

    _COLUMNS = ("id", "name_key", *CUSTOMER_FIELDS)

    def __init__(self, rows: list[CleanRow], vehicles: Mapping[str, SimpleNamespace]) -> None:
        ids = {r.values["id_number"] for r in rows if r.values["id_number"]}
        mobiles = {r.values["mobile"] for r in rows if r.values["mobile"]}
        owners = {car.owner for car in vehicles.values() if car.owner}
        self.by_id: dict[str, SimpleNamespace] = {}
        self.by_mobile_name: dict[tuple[str, str], SimpleNamespace] = {}
        self.by_pk: dict[int, SimpleNamespace] = {}
        found: dict[int, SimpleNamespace] = {}
        for group, column in ((ids, "id_number"), (mobiles, "mobile"), (owners, "id")):
            for *values, merged_into, anonymised_at in _rows_where_in(
                    Customer, (*self._COLUMNS, "merged_into", "anonymised_at"), column, group):
                if merged_into is None and anonymised_at is None:
                    found[values[0]] = SimpleNamespace(**dict(zip(self._COLUMNS, values)))
        for pk in sorted(found):  # oldest archive first, as ``setdefault`` in ``add`` keeps it
            self.add(found[pk])

    def add(self, c: SimpleNamespace) -> None:
        self.by_pk[c.id] = c
        if c.id_number:
            self.by_id.setdefault(c.id_number, c)
        if c.mobile:
            self.by_mobile_name.setdefault((c.mobile, c.name_key), c)

    def match(self, values: Mapping[str, Any], car: SimpleNamespace | None) -> SimpleNamespace | None:
        if values["id_number"] and values["id_number"] in self.by_id:
            return self.by_id[values["id_number"]]
        name_key = compact_key(values["name"])
        if values["mobile"] and (values["mobile"], name_key) in self.by_mobile_name:
            return self.by_mobile_name[(values["mobile"], name_key)]
        owner = self.by_pk.get(car.owner) if car is not None and car.owner else None
        if owner is not None and owner.name_key == name_key and not (
                values["id_number"] and owner.id_number and owner.id_number != values["id_number"]):
            return owner
        return None


def _rows_where_in(model: type, names: Iterable[str], key: str, wanted: Iterable[Any]) -> list[tuple]:
    """``SELECT names FROM model WHERE key IN (wanted)`` as raw rows (no ORDER BY).

    Written out, not composed by peewee, which spends milliseconds on a thousand-value IN
    list; values come back as the driver gives them (SQLite: dates as text, booleans as
    0/1), which is all the batch compares them with.
    """
    wanted = list(wanted)
    if not wanted:
        return []
    database = model._meta.database.obj
    left, right = database.quote
    fields = model._meta.fields
    columns = ", ".join(f"{left}{fields[n].column_name}{right}" for n in names)
    marks = ", ".join([database.param] * len(wanted))
    cursor = database.execute_sql(
        f"SELECT {columns} FROM {left}{model._meta.table_name}{right} "
        f"WHERE {left}{fields[key].column_name}{right} IN ({marks})", wanted)
    return cursor.fetchall()


def _present(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {k: values[k] for k in names if values.get(k) is not None}


def _derived(fields: dict[str, Any], kind: str = "person") -> dict[str, Any]:
    """Values that follow from the ones written: birth date and sex from a person's ID
    number, the occupation's category from an occupation (``db.segments.occupation_fields``)."""
    if fields.get("id_number") and fields.get("kind", kind) == "person":
        facts = v.id_facts(fields["id_number"], checked=True)  # clean_row checked it
        fields.update(birth_date=facts.birth_date, sex=facts.sex)
    fields.update(occupation_fields(fields))
    return fields


def _blanks_filled(row: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: value for k, value in fields.items() if getattr(row, k) in (None, "")}


_PLAIN = (str, int, float, type(None))


class _Insert:
    """One INSERT statement built once, its rows gathered and sent with ``executemany``.

    peewee composes SQL at about a millisecond a statement on a busy two-core machine,
    which alone took minutes for a 100,000-row sheet. Values that are not plain text or
    numbers pass through the field's ``db_value``, as peewee would do. With ``ids``, each
    row gets its id when it is added (``_Ids``), so later rows of the batch can refer to
    it before it is sent.
    """

    def __init__(self, model: type, cursor: Any, postgres: bool, ids: bool = False) -> None:
        database = model._meta.database.obj
        self.fields = [f for f in model._meta.sorted_fields if f.name != "id" or ids]
        self.defaults = [None if f.name == "id" else
                         f.db_value(f.default() if callable(f.default) else f.default)
                         for f in self.fields]
        self.position = {f.name: i for i, f in enumerate(self.fields)}
        left, right = database.quote  # the database's identifier quotes, e.g. '""'
        columns = ", ".join(f"{left}{f.column_name}{right}" for f in self.fields)
        marks = ", ".join([database.param] * len(self.fields))
        table = f"{left}{model._meta.table_name}{right}"
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.cursor = cursor
        self.ids = _Ids(model, cursor, postgres) if ids else None
        self.pending: list[list[Any]] = []
        self.pending_ids: set[int] = set()

    def params(self, values: Mapping[str, Any]) -> list[Any]:
        out = self.defaults.copy()
        fields, position = self.fields, self.position
        for name, value in values.items():
            i = position[name]
            out[i] = value if type(value) in _PLAIN else fields[i].db_value(value)
        return out

    def add(self, values: Mapping[str, Any]) -> int | None:
        """Queue one row; its id when this table's ids are given out here."""
        row = self.params(values)
        new_id = None
        if self.ids is not None:
            new_id = row[self.position["id"]] = self.ids.next()
            self.pending_ids.add(new_id)
        self.pending.append(row)
        return new_id

    def flush(self) -> None:
        if self.pending:
            self.cursor.executemany(self.sql, self.pending)
            self.pending = []
            self.pending_ids.clear()


class _Ids:
    """The ids the database itself would give the batch's new rows, given out beforehand.

    SQLite (tables without AUTOINCREMENT) gives the largest rowid plus one; the batch holds
    the writers' lock, so nobody else inserts meanwhile. PostgreSQL: the table's sequence.
    """

    def __init__(self, model: type, cursor: Any, postgres: bool) -> None:
        self.table = model._meta.table_name
        self.cursor = cursor
        self.postgres = postgres
        self.last: int | None = None

    def next(self) -> int:
        if self.postgres:
            self.cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [self.table])
            return self.cursor.fetchone()[0]
        if self.last is None:
            self.cursor.execute(f'SELECT MAX("id") FROM "{self.table}"')
            self.last = self.cursor.fetchone()[0] or 0
        self.last += 1
        return self.last


def _audit_fill(customer_id: int | None, fill: dict[str, Any], advisor_id: int | None,
                detail: str | None = None) -> None:
    """An existing archive filled from the sheet: logged on it, in the batch's transaction.
    New archives are counted in the run's entry."""
    audit.record("import", advisor_id=advisor_id, customer_id=customer_id, field=",".join(fill),
                 after=fill, detail=detail)


_VEHICLE_COLUMNS = ("id", "vin", "owner", "sold_here", *VEHICLE_FIELDS[1:])  # usage among them


def _open_prospects(rows: list[CleanRow]) -> dict[str, int]:
    """Open prospects whose mobile is on one of the batch's rows: mobile -> prospect id."""
    mobiles = list({r.values["mobile"] for r in rows if r.values["mobile"]})
    if not mobiles:
        return {}
    found: dict[str, int] = {}
    for pk, mobile, status in sorted(_rows_where_in(Prospect, ("id", "mobile", "status"), "mobile", mobiles)):
        if status == "open":
            found.setdefault(mobile, pk)  # the oldest, as the intake's ``find_by_mobile``
    return found


def _change_hands(car: SimpleNamespace, buyer: int, values: Mapping[str, Any], advisor_id: int | None,
                  stamp: dt.datetime, note: str) -> str:
    """A car on file under another owner, sold on the sheet to ``buyer``: the sale date
    decides. After the present ownership began, it is a resale: that ownership ends on
    the sale date, the buyer's begins, the car takes the sheet's plate (and use), and both
    archives log it. On or before it (an older ledger imported again), the sale goes into
    the car's history and the car stays with its present owner.
    Returns "resold", "history", "unchanged" (already in the history) or a reason to refuse."""
    sale = values["purchase_date"]
    held = list(Ownership.select().where(Ownership.vehicle == car.id).order_by(Ownership.start_date))
    current = next((o for o in held if o.end_date is None), None)
    if any(o.customer_id == buyer and o.start_date == sale for o in held):
        return "unchanged"  # this sale is on file already (a re-run)
    if current is not None and sale == current.start_date:
        return t("import.owner_same_day")
    if current is None or sale > current.start_date:
        if current is not None:
            Ownership.update(end_date=sale).where(Ownership.id == current.id).execute()
        Ownership.create(vehicle=car.id, customer=buyer, start_date=sale, note=note)
        before = {"owner": car.owner, "plate": car.plate}
        changes: dict[str, Any] = {"owner": buyer, "sold_here": True}  # sold (again) here
        if values["plate"] and values["plate"] != car.plate:
            changes.update(plate=values["plate"])
        if values["usage"]:
            changes["usage"] = values["usage"]
        for name in VEHICLE_FIELDS:  # blanks the sheet fills, as for any car on file
            if name not in ("purchase_date", "plate", "usage") and values.get(name) is not None \
                    and getattr(car, name, None) in (None, ""):
                changes[name] = values[name]
        Vehicle.update(**changes, updated_at=stamp, version=Vehicle.version + 1).where(
            Vehicle.id == car.id).execute()
        after = {"owner": buyer, "plate": changes.get("plate", car.plate)}
        shown = [k for k in ("owner", "plate") if before[k] != after[k]]
        for customer_id in dict.fromkeys((car.owner, buyer)):
            if customer_id is not None:
                audit.record("import", advisor_id=advisor_id, customer_id=customer_id, field=",".join(shown),
                             before={k: before[k] for k in shown}, after={k: after[k] for k in shown},
                             detail=t("import.audit_resale", vehicle=car.id, date=sale.isoformat()))
        car.owner, car.plate = buyer, after["plate"]
        return "resold"
    # an older sale: between the ownerships around it
    later = [o.start_date for o in held if o.start_date > sale]
    end = min(later) if later else sale
    for o in held:
        if o.start_date < sale and (o.end_date is None or o.end_date > sale):
            Ownership.update(end_date=sale).where(Ownership.id == o.id).execute()
    Ownership.create(vehicle=car.id, customer=buyer, start_date=sale, end_date=end, note=note)
    audit.record("import", advisor_id=advisor_id, customer_id=buyer, field="owner",
                 after={"vehicle": car.id, "from": sale.isoformat(), "to": end.isoformat()},
                 detail=t("import.audit_history", vehicle=car.id, date=sale.isoformat(), end=end.isoformat()))
    return "history"


def apply_batch(rows: list[CleanRow], advisor_id: int | None) -> BatchCounts:
    """Write one batch; call inside ``writing()``."""
    counts = BatchCounts()
    database = Customer._meta.database.obj
    cursor = database.cursor()
    postgres = is_postgres(database)
    customers = _Insert(Customer, cursor, postgres, ids=True)
    cars = _Insert(Vehicle, cursor, postgres, ids=True)
    owned = _Insert(Ownership, cursor, postgres)  # changes of hands of archived cars
    first_owners = _Insert(Ownership, cursor, postgres)  # then the new cars' first owners

    def sent(person_id: int) -> None:
        """Before a statement refers to a customer new in this batch, send the new ones."""
        if person_id in customers.pending_ids:
            customers.flush()

    stamp = now()
    start = today()
    note = t("import.ownership_note")
    vins = [r.values["vin"] for r in rows]
    vehicles = {car[1]: SimpleNamespace(**dict(zip(_VEHICLE_COLUMNS, car)))
                for car in _rows_where_in(Vehicle, _VEHICLE_COLUMNS, "vin", vins)}
    people = _People(rows, vehicles)
    prospects = _open_prospects(rows)
    to_convert: dict[int, int] = {}  # prospect id -> the customer it becomes
    touched: list[int] = []  # cars new or filled in
    people_touched: list[int] = []  # customers new or filled in

    def car_sent(car_id: int) -> None:
        """Before a statement refers to a car new in this batch, send it (and its owner)."""
        if car_id in cars.pending_ids:
            customers.flush()
            cars.flush()
            first_owners.flush()

    for row in rows:
        values = row.values
        car = vehicles.get(values["vin"])
        person = people.match(values, car)
        if car is not None and car.owner is not None and (person is None or person.id != car.owner) \
                and values["purchase_date"] is None:
            # on file under someone else, and no sale date to tell a resale from an old sale
            counts.refused.append((row, t("import.owner_no_date")))
            continue
        changed = False
        if person is None:
            fields = _derived(_present(values, CUSTOMER_FIELDS))
            person_id = customers.add({**fields, "source": "sales_import", "created_at": stamp,
                                       "created_by": advisor_id, "updated_at": stamp})
            person = SimpleNamespace(**{**dict.fromkeys(CUSTOMER_FIELDS), **fields}, id=person_id,
                                     name_key=compact_key(values["name"]))
            people_touched.append(person_id)
            people.add(person)
            counts.new_customers += 1
            counts.created_people.append(row.person_key)
        else:
            given = _present(values, CUSTOMER_FIELDS)
            if given.get("kind") != person.kind:  # an ID number and a credit code are not alike
                given.pop("id_number", None)
            given.pop("kind", None)
            fill = _blanks_filled(person, given)
            if fill:
                for k, value in fill.items():
                    setattr(person, k, value)
                fill = _derived(fill, person.kind)
                sent(person.id)
                Customer.update(**fill, updated_at=stamp, version=Customer.version + 1).where(
                    Customer.id == person.id).execute()
                _audit_fill(person.id, fill, advisor_id)
                people.add(person)
                people_touched.append(person.id)
                changed = True
        if values["mobile"] and person.mobile == values["mobile"] and values["mobile"] in prospects:
            to_convert.setdefault(prospects[values["mobile"]], person.id)
        car_fields = _present(values, VEHICLE_FIELDS)
        if car is None:
            car_id = cars.add({**car_fields, "sold_here": True, "owner": person.id, "created_at": stamp,
                               "updated_at": stamp})
            first_owners.add({"vehicle": car_id, "customer": person.id,
                              "start_date": values["purchase_date"] or start, "note": note})
            vehicles[values["vin"]] = SimpleNamespace(
                **{**dict.fromkeys(_VEHICLE_COLUMNS), **car_fields, "id": car_id, "owner": person.id,
                   "sold_here": True})
            touched.append(car_id)
            counts.new += 1
            continue
        if car.owner is not None and car.owner != person.id:
            sent(person.id)
            car_sent(car.id)
            outcome = _change_hands(car, person.id, values, advisor_id, stamp, note)
            if outcome == "resold":
                counts.resold += 1
                touched.append(car.id)
            elif outcome == "history":
                counts.history += 1
            elif outcome == "unchanged" and not changed:
                counts.unchanged += 1
            elif outcome == "unchanged":
                counts.updated += 1
            else:
                counts.refused.append((row, outcome))
            continue
        fill = _blanks_filled(car, car_fields)
        fill.pop("usage", None)  # a car on file keeps the use its advisors gave it
        if "purchase_date" in fill and car.owner is not None and Ownership.select().where(
                (Ownership.vehicle == car.id) & (Ownership.customer != person.id)
                & (Ownership.start_date < fill["purchase_date"])).exists():
            del fill["purchase_date"]  # the row's date is a later sale, not the car's first
        if not car.sold_here:
            fill["sold_here"] = True
        if car.owner is None:
            # An archived car with no owner: the buyer on the sheet becomes its owner.
            fill["owner"] = person.id
            owned.add({"vehicle": car.id, "customer": person.id,
                       "start_date": values["purchase_date"] or start, "note": note})
        if fill:
            sent(fill.get("owner", car.owner))
            car_sent(car.id)
            Vehicle.update(**fill, updated_at=stamp, version=Vehicle.version + 1).where(
                Vehicle.id == car.id).execute()
            _audit_fill(fill.get("owner", car.owner), fill, advisor_id, f"vehicle {car.id}")
            for k, value in fill.items():
                setattr(car, k, value)
            touched.append(car.id)
            changed = True
        if changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    for insert in (customers, owned, cars, first_owners):  # each row after those it refers to
        insert.flush()
    for prospect_id, person_id in to_convert.items():
        # The intake's own conversion: contacts move to the archive, the prospect is closed.
        convert_prospect(prospect_id, person_id, advisor_id)
        counts.converted.append(prospect_id)
    derived.customers(people_touched)
    derived.vehicles(touched)
    return counts
