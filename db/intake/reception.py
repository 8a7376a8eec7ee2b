"""One reception as one transaction: customer, vehicle, ownership, work order, contact.

``IntakeData`` holds what the advisor typed, as typed (strings), so that it can be kept
as a draft and shown again unchanged after a refusal. ``validate`` returns every field
error at once (field path -> message); ``save_intake`` writes everything inside one
``writing()`` transaction, or nothing.

Field paths are ``group.field`` (``customer.mobile``, ``order.labour_fee``) and
``order.parts.N.field`` for part lines; the interface puts each message beside the
field of that path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from db import derived
from db import validate as v
from db.audit import write as audit
from db.clock import day_now, now, today
from db.connection import writing
from db.errors import AdvisorError, Invalid, NotFound
from db.i18n import number, t
from db.intake import order_facts
from db.intake.brief import missing_fields
from db.intake.drafts import discard_draft
from db.masking import MASKS
from db.numbering import next_number
from db.models import Contact, Customer, Ownership, Vehicle, Visit, VisitPart
from db.queues.car_dates import NextMaintenance, Warranty, mileage_ceiling, mileage_trend, next_maintenance, warranty
from db.segments import occupation_fields
from db.versioning import update_versioned
from db.walkaround import WalkAround

KINDS = ("maintenance", "first_maintenance", "repair", "warranty", "accident", "other")
MAINTENANCE_KINDS = ("maintenance", "first_maintenance")
USAGES = ("private", "official", "commercial")
PAYMENTS = ("", "cash", "card", "wechat", "alipay", "transfer", "insurance", "account")
YES_NO = ("no", "yes")
# Marketing consent asked at reception: "" leaves the archive's answer as it is (a new
# archive: not asked), yes or no records the customer's answer (db.privacy.set_consent).
CONSENT = ("", "yes", "no")
# Quick tags for what a customer showed at the desk (free text goes beside them).
TAGS = ("price_sensitive", "time_pressed", "detail_minded", "brand_loyal", "complained", "referral")

# Free-text lengths follow the model columns.
_TEXT_LIMITS = {
    "occupation": 60, "home_address": 200, "hobbies": 200, "education": 20, "income": 40,
    "employer": 100, "employer_address": 200, "interests": 200, "brand": 40, "model": 60,
    "engine_no": 30, "transmission_no": 30, "color": 20,
}


# ---------------------------------------------------------------- what the advisor typed


@dataclass
class CustomerForm:
    """The customer group and the observation group. ``id`` set: a returning customer."""

    id: int | None = None
    version: int | None = None
    name: str = ""
    mobile: str = ""
    id_number: str = ""
    occupation: str = ""
    home_address: str = ""
    hobbies: str = ""
    education: str = ""
    income: str = ""
    employer: str = ""
    employer_address: str = ""
    interests: str = ""


@dataclass
class VehicleForm:
    """The vehicle group. ``id`` set: a car the archive knows."""

    id: int | None = None
    version: int | None = None
    vin: str = ""
    plate: str = ""
    brand: str = ""
    model: str = ""
    engine_no: str = ""
    transmission_no: str = ""
    color: str = ""
    purchase_date: str = ""
    first_maintenance_date: str = ""
    first_maintenance_mileage: str = ""
    usage: str = "private"
    sold_here: str = "no"


@dataclass
class PartLine:
    """One part line of a work order: as typed at the reception (text, checked on save),
    or as stored (the archive card reads quantity and price as ``Decimal``)."""

    name: str = ""
    quantity: str | Decimal = ""
    unit_price: str | Decimal = ""
    kind: str = "original"  # db.walkaround.PART_KINDS
    consent: str = ""  # "yes": the owner agreed to a repaired or used part
    code: str = ""  # the part number

    def blank(self) -> bool:
        return not (self.name.strip() or str(self.quantity).strip() or str(self.unit_price).strip()
                    or self.code.strip())


@dataclass
class OrderForm:
    """The work order (派工单)."""

    mileage: str = ""
    kind: str = "maintenance"
    work_requested: str = ""
    parts: list[PartLine] = field(default_factory=list)
    labour_fee: str = ""
    parts_fee: str = ""  # empty: the sum of the part lines
    other_fee: str = ""
    payment_method: str = ""
    declined_work: str = ""
    # The reception order's facts (db/intake/order_facts.py cleans them).
    walkaround: WalkAround = field(default_factory=WalkAround)
    diagnosis: str = ""
    promised_at: str = ""  # as typed: 17:30, 明天 10:00, +1 10:00, 2026-12-08 10:00
    waiting: str = ""  # order_facts.WAITING
    old_parts: str = ""  # order_facts.OLD_PARTS_CHOICES
    labour_hours: str = ""


@dataclass
class ContactForm:
    """What the customer showed this time (特质, 典型事件) and quick tags."""

    traits: str = ""
    events: str = ""
    tags: list[str] = field(default_factory=list)
    consent: str = ""  # marketing consent asked at this contact: "", "yes" or "no" (CONSENT)


@dataclass
class IntakeData:
    customer: CustomerForm = field(default_factory=CustomerForm)
    vehicle: VehicleForm = field(default_factory=VehicleForm)
    order: OrderForm = field(default_factory=OrderForm)
    contact: ContactForm = field(default_factory=ContactForm)
    # None: not asked yet; True: the car changed hands; False: only brought by another person
    owner_change_confirmed: bool | None = None
    lower_mileage_confirmed: bool = False
    vin_confirmed: str = ""  # the VIN whose failed check the advisor confirmed (a parallel import)
    prospect_id: int | None = None  # a prospect with the same mobile, converted on save
    consent_now: bool | None = None  # the archive's marketing consent when loaded (shown, not saved)
    appointment_id: int | None = None  # the booking this car came for (today's arrivals), marked arrived on save
    # The car's damage noted at its last marked visit (shown dimmed at the walk-around, not saved)
    previous_damage: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A returning customer's mobile and ID number as shown, masked (field -> 138****8000):
    # the form's field is then empty, and empty keeps the archive's number (``keeps_masked``).
    masked: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntakeData:
        """Tolerant of drafts written by an older program: unknown keys are dropped."""

        def pick(kind: type, values: dict[str, Any] | None) -> Any:
            names = {f.name for f in fields(kind)}
            return kind(**{k: val for k, val in (values or {}).items() if k in names})

        order = pick(OrderForm, {k: val for k, val in (data.get("order") or {}).items()
                                 if k not in ("parts", "walkaround")})
        order.walkaround = order_facts.walkaround_from_json((data.get("order") or {}).get("walkaround"))
        order.parts = [pick(PartLine, p) for p in (data.get("order") or {}).get("parts", [])]
        return cls(
            customer=pick(CustomerForm, data.get("customer")),
            vehicle=pick(VehicleForm, data.get("vehicle")),
            order=order,
            contact=pick(ContactForm, data.get("contact")),
            owner_change_confirmed=data.get("owner_change_confirmed"),
            lower_mileage_confirmed=bool(data.get("lower_mileage_confirmed")),
            vin_confirmed=data.get("vin_confirmed") or "",
            prospect_id=data.get("prospect_id"),
            consent_now=data.get("consent_now"),
            appointment_id=data.get("appointment_id"),
            previous_damage=order_facts.walkaround_from_json({"damage": data.get("previous_damage")}).damage,
            masked=dict(data.get("masked") or {}),
        )


# ---------------------------------------------------------------- errors the caller answers


class IntakeInvalid(Invalid):
    """Some fields break a rule; ``errors`` maps every such field path to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(t("intake.invalid", n=len(errors)), next(iter(errors), None))
        self.errors = errors


