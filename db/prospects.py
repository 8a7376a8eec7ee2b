"""Prospects in the service area (服务区域内潜在客户): kept, contacted, converted.

The first door of domain.md's collection flow: the station gathers people living or
working near it, works on them, and when their car first comes in the intake finds the
prospect by mobile (``find_by_mobile``) and turns it into a customer archive
(``convert``), keeping every contact logged so far.

An open prospect is unique by mobile, so that the intake's lookup is unambiguous.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peewee import fn

from db import derived
from db.audit import write as audit
from db import validate as v
from db.clock import day_now, now
from db.connection import writing
from db.errors import Conflict, Invalid, NotFound
from db.i18n import t
from db.models import Contact, Customer, Prospect
from db.queues.outcomes import CONTACT_OUTCOMES
from db.search import compact_key
from db.versioning import update_versioned

STATUSES = ("open", "converted", "dropped")
# Contact values shared with the customers' contact log (db/models.py: Contact).
CHANNELS = ("desk", "phone", "sms", "wechat", "letter")

# field -> maximum length of the free-text fields of the form
_TEXT_FIELDS = {"district": 40, "current_car": 100, "heard_from": 60, "interest": 200, "next_step": 200}
FORM_FIELDS = ("name", "mobile", *_TEXT_FIELDS, "next_contact_date")


def clean(data: Mapping[str, Any], kept_date: dt.date | None = None) -> dict[str, Any]:
    """The form's values validated and normalised; raises ``Invalid`` naming the field.

    The next contact is a day still to come, unless it is the date the prospect already
    has (an overdue prospect's form saves with its other changes)."""
    values: dict[str, Any] = {"name": v.name(data.get("name"))}
    raw_mobile = v.normalise(data.get("mobile"))
    values["mobile"] = v.mobile(raw_mobile) if raw_mobile else None
    for field, limit in _TEXT_FIELDS.items():
        values[field] = v.text(data.get(field), field, limit)
    day = v.optional_date(data.get("next_contact_date"), "next_contact_date")
    values["next_contact_date"] = day if day is not None and day == kept_date else \
        v.upcoming_date(data.get("next_contact_date"), "next_contact_date")
    if "marketing_consent" in data:
        values["marketing_consent"] = data["marketing_consent"]
    return values


def check_field(name: str, value: str, kept_date: dt.date | None = None) -> str | None:
    """What is wrong with one typed value of the prospect's form or its contact (checked
    as the field is left), or None; rules that need the database wait for the save."""
    try:
        if name == "name":
            v.name(value)
        elif name == "mobile":
            clean({"name": "-", "mobile": value})
        elif name == "next_contact_date":
            clean({"name": "-", name: value}, kept_date)
        elif name in _TEXT_FIELDS:
            v.text(value, name, _TEXT_FIELDS[name])
    except Invalid as exc:
        return str(exc)
    return None


def _check_mobile_free(mobile: str | None, own_id: int | None = None) -> None:
    """An open prospect or a live customer with this mobile already exists: say who."""
    if not mobile:
        return
    query = Prospect.select().where((Prospect.mobile == mobile) & (Prospect.status == "open"))
    if own_id is not None:
        query = query.where(Prospect.id != own_id)
    other = query.first()
    if other is not None:
        raise Invalid(t("prospects.mobile_taken", name=other.name), "mobile")
    customer = (Customer.select().where((Customer.mobile == mobile) & Customer.merged_into.is_null())
                .first())
    if customer is not None:
        raise Invalid(t("prospects.mobile_customer", name=customer.name), "mobile")


def create(data: Mapping[str, Any], advisor_id: int | None) -> Prospect:
    values = clean(data)
    stamp = now()
    with writing():
        _check_mobile_free(values["mobile"])
        prospect = Prospect.create(**values, status="open", created_by=advisor_id, created_at=stamp,
                                   updated_at=stamp)
        derived.prospects([prospect.id])
    return prospect


def update(prospect_id: int, expected_version: int, data: Mapping[str, Any]) -> int:
    """Save the form over the version it was read at; returns the new version."""
    with writing():
        current = get(prospect_id)
        values = clean(data, kept_date=current.next_contact_date)
        if current.status == "open":
            _check_mobile_free(values["mobile"], own_id=prospect_id)
        derived.prospects([prospect_id])
        return update_versioned(Prospect, prospect_id, expected_version, values)


def get(prospect_id: int) -> Prospect:
    prospect = Prospect.get_or_none(Prospect.id == prospect_id)
    if prospect is None:
        raise NotFound(t("db.not_found"))
    return prospect


def find_by_mobile(mobile: str) -> Prospect | None:
    """The open prospect with this mobile (any typed form), for the intake."""
    try:
        number = v.mobile(mobile)
    except Invalid:
        return None
    return (Prospect.select().where((Prospect.mobile == number) & (Prospect.status == "open"))
            .order_by(Prospect.id).first())


def set_status(prospect_id: int, expected_version: int, status: str) -> int:
    """Drop a prospect (or reopen a dropped one); conversion goes through ``convert``."""
    v.choice(status, ("open", "dropped"), "status")
    with writing():
        current = get(prospect_id)
        if current.status == "converted":
            raise Conflict(t("prospects.already_converted"))
        if status == "open":
            _check_mobile_free(current.mobile, own_id=prospect_id)
        return update_versioned(Prospect, prospect_id, expected_version, {"status": status})


def convert(prospect_id: int, customer_id: int, advisor_id: int | None) -> Prospect:
    """The prospect's car came in: link it to the customer archive and move its history.

    Contacts keep their prospect link too, so the prospect's own view stays whole. Runs in
    the caller's transaction when called inside one (the intake's save), as a savepoint.
    """
    with writing():
        prospect = get(prospect_id)
        if prospect.status != "open":
            raise Conflict(t("prospects.already_converted"))
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise NotFound(t("db.not_found"))
        moved = (Contact.update(customer=customer_id)
                 .where((Contact.prospect == prospect_id) & Contact.customer.is_null()).execute())
        fill = {}
        if not customer.district and prospect.district:
            fill["district"] = prospect.district
        if customer.marketing_consent is None and prospect.marketing_consent is not None:
            fill["marketing_consent"] = prospect.marketing_consent
        if fill:
            Customer.update(**fill).where(Customer.id == customer_id).execute()
            derived.customers([customer_id])  # the consent may have come with it
        update_versioned(Prospect, prospect_id, prospect.version,
                         {"status": "converted", "customer": customer_id})
        audit.record("convert", advisor_id=advisor_id, customer_id=customer_id,
                     detail=t("prospects.audit_convert", id=prospect_id, contacts=moved))
    return get(prospect_id)


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class ProspectRow:
    id: int
    name: str
    mobile: str | None
    district: str | None
    current_car: str | None
    next_contact_date: dt.date | None
    status: str
    version: int


@dataclass(frozen=True)
class Page:
    rows: list[ProspectRow]
    total: int
    offset: int
    limit: int


def list_page(*, status: str | None = "open", query: str = "", offset: int = 0,
              limit: int = 50) -> Page:
    """One page, due contacts first (then newest); ``query`` is a name prefix or mobile tail."""
    where = Prospect.id > 0
    if status:
        where &= Prospect.status == status
    text = compact_key(query)
    if text:
        if text.isdigit():
            where &= Prospect.mobile_rev.startswith(text[::-1])
        else:
            where &= Prospect.name_key.startswith(text)
    base = Prospect.select().where(where)
    total = base.count()
    # NULL next-contact dates last on SQLite and PostgreSQL alike.
    rows = (base.order_by(Prospect.next_contact_date.is_null(), Prospect.next_contact_date,
                          Prospect.id.desc())
            .offset(offset).limit(limit))
    return Page([ProspectRow(p.id, p.name, p.mobile, p.district, p.current_car, p.next_contact_date,
                             p.status, p.version) for p in rows], total, offset, limit)


def due_count(day: dt.date) -> int:
    return (Prospect.select(fn.COUNT(Prospect.id))
            .where((Prospect.status == "open") & (Prospect.next_contact_date <= day)).scalar() or 0)


# ---------------------------------------------------------------- contacts


def log_contact(prospect_id: int, advisor_id: int | None, data: Mapping[str, Any]) -> Contact:
    """Record one contact; a next-contact date given here becomes the prospect's own."""
    channel = v.choice(data.get("channel") or "phone", CHANNELS, "channel")
    outcome = v.choice(data["outcome"], CONTACT_OUTCOMES, "outcome") if data.get("outcome") else None
    note = v.text(data.get("note"), "note", 1000)
    traits = v.text(data.get("traits"), "traits", 500)
    events = v.text(data.get("events"), "events", 500)
    next_date = v.upcoming_date(data.get("next_contact_date"), "next_contact_date")
    if not (note or outcome or traits or events):
        raise Invalid(t("prospects.contact_empty"), "note")
    with writing():
        prospect = get(prospect_id)
        contact = Contact.create(prospect=prospect_id, customer=prospect.customer_id,
                                 advisor=advisor_id, contact_at=day_now(), channel=channel,
                                 purpose="prospect", outcome=outcome, note=note, traits=traits,
                                 events=events, next_contact_date=next_date)
        changes: dict[str, Any] = {}
        if next_date is not None:
            changes["next_contact_date"] = next_date
        # Asked not to be called: the prospect is not to be marketed to (PIPL).
        if outcome == "do_not_call":
            changes["marketing_consent"] = False
        if changes:
            update_versioned(Prospect, prospect_id, prospect.version, changes)
    return contact


def contacts(prospect_id: int, limit: int = 100) -> list[Contact]:
    return list(Contact.select().where(Contact.prospect == prospect_id)
                .order_by(Contact.contact_at.desc(), Contact.id.desc()).limit(limit))
