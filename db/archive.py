"""The archive card's data: one customer's four groups plus the contact log, and its edits.

Reading is one ``load_card`` call returning plain dataclasses (the card never touches a
model). Every edit validates with ``db.validate`` (the intake's rules), saves through
``update_versioned`` (the archive's version: saving over a newer one raises ``Conflict``),
says what it wrote (``db.derived``: the search keys follow at commit) and writes an
``edit`` AuditEntry with before and after.
Mobiles and ID numbers leave this module masked unless ``reveal`` is called, which is
itself recorded (PIPL: who looked, when, at which field of whose archive).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from peewee import JOIN, fn

from db import derived, segments, settings, validate as v
from db.appointments import no_show_count
from db.audit import write as audit
from db.clock import day_now, now, today
from db.connection import writing
from db.errors import Invalid, NotFound
from db.i18n import t
from db.masking import MASKS
from db.models import Advisor, Contact, Customer, Ownership, Vehicle, Visit, VisitPart
from db.intake.reception import PAYMENTS, PartLine  # the work order's payment methods and part lines, as at the intake
from db.prospects import CHANNELS  # the contact log's channels, shared with prospects
from db.queues.outcomes import CONTACT_OUTCOMES as OUTCOMES

CONSENT_ANSWERS = ("yes", "no")  # marketing consent asked at a contact
from db.privacy import set_consent
from db.segments import occupation_fields
from db.versioning import update_versioned

# ---------------------------------------------------------------- editable fields

# customer table fields of the card, by group, with their free-text length limits
CUSTOMER_GROUP = ("name", "mobile", "id_number", "occupation", "home_address", "hobbies")
OBSERVATION_GROUP = ("education", "income", "employer", "employer_address", "interests",
                     "payment_method")
_CUSTOMER_TEXT = {"occupation": 60, "home_address": 200, "hobbies": 200, "education": 20,
                  "income": 40, "employer": 100, "employer_address": 200, "interests": 200,
                  "payment_method": 20}
VEHICLE_FIELDS = ("plate", "vin", "brand", "model", "engine_no", "transmission_no", "color",
                  "purchase_date", "first_maintenance_date", "first_maintenance_mileage", "usage")
_VEHICLE_TEXT = {"brand": 40, "model": 60, "engine_no": 30, "transmission_no": 30, "color": 20}
USAGES = ("private", "official", "commercial")
VISIT_FIELDS = ("work_done", "labour_fee", "other_fee", "payment_method")
# Sections whose fields are personal data (db.privacy.PERSONAL): closed once anonymised.
PERSONAL_SECTIONS = ("customer", "observation", "contacts")
REVEALABLE = ("mobile", "id_number")
SENSITIVE = MASKS  # masked in audit entries too
CHART_MONTHS = 24  # the observation chart: visits per month over the last two years


# ---------------------------------------------------------------- what the card shows


@dataclass(frozen=True)
class OwnerRow:
    customer_id: int
    name: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(frozen=True)
class VehicleCard:
    id: int
    version: int
    values: dict[str, Any]  # VEHICLE_FIELDS plus last_visit_date, last_mileage, status
    owners: list[OwnerRow]  # ownership history, newest first
    owned_now: bool  # False: a car this customer sold on (kept for the history)


@dataclass(frozen=True)
class VisitRow:
    id: int
    work_order_no: str
    visit_date: dt.date
    plate: str | None
    mileage: int
    kind: str
    work_done: str | None
    labour_fee: Decimal
    parts_fee: Decimal
    other_fee: Decimal
    total_fee: Decimal
    payment_method: str | None
    parts: list[PartLine]


@dataclass(frozen=True)
class Observation:
    visits: int
    first_visit: dt.date | None
    last_visit: dt.date | None
    interval_days: int | None  # mean days between visits; None below two visits
    total_spend: Decimal
    per_month: list[tuple[str, int]]  # ("2026-11", visits), oldest first, CHART_MONTHS long


@dataclass(frozen=True)
class ContactRow:
    id: int
    at: dt.datetime
    advisor: str
    channel: str
    purpose: str | None
    outcome: str | None
    traits: str | None
    events: str | None
    tags: str | None
    note: str | None
    next_contact_date: dt.date | None


@dataclass(frozen=True)
class Card:
    customer_id: int
    version: int
    values: dict[str, Any]  # CUSTOMER_GROUP + OBSERVATION_GROUP, mobile and ID masked
    merged_into: int | None
    marketing_consent: bool | None
    vehicles: list[VehicleCard]
    visits: list[VisitRow]
    observation: Observation
    contacts: list[ContactRow]
    segment_badges: list[str] = field(default_factory=list)
    anonymised: bool = False  # db.privacy.anonymise erased it: nothing personal left to show
    no_shows: int = 0  # booked and did not come (db.appointments); the card warns from book.no_show_warn


def load_card(customer_id: int, *, visit_limit: int = 100, contact_limit: int = 100) -> Card:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(t("card.not_found"))
    values = {name: getattr(customer, name) for name in CUSTOMER_GROUP + OBSERVATION_GROUP}
    for name, mask in SENSITIVE.items():
        values[name] = mask(values[name])
    anonymised = customer.anonymised_at is not None
    return Card(
        customer_id=customer.id, version=customer.version, values=values,
        merged_into=customer.merged_into_id, marketing_consent=customer.marketing_consent,
        vehicles=_vehicles(customer_id), visits=_visits(customer_id, visit_limit),
        observation=observation(customer_id), contacts=_contacts(customer_id, contact_limit),
        # No segments for an erased person: a value class (from the visits kept) would
        # invite treating, even winning back, someone who asked to be forgotten.
        segment_badges=[] if anonymised else segment_badges(customer_id), anonymised=anonymised,
        no_shows=_repeated_no_shows(customer_id),
    )


def _repeated_no_shows(customer_id: int) -> int:
    """How often the customer booked and did not come, once that is ``book.no_show_warn``
    times or more (0 below: one missed booking says little)."""
    count = no_show_count(customer_id)
    return count if count >= settings.get("book.no_show_warn") else 0


def segment_badges(customer_id: int) -> list[str]:
    """SEGMENT BADGES: the customer's segments (``db.segments``) as short labels; the card
    shows whatever this returns beside the name."""
    return [badge.label for badge in segments.badges(customer_id)]


def _vehicles(customer_id: int) -> list[VehicleCard]:
    """Cars owned now, then cars owned before (resold), each with its owner history."""
    owned = {o.vehicle_id for o in Ownership.select(Ownership.vehicle).where(Ownership.customer == customer_id)}
    cars = list(Vehicle.select().where((Vehicle.owner == customer_id) | Vehicle.id.in_(owned or {0})))
    history: dict[int, list[OwnerRow]] = {car.id: [] for car in cars}
    if cars:
        rows = (Ownership.select(Ownership, Customer.name).join(Customer)
                .where(Ownership.vehicle.in_(list(history)))
                .order_by(Ownership.start_date.desc(), Ownership.id.desc()))
        for row in rows:
            history[row.vehicle_id].append(OwnerRow(row.customer_id, row.customer.name, row.start_date, row.end_date))
    cards = []
    for car in cars:
        values = {name: getattr(car, name) for name in VEHICLE_FIELDS}
        values.update(last_visit_date=car.last_visit_date, last_mileage=car.last_mileage, status=car.status)
        cards.append(VehicleCard(car.id, car.version, values, history[car.id], car.owner_id == customer_id))
    cards.sort(key=lambda c: (not c.owned_now, c.values["plate"] or "", c.id))
    return cards


def _visits(customer_id: int, limit: int) -> list[VisitRow]:
    rows = list(Visit.select(Visit, Vehicle.plate).join(Vehicle)
                .where(Visit.customer == customer_id)
                .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(limit))
    parts: dict[int, list[PartLine]] = {row.id: [] for row in rows}
    if rows:
        for p in VisitPart.select().where(VisitPart.visit.in_(list(parts))).order_by(VisitPart.id):
            parts[p.visit_id].append(PartLine(p.name, p.quantity, p.unit_price, p.kind or "original",
                                              "yes" if p.consent else "", p.code or ""))
    return [VisitRow(r.id, r.work_order_no, r.visit_date, r.vehicle.plate, r.mileage, r.kind, r.work_done,
                     r.labour_fee, r.parts_fee, r.other_fee, r.total_fee, r.payment_method, parts[r.id])
            for r in rows]


def observation(customer_id: int) -> Observation:
    """Visit interval and total spend from the visits (never typed), and visits per month."""
    count, first, last, spend = (Visit.select(fn.COUNT(Visit.id), fn.MIN(Visit.visit_date),
                                              fn.MAX(Visit.visit_date), fn.SUM(Visit.total_fee))
                                 .where(Visit.customer == customer_id).tuples().first())
    first, last = _as_date(first), _as_date(last)
    interval = round((last - first).days / (count - 1)) if count and count > 1 else None
    start = (today().replace(day=1) - relativedelta(months=CHART_MONTHS - 1))
    months = [(start + relativedelta(months=n)).strftime("%Y-%m") for n in range(CHART_MONTHS)]
    per_month = dict.fromkeys(months, 0)
    for (day,) in (Visit.select(Visit.visit_date)
                   .where((Visit.customer == customer_id) & (Visit.visit_date >= start)).tuples()):
        key = _as_date(day).strftime("%Y-%m")
        if key in per_month:
            per_month[key] += 1
    return Observation(count or 0, first, last, interval, Decimal(spend or 0).quantize(Decimal("0.01")),
                       list(per_month.items()))


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite aggregates return text


def _contacts(customer_id: int, limit: int) -> list[ContactRow]:
    rows = (Contact.select(Contact, Advisor.name).join(Advisor, JOIN.LEFT_OUTER)
            .where(Contact.customer == customer_id)
            .order_by(Contact.contact_at.desc(), Contact.id.desc()).limit(limit))
    return [ContactRow(c.id, c.contact_at, getattr(c.advisor, "name", None) or "", c.channel, c.purpose,
                       c.outcome, c.traits, c.events, c.tags, c.note, c.next_contact_date) for c in rows]


# ---------------------------------------------------------------- edits


def edit_refused(card: Card, section: str) -> str | None:
    """Why the card may not edit ``section`` (or add a contact: ``contacts``), or None.

    An anonymised archive stays erased: its customer, observation and contact fields are
    personal data, and typing them back in would undo the customer's erasure. Its vehicles
    and work orders are the station's records and stay editable. ``update_customer`` and
    ``add_contact`` apply the same rule when they write, for a card shown before the
    anonymisation.
    """
    return t("card.anonymised_locked") if card.anonymised and section in PERSONAL_SECTIONS else None


# What the card does with the person's own data: an anonymised archive has no number to
# reveal, nobody to ask for consent or export a copy for, nothing left to erase.
PERSONAL_ACTIONS = ("reveal", "consent", "export", "anonymise")


def card_offers(card: Card, action: str, section: str | None = None) -> bool:
    """Whether the card offers ``action`` (one of ``PERSONAL_ACTIONS``, or ``edit`` of
    ``section``, ``contacts`` for a new contact) on this archive. The writes refuse the
    same (``reveal``, ``update_customer``, ``add_contact``, db.privacy) for a card shown
    before the anonymisation; this only keeps keys that cannot work off the screen."""
    if not card.anonymised:
        return True
    if action == "edit":
        return edit_refused(card, section or "") is None
    return action not in PERSONAL_ACTIONS


def _not_anonymised(customer: Customer) -> None:
    if customer.anonymised_at is not None:
        raise Invalid(t("card.anonymised_locked"))


def clean_customer(data: Mapping[str, Any]) -> dict[str, Any]:
    """The typed customer fields validated (only those given); raises ``Invalid`` naming one."""
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "name":
            values["name"] = v.name(raw)
        elif name == "mobile":
            values["mobile"] = v.mobile(raw)  # required, as at the intake
        elif name == "id_number":
            # a person's ID number or a company's credit code, as the sales import reads it
            values["id_number"] = v.identifier(raw) if v.normalise(raw) else None
        elif name in _CUSTOMER_TEXT:
            values[name] = v.text(raw, name, _CUSTOMER_TEXT[name])
        else:
            raise Invalid(t("card.unknown_field", field=name), name)
    return values


def update_customer(customer_id: int, expected_version: int, data: Mapping[str, Any],
                    advisor_id: int | None) -> int:
    """Save typed customer/observation fields over ``expected_version``; the new version.

    A mobile or ID number sent back exactly as the card masks it (138****8000) keeps the
    stored one; any other value with a mask in it is refused as a bad number. A save that
    changes nothing writes nothing: no new version (another advisor's open form stays
    current) and no edit entry.
    """
    with writing():
        current = Customer.get_or_none(Customer.id == customer_id)
        if current is None:
            raise NotFound(t("card.not_found"))
        _not_anonymised(current)  # before the values: no field message for a form that cannot save
        data = {k: val for k, val in data.items() if not _shown_masked(current, k, val)}
        changes = clean_customer(data)
        before = {name: getattr(current, name) for name in changes}
        if all(before[name] == value for name, value in changes.items()):
            return current.version
        if "id_number" in changes and changes["id_number"]:
            try:
                v.id_number(changes["id_number"])
            except Invalid:  # clean_customer let it through: a company's credit code
                changes.update(kind="organisation")
            else:
                facts = v.id_facts(changes["id_number"])
                changes.update(kind="person", birth_date=facts.birth_date, sex=facts.sex)
        changes.update(occupation_fields(changes))
        version = update_versioned(Customer, customer_id, expected_version, changes)
        derived.customers([customer_id])
        old, new = audit.changes(before, {k: changes[k] for k in before})
        if new:
            audit.record("edit", advisor_id=advisor_id, customer_id=customer_id, field=",".join(new),
                         before=_masked(old), after=_masked(new))
    return version


def _shown_masked(current: Customer, name: str, value: Any) -> bool:
    """``value`` is the stored mobile or ID number as the card shows it, masked."""
    stored = getattr(current, name, None) if name in SENSITIVE else None
    return bool(stored) and value == SENSITIVE[name](stored)


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    """Audit entries name a changed mobile or ID number without spreading it."""
    return {k: (SENSITIVE[k](val) if k in SENSITIVE and val else val) for k, val in values.items()}


def clean_vehicle(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "vin":
            values["vin"] = v.vin(raw)
        elif name == "plate":
            values["plate"] = v.plate(raw) if v.normalise(raw) else None
        elif name in ("purchase_date", "first_maintenance_date"):
            values[name] = v.optional_date(raw, name)
            if values[name] is not None and values[name] > today():
                raise Invalid(t("intake.date_future"), name)
        elif name == "first_maintenance_mileage":
            values[name] = v.mileage(raw, name) if v.normalise(raw) else None
        elif name == "usage":
            values[name] = v.choice(raw, USAGES, name)
        elif name in _VEHICLE_TEXT:
            values[name] = v.text(raw, name, _VEHICLE_TEXT[name])
        else:
            raise Invalid(t("card.unknown_field", field=name), name)
    return values


def update_vehicle(vehicle_id: int, expected_version: int, data: Mapping[str, Any],
                   advisor_id: int | None) -> int:
    changes = clean_vehicle(data)
    with writing():
        current = Vehicle.get_or_none(Vehicle.id == vehicle_id)
        if current is None:
            raise NotFound(t("card.not_found"))
        if "vin" in changes and changes["vin"] != current.vin:
            if Vehicle.select().where((Vehicle.vin == changes["vin"]) & (Vehicle.id != vehicle_id)).exists():
                raise Invalid(t("card.vin_taken"), "vin")
        before = {name: getattr(current, name) for name in changes}
        version = update_versioned(Vehicle, vehicle_id, expected_version, changes)
        derived.vehicles([vehicle_id])
        old, new = audit.changes(before, {k: changes[k] for k in before})
        if new:
            audit.record("edit", advisor_id=advisor_id, customer_id=current.owner_id,
                         field=",".join(new), before=old, after=new, detail=f"vehicle {vehicle_id}")
    return version


def clean_visit(data: Mapping[str, Any]) -> dict[str, Any]:
    """A work order's typed corrections validated (only those given)."""
    changes: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "work_done":
            changes[name] = v.text(raw, name, 2000)
        elif name in ("labour_fee", "other_fee"):
            changes[name] = v.money(raw, name)
        elif name == "payment_method":
            changes[name] = v.choice(v.normalise(raw), PAYMENTS, name) or None
        else:
            raise Invalid(t("card.unknown_field", field=name), name)
    return changes