class ConfirmationNeeded(AdvisorError):
    """The save needs the advisor's yes first: ``kind`` is ``owner_change``, ``lower_mileage``
    or ``mileage_jump`` (the last two answered by ``lower_mileage_confirmed``), or
    ``vin_check`` (answered by ``vin_confirmed``)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------- validation


@dataclass
class Clean:
    """Typed values after validation."""

    customer: dict[str, Any]
    vehicle: dict[str, Any]
    order: dict[str, Any]
    parts: list[dict[str, Any]]
    contact: dict[str, Any]
    walkaround: dict[str, Any] = field(default_factory=dict)  # the visit's walk-around columns


def keeps_masked(data: IntakeData, path: str, value: str) -> bool:
    """An empty field shown masked: the archive's number stays as it is (nothing to check)."""
    group, _, name = path.partition(".")
    return group == "customer" and name in data.masked and not v.normalise(value)


def validate_field(path: str, value: str) -> str | None:
    """The message for one field's value, or None; needs no database (the form calls it on leaving a field)."""
    try:
        _clean_one(path, value)
    except Invalid as exc:
        return str(exc)
    return None


def _clean_one(path: str, value: str) -> Any:
    group, _, name = path.partition(".")
    if group == "order" and name.startswith("parts."):
        _, _, part_field = name.split(".", 2)
        return _clean_part_field(path, part_field, value)
    if group == "customer":
        if name == "name":
            return v.name(value, path)
        if name == "mobile":
            return _as(path, v.mobile, value)
        if name == "id_number":
            return _as(path, v.id_number, value) if v.normalise(value) else None
        return v.text(value, path, _TEXT_LIMITS[name])
    if group == "vehicle":
        if name == "vin":  # a parallel import's unchecked VIN is asked at save (_check_vin)
            return _as(path, v.vin_as_found, value)
        if name == "plate":  # 临牌, 未上牌 …: no plate yet, as the sales import reads them
            return _as(path, v.optional_plate, value)
        if name in ("purchase_date", "first_maintenance_date"):
            day = v.optional_date(value, path)
            if day is not None and day > today():
                raise Invalid(t("intake.date_future"), path)
            return day
        if name == "first_maintenance_mileage":
            return v.mileage(value, path) if v.normalise(value) else None
        if name == "usage":
            return v.choice(value, USAGES, path)
        if name == "sold_here":
            return v.choice(value, YES_NO, path) == "yes"
        return v.text(value, path, _TEXT_LIMITS[name])
    if group == "order":
        if name == "mileage":
            return v.mileage(value, path)
        if name == "kind":
            return v.choice(value, KINDS, path)
        if name in ("labour_fee", "parts_fee", "other_fee"):
            return v.money(value, path)
        if name == "payment_method":
            return v.choice(value, PAYMENTS, path) or None
        if name in ("work_requested", "declined_work"):
            return v.text(value, path, 2000)
        if name in order_facts.ORDER_FIELDS:
            return order_facts.clean_field(name, value, path)
        if name == "walkaround.valuables":
            return v.text(value, path, 200)
    if group == "contact":
        if name == "consent":
            return v.choice(value, CONSENT, path)
        if name == "tags":
            return [v.choice(tag, TAGS, path) for tag in value] if isinstance(value, list) else []
        return v.text(value, path, 1000)
    raise KeyError(path)


