"""The customer's rights under PIPL: marketing consent, a copy of their archive, erasure.

Decisions:
- Consent can be changed by any advisor at any contact; it is logged (``consent``) and the
  customer's cars follow in the same transaction (``db.derived``: the queues' stored
  listing), so the change is at once.
- A customer's own archive, exported for them, holds every value unmasked; that makes it
  an unmasked export, which only a manager may make (roles.require_manager), logged.
- Anonymisation (manager only) erases every personal field of the archive and of what
  hangs on it (contacts' notes, a converted prospect, old values in the audit log), and
  keeps the rows that carry the station's figures: visits with their fees and parts,
  contacts' outcomes, the vehicle. The customer row itself stays as a stub so that
  visits, contacts and ownership history keep pointing at one (anonymous) customer: the
  return-rate and churn figures count customers, and would change if the visits lost
  their customer. The vehicle loses its owner link (``Vehicle.owner = None``) and the
  open ownership row is closed; ownership rows stay, pointing at the stub, so the car's
  history of hands is kept without saying whose hands.
- ``PERSONAL`` and ``KEPT`` below classify every field of the models that hold personal
  data; a test fails when a field is added to one of them without being classified.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import ForeignKeyField, Model, fn

from db import derived
from db.audit import write as audit
from db.clock import now, today
from db.connection import writing
from db.errors import Invalid, NotFound
from db.files import private_file
from db.i18n import t
from db.safe_text import dumps
from db.sheets import SheetWriter
from db.models import (AuditEntry, Contact, Customer, Ownership, Prospect, QueueState,
                       Vehicle, Visit, VisitPart)
from db.roles import require_manager
from db.validate import choice

ANONYMOUS_NAME = "（已匿名）"  # stored, not translated: the data must not depend on a UI language

# Search keys: copies of personal values kept for the lookup (erased with them).
SEARCH_KEYS = frozenset({"name_key", "pinyin_full", "pinyin_initials", "mobile_rev", "employer_key",
                         "pinyin_alt", "pinyin_alt_initials"})
# Fields erased by anonymisation (set to None, or to the stub name where NOT NULL).
PERSONAL: dict[type[Model], frozenset[str]] = {
    Customer: frozenset({
        "name", "mobile", "phone2", "id_number", "birth_date", "sex", "occupation", "home_address",
        "hobbies", "education", "income", "employer", "employer_address", "interests",
        "payment_method", "value_class_reason",
    }) | SEARCH_KEYS,
    Contact: frozenset({"traits", "events", "tags", "note"}),
    Prospect: frozenset({"name", "mobile", "current_car", "heard_from", "interest", "next_step",
                         "name_key", "mobile_rev"}),
}
# Coarse categories of the customer kept for the region and occupation segments.
COARSE = ("district", "occupation_category")
# Fields kept, with the reason in a word: coarse categories that feed the segment
# figures, life-cycle facts, keys and links.
KEPT: dict[type[Model], frozenset[str]] = {
    Customer: frozenset({
        "id", *COARSE,
        "kind", "source", "marketing_consent", "consent_at", "consent_channel",  # set to "no" below
        "value_class_manual", "value_class_set_by", "value_class_set_at",
        "merged_into", "anonymised_at", "created_at", "created_by", "updated_at", "version",
    }),
    Contact: frozenset({"id", "customer", "prospect", "vehicle", "visit", "advisor", "contact_at",
                        "channel", "purpose", "outcome", "booked_date", "next_contact_date"}),
    Prospect: frozenset({"id", "district", "next_contact_date", "status", "customer",
                         "marketing_consent", "created_by", "created_at", "updated_at", "version"}),
}

# Internal columns left out of a customer's own copy (keys, links, locks).
_NOT_EXPORTED = SEARCH_KEYS | {"plate_rev", "vin_rev", "version", "merged_into", "value_class_set_by",
                               "created_by", "customer", "vehicle", "visit", "prospect"}


# ---- consent ---------------------------------------------------------------------

def set_consent(advisor_id: int, customer_id: int, consent: bool | None,
                channel: str = "desk") -> Customer:
    """Record the customer's answer to "may we send you offers?" (``None``: not asked)."""
    channel = choice(channel, ("desk", "phone", "sms", "wechat", "letter"), "channel")
    with writing():
        customer = _live_customer(customer_id)
        before = customer.marketing_consent
        Customer.update(marketing_consent=consent, consent_at=now() if consent is not None else None,
                        consent_channel=channel if consent is not None else None,
                        version=Customer.version + 1, updated_at=now()
                        ).where(Customer.id == customer_id).execute()
        derived.customers([customer_id])  # in or out of the marketing queues at once
        audit.record("consent", advisor_id=advisor_id, customer_id=customer_id,
                     field="marketing_consent", before=before, after=consent, detail=channel)
    return Customer.get_by_id(customer_id)


