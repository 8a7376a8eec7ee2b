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
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from db import validate as v
from db.audit import write as audit
from db.clock import now, today
from db.connection import is_postgres, writing
from db.errors import Invalid
from db.i18n import field_label, listing, number, t
from db.models import Customer, Ownership, Prospect, Setting, Vehicle
from db.prospects import convert as convert_prospect
from db.queues import stored_days as due_days
from db.search import compact_key, customer_keys, vehicle_keys
from db.segments import occupation_fields
from db.sheets import SheetRow, SheetWriter, open_sheet

BATCH_SIZE = 1000  # rows per transaction: ~0.1 s of writing, so other advisors barely wait
MAPPING_SETTING = "import.header_map"  # remembered header -> field (a Setting row, JSON)
IGNORE = "-"  # --map 备注=- : leave this column out

CUSTOMER_FIELDS = ("name", "mobile", "id_number", "occupation", "home_address", "employer")
VEHICLE_FIELDS = ("vin", "plate", "brand", "model", "color", "engine_no", "transmission_no",
                  "purchase_date")
FIELDS = CUSTOMER_FIELDS + VEHICLE_FIELDS
REQUIRED = ("name", "vin")
_TEXT_LIMITS = {"occupation": 60, "home_address": 200, "employer": 100, "brand": 40, "model": 60,
                "color": 20, "engine_no": 30, "transmission_no": 30}
_CODES = ("engine_no", "transmission_no")  # identifiers: upper case, no spaces