def update_visit(visit_id: int, customer_version: int, data: Mapping[str, Any],
                 advisor_id: int | None) -> int:
    """Correct a work order's text and fees. Work orders carry no version of their own:
    the archive's (customer) version guards them; returns the customer's new version."""
    changes = clean_visit(data)
    with writing():
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None:
            raise NotFound(t("card.not_found"))
        before = {name: getattr(visit, name) for name in changes}
        version = update_versioned(Customer, visit.customer_id, customer_version, {})
        merged = {"labour_fee": visit.labour_fee, "other_fee": visit.other_fee, **changes}
        changes["total_fee"] = merged["labour_fee"] + visit.parts_fee + merged["other_fee"]
        Visit.update(changes).where(Visit.id == visit_id).execute()
        old, new = audit.changes(before, {k: changes[k] for k in before})
        if new:
            audit.record("edit", advisor_id=advisor_id, customer_id=visit.customer_id, field=",".join(new),
                         before=old, after=new, detail=f"visit {visit.work_order_no}")
    return version


def reveal(customer_id: int, field_name: str, advisor_id: int | None) -> str:
    """The full mobile or ID number, on the advisor's explicit request; recorded.

    An anonymised archive has no number left: the reveal is refused with a message and
    nothing is recorded, since nothing personal was shown."""
    if field_name not in REVEALABLE:
        raise Invalid(t("card.unknown_field", field=field_name), field_name)
    with writing():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise NotFound(t("card.not_found"))
        if customer.anonymised_at is not None:
            raise NotFound(t("card.reveal_anonymised"))
        audit.record("reveal", advisor_id=advisor_id, customer_id=customer_id, field=field_name)
    return getattr(customer, field_name) or ""


