"""Booking a prospect (db.book_prospect): the car asked for, the archive made with the
booking in one transaction, the prospect converted; a full slot leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from db import appointments, prospects, settings
from db.book_prospect import book_prospect
from db.errors import Invalid
from db.models import Contact, Customer, Prospect, Vehicle
from db.search import search
from tests import factory
from tests.conftest import TODAY

AT = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(10, 0))
VIN = factory.vin_with_check("LSVAB2AB00000777")


@pytest.fixture
def lead(database):
    desk = factory.advisor("刘洋")
    prospect = prospects.create({"name": "曾小贤", "mobile": "13912340004", "district": "武侯区"}, desk.id)
    prospects.log_contact(prospect.id, desk.id, {"outcome": "reached", "note": "想做保养"})
    return desk, prospect


def test_booking_a_prospect_makes_the_archive_and_holds_the_place(lead):
    desk, prospect = lead
    booking = book_prospect(prospect.id, plate="川a 77777", model="飞度", vin=VIN, at=AT, booked_by=desk.id,
                            request="首保", waiting=False, channel="wechat")
    assert (booking.plate, booking.name, booking.status, booking.waiting, booking.channel) == (
        "川A77777", "曾小贤", "booked", False, "wechat")
    customer = Customer.get_by_id(booking.customer_id)
    assert (customer.mobile, customer.district, customer.source) == ("13912340004", "武侯区", "prospect")
    car = Vehicle.get_by_id(booking.vehicle_id)
    assert (car.vin, car.model, car.owner_id) == (VIN, "飞度", customer.id)
    assert Prospect.get_by_id(prospect.id).status == "converted"
    history = [(c.outcome, c.customer_id) for c in Contact.select().where(Contact.prospect == prospect.id)
               .order_by(Contact.id)]
    assert history == [("reached", customer.id), ("booked", customer.id)]
    # reception finds the car by plate and by mobile, and expects it on the day
    assert [h.vehicle_id for h in search("77777").hits] == [car.id]
    assert [h.vehicle_id for h in search("0004").hits] == [car.id]
    assert appointments.day_list(AT.date())[0].id == booking.id


def test_a_full_slot_or_a_bad_car_leaves_nothing_behind(lead):
    desk, prospect = lead
    settings.set_value("book.cars_per_slot", 1)
    owner = factory.customer("王芳", "13800138000")
    other = factory.vehicle(owner, factory.vin_with_check("LSVAB2AB00000001"), "川A12345", since=dt.date(2020, 1, 1))
    appointments.book(vehicle_id=other.id, at=AT, booked_by=desk.id)
    with pytest.raises(appointments.SlotFull):
        book_prospect(prospect.id, plate="川A77777", model="", vin=VIN, at=AT, booked_by=desk.id)
    with pytest.raises(Invalid) as known:
        book_prospect(prospect.id, plate="川A77777", model="", vin=other.vin, at=AT + dt.timedelta(hours=1),
                      booked_by=desk.id)
    assert known.value.field == "vin" and "川A12345" in str(known.value)
    assert Customer.select().count() == 1 and Vehicle.select().count() == 1
    assert Prospect.get_by_id(prospect.id).status == "open"
    with pytest.raises(Invalid) as bad:
        book_prospect(prospect.id, plate="川A77777", model="", vin="123", at=AT, booked_by=desk.id)
    assert bad.value.field == "vin"