# The headers sales sheets use (after ``header_key``: spaces and marks dropped, upper case).
HEADER_ALIASES = {
    **dict.fromkeys(("姓名", "客户姓名", "客户名称", "客户", "车主", "车主姓名", "购车人", "NAME"), "name"),
    **dict.fromkeys(("手机", "手机号", "手机号码", "联系电话", "联系方式", "电话", "移动电话",
                     "客户电话", "MOBILE"), "mobile"),
    **dict.fromkeys(("身份证号", "身份证", "身份证号码", "证件号码", "证件号"), "id_number"),
    **dict.fromkeys(("车架号", "VIN", "VIN码", "底盘号", "车辆识别代号", "车辆识别号"), "vin"),
    **dict.fromkeys(("车牌号", "车牌", "车牌号码", "号牌号码"), "plate"),
    **dict.fromkeys(("品牌", "厂牌"), "brand"),
    **dict.fromkeys(("车型", "车辆型号", "车型名称", "型号"), "model"),
    **dict.fromkeys(("颜色", "车身颜色", "车色", "外观颜色"), "color"),
    **dict.fromkeys(("发动机号", "发动机号码"), "engine_no"),
    **dict.fromkeys(("变速器号", "变速箱号"), "transmission_no"),
    **dict.fromkeys(("购车日期", "开票日期", "销售日期", "交车日期", "购买日期"), "purchase_date"),
    **dict.fromkeys(("地址", "家庭住址", "住址", "联系地址", "家庭地址"), "home_address"),
    **dict.fromkeys(("职业",), "occupation"),
    **dict.fromkeys(("单位", "工作单位", "单位名称"), "employer"),
}
NO_PLATE = {"", "无", "新车", "未上牌", "暂无", "待上牌", "-", "/"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MARKS = str.maketrans("", "", " *:：()（）[]【】")


def header_key(text: object) -> str:
    """A header as compared: NFKC, marks and spaces dropped, "(必填)" dropped, upper case."""
    return v.normalise(text).replace("必填", "").translate(_MARKS).upper()


def field_for(text: str) -> str | None:
    """A field name typed by the user: its English name or its Chinese header; ``-`` ignores."""
    cleaned = v.normalise(text)
    if cleaned == IGNORE or cleaned in FIELDS:
        return cleaned
    return HEADER_ALIASES.get(header_key(cleaned)) or next(
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

    def field_columns(self) -> dict[str, list[int]]:
        by_field: dict[str, list[int]] = {}
        for index, name in sorted(self.columns.items()):
            by_field.setdefault(name, []).append(index)
        return by_field


def plan_columns(header: Iterable[object], mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """Which column feeds which field: the user's mapping, then remembered ones, then aliases."""
    header = tuple(v.normalise(h) for h in header)
    known = {**HEADER_ALIASES, **remembered(), **(mapping or {})}
    columns: dict[int, str] = {}
    unmapped: list[str] = []
    for index, text in enumerate(header):
        if not text:
            continue
        target = known.get(header_key(text))
        if target == IGNORE:
            continue
        if target in FIELDS:
            columns[index] = target
        else:
            unmapped.append(text)
    missing = [f for f in REQUIRED if f not in columns.values()]
    return ColumnPlan(header, columns, unmapped, missing)


def read_header(path: str | os.PathLike) -> ColumnPlan:
    """The file's header and the columns recognised in it (for the mapping step)."""
    with open_sheet(path) as sheet:
        return plan_columns(sheet.header)


# ---------------------------------------------------------------- one row


@dataclass
class CleanRow:
    line: int
    raw: tuple[Any, ...]
    values: dict[str, Any]

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


def _blank_row(values: tuple[Any, ...]) -> bool:
    return not any(x.strip() if type(x) is str else cell_text(x).strip() for x in values)


def _purchase_date(value: Any, day: dt.date | None = None) -> dt.date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell without a date format
    found = v.optional_date(value if isinstance(value, dt.date) else cell_text(value), "purchase_date")
    if found is not None and not (dt.date(1980, 1, 1) <= found <= (day or today())):
        raise Invalid(t("import.date_range", date=found.isoformat()), "purchase_date")
    return found


class RowInvalid(Invalid):
    """A sheet row with bad cells: every one of them, so that the rejects list tells the
    sales department all that is wrong with the row at once, not one cell per re-run."""

    def __init__(self, problems: list[Invalid]) -> None:
        self.problems = problems
        super().__init__(t("i18n.clause_separator").join(
            t("i18n.labelled", label=field_label(p.field), text=str(p)) for p in problems),
            problems[0].field)


def clean_row(row: SheetRow, by_field: Mapping[str, list[int]], day: dt.date | None = None) -> CleanRow:
    """The row's values validated and normalised; ``RowInvalid`` names every bad field.

    ``day`` is today's date, looked up once per run rather than twice per row.
    """
    raw = row.values
    width = len(raw)
    day = day or today()
    problems: list[Invalid] = []

    def pick(name: str) -> tuple[Any, str]:
        """The field's first non-blank cell, and its text."""
        for index in by_field.get(name, ()):
            if index < width:
                text = cell_text(raw[index])
                if text.strip():
                    return raw[index], text
        return None, ""

    def check(name: str, validator: Callable[[], Any]) -> None:
        try:
            values[name] = validator()
        except Invalid as exc:
            problems.append(exc if exc.field else Invalid(str(exc), name))
            values[name] = None

    values: dict[str, Any] = {}
    check("name", lambda: v.name(pick("name")[1]))
    check("vin", lambda: v.vin(pick("vin")[1]))
    mobile = pick("mobile")[1]
    check("mobile", lambda: v.mobile(mobile) if mobile else None)
    id_text = pick("id_number")[1]
    check("id_number", lambda: v.id_number(id_text, today=day) if id_text else None)
    plate_text = v.normalise(pick("plate")[1])
    check("plate", lambda: None if plate_text in NO_PLATE else v.plate(plate_text))
    for name, limit in _TEXT_LIMITS.items():
        text = pick(name)[1]
        check(name, lambda: _code_or_text(v.text(text, name, limit), name))
    check("purchase_date", lambda: _purchase_date(pick("purchase_date")[0], day))
    if problems:
        raise RowInvalid(problems)
    if not values["brand"]:
        values["brand"] = v.vin_brand(values["vin"])
    return CleanRow(row.line, raw, values)


def _code_or_text(text: str | None, name: str) -> str | None:
    return compact_key(text) if text and name in _CODES else text


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

    def summary(self) -> str:
        key = "import.summary_dry" if self.dry_run else "import.summary"
        text = t(key, rows=number(self.rows), new=number(self.new), updated=number(self.updated),
                 unchanged=number(self.unchanged), rejected=number(self.rejected),
                 customers=number(self.new_customers))
        if self.converted:
            text += t("import.converted_dry" if self.dry_run else "import.converted", n=number(self.converted))
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
        self._seen_vins: dict[str, int] = {}  # VIN -> first line in this file
        self._dry_people: set[str] = set()  # customers a dry run "created" in an earlier batch
        self._dry_converted: set[int] = set()  # prospects a dry run "converted" likewise

    # -- the run

    def run(self) -> ImportResult:
        with open_sheet(self.path) as sheet:
            plan = plan_columns(sheet.header, self.mapping)
            if plan.missing:
                raise Invalid(t("import.missing_columns",
                                fields=listing(field_label(f) for f in plan.missing),
                                headers=listing(plan.unmapped) or "-"), "map")
            self.result.unmapped = plan.unmapped
            if not self.result.dry_run:
                remember(self.mapping, self.advisor_id)
            self._header = plan.header
            by_field = plan.field_columns()
            batch: list[CleanRow] = []
            try:
                day = today()
                for row in sheet:
                    if _blank_row(row.values):
                        continue  # blank lines between blocks of a sheet
                    self.result.rows += 1
                    cleaned = self._clean(row, by_field, day)
                    if cleaned is not None:
                        batch.append(cleaned)
                    if len(batch) >= self.batch_size:
                        self._commit(batch, sheet.fraction())
                        batch = []
                        if self.cancel():
                            self.result.cancelled = True
                            break
                else:
                    self._commit(batch, 1.0)
            finally:
                self._close_rejects()
        if not self.result.dry_run and (self.result.new or self.result.updated or self.result.converted):
            with writing():
                audit.record("import", advisor_id=self.advisor_id,
                             detail=f"{self.path.name}: {self.result.summary()}")
        return self.result

    def _clean(self, row: SheetRow, by_field: Mapping[str, list[int]], day: dt.date) -> CleanRow | None:
        try:
            cleaned = clean_row(row, by_field, day)
        except Invalid as exc:
            reason = str(exc) if isinstance(exc, RowInvalid) or not exc.field else t(
                "i18n.labelled", label=field_label(exc.field), text=str(exc))
            self._reject(row.line, row.values, reason)
            return None
        first = self._seen_vins.setdefault(cleaned.values["vin"], row.line)
        if first != row.line:
            self._reject(row.line, row.values, t("import.vin_twice", line=first))
            return None
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
            self.result.batches += 1
        self.result.fraction = fraction
        if self.progress:
            self.progress(self.result)

    # -- rejects

    def _reject(self, line: int, raw: tuple[Any, ...], reason: str) -> None:
        self.result.rejected += 1
        if self._rejects is None:
            self._rejects = SheetWriter(self.rejects_path,
                                        [t("import.rejects_line"), t("import.rejects_reason"), *self._header])
            self.result.rejects_path = self.rejects_path
        self._rejects.write([line, reason, *(cell_text(x) for x in raw)])

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


def _derived(fields: dict[str, Any]) -> dict[str, Any]:
    """Values that follow from the ones written: birth date and sex from an ID number,
    the occupation's category from an occupation (``db.segments.occupation_fields``)."""
    if fields.get("id_number"):
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
    """An existing archive filled from the sheet: logged on it, in the batch's transaction
    (search keys left out: they are copies). New archives are counted in the run's entry."""
    shown = {k: v for k, v in fill.items() if not k.endswith(("_key", "_rev")) and not k.startswith("pinyin")}
    audit.record("import", advisor_id=advisor_id, customer_id=customer_id, field=",".join(shown),
                 after=shown, detail=detail)


_VEHICLE_COLUMNS = ("id", "vin", "owner", "sold_here", *VEHICLE_FIELDS[1:])


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
    touched: list[int] = []  # cars new or filled in: their queue days and listing change
    for row in rows:
        values = row.values
        car = vehicles.get(values["vin"])
        person = people.match(values, car)
        changed = False
        if person is None:
            fields = _derived(_present(values, CUSTOMER_FIELDS))
            keys = customer_keys(values["name"], fields.get("mobile"), fields.get("employer")).as_dict()
            person_id = customers.add({**fields, **keys, "source": "sales_import", "created_at": stamp,
                                       "created_by": advisor_id, "updated_at": stamp})
            person = SimpleNamespace(**{**dict.fromkeys(CUSTOMER_FIELDS), **fields}, id=person_id,
                                     name_key=keys["name_key"])
            people.add(person)
            counts.new_customers += 1
            counts.created_people.append(row.person_key)
        else:
            fill = _blanks_filled(person, _present(values, CUSTOMER_FIELDS))
            if fill:
                for k, value in fill.items():
                    setattr(person, k, value)
                fill = _derived(fill)
                fill.update(customer_keys(person.name, person.mobile, person.employer).as_dict())
                sent(person.id)
                Customer.update(**fill, updated_at=stamp, version=Customer.version + 1).where(
                    Customer.id == person.id).execute()
                _audit_fill(person.id, fill, advisor_id)
                people.add(person)
                changed = True
        if values["mobile"] and person.mobile == values["mobile"] and values["mobile"] in prospects:
            to_convert.setdefault(prospects[values["mobile"]], person.id)
        car_fields = _present(values, VEHICLE_FIELDS)
        if car is None:
            car_id = cars.add({**car_fields, "sold_here": True, **vehicle_keys(values["vin"], values["plate"]),
                               "owner": person.id, "created_at": stamp, "updated_at": stamp})
            first_owners.add({"vehicle": car_id, "customer": person.id,
                              "start_date": values["purchase_date"] or start, "note": note})
            touched.append(car_id)
            counts.new += 1
            continue
        fill = _blanks_filled(car, car_fields)
        if not car.sold_here:
            fill["sold_here"] = True
        if car.owner is None:
            # An archived car with no owner: the buyer on the sheet becomes its owner.
            fill["owner"] = person.id
            owned.add({"vehicle": car.id, "customer": person.id,
                       "start_date": values["purchase_date"] or start, "note": note})
        if fill:
            if "plate" in fill:
                fill.update(vehicle_keys(car.vin, fill["plate"]))
            sent(fill.get("owner", car.owner))
            Vehicle.update(**fill, updated_at=stamp, version=Vehicle.version + 1).where(
                Vehicle.id == car.id).execute()
            _audit_fill(fill.get("owner", car.owner), fill, advisor_id, f"vehicle {car.id}")
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
    due_days.refresh_vehicles(touched)  # after the conversions: a prospect's refusal counts
    return counts
