"""Demo data: deterministic, valid by the program's own rules, and consistent with itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import statistics
import subprocess
import sys
from collections import defaultdict

import pytest

from db import clock
from db import validate as v
from db.connection import close_database, open_database
from db.demo import catalogue as cat
from db.demo import generate
from db.demo.records import daily_km
from db.demo.station import Station
from db.errors import AdvisorError
from db.models import Contact, Customer, Ownership, Prospect, Vehicle, Visit, VisitPart
from db.search import customer_keys, prospect_keys, vehicle_keys
from db.settings import get_many

TODAY = dt.date(2026, 11, 26)
SIZE = 300


def _build(path, customers, seed):
    clock.pin_today(TODAY)
    open_database(path)
    try:
        return generate(customers=customers, seed=seed)
    finally:
        close_database()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = _build(path, SIZE, seed=11)
    return path, result


@pytest.fixture
def demo(built):
    path, result = built
    open_database(path)
    yield result
    close_database()


def _digest(path) -> str:
    """A hash of every demo table's rows, in id order."""
    import sqlite3

    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        for table in ("customer", "vehicle", "ownership", "visit", "visit_part", "prospect", "contact"):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def test_same_seed_same_rows_other_seed_other_rows(tmp_path):
    first, second, other = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    _build(first, 80, seed=5)
    _build(second, 80, seed=5)
    _build(other, 80, seed=6)
    assert _digest(first) == _digest(second)
    assert _digest(first) != _digest(other)


def test_worker_processes_make_the_same_rows_as_one_process(tmp_path, monkeypatch):
    import db.demo as demo

    monkeypatch.setattr(demo, "CHUNK", 30)  # 120 customers: four chunks, two workers
    monkeypatch.setattr(demo.st.Station, "warm_up", lambda self: None)  # speed only
    _build(tmp_path / "workers.sqlite", 120, seed=5)
    monkeypatch.setattr(demo.mp, "get_all_start_methods", lambda: ["spawn"])  # inline
    _build(tmp_path / "inline.sqlite", 120, seed=5)
    assert _digest(tmp_path / "workers.sqlite") == _digest(tmp_path / "inline.sqlite")


def test_builds_on_either_backend_and_leaves_ids_ready_for_real_work(database):
    result = generate(customers=80, seed=2)
    assert (result.customers, result.vehicles, result.visits) == (
        Customer.select().count(), Vehicle.select().count(), Visit.select().count())
    assert Customer.select().where(Customer.id > 80).count() == 0
    numbers = [n for (n,) in Visit.select(Visit.work_order_no).tuples()]
    assert len(set(numbers)) == len(numbers) == result.visits
    # the serial counters moved past the demo rows: a new archive gets a fresh id
    now = dt.datetime(2026, 11, 26, 9, 0)
    fresh = Customer.create(name="新客户", name_key="新客户", created_at=now, updated_at=now)
    assert fresh.id == 81
    owned = {o.vehicle_id: o.customer_id for o in Ownership.select().where(Ownership.end_date.is_null())}
    assert all(car.owner_id == owned.get(car.id) for car in Vehicle.select())


def test_counts_reported_match_the_database(demo):
    assert demo.customers == SIZE == Customer.select().count()
    assert demo.vehicles == Vehicle.select().count() > SIZE
    assert demo.visits == Visit.select().count() > 3 * SIZE


def test_every_identifier_passes_the_validators(demo):
    for c in Customer.select():
        assert v.mobile(c.mobile) == c.mobile
        if c.id_number:
            assert v.id_number(c.id_number) == c.id_number
            facts = v.id_facts(c.id_number)
            assert (facts.birth_date, facts.sex) == (c.birth_date, c.sex)
            age = (TODAY - c.birth_date).days / 365.25
            assert 18 <= age <= 80, c.name
        assert v.name(c.name) == c.name
    vehicles = list(Vehicle.select())
    for car in vehicles:
        assert v.vin(car.vin) == car.vin
        assert v.plate(car.plate) == car.plate
        if car.model in ("ID.4 CROZZ", "ID.6 CROZZ", "汉EV", "Model 3", "宏光MINIEV"):
            assert car.plate[2] == "D"
        elif car.model in ("探岳GTE", "秦PLUS DM-i"):
            assert car.plate[2] == "F"
    assert len({car.plate for car in vehicles}) == len(vehicles)
    assert len({car.plate[:2] for car in vehicles}) >= 5  # several provinces and offices
    assert all(c.district in {d[0] for d in cat.DISTRICTS} for c in Customer.select())