def clean_contact(data: Mapping[str, Any]) -> dict[str, Any]:
    """A contact's typed values validated (only those given). The next contact is a day
    still to come: a date gone by would put the customer in no list at all."""
    checks = {
        "channel": lambda raw: v.choice(raw or "desk", CHANNELS, "channel"),
        "purpose": lambda raw: v.text(raw, "purpose", 24),
        "outcome": lambda raw: v.choice(raw, OUTCOMES, "outcome") if v.normalise(raw) else None,
        "traits": lambda raw: v.text(raw, "traits", 500), "events": lambda raw: v.text(raw, "events", 500),
        "tags": lambda raw: v.text(raw, "tags", 200), "note": lambda raw: v.text(raw, "note", 1000),
        "next_contact_date": lambda raw: v.upcoming_date(raw, "next_contact_date", today()),
        "marketing_consent": lambda raw: v.choice(raw, CONSENT_ANSWERS, "marketing_consent") if v.normalise(raw) else None,
    }
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in checks:
            raise Invalid(t("card.unknown_field", field=name), name)
        values[name] = checks[name](raw)
    return values


_CLEANERS = {"customer": clean_customer, "observation": clean_customer, "vehicles": clean_vehicle,
             "visits": clean_visit, "contacts": clean_contact}


def check_field(section: str, name: str, value: str) -> str | None:
    """What is wrong with one typed value of a card form (the form checks a field as it is
    left, before F2), or None. Rules between fields and the database wait for the save."""
    try:
        _CLEANERS[section]({name: value})
    except Invalid as exc:
        return str(exc)
    return None


