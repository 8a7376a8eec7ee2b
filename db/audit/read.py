"""Reading the audit log: the manager's filtered, paged view (``db.audit.write`` writes it).

Filters: the advisor who acted, the customer acted on (an id, or a name / pinyin prefix
through the indexed search keys), and a date range (inclusive days). Pages are keyset-free
LIMIT/OFFSET over the ``at`` index, newest first: the manager pages a few screens, not
thousands, and the filter columns each have an ``(x, at)`` index.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from db.audit.write import REFUSED
from db.i18n import field_label, has, number, t
from db.masking import mask_id, mask_mobile
from db.models import Advisor, AuditEntry, Customer, Vehicle
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
    # In the interface's words: the action's name, each change as "label: before → after"
    # with the forms' field labels, and the detail with ids turned into names and plates.
    action_label: str = ""
    changes: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""  # where it came from: OS account, terminal, client address, key

    @property
    def what(self) -> str:
        """One line for the log's table: the changes, else the note."""
        return t("i18n.clause_separator").join(self.changes) or self.note


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


# ---------------------------------------------------------------- in the interface's words

_ABSENT = object()  # a key missing from one side of a change (a value filled, not changed)
# Stored codes shown as the forms show them: a payment "cash" is 现金.
_CODES = {"payment_method": "intake.pay.{}", "usage": "card.usage.{}", "kind": "intake.kind.{}",
          "role": "roles.{}", "channel": "card.channel.{}", "pin": "audit.value.pin_{}", "sex": "intake.sex.{}"}
_BOOLEANS = {True: "intake.yesno.yes", False: "intake.yesno.no"}
_DETAILS = [  # machine-written details (db/intake, db/archive, db/privacy, db/roles) and their text
    (re.compile(r"^intake$"), "audit.detail.intake"),
    (re.compile(r"^vehicle (?P<vehicle>\d+)$"), "audit.detail.vehicle"),
    (re.compile(r"^visit (?P<no>\S+)$"), "audit.detail.visit"),
    (re.compile(r"^customer copy (?P<format>\w+), (?P<n>\d+) values: (?P<file>.+)$"), "audit.detail.copy"),
    (re.compile(r"^customers=(?P<customers>\d+) contacts=(?P<contacts>\d+) prospects=(?P<prospects>\d+) "
                r"vehicles=(?P<vehicles>\d+) audit_cleared=(?P<cleared>\d+)$"), "audit.detail.anonymised"),
    (re.compile(r"^advisor #(?P<advisor>\d+)$"), "audit.detail.advisor"),
    (re.compile(r"^restored from (?P<file>.+) \(aside: (?P<aside>.*)\)$"), "audit.detail.restored"),
]


@dataclass
class _Names:
    """Who and which car the page's ids are, read once per page."""

    customers: dict[int, str]
    vehicles: dict[int, str]
    advisors: dict[int, str]

    @classmethod
    def of(cls, entries: list[AuditEntry]) -> _Names:
        owners, cars, advisors = set(), set(), set()
        for e in entries:
            for raw in (e.before, e.after):
                value = _loads(raw)
                if isinstance(value, dict) and isinstance(value.get("owner"), int):
                    owners.add(value["owner"])
            for pattern, _ in _DETAILS:
                found = pattern.match(e.detail or "")
                if found and "vehicle" in found.groupdict():
                    cars.add(int(found["vehicle"]))
                if found and "advisor" in found.groupdict():
                    advisors.add(int(found["advisor"]))
        return cls(
            {c.id: c.name for c in Customer.select(Customer.id, Customer.name).where(Customer.id.in_(owners))}
            if owners else {},
            {car.id: car.plate or car.vin for car in Vehicle.select(Vehicle.id, Vehicle.plate, Vehicle.vin)
             .where(Vehicle.id.in_(cars))} if cars else {},
            {a.id: a.name for a in Advisor.select(Advisor.id, Advisor.name).where(Advisor.id.in_(advisors))}
            if advisors else {})