def test_surnames_include_compound_ones():
    station = Station(1, TODAY, get_many(*_SETTING_KEYS), [1], chunk_size=100)
    r = random.Random(3).random
    names = [station._person(r, customer=False).fields["name"] for _ in range(4000)]
    compound = {s for s, _ in cat.SURNAMES if len(s) == 2}
    assert sum(any(n.startswith(s) for s in compound) for n in names) >= 5
    assert sum(n.startswith("王") for n in names) > sum(n.startswith("欧阳") for n in names)


_SETTING_KEYS = ("warranty.years", "warranty.km", "first_maintenance.months", "first_maintenance.km",
                 "maintenance.months", "maintenance.km")


def test_usage_is_about_80_10_10_with_every_class(demo):
    usage = defaultdict(int)
    classes = defaultdict(int)
    for car in Vehicle.select(Vehicle.usage, Vehicle.vehicle_class):
        usage[car.usage] += 1
        classes[car.vehicle_class] += 1
    total = sum(usage.values())
    assert 0.72 <= usage["private"] / total <= 0.88
    assert 0.05 <= usage["official"] / total <= 0.16
    assert 0.05 <= usage["commercial"] / total <= 0.16
    assert min(classes[c] for c in ("economy", "mid", "premium")) >= total * 0.1


def test_services_follow_the_interval_whichever_first(demo):
    s = get_many("maintenance.months", "maintenance.km")
    every_days, every_km = s["maintenance.months"] * 30.44, s["maintenance.km"]
    by_car = defaultdict(list)
    for visit in Visit.select().where(Visit.kind.in_(("first_maintenance", "maintenance"))).order_by(Visit.visit_date):
        by_car[visit.vehicle_id].append(visit)
    ratios = []
    for visits in by_car.values():
        for before, after in zip(visits, visits[1:]):
            days = (after.visit_date - before.visit_date).days
            km = after.mileage - before.mileage
            # Due at whichever limit comes first: the later of the two ratios says how late.
            ratios.append(max(days / every_days, km / every_km))
    assert len(ratios) > SIZE
    assert min(ratios) >= 0.8  # nobody comes back well before the service is due
    assert 0.9 <= statistics.median(ratios) <= 1.4


def test_visits_are_three_years_ordered_and_add_up(demo):
    window = TODAY.replace(year=TODAY.year - 3)
    last_km = {}
    for visit in Visit.select().order_by(Visit.vehicle, Visit.visit_date, Visit.id):
        assert window <= visit.visit_date < TODAY
        assert visit.mileage >= last_km.get(visit.vehicle_id, 0)
        last_km[visit.vehicle_id] = visit.mileage
        assert visit.total_fee == visit.labour_fee + visit.parts_fee + visit.other_fee
        assert re.fullmatch(r"WO\d{8}-\d{4}", visit.work_order_no)
        assert visit.work_order_no[2:10] == f"{visit.visit_date:%Y%m%d}"
    parts = defaultdict(int)
    for line in VisitPart.select():
        parts[line.visit_id] += line.quantity * line.unit_price
    for visit in Visit.select():
        assert visit.parts_fee == parts.get(visit.id, 0)
    kinds = {k for (k,) in Visit.select(Visit.kind).distinct().tuples()}
    assert kinds == {"first_maintenance", "maintenance", "repair", "warranty", "accident", "other"}


