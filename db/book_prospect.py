"""Booking a prospect (F6, Ctrl+B): a prospect has a name and a mobile but no car, and a
booking holds a car's place. So the booking asks for the car (plate, model, VIN) and makes
the archive at once: the customer (the prospect's name, mobile and district), the car and
its ownership, the prospect converted into that archive with its contacts, a contact
"booked" in its history, and the booking; one transaction, or nothing (a full slot leaves
no archive behind).

Why the archive now rather than a booking without a car: the place is held like any
other, and at reception the car is found by plate, mobile or name and arrives like any
booked car (today's arrivals, Enter to its prefilled work order). The archive is keyed by
the VIN (unique, never empty), so the VIN is asked for: it is on the driving licence
(行驶证) the customer has at hand.
"""

from __future__ import annotations

import datetime as dt

from db import appointments, derived
from db import validate as v
from db.appointments import Booking
from db.audit import write as audit
from db.clock import day_now, now, today
from db.connection import writing
from db.errors import Conflict, Invalid
from db.i18n import t
from db.models import Contact, Customer, Ownership, Vehicle
from db.prospects import convert, get

# how a booking was made -> the channel of the prospect's contact log (db.prospects.CHANNELS)
CONTACT_CHANNEL = {"phone": "phone", "walk_in": "desk", "call_list": "phone", "wechat": "wechat"}


def book_prospect(prospect_id: int, *, plate: str, model: str, vin: str, at: dt.datetime,
                  booked_by: int | None, advisor_id: int | None = None, request: str | None = None,
                  waiting: bool = True, channel: str = "phone") -> Booking:
    """The prospect's archive and car made, and the car booked at ``at`` (see the module).
    ``Invalid`` names the field (``plate``, ``model``, ``vin``, ``mobile``) for a bad value
    or a car or mobile already on file (then it is booked from the lookup); ``SlotFull`` as
    for any booking."""
    plate_value, vin_value = v.plate(plate), v.vin(vin)
    model_value = v.text(model, "model", 60)
    with writing():
        prospect = get(prospect_id)
        if prospect.status != "open":
            raise Conflict(t("prospects.already_converted"))
        known = Vehicle.get_or_none(Vehicle.vin == vin_value)
        if known is not None:
            raise Invalid(t("book.prospect_car_known", vin=vin_value, plate=known.plate or "-"), "vin")
        if prospect.mobile:
            customer = (Customer.select().where((Customer.mobile == prospect.mobile)
                                                & Customer.merged_into.is_null()).first())
            if customer is not None:
                raise Invalid(t("prospects.mobile_customer", name=customer.name), "mobile")
        stamp = now()
        customer = Customer.create(name=prospect.name, mobile=prospect.mobile, district=prospect.district,
                                   marketing_consent=prospect.marketing_consent, source="prospect",
                                   created_at=stamp, created_by=booked_by, updated_at=stamp)
        audit.record("create", advisor_id=booked_by, customer_id=customer.id, detail="booking")
        car = Vehicle.create(vin=vin_value, plate=plate_value, model=model_value, brand=v.vin_brand(vin_value),
                             owner=customer.id, created_at=stamp, updated_at=stamp)
        Ownership.create(vehicle=car.id, customer=customer.id, start_date=today())
        convert(prospect_id, customer.id, booked_by)
        booking = appointments.book(vehicle_id=car.id, customer_id=customer.id, at=at, booked_by=booked_by,
                                    advisor_id=advisor_id, request=request, waiting=waiting, channel=channel)
        Contact.create(prospect=prospect_id, customer=customer.id, vehicle=car.id, advisor=booked_by,
                       contact_at=day_now(), channel=CONTACT_CHANNEL.get(channel, "phone"), purpose="prospect",
                       outcome="booked", booked_date=at.date(),
                       note=t("book.prospect_contact_note", at=appointments.at_text(at)))
        derived.customers([customer.id])
        derived.vehicles([car.id])
    return booking