def _loads(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _search_copy(name: str) -> bool:
    """Search keys stored beside a field (name_key, mobile_rev, pinyin_full): copies."""
    return name.endswith(("_key", "_rev")) or name.startswith("pinyin")


def _value(name: str, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "∅"
    if name == "owner" and isinstance(value, int):
        return t("audit.value.customer", name=names.customers.get(value, "?"), id=value)
    if isinstance(value, bool):
        return t(_BOOLEANS[value])
    code = _CODES.get(name, "").format(value)
    if code and has(code):
        return t(code)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    mask = _MASKS.get(name)
    return mask(text) if mask else text


def _label(name: str, action: str) -> str:
    setting = f"setting.{name}"
    return t(setting) if action == "setting" and has(setting) else field_label(name)


def _change(name: str, action: str, before: Any, after: Any, names: _Names) -> str:
    if before is _ABSENT:
        shown = _value(name, after, names)
    else:
        shown = t("audit.change", before=_value(name, before, names), after=_value(name, after, names))
    return t("i18n.labelled", label=_label(name, action), text=shown)


def _changes(e: AuditEntry, names: _Names) -> tuple[str, ...]:
    before, after = _loads(e.before), _loads(e.after)
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        keys = [k for k in dict.fromkeys([*before, *after]) if not _search_copy(k)]
        return tuple(_change(k, e.action, before.get(k, _ABSENT), after.get(k), names) for k in keys)
    if not e.field:
        return ()
    if e.before is None and e.after is None:  # a reveal names the field and nothing else
        return tuple(field_label(name) for name in e.field.split(","))
    return (_change(e.field, e.action, before if e.before is not None else _ABSENT, after, names),)


def _note(detail: str | None, names: _Names) -> str:
    if not detail:
        return ""
    channel = f"card.channel.{detail}"
    if has(channel):
        return t(channel)
    for pattern, key in _DETAILS:
        found = pattern.match(detail)
        if found is None:
            continue
        values = found.groupdict()
        if "vehicle" in values:
            values["vehicle"] = names.vehicles.get(int(values["vehicle"]), "#" + values["vehicle"])
        if "advisor" in values:
            values["advisor"] = names.advisors.get(int(values["advisor"]), "#" + values["advisor"])
        return t(key, **{k: number(int(v)) if v.isdigit() and k not in ("no", "file", "aside") else v
                         for k, v in values.items()})
    return detail


def _refusal(e: AuditEntry) -> str:
    """A refused attempt: what was tried, and why when the log says so."""
    what = t(e.field) if e.field and has(e.field) else (e.field or "")
    detail = e.detail or ""
    if detail.startswith("unknown "):
        why = t("audit.refused.unknown", name=detail[len("unknown "):])
    elif has(f"audit.refused.{detail}"):
        why = t(f"audit.refused.{detail}")
    else:
        why = detail
    return t("i18n.clause_separator").join(part for part in (what, why) if part)


def _sealed_note(e: AuditEntry) -> str:
    """The chain's own entries: the upgrade that chained older entries, an anonymisation's voucher."""
    from db.audit.chain import seal_of

    seal = seal_of(e.seal)
    span = seal.get("chained")
    if isinstance(span, list) and len(span) == 2:
        return t("audit.detail.chained", n=number(int(seal.get("entries", 0))), first=span[0], last=span[1])
    return ""


def origin(e: AuditEntry) -> str:
    parts = [t(f"audit.origin.{name}", value=value) for name, value in (
        ("account", e.os_account), ("terminal", e.terminal), ("client", e.client), ("key", e.client_key)) if value]
    return t("audit.origin", where=t("i18n.clause_separator").join(parts)) if parts else ""


def action_label(action: str) -> str:
    key = f"audit.action.{action}"
    return t(key) if has(key) else action


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
    entries = list(q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit).objects())
    names = _Names.of(entries)
    rows = [AuditRow(
        id=e.id, at=e.at, advisor=e.advisor_name or "", action=e.action,
        customer_id=e.customer_id, customer=e.customer_name or "",
        field=e.field or "", before=_shown(e.field, e.before), after=_shown(e.field, e.after),
        detail=e.detail or "", action_label=action_label(e.action),
        changes=() if e.action == REFUSED else _changes(e, names),
        note=_refusal(e) if e.action == REFUSED else (_sealed_note(e) or _note(e.detail, names)),
        origin=origin(e)) for e in entries]
    return AuditPage(rows, total, offset, limit)


def chain_check(actor_id: int | None):
    """The whole log's hash chain walked (``db.auditchain.verify``). Manager only."""
    from db.audit import chain as auditchain
    from db.models import database_proxy

    require_manager(actor_id, "roles.action.audit")
    return auditchain.verify(database_proxy.obj)