def _live_customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(t("db.not_found"))
    if customer.anonymised_at is not None:
        raise NotFound(t("privacy.already_anonymised"))
    return customer


def _archive_ids(customer_id: int) -> list[int]:
    """The archive and the archives merged into it: one person's rows."""
    return [customer_id] + [c.id for c in Customer.select(Customer.id)
                            .where(Customer.merged_into == customer_id)]


# ---- the customer's own copy -----------------------------------------------------

def _value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"  # money and quantities: two places, as on the work order
    return value


def _row(instance: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in instance._meta.sorted_fields:
        if field.name in _NOT_EXPORTED:
            continue
        if isinstance(field, ForeignKeyField) and field.rel_model.__name__ == "Advisor":
            advisor = getattr(instance, field.name)  # the person who served them, by name
            value = advisor.name if advisor is not None else None
        elif isinstance(field, ForeignKeyField):
            value = getattr(instance, field.column_name)  # an id, not the whole row
        else:
            value = getattr(instance, field.name)
        out[field.name] = _value(value)
    return out


def customer_archive(customer_id: int) -> dict[str, Any]:
    """Everything the station holds about one customer, in the four groups plus contacts."""
    customer = _live_customer(customer_id)
    ids = _archive_ids(customer_id)
    ownerships = list(Ownership.select().where(Ownership.customer.in_(ids)).order_by(Ownership.start_date))
    vehicle_ids = sorted({o.vehicle_id for o in ownerships}
                         | {v.id for v in Vehicle.select(Vehicle.id).where(Vehicle.owner.in_(ids))})
    vehicles = []
    for vehicle in Vehicle.select().where(Vehicle.id.in_(vehicle_ids)).order_by(Vehicle.id):
        row = _row(vehicle)
        row["ownership"] = [{"start_date": _value(o.start_date), "end_date": _value(o.end_date)}
                            for o in ownerships if o.vehicle_id == vehicle.id]
        vehicles.append(row)
    visits = []
    for visit in (Visit.select().where(Visit.customer.in_(ids))
                  .order_by(Visit.visit_date, Visit.id)):
        row = _row(visit)
        row["vin"] = visit.vehicle.vin
        row["parts"] = [_row(p) for p in VisitPart.select().where(VisitPart.visit == visit.id)]
        visits.append(row)
    contacts = [_row(c) for c in Contact.select().where(Contact.customer.in_(ids))
                .order_by(Contact.contact_at)]
    observation = {"education", "income", "employer", "employer_address", "interests",
                   "payment_method"}
    data = _row(customer)
    return {
        "exported_at": now().isoformat(),
        "customer": {k: v for k, v in data.items() if k not in observation},
        "vehicles": vehicles,
        "visits": visits,
        "observation": {k: v for k, v in data.items() if k in observation},
        "contacts": contacts,
    }


FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def may_export(actor_id: int | None) -> Any:
    """The signed-in manager, or ``Forbidden``: the copy is unmasked (asked before the path)."""
    return require_manager(actor_id, "roles.action.export_own")


def default_export_path(customer_id: int, fmt: str = "xlsx") -> Path:
    """Where the copy goes unless the user says otherwise: the home directory when it can
    be written, else the current one. The name carries the archive number and the day,
    not the customer's name (a file listing is not the place for personal data)."""
    home = Path.home()
    folder = home if home.is_dir() and os.access(home, os.W_OK) else Path.cwd()
    return folder / f"customer-{customer_id}-{today():%Y%m%d}.{fmt}"


def export_customer(actor_id: int, customer_id: int, path: str | Path,
                    overwrite: bool = False) -> ExportResult:
    """Write the customer's own archive, unmasked, to ``path`` (.json, .csv or .xlsx).
    An existing file is refused unless ``overwrite``: a copy never replaces another file."""
    actor = may_export(actor_id)
    text = str(path).strip()
    if not text:
        raise Invalid(t("privacy.export_no_path"), field="path")
    target = Path(text).expanduser()
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise Invalid(t("privacy.export_format", formats=", ".join(FORMATS)), field="path")
    if target.exists() and not overwrite:
        raise Invalid(t("privacy.export_exists", path=target), field="path")
    data = customer_archive(customer_id)
    rows = _flatten(data)
    try:
        _write_private(target, fmt, data, rows, overwrite)
    except FileExistsError:  # made by someone else since the check above
        raise Invalid(t("privacy.export_exists", path=target), field="path") from None
    except OSError as exc:
        raise Invalid(t("privacy.export_failed", path=target, reason=exc.strerror or exc), field="path") from None
    with writing():
        audit.record("export", advisor_id=actor.id, customer_id=customer_id,
                     detail=f"customer copy {fmt}, {len(rows)} values: {target.name}")
    return ExportResult(target, len(rows))


def _flatten(data: dict[str, Any]) -> list[list[Any]]:
    """(group, row number, field, value) rows: one layout for CSV and the sheet."""
    out: list[list[Any]] = []
    for group in ("customer", "observation", "vehicles", "visits", "contacts"):
        items = data[group] if isinstance(data[group], list) else [data[group]]
        for n, item in enumerate(items, 1):
            for key, value in item.items():
                if isinstance(value, list):
                    value = json.dumps(value, ensure_ascii=False)
                out.append([group, n, key, "" if value is None else value])
    return out


def _write_private(target: Path, fmt: str, data: dict[str, Any], rows: list[list[Any]],
                   overwrite: bool) -> None:
    """Write the copy readable by its owner only (0600: it holds unmasked personal data);
    never over an existing file unless asked, and no half-written file left on failure
    (``db.files``). The sheets go through the program's one sheet writer (no formula, no
    control character in a cell); the JSON keeps every value exact, its control and
    invisible characters written as ``\\u`` escapes (``db.safe_text.dumps``)."""
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401  (heavy to import: only when an .xlsx copy is written)
        except ImportError:
            raise Invalid(t("privacy.xlsx_missing"), field="path") from None
    if fmt == "json":
        with private_file(target, overwrite=overwrite) as raw:
            raw.write(dumps(data, indent=2).encode("utf-8"))
        return
    with SheetWriter(target, ["group", "row", "field", "value"], overwrite=overwrite, title="archive") as sheet:
        for row in rows:
            sheet.write(row)


# ---- anonymisation ---------------------------------------------------------------

@dataclass(frozen=True)
class AnonymisePlan:
    """What an anonymisation will erase and keep, shown before it is confirmed."""

    customer_id: int
    name: str
    merged: int  # archives merged into this one, erased alike
    erased_fields: tuple[str, ...]  # the customer's personal fields (search keys left out)
    kept_fields: tuple[str, ...]  # coarse categories kept for the segment figures
    contacts: int  # contacts whose traits, events, tags and notes are erased
    prospects: int  # prospect entries the customer came from
    audit_values: int  # audit entries whose old and new values are cleared
    visits: int
    revenue: decimal.Decimal
    vehicles: tuple[str, ...]  # plates (or VINs) kept without their owner


def anonymise_plan(actor_id: int | None, customer_id: int) -> AnonymisePlan:
    """Manager only, checked before the question is even asked."""
    require_manager(actor_id, "roles.action.anonymise")
    customer = _live_customer(customer_id)
    ids = _archive_ids(customer_id)
    visits, revenue = (Visit.select(fn.COUNT(Visit.id), fn.SUM(Visit.total_fee))
                       .where(Visit.customer.in_(ids)).tuples().get())
    cars = Vehicle.select(Vehicle.plate, Vehicle.vin).where(Vehicle.owner.in_(ids)).order_by(Vehicle.id)
    order = [f.name for f in Customer._meta.sorted_fields]
    return AnonymisePlan(
        customer_id=customer_id, name=customer.name, merged=len(ids) - 1,
        erased_fields=tuple(n for n in order if n in PERSONAL[Customer] - SEARCH_KEYS),
        kept_fields=COARSE,
        contacts=Contact.select().where(Contact.customer.in_(ids)).count(),
        prospects=Prospect.select().where(Prospect.customer.in_(ids)).count(),
        audit_values=AuditEntry.select().where(_logged_values(ids)).count(),
        visits=visits or 0, revenue=decimal.Decimal(revenue or 0),
        vehicles=tuple(c.plate or c.vin for c in cars),
    )


def _logged_values(ids: list[int]) -> Any:
    """Audit entries about these archives that hold old or new values."""
    return AuditEntry.customer.in_(ids) & (AuditEntry.before.is_null(False) | AuditEntry.after.is_null(False))


@dataclass(frozen=True)
class AnonymiseResult:
    customers: int
    contacts: int
    prospects: int
    vehicles_unlinked: int
    audit_entries_cleared: int


def _erase(model: type[Model], stub: dict[str, Any]) -> dict[Any, Any]:
    """The personal fields' new values; the search keys follow them (``db.derived``)."""
    return {getattr(model, name): stub.get(name) for name in PERSONAL[model] - SEARCH_KEYS}


def anonymise(actor_id: int, customer_id: int) -> AnonymiseResult:
    """Erase the customer's personal data for good; keep visits, fees and the vehicles."""
    actor = require_manager(actor_id, "roles.action.anonymise")
    with writing():
        _live_customer(customer_id)
        ids = _archive_ids(customer_id)
        customers = (Customer.update({**_erase(Customer, {"name": ANONYMOUS_NAME}),
                                      Customer.marketing_consent: False,
                                      Customer.consent_at: now(), Customer.consent_channel: None,
                                      Customer.anonymised_at: now(), Customer.updated_at: now(),
                                      Customer.version: Customer.version + 1})
                     .where(Customer.id.in_(ids)).execute())
        contacts = Contact.update(_erase(Contact, {})).where(Contact.customer.in_(ids)).execute()
        stubs = [p.id for p in Prospect.select(Prospect.id).where(Prospect.customer.in_(ids))]
        prospects = (Prospect.update(_erase(Prospect, {"name": ANONYMOUS_NAME}))
                     .where(Prospect.customer.in_(ids)).execute())
        cars = [car.id for car in Vehicle.select(Vehicle.id).where(Vehicle.owner.in_(ids))]
        vehicles = (Vehicle.update(owner=None, updated_at=now(), version=Vehicle.version + 1)
                    .where(Vehicle.owner.in_(ids)).execute())
        derived.customers(ids)  # keys of the stub's values
        derived.prospects(stubs)
        derived.vehicles(cars)  # no owner: out of every queue
        (Ownership.update(end_date=today(), note=None)
         .where(Ownership.customer.in_(ids) & Ownership.end_date.is_null()).execute())
        Ownership.update(note=None).where(Ownership.customer.in_(ids)).execute()
        QueueState.delete().where(QueueState.customer.in_(ids)).execute()
        # Old values in the log are personal data too: keep who did what and when.
        # The entry below vouches for each cleared one (its content before and after), so
        # the log's hash chain still verifies (db/audit/chain.py).
        cleared, seal = audit.clear_values(_logged_values(ids))
        audit.record("anonymise", advisor_id=actor.id, customer_id=customer_id,
                     detail=f"customers={customers} contacts={contacts} prospects={prospects} "
                            f"vehicles={vehicles} audit_cleared={cleared}", seal=seal)
    return AnonymiseResult(customers, contacts, prospects, vehicles, cleared)