def test_denormalised_vehicle_columns_match_the_visits(demo):
    visits = defaultdict(list)
    for visit in Visit.select().order_by(Visit.visit_date, Visit.id):
        visits[visit.vehicle_id].append(visit)
    current = {o.vehicle_id: o.customer_id for o in Ownership.select().where(Ownership.end_date.is_null())}
    for car in Vehicle.select():
        own = visits[car.id]
        assert car.owner_id == current.get(car.id)
        services = [x for x in own if x.kind in ("first_maintenance", "maintenance")]
        firsts = [x for x in own if x.kind == "first_maintenance"]
        if own:
            assert (car.last_visit_date, car.last_mileage) == (own[-1].visit_date, own[-1].mileage)
            assert car.daily_km == daily_km(car.purchase_date.toordinal(),
                                            own[-1].visit_date.toordinal(), own[-1].mileage)
        else:
            assert car.last_visit_date is None and car.last_mileage is None and car.daily_km is None
        if services:
            assert (car.last_maintenance_date, car.last_maintenance_mileage) == (
                services[-1].visit_date, services[-1].mileage)
        else:
            assert car.last_maintenance_date is None
        if firsts:
            assert (car.first_maintenance_date, car.first_maintenance_mileage) == (
                firsts[0].visit_date, firsts[0].mileage)
        else:
            assert car.first_maintenance_date is None


def test_search_keys_are_filled_by_the_search_helpers(demo):
    for c in Customer.select():
        keys = customer_keys(c.name, c.mobile, c.employer)
        assert (c.name_key, c.pinyin_full, c.pinyin_initials, c.mobile_rev, c.employer_key) == (
            keys.name_key, keys.pinyin_full, keys.pinyin_initials, keys.mobile_rev, keys.employer_key)
        assert c.pinyin_full
    for car in Vehicle.select():
        assert {"vin_rev": car.vin_rev, "plate_rev": car.plate_rev} == vehicle_keys(car.vin, car.plate)
    for p in Prospect.select():
        assert {"name_key": p.name_key, "mobile_rev": p.mobile_rev} == prospect_keys(p.name, p.mobile)


def test_the_archive_has_every_kind_of_history(demo):
    assert Customer.select().where(Customer.marketing_consent == False).exists()  # noqa: E712
    sources = {s for (s,) in Customer.select(Customer.source).distinct().tuples()}
    assert sources == {"sales_import", "first_visit", "prospect"}
    elsewhere = Vehicle.select().join(Customer, on=Vehicle.owner == Customer.id).where(
        (Vehicle.sold_here == False) & (Customer.source == "first_visit"))  # noqa: E712
    assert elsewhere.exists()
    # resales keep the history: a closed ownership followed by the buyer's from the same day
    closed = list(Ownership.select().where(Ownership.end_date.is_null(False)))
    resold = [o for o in closed if Ownership.select().where(
        (Ownership.vehicle == o.vehicle_id) & (Ownership.start_date == o.end_date)).exists()]
    assert resold
    owners = defaultdict(int)
    for car in Vehicle.select(Vehicle.owner).where(Vehicle.owner.is_null(False)):
        owners[car.owner_id] += 1
    assert max(owners.values()) >= 2
    assert Contact.select().where(Contact.traits.is_null(False) & Contact.tags.is_null(False)).exists()
    assert Contact.select().where(Contact.events.is_null(False)).exists()
    statuses = {s for (s,) in Prospect.select(Prospect.status).distinct().tuples()}
    assert {"open", "converted"} <= statuses
    assert all(p.customer_id for p in Prospect.select().where(Prospect.status == "converted"))
    assert Visit.select().where(Visit.declined_work.is_null(False)).exists()


def test_queues_have_rows_due_on_the_pinned_today(demo):
    soon = TODAY + dt.timedelta(days=60)
    assert Vehicle.select().where(Vehicle.insurance_expiry.between(TODAY, soon)).exists()
    assert Vehicle.select().where(Vehicle.warranty_end_date.between(TODAY, soon)).exists()
    assert Vehicle.select().where(Vehicle.sold_here & Vehicle.last_visit_date.is_null()
                                  & (Vehicle.purchase_date > TODAY - dt.timedelta(days=200))).exists()
    # yesterday's visits wait for their follow-up call
    recent = Visit.select().where(Visit.visit_date == TODAY - dt.timedelta(days=1))
    assert recent.exists()
    assert not Contact.select().where(Contact.visit.in_(recent) & (Contact.purpose == "follow_up")).exists()
    lost = Vehicle.select().where(Vehicle.last_visit_date < TODAY - dt.timedelta(days=400))
    assert lost.exists()
    assert Prospect.select().where((Prospect.status == "open") & (Prospect.next_contact_date <= TODAY)).exists()