def add_contact(customer_id: int, advisor_id: int | None, channel: str = "desk",
                purpose: str | None = None, outcome: str | None = None, traits: str | None = None,
                events: str | None = None, tags: str | None = None, note: str | None = None,
                next_contact_date: Any = None, vehicle_id: int | None = None,
                visit_id: int | None = None, consent: str | None = None) -> int:
    """Log one contact with a customer (traits and typical events it showed); its id.

    Marketing consent can be given or withdrawn at the contact (PIPL): ``consent`` is
    ``yes`` or ``no`` (blank: unchanged), and "do not call" as the outcome withdraws it.
    Either goes through ``db.privacy.set_consent``, logged as a consent change.
    """
    known = Customer.get_or_none(Customer.id == customer_id)
    if known is not None:  # refused before any typed value is judged (checked again below)
        _not_anonymised(known)
    values = clean_contact(dict(channel=channel, purpose=purpose, outcome=outcome, traits=traits,
                                events=events, tags=tags, note=note, next_contact_date=next_contact_date))
    answer = v.choice(consent, CONSENT_ANSWERS, "marketing_consent") if v.normalise(consent) else None
    if values["outcome"] == "do_not_call":
        if answer == "yes":
            raise Invalid(t("card.consent_contradiction"), "marketing_consent")
        answer = "no"
    if not any(values[k] for k in ("outcome", "traits", "events", "note", "tags")) and answer is None:
        raise Invalid(t("card.contact_empty"), "traits")
    with writing():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise NotFound(t("card.not_found"))
        _not_anonymised(customer)
        contact = Contact.create(customer=customer_id, vehicle=vehicle_id, visit=visit_id,
                                 advisor=advisor_id, contact_at=day_now(), **values)
        wanted = {"yes": True, "no": False}.get(answer or "")
        if wanted is not None and customer.marketing_consent is not wanted:
            set_consent(advisor_id, customer_id, wanted, channel=values["channel"])
    return contact.id
