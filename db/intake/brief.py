"""The reception brief: what an advisor should know in the first seconds with a customer.

Customer and car at a glance (mobile masked), the car's age and warranty, the last
visits, the work declined and still to offer, traits and events noted at earlier contacts,
reminders due now, and which standard fields of the four groups are still missing so
the advisor can ask for them now. ``segments`` is the place for the segment badges
and treatment hint (db.segments fills it when present).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from db import completeness, segments
from db.errors import NotFound
from db.i18n import t
from db.masking import mask_mobile
from db.models import Contact, Customer, Vehicle, Visit
from db.queues.car_dates import NextMaintenance, Warranty, age_years, declined_to_offer, next_maintenance, warranty

LAST_VISITS = 3
LAST_CONTACTS = 3

@dataclass(frozen=True)
class VisitLine:
    visit_date: dt.date
    mileage: int
    kind: str
    work: str  # what was asked or done
    work_order_no: str


@dataclass(frozen=True)
class ContactNote:
    contact_at: dt.datetime
    traits: str
    events: str
    tags: tuple[str, ...]


@dataclass
class Brief:
    customer_id: int
    vehicle_id: int | None
    name: str
    mobile_masked: str
    sex: str | None
    source: str
    plate: str | None
    vin: str | None
    car: str  # brand and model
    color: str | None
    purchase_date: dt.date | None
    car_age_years: float | None
    warranty: Warranty | None
    next_maintenance: NextMaintenance | None
    last_mileage: int | None
    other_vehicles: list[tuple[int, str]]  # (vehicle id, plate or VIN) of the customer's other cars
    visits: list[VisitLine]
    last_declined: tuple[dt.date, str] | None
    contacts: list[ContactNote]
    reminders: list[str]
    missing: dict[str, list[str]]  # group -> labels of missing standard fields
    # Segment badges and a treatment hint (db.segments fills them).
    segments: list[str] = field(default_factory=list)
    treatment: str | None = None
    appointment: object | None = None  # the car's booking today (db.appointments.Booking), if it has one
    # the damage noted at the car's last marked walk-around (not to be noted again as new)
    previous_damage: dict[str, tuple[str, ...]] = field(default_factory=dict)


def brief(vehicle_id: int | None = None, customer_id: int | None = None, *, full: bool = True) -> Brief:
    """The brief for a car (its owner, or ``customer_id`` who brought it) or for a customer.

    ``full=False`` leaves out the reminders and segments (``fill_extras`` adds them): they
    ask the queue and segment rules, which take longer than the rest, so the desk shows
    the brief at once and adds them when they arrive.
    """
    vehicle = Vehicle.get_or_none(Vehicle.id == vehicle_id) if vehicle_id else None
    if customer_id is None:
        customer_id = vehicle.owner_id if vehicle is not None else None
    customer = Customer.get_or_none(Customer.id == customer_id) if customer_id else None
    if customer is None:
        raise NotFound(t("db.not_found"))
    cars = list(Vehicle.select(Vehicle.id, Vehicle.plate, Vehicle.vin, Vehicle.last_visit_date)
                .where(Vehicle.owner == customer.id)
                .order_by(Vehicle.last_visit_date.desc(nulls="LAST"), Vehicle.id))
    if vehicle is None and cars:
        vehicle = Vehicle.get_by_id(cars[0].id)
    visits = _visits(vehicle, customer)
    result = Brief(
        customer_id=customer.id,
        vehicle_id=vehicle.id if vehicle else None,
        name=customer.name,
        mobile_masked=mask_mobile(customer.mobile),
        sex=customer.sex,
        source=customer.source,
        plate=vehicle.plate if vehicle else None,
        vin=vehicle.vin if vehicle else None,
        car=" ".join(x for x in (vehicle.brand, vehicle.model) if x) if vehicle else "",
        color=vehicle.color if vehicle else None,
        purchase_date=vehicle.purchase_date if vehicle else None,
        car_age_years=age_years(vehicle.purchase_date) if vehicle else None,
        warranty=_warranty(vehicle),
        next_maintenance=_next(vehicle),
        last_mileage=vehicle.last_mileage if vehicle else None,
        other_vehicles=[(c.id, c.plate or c.vin) for c in cars if not vehicle or c.id != vehicle.id],
        visits=visits,
        last_declined=_declined(vehicle, customer, visits),
        contacts=_contacts(customer.id),
        reminders=[],
        missing=missing_fields(customer, vehicle),
    )
    if vehicle is not None:
        # The book is loaded with the first brief, not on the way to the reception's first frame.
        from db.appointments import for_vehicle_today

        result.appointment = for_vehicle_today(vehicle.id)
        from db.intake.order_facts import previous_damage

        result.previous_damage = previous_damage(vehicle.id)
    if full:
        fill_extras(result)
    return result


def fill_extras(result: Brief) -> Brief:
    """Add the reminders due now and the segment badges to a brief."""
    result.reminders = _reminders(result.customer_id)
    _segments(result)
    return result


def _warranty(vehicle: Vehicle | None) -> Warranty | None:
    if vehicle is None:
        return None
    return warranty(vehicle.purchase_date, vehicle.last_mileage,
                    end_date=vehicle.warranty_end_date, end_km=vehicle.warranty_end_km)


def _next(vehicle: Vehicle | None) -> NextMaintenance | None:
    if vehicle is None:
        return None
    return next_maintenance(
        purchase_date=vehicle.purchase_date, last_maintenance_date=vehicle.last_maintenance_date,
        last_maintenance_mileage=vehicle.last_maintenance_mileage, last_mileage=vehicle.last_mileage,
        last_visit_date=vehicle.last_visit_date, daily_km=vehicle.daily_km,
        first_maintenance_date=vehicle.first_maintenance_date)


def _visits(vehicle: Vehicle | None, customer: Customer) -> list[VisitLine]:
    where = Visit.vehicle == vehicle.id if vehicle is not None else Visit.customer == customer.id
    rows = (Visit.select(Visit.visit_date, Visit.mileage, Visit.kind, Visit.work_requested,
                         Visit.work_done, Visit.work_order_no)
            .where(where).order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(LAST_VISITS))
    return [VisitLine(r.visit_date, r.mileage, r.kind, r.work_done or r.work_requested or "",
                      r.work_order_no) for r in rows]


def _declined(vehicle: Vehicle | None, customer: Customer,
              visits: list[VisitLine]) -> tuple[dt.date, str] | None:
    """The declined work still to offer, by the queues' rule (``db.queues.car_dates.declined_to_offer``):
    work declined at an earlier visit is no longer offered once a later day's visit came."""
    where = Visit.vehicle == vehicle.id if vehicle is not None else Visit.customer == customer.id
    rows = {r.id: (r.visit_date, r.declined_work) for r in
            Visit.select(Visit.id, Visit.visit_date, Visit.declined_work)
            .where(where & Visit.declined_work.is_null(False) & (Visit.declined_work != ""))}
    last = vehicle.last_visit_date if vehicle is not None else (visits[0].visit_date if visits else None)
    offer = declined_to_offer(((i, day) for i, (day, _) in rows.items()), last)
    return rows[offer[0]] if offer is not None else None