def _as(path: str, check: Any, value: str) -> Any:
    """Run a validator whose ``Invalid`` names its own field; name this form's field instead."""
    try:
        return check(value)
    except Invalid as exc:
        raise Invalid(str(exc), path) from None


def _clean_part_field(path: str, name: str, value: str) -> Any:
    if name == "name":
        return v.text(value, path, 100)
    if name == "quantity":
        return v.quantity(value, path)
    if name in order_facts.PART_FIELDS:
        return order_facts.clean_part_fact(name, value, path)
    return v.money(value, path)


def part_errors(index: int, line: PartLine) -> dict[str, str]:
    """What a save says of part line ``index`` (path -> message); nothing for a blank line.
    The form asks it while a line with an error is corrected."""
    errors: dict[str, str] = {}
    if not line.blank():
        _clean_part(index, line, errors)
    return errors


def _clean_part(index: int, line: PartLine, errors: dict[str, str]) -> dict[str, Any]:
    """A part line's clean values; its errors go into ``errors`` (a named part is needed)."""
    clean: dict[str, Any] = {}
    for name in _typed(line):
        path = f"order.parts.{index}.{name}"
        try:
            clean[name] = _clean_one(path, getattr(line, name))
        except Invalid as exc:
            errors[path] = str(exc)
    if not clean.get("name") and f"order.parts.{index}.name" not in errors:
        errors[f"order.parts.{index}.name"] = t("intake.part_name_needed")
    if order_facts.needs_consent(clean.get("kind"), clean.get("consent")):
        errors[f"order.parts.{index}.consent"] = order_facts.consent_message(clean["kind"])
    elif clean.get("kind") not in order_facts.PART_KINDS_NEEDING_CONSENT:
        clean["consent"] = None  # a yes left on a line changed to original: nothing to consent to
    return clean


def validate(data: IntakeData) -> dict[str, str]:
    """Every field error at once (path -> message); empty when the intake can be saved."""
    errors: dict[str, str] = {}
    _clean(data, errors)
    return errors


def _typed(form: Any, *also: str) -> list[str]:
    """The fields of a form (class or instance) the advisor types: not the archive's id and version."""
    return [f.name for f in fields(form) if f.name not in ("id", "version", *also)]


