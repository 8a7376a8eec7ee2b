"""The repair health record (汽车维修电子健康档案): the settled visits of a period with the
13 items provinces collect per repair, for upload to the provincial platform.

A bulk export, so managers only, and written to the audit log. CSV (UTF-8 with BOM, one
header row) has one row per part line, a visit without parts one row with the part
columns empty, through ``db.sheets.SheetWriter`` (no cell ever a live formula, hidden
characters shown as escapes). JSON has one object per visit with its parts nested,
written by ``db.safe_text.dumps``. Visits are read a page at a time by id, so a year of
a busy store streams in bounded memory. The file appears whole or not at all (0600).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from db import settings
from db.audit import write as audit
from db.connection import writing
from db.errors import Invalid
from db.files import private_file
from db.i18n import number, t
from db.models import Vehicle, Visit, VisitPart
from db.roles import require_manager
from db.safe_text import dumps
from db.sheets import SheetWriter

CHUNK = 1000
SUFFIXES = (".csv", ".json")

# The record's items in the platform's order: JSON key (README) and header text key.
VISIT_ITEMS = ("company", "vin", "plate", "date_in", "mileage_in", "settled_on", "settlement_no",
               "fault", "repair_items", "labour_hours")
PART_ITEMS = ("part_name", "part_code", "part_quantity")
ITEMS = VISIT_ITEMS + PART_ITEMS


@dataclass(frozen=True)
class HealthRecordResult:
    path: Path
    visits: int
    rows: int  # CSV rows (part lines, or one per visit without parts); JSON: visits
    company_missing: bool  # setting store.name is empty: the first column is blank


def _figure(value: Decimal | None) -> int | float | None:
    """A quantity or hours as a plain number, the same from SQLite and PostgreSQL
    (whole ones as integers: 2, not 2.00)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _visits(date_from: dt.date | None, date_to: dt.date | None) -> Iterator[dict[str, Any]]:
    """The settled visits of the period (by settlement date), each with its part lines."""
    condition = Visit.settlement_no.is_null(False) & Visit.settled_on.is_null(False)
    if date_from:
        condition &= Visit.settled_on >= date_from
    if date_to:
        condition &= Visit.settled_on <= date_to
    company = settings.get("store.name")
    last = 0
    while True:
        page = list(Visit.select(Visit.id, Vehicle.vin, Vehicle.plate, Visit.visit_date, Visit.mileage,
                                 Visit.settled_on, Visit.settlement_no, Visit.work_requested, Visit.diagnosis,
                                 Visit.work_done, Visit.labour_hours)
                    .join(Vehicle, on=(Visit.vehicle == Vehicle.id))
                    .where(condition & (Visit.id > last)).order_by(Visit.id).limit(CHUNK).dicts())
        if not page:
            return
        parts: dict[int, list[dict[str, Any]]] = {}
        for line in (VisitPart.select(VisitPart.visit, VisitPart.name, VisitPart.code, VisitPart.quantity)
                     .where(VisitPart.visit.in_([v["id"] for v in page])).order_by(VisitPart.id).dicts()):
            parts.setdefault(line["visit"], []).append(
                {"part_name": line["name"], "part_code": line["code"] or "", "part_quantity": _figure(line["quantity"])})
        for visit in page:
            yield {"company": company, "vin": visit["vin"], "plate": visit["plate"] or "",
                   "date_in": visit["visit_date"], "mileage_in": visit["mileage"],
                   "settled_on": visit["settled_on"], "settlement_no": visit["settlement_no"],
                   # the fault as the customer described it; the advisor's diagnosis when not written
                   "fault": visit["work_requested"] or visit["diagnosis"] or "",
                   "repair_items": visit["work_done"] or "", "labour_hours": _figure(visit["labour_hours"]),
                   "parts": parts.get(visit["id"], [])}
        last = page[-1]["id"]


def header() -> list[str]:
    return [t(f"health.col.{item}") for item in ITEMS]


def _write_csv(target: Path, visits: Iterator[dict[str, Any]], overwrite: bool) -> tuple[int, int]:
    count = 0
    with SheetWriter(target, header(), overwrite=overwrite) as sheet:
        for visit in visits:
            count += 1
            head = [visit[item] for item in VISIT_ITEMS]
            for line in visit["parts"] or [dict.fromkeys(PART_ITEMS)]:
                sheet.write(head + [line[item] for item in PART_ITEMS])
        rows = sheet.rows
    return count, rows


def _write_json(target: Path, visits: Iterator[dict[str, Any]], overwrite: bool) -> tuple[int, int]:
    count = 0
    with private_file(target, overwrite=overwrite) as fh:
        fh.write(b"[")
        for visit in visits:
            item = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in visit.items()}
            fh.write((("," if count else "") + "\n" + dumps(item)).encode("utf-8"))
            count += 1
        fh.write(b"\n]\n")
    return count, count


def export_health_record(path: str | os.PathLike, *, date_from: dt.date | None = None,
                         date_to: dt.date | None = None, advisor_id: int | None = None,
                         overwrite: bool = False) -> HealthRecordResult:
    """Write the settled visits of [date_from, date_to] (either open) to ``path``."""
    require_manager(advisor_id, "roles.action.health_record")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise Invalid(t("health.kind", suffix=suffix or "?"), "file")
    if date_from and date_to and date_from > date_to:
        raise Invalid(t("health.bad_period", start=date_from.isoformat(), end=date_to.isoformat()), "from")
    if target.exists() and not overwrite:
        raise Invalid(t("file.exists", path=target), "file")
    writer = _write_csv if suffix == ".csv" else _write_json
    try:
        visits, rows = writer(target, _visits(date_from, date_to), overwrite)
    except FileExistsError:
        raise Invalid(t("file.exists", path=target), "file") from None
    except OSError as exc:
        raise Invalid(t("sheets.cannot_write", path=target, reason=exc.strerror or exc), "file") from None
    period = f"{date_from or '…'} – {date_to or '…'}"
    with writing():
        audit.record("export", advisor_id=advisor_id,
                     detail=t("health.audit", file=target.name, visits=number(visits), period=period))
    return HealthRecordResult(target, visits, rows, not settings.get("store.name"))
