"""Lists for campaign tools (SMS platforms, call centres): a queue, a segment or everyone.

Personal data leaves the station masked (138****8000, 110105********002X) unless the
export is asked unmasked, which only a manager may do and which is written to the audit
log with who, what and where (PIPL). Customers who refused marketing are left out of the
plain and segment lists; a queue applies its own rule (service queues keep them: a
maintenance reminder is not marketing). Rows are streamed from SQL into the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.audit import write as audit
from db.connection import writing
from db.errors import Invalid
from db.i18n import number, t
from db.masking import mask_id, mask_mobile
from db.models import Customer, Prospect, Vehicle
from db.queues import lists as queues
from db.roles import require_manager
from db.segments import live_customer
from db.sheets import SheetWriter

CHUNK = 2000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    unmasked: bool
    cancelled: bool = False


def _header(with_reason: bool) -> list[str]:
    names = ["name", "mobile", "id_number", "district", "plate", "model"]
    labels = [t(f"completeness.field.{n}") if n != "district" else t("prospects.field.district")
              for n in names]
    return labels + ([t("export.due"), t("export.reason")] if with_reason else [])


def _everyone() -> Iterator[dict[str, Any]]:
    """Live customers who did not refuse marketing, one row per car (or one without a car)."""
    condition = live_customer() & (Customer.marketing_consent.is_null()
                                   | (Customer.marketing_consent == True))  # noqa: E712
    last = 0
    while True:  # keyset pages: a long export never holds one read open for long
        people = list(Customer.select(Customer.id.alias("customer_id"), Customer.name, Customer.mobile,
                                      Customer.id_number, Customer.district)
                      .where(condition & (Customer.id > last)).order_by(Customer.id).limit(CHUNK).dicts())
        if not people:
            return
        cars: dict[int, list[dict[str, Any]]] = {}
        for car in (Vehicle.select(Vehicle.owner, Vehicle.plate, Vehicle.model)
                    .where(Vehicle.owner.in_([p["customer_id"] for p in people]))
                    .order_by(Vehicle.id).dicts()):
            cars.setdefault(car.pop("owner"), []).append(car)
        for person in people:
            for car in cars.get(person["customer_id"]) or [{}]:
                yield {**person, **car}
        last = people[-1]["customer_id"]


def _queue(name: str, segment: str | None) -> Iterator[dict[str, Any]]:
    """The queue through its public pages (db.queues.lists.rows), with the raw values looked up
    per page: the queue's rows carry masked mobiles only."""
    offset = 0
    while True:
        items = queues.rows(name, offset=offset, limit=CHUNK, segment=segment, with_badges=False)
        if not items:
            return
        people = {c["id"]: c for c in Customer.select(Customer.id, Customer.mobile, Customer.id_number,
                                                          Customer.district)
                  .where(Customer.id.in_([i.customer_id for i in items if i.customer_id])).dicts()}
        prospects = {p["id"]: p for p in Prospect.select(Prospect.id, Prospect.mobile, Prospect.district)
                     .where(Prospect.id.in_([i.prospect_id for i in items if i.prospect_id])).dicts()}
        for item in items:
            raw = people.get(item.customer_id) or prospects.get(item.prospect_id) or {}
            yield {"customer_id": item.customer_id, "prospect_id": item.prospect_id, "name": item.name,
                   "mobile": raw.get("mobile"), "id_number": raw.get("id_number"),
                   "district": raw.get("district"), "plate": item.plate, "model": None,
                   "due": item.due_date, "reason": item.reason}
        offset += len(items)


def export(path: str | os.PathLike, *, queue: str | None = None, segment: str | None = None,
           unmasked: bool = False, advisor_id: int | None = None, overwrite: bool = False,
           progress: Callable[[int], None] | None = None,
           cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Write the list to ``path`` (.xlsx or .csv).

    ``queue``: that call queue as of today; ``segment`` alone: the campaign queue of that
    segment (db/queues/lists.py decides who is in it); neither: every live customer.
    An existing file is refused unless ``overwrite``; an unknown queue or segment is
    refused before the file is opened, so nothing is left behind.
    """
    if unmasked:
        require_manager(advisor_id, "roles.action.export_unmasked")
    target = Path(path)
    if segment and not queue:
        queue = queues.CAMPAIGN
    if queue:
        queues.plan(queue, queues.Ctx.make(), segment)  # raises Invalid for a name it does not know
    if target.exists() and not overwrite:
        raise Invalid(t("file.exists", path=target), "file")
    source = _queue(queue, segment) if queue else _everyone()
    customers: set[int | None] = set()
    rows = 0
    cancelled = False
    with SheetWriter(target, _header(bool(queue))) as sheet:
        for row in source:
            mobile, id_number = row.get("mobile"), row.get("id_number")
            if not unmasked:
                mobile, id_number = mask_mobile(mobile), mask_id(id_number)
            values = [row["name"], mobile or "", id_number or "", row.get("district") or "",
                      row.get("plate") or "", row.get("model") or ""]
            if queue:
                values += [row.get("due"), row.get("reason") or ""]
            sheet.write(values)
            rows += 1
            customers.add(row.get("customer_id") or row.get("prospect_id"))
            if rows % CHUNK == 0:
                if progress:
                    progress(rows)
                if cancel and cancel():
                    cancelled = True
                    break
    if unmasked:
        with writing():
            audit.record("export", advisor_id=advisor_id,
                         detail=t("export.audit", file=target.name, rows=number(rows), customers=number(len(customers)),
                                  what=" ".join(filter(None, (queue, segment))) or t("export.everyone")))
    return ExportResult(target, rows, unmasked, cancelled)