def _clean(data: IntakeData, errors: dict[str, str]) -> Clean:
    def run(group: str, form: Any, *skip: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _typed(form, *skip):
            path = f"{group}.{name}"
            if keeps_masked(data, path, getattr(form, name)):
                continue  # not in the values: the save keeps the archive's number
            try:
                out[name] = _clean_one(path, getattr(form, name))
            except Invalid as exc:
                errors[path] = str(exc)
        return out

    customer = run("customer", data.customer)
    vehicle = run("vehicle", data.vehicle)
    order = run("order", data.order, "parts", "walkaround")
    walkaround = order_facts.clean_walkaround(data.order.walkaround, errors)
    contact = run("contact", data.contact)
    parts = [_clean_part(index, line, errors) for index, line in enumerate(data.order.parts)
             if not line.blank()]
    if not errors and not v.normalise(data.order.parts_fee):
        order["parts_fee"] = _parts_sum((p["quantity"], p["unit_price"]) for p in parts)
    first_km = vehicle.get("first_maintenance_mileage")
    if first_km is not None and order.get("mileage") is not None and first_km > order["mileage"]:
        # Said at today's mileage, the figure typed at every visit: the first-maintenance
        # mileage of a returning car is the archive's, in a part of the form the advisor never saw.
        errors["order.mileage"] = t("intake.first_km_above", first=number(first_km))
    if not errors:
        total = order["labour_fee"] + order["parts_fee"] + order["other_fee"]
        if total >= v.MONEY_MAX:
            errors["order.other_fee"] = t("validate.money.too_big")
        order["total_fee"] = total
        if not order.get("work_requested") and not parts and not total:
            errors["order.work_requested"] = t("intake.request_needed")  # an empty work order
    return Clean(customer, vehicle, order, parts, contact, walkaround)


def _parts_sum(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The parts fee when none is typed: quantity × unit price of each part line, to the fen."""
    return sum((quantity * price for quantity, price in lines), Decimal("0.00")).quantize(Decimal("0.01"))


def total_of(data: IntakeData) -> Decimal | None:
    """The work order's total as typed so far (None while a fee is not an amount)."""
    try:
        if v.normalise(data.order.parts_fee):
            typed_parts = v.money(data.order.parts_fee)
        else:
            typed_parts = _parts_sum((v.quantity(line.quantity), v.money(line.unit_price))
                                     for line in data.order.parts if not line.blank())
        return v.money(data.order.labour_fee) + typed_parts + v.money(data.order.other_fee)
    except Invalid:
        return None


# ---------------------------------------------------------------- work-order numbers


def next_work_order_no(day: dt.date) -> str:
    """The next number in the format of setting ``work_order.format``; call inside ``writing()``."""
    return next_number("work_order.format", "wo", Visit.work_order_no, day, "intake.bad_format")


# ---------------------------------------------------------------- saving


@dataclass(frozen=True)
class SavedIntake:
    visit_id: int
    work_order_no: str
    customer_id: int
    vehicle_id: int
    customer_name: str
    plate: str | None
    vin: str
    visit_date: dt.date
    mileage: int
    kind: str
    total_fee: Decimal
    owner_changed: bool
    odometer_note: str | None
    warranty: Warranty
    next_maintenance: NextMaintenance
    appointment_id: int | None = None  # the booking marked arrived with this work order
    # the standard fields the archive still lacks (group -> labels, db.intake.brief.missing_fields):
    # the summary names them while the customer is still at the desk
    missing: dict[str, list[str]] = field(default_factory=dict)


def save_intake(data: IntakeData, advisor_id: int | None) -> SavedIntake:
    """Write the whole reception in one transaction, or nothing.

    Raises ``IntakeInvalid`` (all field errors), ``ConfirmationNeeded`` (owner change,
    lower mileage: ask, set the flag, call again), ``Conflict`` (another advisor saved
    the archive since it was read) or ``DatabaseProblem``.
    """
    errors: dict[str, str] = {}
    clean = _clean(data, errors)
    if errors:
        raise IntakeInvalid(errors)
    day, stamp = today(), now()
    with writing():
        customer = _save_customer(data, clean, advisor_id, stamp)
        vehicle = Vehicle.get_or_none(Vehicle.id == data.vehicle.id) if data.vehicle.id else None
        if vehicle is None:  # a typed VIN the archive already knows is that car
            vehicle = Vehicle.get_or_none(Vehicle.vin == clean.vehicle["vin"])
        if vehicle is None:
            _check_vin(data, clean.vehicle["vin"])
        owner_changed = _check_owner(data, vehicle, customer)
        note = _check_mileage(data, vehicle, clean.order["mileage"], clean.vehicle.get("purchase_date"), day)
        before = _vehicle_state(vehicle)
        vehicle = _save_vehicle(data.vehicle, clean, vehicle, customer, day, stamp, owner_changed)
        _audit_vehicle(before, vehicle, advisor_id)
        visit = _save_visit(clean, vehicle, customer, advisor_id, day, stamp, note)
        _save_contact(clean.contact, customer, vehicle, visit, advisor_id)
        # The book is loaded with the first save, not on the way to the reception's first frame.
        from db.appointments import arrive_for_visit

        appointment_id = arrive_for_visit(vehicle.id, visit.id, advisor_id, data.appointment_id)
        if data.prospect_id:
            _convert_prospect(data.prospect_id, customer.id, advisor_id)
        _record_consent(clean.contact["consent"], customer.id, advisor_id)
        derived.customers([customer.id])
        derived.vehicles([vehicle.id])  # the visit moves its queue days
        missing = missing_fields(customer, vehicle)
        if advisor_id is not None:
            discard_draft(advisor_id)  # saved: the draft goes with the same commit
    return SavedIntake(
        visit_id=visit.id, work_order_no=visit.work_order_no, customer_id=customer.id,
        vehicle_id=vehicle.id, customer_name=customer.name, plate=vehicle.plate, vin=vehicle.vin,
        visit_date=day, mileage=visit.mileage, kind=visit.kind, total_fee=visit.total_fee,
        owner_changed=owner_changed, odometer_note=note, appointment_id=appointment_id, missing=missing,
        warranty=warranty(vehicle.purchase_date, vehicle.last_mileage,
                          end_date=vehicle.warranty_end_date, end_km=vehicle.warranty_end_km),
        next_maintenance=next_maintenance(
            purchase_date=vehicle.purchase_date, last_maintenance_date=vehicle.last_maintenance_date,
            last_maintenance_mileage=vehicle.last_maintenance_mileage, last_mileage=vehicle.last_mileage,
            last_visit_date=vehicle.last_visit_date, daily_km=vehicle.daily_km,
            first_maintenance_date=vehicle.first_maintenance_date),
    )


def _customer_values(clean: dict[str, Any], payment: str | None) -> dict[str, Any]:
    values = dict(clean)
    if values.get("id_number"):
        facts = v.id_facts(values["id_number"])
        values["birth_date"], values["sex"] = facts.birth_date, facts.sex
    if payment:
        values["payment_method"] = payment  # observation group: how this customer pays
    return values


def _save_customer(data: IntakeData, clean: Clean, advisor_id: int | None,
                   stamp: dt.datetime) -> Customer:
    form = data.customer
    values = _customer_values(clean.customer, clean.order["payment_method"])
    if form.id is None:
        source = "prospect" if data.prospect_id else "first_visit"
        customer = Customer.create(**values, **occupation_fields(values), source=source,
                                   created_at=stamp, created_by=advisor_id, updated_at=stamp)
        audit.record("create", advisor_id=advisor_id, customer_id=customer.id, detail="intake")
        return customer
    current = Customer.get_or_none(Customer.id == form.id)
    if current is None:
        raise NotFound(t("db.not_found"))
    if current.anonymised_at is not None:
        # Erased while this intake was open: what was typed must not refill that archive.
        raise IntakeInvalid({"customer.name": t("intake.customer_anonymised")})
    before = {k: getattr(current, k) for k in values}
    # Empty typed fields keep what the archive holds: the brief prefilled them, so an empty
    # one was never filled; clearing a value is the archive card's job, not reception's.
    changes = {k: val for k, val in values.items() if val is not None and before[k] != val}
    if changes:
        expected = form.version if form.version is not None else current.version
        # the category goes with the occupation; the audit names what was typed
        update_versioned(Customer, current.id, expected, {**changes, **occupation_fields(changes)})
        old, new = audit.changes(before, changes)
        audit.record("edit", advisor_id=advisor_id, customer_id=current.id, before=old, after=new,
                     detail="intake")
    return Customer.get_by_id(current.id)


def _check_vin(data: IntakeData, vin: str) -> None:
    """A new car's VIN whose check character fails where it does not bind (a parallel
    import, ``db.validate.vin_unchecked``) is saved once the advisor confirmed it."""
    if v.vin_unchecked(vin) and _vin_key(data.vin_confirmed) != vin:
        raise ConfirmationNeeded("vin_check", t("intake.ask_vin_check", vin=vin, got=vin[8],
                                                 expected=v.vin_check_char(vin)))


def _check_owner(data: IntakeData, vehicle: Vehicle | None, customer: Customer) -> bool:
    """True when the car changes hands with this save; asks first when it would."""
    if vehicle is None or vehicle.owner_id is None or vehicle.owner_id == customer.id:
        return False
    if data.owner_change_confirmed is None:
        owner = Customer.get_or_none(Customer.id == vehicle.owner_id)
        raise ConfirmationNeeded("owner_change", t(
            "intake.ask_owner_change", vin=vehicle.vin, plate=vehicle.plate or "",
            owner=owner.name if owner else "?"))
    return bool(data.owner_change_confirmed)


def _check_mileage(data: IntakeData, vehicle: Vehicle | None, mileage: int,
                   purchase_date: dt.date | None, day: dt.date) -> str | None:
    """The odometer note to keep, asking first when the reading went down or jumped far
    beyond what the car can have driven since its last reading (``db.queues.car_dates.mileage_ceiling``).
    ``lower_mileage_confirmed`` is the advisor's yes to either question."""
    last_date = vehicle.last_visit_date if vehicle else None
    last_km = vehicle.last_mileage if vehicle else None
    ceiling = mileage_ceiling(last_date, last_km, vehicle.daily_km if vehicle else None, day,
                              purchase_date=(vehicle.purchase_date if vehicle else None) or purchase_date)
    if ceiling is not None and mileage > ceiling:
        since = last_date.isoformat() if last_date and last_km is not None else None
        if not data.lower_mileage_confirmed:
            raise ConfirmationNeeded("mileage_jump", t(
                "intake.ask_mileage_jump", mileage=number(mileage), last=number(last_km or 0),
                date=since or (purchase_date or vehicle.purchase_date).isoformat(),
                ceiling=number(ceiling)))
        return t("intake.odometer_jump_note", last=number(last_km or 0), mileage=number(mileage))
    if vehicle is None or vehicle.last_mileage is None or mileage >= vehicle.last_mileage:
        return None
    if not data.lower_mileage_confirmed:
        raise ConfirmationNeeded("lower_mileage", t(
            "intake.ask_lower_mileage", mileage=number(mileage), last=number(vehicle.last_mileage),
            date=vehicle.last_visit_date.isoformat() if vehicle.last_visit_date else "?"))
    return t("intake.odometer_note", last=number(vehicle.last_mileage), mileage=number(mileage))


def _vehicle_form_values(clean: dict[str, Any]) -> dict[str, Any]:
    values = dict(clean)
    if not values.get("brand"):
        values["brand"] = v.vin_brand(values["vin"])
    return values


def _save_vehicle(form: VehicleForm, clean: Clean, vehicle: Vehicle | None, customer: Customer,
                  day: dt.date, stamp: dt.datetime, owner_changed: bool) -> Vehicle:
    typed = _vehicle_form_values(clean.vehicle)
    mileage, kind = clean.order["mileage"], clean.order["kind"]
    if vehicle is None:
        state = _visit_state(None, mileage, kind, day, typed.get("purchase_date"))
        _first_maintenance(state, typed, kind, day, mileage)
        vehicle = Vehicle.create(**typed, **state, owner=customer.id, created_at=stamp, updated_at=stamp)
        Ownership.create(vehicle=vehicle.id, customer=customer.id, start_date=day)
        return vehicle
    if form.id != vehicle.id:
        # The form was not filled from this car (a VIN typed on the new-archive path):
        # its choice fields hold defaults, not answers; the archive's values stand.
        typed.pop("sold_here", None)
        typed.pop("usage", None)
    elif typed["vin"] != vehicle.vin:
        # Another VIN is another car: a VIN on file is corrected on the archive card
        # (audited there with the old value), never rewritten by a work order.
        raise IntakeInvalid({"vehicle.vin": t("intake.vin_fixed", vin=vehicle.vin)})
    # A known car: fill what was missing or retyped; an empty field keeps its value.
    changes = {k: val for k, val in typed.items() if val is not None and getattr(vehicle, k) != val}
    if vehicle.owner_id is None or owner_changed:
        if owner_changed:
            (Ownership.update(end_date=day)
             .where((Ownership.vehicle == vehicle.id) & Ownership.end_date.is_null()).execute())
        Ownership.create(vehicle=vehicle.id, customer=customer.id, start_date=day,
                         note=t("intake.ownership_note") if owner_changed else None)
        changes["owner"] = customer.id
    changes.update(_visit_state(vehicle, mileage, kind, day, vehicle.purchase_date))
    if vehicle.first_maintenance_date is None:
        _first_maintenance(changes, typed, kind, day, mileage)
    expected = form.version if (form.id == vehicle.id and form.version is not None) else vehicle.version
    update_versioned(Vehicle, vehicle.id, expected, changes)
    return Vehicle.get_by_id(vehicle.id)


# The vehicle group as typed at reception, and its owner: what the audit log follows.
# (The last-known mileage and dates are the visit's own record, not an edit.)
_AUDITED_VEHICLE = (*_typed(VehicleForm), "owner_id")


def _vehicle_state(vehicle: Vehicle | None) -> dict[str, Any] | None:
    return None if vehicle is None else {name: getattr(vehicle, name) for name in _AUDITED_VEHICLE}


def _audit_vehicle(before: dict[str, Any] | None, vehicle: Vehicle, advisor_id: int | None) -> None:
    """A known car's retyped fields on its owner's archive; a change of hands on both
    archives. A new car is part of its archive's ``create``/``edit`` entry."""
    if before is None:
        return
    old, new = audit.changes(before, _vehicle_state(vehicle) or {})
    old_owner, new_owner = old.pop("owner_id", None), new.pop("owner_id", None)
    detail = f"vehicle {vehicle.id}"
    if new:
        audit.record("edit", advisor_id=advisor_id, customer_id=vehicle.owner_id, field=",".join(new),
                     before=old, after=new, detail=detail)
    if new_owner is not None:
        for customer_id in {old_owner, new_owner} - {None}:
            audit.record("edit", advisor_id=advisor_id, customer_id=customer_id, field="owner",
                         before={"owner": old_owner}, after={"owner": new_owner}, detail=detail)


def _first_maintenance(values: dict[str, Any], typed: dict[str, Any], kind: str, day: dt.date,
                       mileage: int) -> None:
    """A first maintenance done here is the vehicle group's first-maintenance date and km."""
    if kind == "first_maintenance" and typed.get("first_maintenance_date") is None:
        values["first_maintenance_date"], values["first_maintenance_mileage"] = day, mileage


def _visit_state(vehicle: Vehicle | None, mileage: int, kind: str, day: dt.date,
                 purchase_date: dt.date | None) -> dict[str, Any]:
    """The vehicle's denormalised last-known state after this visit (queues read it)."""
    state: dict[str, Any] = {
        "last_visit_date": day, "last_mileage": mileage,
        "daily_km": mileage_trend(vehicle.daily_km if vehicle else None,
                                  vehicle.last_visit_date if vehicle else None,
                                  vehicle.last_mileage if vehicle else None,
                                  day, mileage, purchase_date=purchase_date),
    }
    if kind in MAINTENANCE_KINDS:
        state["last_maintenance_date"], state["last_maintenance_mileage"] = day, mileage
    return state


def _save_visit(clean: Clean, vehicle: Vehicle, customer: Customer, advisor_id: int | None,
                day: dt.date, stamp: dt.datetime, note: str | None) -> Visit:
    order = clean.order
    visit = Visit.create(
        work_order_no=next_work_order_no(day), vehicle=vehicle.id, customer=customer.id,
        advisor=advisor_id, visit_date=day, mileage=order["mileage"], kind=order["kind"],
        # The work order's 维修内容 is agreed at the desk: it is the work done unless changed later.
        work_requested=order["work_requested"], work_done=order["work_requested"], labour_fee=order["labour_fee"],
        parts_fee=order["parts_fee"], other_fee=order["other_fee"], total_fee=order["total_fee"],
        payment_method=order["payment_method"], declined_work=order["declined_work"],
        odometer_note=note, created_at=stamp,
        **clean.walkaround, **{name: order[name] for name in order_facts.ORDER_FIELDS})
    for line in clean.parts:
        part = VisitPart.create(visit=visit.id, **line)
        if part.consent:  # the owner's yes to a repaired or used part, with who took it
            audit.record("part_consent", advisor_id=advisor_id, customer_id=customer.id, field="consent",
                         after={"part": part.name, "kind": part.kind}, detail=f"visit {visit.id}")
    return visit


def _save_contact(contact: dict[str, Any], customer: Customer, vehicle: Vehicle, visit: Visit,
                  advisor_id: int | None) -> Contact:
    return Contact.create(
        customer=customer.id, vehicle=vehicle.id, visit=visit.id, advisor=advisor_id,
        contact_at=day_now(), channel="desk", purpose="reception", outcome="visit",
        traits=contact["traits"], events=contact["events"],
        tags=",".join(contact["tags"]) or None)


def _record_consent(answer: str, customer_id: int, advisor_id: int | None) -> None:
    """The customer's yes or no to marketing, given at the desk: recorded as the card's
    G records it (logged, queues at once), only when it changes what the archive holds."""
    # Here, not at the top: the reception screen imports this module on the way to its
    # first frame, and privacy (with roles) is needed only by a save that records consent.
    from db.privacy import set_consent

    wanted = {"yes": True, "no": False}.get(answer)
    if wanted is not None and Customer.get_by_id(customer_id).marketing_consent is not wanted:
        set_consent(advisor_id, customer_id, wanted, channel="desk")


def _convert_prospect(prospect_id: int, customer_id: int, advisor_id: int | None) -> None:
    """Hand the prospect over to the new archive, inside this transaction (a savepoint)."""
    from db.prospects import convert  # with the first save, not on the way to the first frame

    convert(prospect_id, customer_id, advisor_id)


# ---------------------------------------------------------------- starting an intake


def start_for(vehicle_id: int | None = None, customer_id: int | None = None) -> IntakeData:
    """An intake prefilled from the archive: the customer and car as they stand now.

    An anonymised archive (found by one of its work orders) is nobody any more: the
    intake starts a new archive, with the car when there is one. The car was left
    without an owner by the anonymisation, so saving opens the new customer's ownership.
    """
    data = IntakeData()
    vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id) if vehicle_id else None
    if customer_id is None and vehicle is not None:
        customer_id = vehicle.owner_id
    customer = Customer.get_or_none(Customer.id == customer_id) if customer_id else None
    if customer is not None and customer.anonymised_at is None:
        data.consent_now = customer.marketing_consent
        data.customer = CustomerForm(id=customer.id, version=customer.version,
                                     **{name: _shown(getattr(customer, name)) for name in _typed(CustomerForm)})
        # The mobile and ID number go out masked, as on the card: the full number only
        # through db.archive.reveal, which records who saw it.
        for name, mask in MASKS.items():
            if getattr(data.customer, name):
                data.masked[name] = mask(getattr(data.customer, name))
                setattr(data.customer, name, "")
    if vehicle is not None:
        data.vehicle = _vehicle_form(vehicle)
        data.previous_damage = order_facts.previous_damage(vehicle.id)
        # A car booked for today (chosen on the arrivals, or found by its plate): the work
        # order starts from what the customer asked for when booking, and saving marks the
        # booking arrived. The book loads here, not on the way to the first frame.
        from db.appointments import for_vehicle_today

        booking = for_vehicle_today(vehicle.id)
        if booking is not None:
            data.appointment_id = booking.id
            data.order.work_requested = booking.request or ""
    return data


def _vehicle_form(vehicle: Vehicle) -> VehicleForm:
    shown = {name: _shown(getattr(vehicle, name)) for name in _typed(VehicleForm, "sold_here", "usage")}
    return VehicleForm(id=vehicle.id, version=vehicle.version, usage=vehicle.usage,
                       sold_here="yes" if vehicle.sold_here else "no", **shown)


def let_go_of_car(loaded: VehicleForm, shown: VehicleForm) -> VehicleForm | None:
    """The vehicle group once the form shows ``shown``: None while its VIN is still the
    loaded car's (or no car was loaded), else another car, not the archive's (no id, no
    version), keeping what the advisor typed over the loaded values and dropping what the
    loaded car filled in. A mistyped VIN on file is corrected on the archive card."""
    if loaded.id is None or _vin_key(shown.vin) == _vin_key(loaded.vin):
        return None
    fresh = VehicleForm()
    return VehicleForm(**{name: getattr(fresh if getattr(shown, name) == getattr(loaded, name) else shown, name)
                          for name in _typed(VehicleForm)})


def _vin_key(text: str) -> str:
    """A VIN as compared: what ``db.validate.vin`` keeps of it, without its checks."""
    return "".join(v.normalise(text).split()).replace("-", "").upper()


def prefill_from_query(text: str) -> IntakeData:
    """A new archive starting from what was typed to find it: a VIN, plate, mobile or name.

    A VIN or plate of a car the archive knows brings the whole car: lookup finds cars
    through their owner, so a car without one (its owner's archive anonymised, or a
    sales-import car without a buyer) is found here, when the advisor opens a new archive.
    """
    data = IntakeData()
    raw = v.normalise(text)
    if not raw:
        return data
    for form, name, check in ((data.vehicle, "vin", v.vin_as_found), (data.vehicle, "plate", v.plate),
                              (data.customer, "mobile", v.mobile)):
        try:
            setattr(form, name, check(raw))
        except Invalid:
            continue
        if form is data.vehicle:
            column = Vehicle.vin if name == "vin" else Vehicle.plate
            cars = list(Vehicle.select().where(column == getattr(form, name)).limit(2))
            if len(cars) == 1:  # (an old plate on two cars: the advisor types the VIN)
                data.vehicle = _vehicle_form(cars[0])
                data.previous_damage = order_facts.previous_damage(cars[0].id)
        return data
    if not any(c.isdigit() for c in raw):
        data.customer.name = raw
    return data


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Known:
    """What the archive already holds for a value typed on the new-archive path."""

    vehicle_id: int | None = None  # a car with this VIN or plate (e.g. from the sales import)
    owner_name: str | None = None
    plate: str | None = None
    order_today: str | None = None  # that car's work order of today (db.intake.same_day), by number
    customer_name: str | None = None  # a customer with this mobile: search for them instead
    prospect_id: int | None = None  # an open prospect with this mobile: prefill, convert on save
    prospect_name: str | None = None
    prospect_district: str | None = None


def known_for(path: str, value: str) -> Known:
    """Look a typed VIN, plate or mobile up, so the new archive is prefilled, not duplicated."""
    if path in ("vehicle.vin", "vehicle.plate"):
        try:
            key = v.vin_as_found(value) if path == "vehicle.vin" else v.plate(value)
        except Invalid:
            return Known()
        column = Vehicle.vin if path == "vehicle.vin" else Vehicle.plate
        car = Vehicle.get_or_none(column == key)
        if car is None:
            return Known()
        owner = Customer.get_or_none(Customer.id == car.owner_id) if car.owner_id else None
        from db.intake.same_day import order_today  # with the first VIN typed, not at start

        today = order_today(car.id)
        return Known(vehicle_id=car.id, owner_name=owner.name if owner else None, plate=car.plate,
                     order_today=today.work_order_no if today else None)
    if path == "customer.mobile":
        try:
            number = v.mobile(value)
        except Invalid:
            return Known()
        customer = (Customer.select(Customer.name)
                    .where((Customer.mobile == number) & Customer.merged_into.is_null()).first())
        from db.prospects import find_by_mobile  # with the first mobile typed, not at start

        prospect = find_by_mobile(number)
        return Known(customer_name=customer.name if customer else None,
                     prospect_id=prospect.id if prospect else None,
                     prospect_name=prospect.name if prospect else None,
                     prospect_district=prospect.district if prospect else None)
    return Known()