def test_a_database_with_archives_is_refused(demo):
    with pytest.raises(AdvisorError, match="已经有档案"):
        generate(customers=5, seed=1)
    assert Customer.select().count() == SIZE


def test_the_command_prints_the_done_line_and_refuses_a_second_run(tmp_path):
    path = tmp_path / "cli.sqlite"
    args = [sys.executable, "-m", "tui", "demo", "--customers", "50", "--db", str(path),
            "--today", "2026-11-26"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert re.search(r"完成：50 位客户、\d+ 辆车、\d+ 张工单", first.stdout)
    assert "50/50" in first.stderr  # progress
    second = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert "已经有档案" in second.stderr and "Traceback" not in second.stderr


def test_occupation_categories_are_written_by_the_one_helper(demo):
    from db.segments import occupation_fields, segment_counts

    for c in Customer.select(Customer.occupation, Customer.occupation_category):
        assert c.occupation_category == occupation_fields({"occupation": c.occupation})["occupation_category"]
    counts = segment_counts("occupation")
    assert sum(counts.values()) == Customer.select().count() and len(counts) >= 5


def test_the_book_is_added_without_changing_a_seeds_rows(tmp_path, monkeypatch):
    """About half the past work orders came by appointment, a few bookings were missed,
    today and the next days are booked (some unconfirmed); the customers, cars and visits
    are those the seed made without the book."""
    import db.demo as demo
    from db.models import Appointment

    booked = tmp_path / "booked.sqlite"
    _build(booked, 120, seed=5)
    monkeypatch.setattr(demo.bookings, "add", lambda seed, day: 0)
    bare = tmp_path / "bare.sqlite"
    _build(bare, 120, seed=5)
    assert _digest(booked) == _digest(bare)
    open_database(booked)
    try:
        past = Visit.select().where(Visit.visit_date < TODAY).count()
        arrived = Appointment.select().where(Appointment.status == "arrived").count()
        assert 0.4 < arrived / past < 0.6
        assert Appointment.select().where(Appointment.status == "no_show").count() > 0
        ahead = Appointment.select().where(Appointment.day > TODAY)
        assert ahead.where(Appointment.status == "booked").count() > 0
        assert ahead.where(Appointment.status == "confirmed").count() > 0
        assert Appointment.select().where(Appointment.day == TODAY).count() > 0
    finally:
        close_database()


def test_the_demos_past_bookings_stay_within_the_books_capacity(tmp_path, monkeypatch):
    """On a book far smaller than the station's days (2 slots of 2 cars, 3 cars an
    advisor's day), no day's slot and no advisor's day holds more than the book takes,
    arrived and no-shows together; the rest of the visits simply came without a booking."""
    from peewee import fn

    from db import appointments
    from db.models import Appointment

    small = appointments.Hours(slot_minutes=30, opens=8 * 60 + 30, closes=9 * 60 + 30, cars_per_slot=2,
                               per_advisor_day=3)
    monkeypatch.setattr(appointments, "hours", lambda: small)
    path = tmp_path / "small.sqlite"
    _build(path, 300, seed=5)
    open_database(path)
    try:
        per_slot = (Appointment.select(Appointment.day, Appointment.slot, fn.COUNT(Appointment.id))
                    .where(Appointment.status != "cancelled").group_by(Appointment.day, Appointment.slot).tuples())
        assert max(n for _, _, n in per_slot) == 2
        assert {slot for _, slot, _ in per_slot} == {8 * 60 + 30, 9 * 60}
        per_advisor = (Appointment.select(Appointment.day, Appointment.advisor, fn.COUNT(Appointment.id))
                       .where(Appointment.advisor.is_null(False)).group_by(Appointment.day, Appointment.advisor)
                       .tuples())
        assert max(n for _, _, n in per_advisor) <= 3
        assert Appointment.select().where(Appointment.status == "no_show").count() > 0
        assert Appointment.select().where(Appointment.status == "arrived").count() > 0
    finally:
        close_database()