def _contacts(customer_id: int) -> list[ContactNote]:
    rows = (Contact.select(Contact.contact_at, Contact.traits, Contact.events, Contact.tags)
            .where((Contact.customer == customer_id)
                   & (Contact.traits.is_null(False) | Contact.events.is_null(False)
                      | Contact.tags.is_null(False)))
            .order_by(Contact.contact_at.desc()).limit(LAST_CONTACTS))
    return [ContactNote(r.contact_at, r.traits or "", r.events or "",
                        tuple(x for x in (r.tags or "").split(",") if x)) for r in rows]


def _reminders(customer_id: int) -> list[str]:
    """What the call lists hold for this customer today."""
    # Here, not at the top: the reception screen imports this module on the way to its
    # first frame, and the call lists are needed only once a brief is filled in.
    from db.queues import lists as queues

    return [item.label for item in queues.due_for_customer(customer_id)]


def _segments(result: Brief) -> None:
    """Segment badges and the treatment hint."""
    found = segments.badges_for(result.customer_id, result.vehicle_id)
    result.segments = [str(b) for b in found.badges]
    result.treatment = found.treatment


def missing_fields(customer: Customer, vehicle: Vehicle | None) -> dict[str, list[str]]:
    """Which standard fields (db.completeness, the one list) are empty for this customer and car.

    Groups in the standard order, each with the labels of its missing fields; the repair
    group counts this car's work orders without the work done.
    """
    result = completeness.Completeness()
    for f in completeness.CUSTOMER_FIELDS:
        result.count(f, getattr(customer, f.name))
    if vehicle is not None:
        for f in completeness.vehicle_fields_for(vehicle, completeness.first_maintenance_cutoff()):
            result.count(f, getattr(vehicle, f.name), vehicle.id)
        visits = Visit.select(Visit.id, Visit.work_done).where(Visit.vehicle == vehicle.id)
        for visit in visits.order_by(Visit.id.desc()).limit(LAST_VISITS):
            for f in completeness.VISIT_FIELDS:
                result.count(f, getattr(visit, f.name), visit.id)
    return {group: labels for group, labels in result.by_group().items() if labels}
