"""Lookup on a demo station: every kind of query finds the customer its value came from,
and the exact identifiers (plate, VIN, mobile, work order) rank that customer first.

The values are drawn from the demo's own rows, as an advisor would read them off a car,
a phone or a printed work order (tests/test_search.py has the hand-built edge cases)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from db import clock, search
from db.connection import close_database, open_database
from db.demo import generate
from db.models import Customer, Vehicle, Visit

SAMPLES = 12  # values of each kind drawn from the demo


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("search-demo") / "demo.sqlite"
    clock.pin_today(dt.date(2026, 11, 26))
    open_database(path)
    try:
        generate(customers=400, seed=3)
    finally:
        close_database()
    return path


@pytest.fixture
def demo(demo_file):
    open_database(demo_file)
    yield random.Random(5)
    close_database()


def every_hit(query: str) -> list[search.Hit]:
    return search.find(query, limit=2000)


def cars(rng: random.Random) -> list[Vehicle]:
    rows = list(Vehicle.select().where(Vehicle.plate.is_null(False), Vehicle.owner.is_null(False)))
    return rng.sample(rows, SAMPLES)


def people(rng: random.Random) -> list[Customer]:
    return rng.sample(list(Customer.select().where(Customer.mobile.is_null(False))), SAMPLES)


def test_a_whole_plate_with_or_without_its_province_ranks_its_car_first(demo):
    for car in cars(demo):
        for typed in (car.plate, car.plate[1:], f"{car.plate[:2]} {car.plate[2:]}".lower()):
            hit = search.find(typed)[0]
            assert (hit.vehicle_id, hit.customer_id, hit.match) == (car.id, car.owner_id, "exact_plate"), typed


@pytest.mark.parametrize("length", [3, 4, 5])
def test_a_plate_tail_finds_the_car(demo, length):
    for car in cars(demo):
        tail = car.plate[-length:]
        hits = every_hit(tail)
        assert (car.owner_id, car.id) in {(h.customer_id, h.vehicle_id) for h in hits}, tail
        assert all(h.plate.endswith(tail) for h in hits if h.match == "plate_tail")


def test_a_whole_vin_ranks_its_car_first_and_its_tails_find_it(demo):
    for car in cars(demo):
        hit = search.find(car.vin.lower())[0]
        assert (hit.vehicle_id, hit.match, hit.rank) == (car.id, "vin", 0)
        for n in (6, 7, 8):
            hits = every_hit(car.vin[-n:])
            assert car.id in {h.vehicle_id for h in hits if h.match == "vin_tail"}, car.vin[-n:]


def test_a_whole_mobile_ranks_its_customer_first_and_its_last_digits_find_them(demo):
    for person in people(demo):
        hit = search.find(person.mobile)[0]
        assert (hit.customer_id, hit.match) == (person.id, "mobile_tail")
        assert hit.mobile_masked == f"{person.mobile[:3]}****{person.mobile[-4:]}"
        for n in (4, 6, 8):
            hits = every_hit(person.mobile[-n:])
            assert person.id in {h.customer_id for h in hits if h.match == "mobile_tail"}


def test_a_name_finds_its_customer_exact_names_before_longer_ones(demo):
    for person in people(demo):
        hits = every_hit(person.name)
        assert person.id in {h.customer_id for h in hits if h.match == "name"}
        exact = [i for i, h in enumerate(hits) if h.name == person.name]
        longer = [i for i, h in enumerate(hits) if h.match == "name" and h.name != person.name]
        assert not longer or max(exact) < min(longer)
        surname = every_hit(person.name[0])
        assert person.id in {h.customer_id for h in surname}


def test_pinyin_and_initials_find_the_customer(demo):
    for person in people(demo):
        full, initials = search.pinyin_keys(person.name)
        for typed, kind in ((full, "pinyin"), (full.upper(), "pinyin"), (initials, "initials")):
            hits = every_hit(typed)
            assert person.id in {h.customer_id for h in hits if h.match == kind}, typed


def test_a_work_order_number_ranks_its_car_first_and_its_start_finds_it(demo):
    orders = demo.sample(list(Visit.select().where(Visit.customer.is_null(False))), SAMPLES)
    for order in orders:
        hit = search.find(order.work_order_no)[0]
        assert (hit.customer_id, hit.vehicle_id, hit.match) == (order.customer_id, order.vehicle_id, "work_order")
        day = order.work_order_no[:10]  # WO + the date: every order of that day
        hits = every_hit(day)
        assert (order.customer_id, order.vehicle_id) in {(h.customer_id, h.vehicle_id) for h in hits}


def test_the_start_of_an_employer_finds_its_people(demo):
    employed = demo.sample(list(Customer.select().where(Customer.employer.is_null(False))), SAMPLES)
    for person in employed:
        typed = person.employer[:4]
        hits = every_hit(typed)
        assert person.id in {h.customer_id for h in hits if h.match == "employer"}, typed
