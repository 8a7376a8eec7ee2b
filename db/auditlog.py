"""Reading the audit log: the manager's filtered, paged view (``db.audit`` writes it).

Filters: the advisor who acted, the customer acted on (an id, or a name / pinyin prefix
through the indexed search keys), and a date range (inclusive days). Pages are keyset-free
LIMIT/OFFSET over the ``at`` index, newest first: the manager pages a few screens, not
thousands, and the filter columns each have an ``(x, at)`` index.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from db.masking import mask_id, mask_mobile
from db.models import Advisor, AuditEntry, Customer
from db.roles import require_manager
from db.search import compact_key

PAGE_SIZE = 14  # rows that fit the audit screen at 80×24


@dataclass(frozen=True)
class AuditFilter:
    advisor_id: int | None = None
    customer: str = ""  # "#123" / "123" (id) or a name / pinyin prefix
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    advisor: str
    action: str
    customer_id: int | None
    customer: str
    field: str
    before: str
    after: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.rows) < self.total


# Values of these fields are personal: the log screen shows them masked like everywhere
# else; the full value stays in the table for the record.
_MASKS = {"mobile": mask_mobile, "id_number": mask_id}


def _shown(field: str | None, raw: str | None) -> str:
    if raw is None:
        return ""
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={_shown(k, json.dumps(v, default=str))}" for k, v in value.items())
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    mask = _MASKS.get(field or "")
    return mask(text) if mask else text


def _customer_condition(text: str):
    text = text.strip().lstrip("#")
    if not text:
        return None
    if text.isdigit():
        return AuditEntry.customer == int(text)
    key = compact_key(text)
    low = key.lower()
    matches = Customer.select(Customer.id).where(
        (Customer.name_key.between(key, key + "\uffff"))
        | (Customer.pinyin_full.between(low, low + "\uffff"))
        | (Customer.pinyin_initials == low))
    return AuditEntry.customer.in_(matches)


def query(flt: AuditFilter, *columns):
    q = AuditEntry.select(*columns) if columns else AuditEntry.select()
    if flt.advisor_id:
        q = q.where(AuditEntry.advisor == flt.advisor_id)
    condition = _customer_condition(flt.customer)
    if condition is not None:
        q = q.where(condition)
    if flt.date_from:
        q = q.where(AuditEntry.at >= dt.datetime.combine(flt.date_from, dt.time.min))
    if flt.date_to:
        q = q.where(AuditEntry.at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time.min))
    return q


def page(actor_id: int | None, flt: AuditFilter = AuditFilter(), offset: int = 0,
         limit: int = PAGE_SIZE) -> AuditPage:
    """One page of the log, newest first. Manager only."""
    require_manager(actor_id, "roles.action.audit")
    total = query(flt).count()
    q = (query(flt, AuditEntry, Advisor.name.alias("advisor_name"), Customer.name.alias("customer_name"))
         .join(Advisor, JOIN.LEFT_OUTER, on=(AuditEntry.advisor == Advisor.id))
         .switch(AuditEntry)
         .join(Customer, JOIN.LEFT_OUTER, on=(AuditEntry.customer == Customer.id)))
    rows = []
    for e in q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit).objects():
        rows.append(AuditRow(
            id=e.id, at=e.at, advisor=e.advisor_name or "", action=e.action,
            customer_id=e.customer_id, customer=e.customer_name or "",
            field=e.field or "", before=_shown(e.field, e.before), after=_shown(e.field, e.after),
            detail=e.detail or ""))
    return AuditPage(rows, total, offset, limit)
