"""The queues' stored days (db.queues.stored_days) follow every write path and a threshold change.

Each test changes the archive the way the program does (intake, card, import, consent,
merge, anonymising, a prospect's conversion, the demo, a manager's setting) and checks
two things: what the advisor sees in the queues, and that recomputing the stored columns
from scratch would change nothing (the write path left them fresh)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from db import archive, clock, merge, privacy, prospects, settings
from db.queues import stored_days as due_days
from db.intake import reception as intake
from db.queues import lists as queues
from db.demo import generate
from db.models import Vehicle
from db.roles import change_setting
from tests import queue_factory as make
from tests.conftest import TODAY
from tests.intake_helpers import make_vin, reception

STORED = (*due_days.DAY_COLUMNS, "declined_visit", "declined_on", "listing")


def stored(car_id: int) -> dict:
    row = Vehicle.select(*[getattr(Vehicle, n) for n in STORED]).where(Vehicle.id == car_id).dicts().get()
    return dict(row)


def assert_fresh(*car_ids: int) -> None:
    """Recomputing from scratch changes nothing: the write path refreshed these cars."""
    ids = car_ids or [car.id for car in Vehicle.select(Vehicle.id)]
    before = {i: stored(i) for i in ids}
    due_days.refresh_vehicles(ids)
    assert {i: stored(i) for i in ids} == before


def in_queue(name: str) -> list[int]:
    found = queues.rows(name, limit=1000, with_badges=False)
    assert queues.count(name) == len(found)
    return [r.vehicle_id or r.customer_id for r in found]


def save(vehicle_id: int | None = None, **order) -> intake.SavedIntake:
    """A reception: a new archive, or the car's next visit (as the desk starts it)."""
    if vehicle_id is None:
        return intake.save_intake(reception(**order), None)
    data = intake.start_for(vehicle_id=vehicle_id)
    for name, value in order.items():
        setattr(data.order, name, value)
    return intake.save_intake(data, None)


def test_intake_save_stores_the_next_maintenance_and_declined_work(database):
    saved = save(mileage="12000", kind="maintenance")
    car = Vehicle.get_by_id(saved.vehicle_id)
    assert_fresh(car.id)
    assert car.due_maintenance == saved.next_maintenance.when  # the brief's day is the queue's
    assert car.listing == due_days.MARKETING and car.due_first_maintenance is None
    clock.pin_today(saved.next_maintenance.when)
    assert in_queue("maintenance") == [car.id]
    # declined work at a later visit is offered a week on, until a later visit comes
    clock.pin_today(TODAY + dt.timedelta(days=30))
    save(car.id, mileage="13000", kind="repair", declined_work="更换刹车片", work_requested="异响")
    assert_fresh(car.id)
    clock.pin_today(TODAY + dt.timedelta(days=37))
    assert in_queue("declined") == [car.id]
    assert queues.rows("declined")[0].reason.endswith("更换刹车片")
    save(car.id, mileage="13400", kind="repair", work_requested="左前轮异响")
    assert_fresh(car.id)
    assert Vehicle.get_by_id(car.id).declined_on is None and in_queue("declined") == []


def test_card_edit_of_the_purchase_date_moves_the_first_maintenance(database):
    car = make.vehicle(make.customer(), purchase_date=TODAY - relativedelta(years=2), daily_km=1.0)
    assert in_queue("first_maintenance") == []
    bought = TODAY - relativedelta(months=6)
    archive.update_vehicle(car.id, car.version, {"purchase_date": bought.isoformat()}, None)
    assert_fresh(car.id)
    assert Vehicle.get_by_id(car.id).due_first_maintenance == TODAY
    assert in_queue("first_maintenance") == [car.id]


def test_imported_cars_are_listed_at_once(database, tmp_path):
    from db import importer
    from tests.test_importer import HEADER, good_rows, write_csv

    rows = good_rows(2)
    rows[0][8] = (TODAY - relativedelta(months=6)).strftime("%Y/%m/%d")  # first maintenance due today
    path = tmp_path / "sales.csv"
    write_csv(path, HEADER, rows)
    importer.run_import(path)
    assert_fresh()
    due = Vehicle.get(Vehicle.vin == rows[0][3])
    assert due.listing == due_days.MARKETING
    assert due.id in in_queue("first_maintenance")


def test_consent_moves_the_cars_in_and_out_of_marketing_queues(database):
    person = make.customer()
    car = make.vehicle(person, insurance_expiry=TODAY + dt.timedelta(days=10),
                       registration_date=TODAY - relativedelta(years=8))
    assert in_queue("insurance") == [car.id]
    privacy.set_consent(None, person.id, False)
    assert_fresh(car.id)
    assert in_queue("insurance") == [] and in_queue("inspection") == [car.id]
    privacy.set_consent(None, person.id, True)
    assert in_queue("insurance") == [car.id]
    archive.add_contact(person.id, None, outcome="do_not_call", note="别再打了")
    assert_fresh(car.id)
    assert in_queue("insurance") == [] and in_queue("inspection") == [car.id]


def test_merged_cars_take_the_kept_archives_consent(database):
    manager = make.advisor()
    manager.role = "manager"
    manager.save()
    keep = make.customer(name="张伟", mobile="13800138000", marketing_consent=False)
    lose = make.customer(name="张伟", mobile="13900139000", marketing_consent=True)
    car = make.vehicle(lose, insurance_expiry=TODAY + dt.timedelta(days=10))
    assert in_queue("insurance") == [car.id]
    merge.merge(keep.id, lose.id, manager.id)
    assert_fresh(car.id)
    assert in_queue("insurance") == []
    assert Vehicle.get_by_id(car.id).listing == due_days.SERVICE


def test_anonymised_customers_cars_leave_every_queue(database):
    manager = make.advisor()
    manager.role = "manager"
    manager.save()
    person = make.customer()
    car = make.vehicle(person, insurance_expiry=TODAY + dt.timedelta(days=10))
    make.visit(car, TODAY - dt.timedelta(days=1))
    privacy.anonymise(manager.id, person.id)
    assert_fresh(car.id)
    assert in_queue("insurance") == in_queue("follow_up") == []


def test_a_prospects_refusal_comes_with_its_conversion(database):
    prospect = prospects.create({"name": "赵六", "mobile": "13912345678", "marketing_consent": False}, None)
    data = reception(vin=make_vin(3), mobile="13912345678", name="赵六")
    data.prospect_id = prospect.id
    saved = intake.save_intake(data, None)
    assert_fresh(saved.vehicle_id)
    assert Vehicle.get_by_id(saved.vehicle_id).listing == due_days.SERVICE


def test_a_threshold_change_recomputes_every_car_in_its_transaction(database):
    manager = make.advisor()
    manager.role = "manager"
    manager.save()
    cars = []
    for months_ago in (4, 5, 6):
        car = make.vehicle(make.customer(name=f"客户{months_ago}"), daily_km=1.0)
        make.visit(car, TODAY - relativedelta(months=months_ago), mileage=20000)
        cars.append(car.id)
    settings.set_value("maintenance.lead_days", 0)
    settings.set_value("maintenance.overdue_days", 0)
    assert in_queue("maintenance") == [cars[2]]
    before = {i: stored(i)["due_maintenance"] for i in cars}
    change_setting(manager.id, "maintenance.months", 4)
    assert_fresh(*cars)
    assert {i: stored(i)["due_maintenance"] for i in cars} == {
        i: day - relativedelta(months=6) + relativedelta(months=4) for i, day in before.items()}
    assert in_queue("maintenance") == [cars[0]]
    # a window's width is no input of the stored days: they stay as they are
    settings.set_value("maintenance.overdue_days", 90)
    assert {i: stored(i)["due_maintenance"] for i in cars} == {
        i: day - relativedelta(months=6) + relativedelta(months=4) for i, day in before.items()}
    assert in_queue("maintenance") == cars[::-1]  # the longest overdue first


def test_a_threshold_change_that_fails_leaves_the_days_as_they_were(database, monkeypatch):
    car = make.vehicle(make.customer(), purchase_date=TODAY - relativedelta(months=5), daily_km=1.0)
    before = stored(car.id)

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(due_days, "_write_days", broken)
    with pytest.raises(RuntimeError):
        settings.set_value("first_maintenance.months", 5)
    assert settings.get("first_maintenance.months") == 6 and stored(car.id) == before


def test_a_threshold_change_tells_how_many_cars_are_done(database):
    manager = make.advisor()
    manager.role = "manager"
    manager.save()
    cars = [make.vehicle(make.customer(name=f"客户{i}"), daily_km=1.0,
                         purchase_date=TODAY - relativedelta(months=5)) for i in range(3)]
    seen: list[tuple[int, int]] = []
    change_setting(manager.id, "first_maintenance.months", 5, progress=lambda *step: seen.append(step))
    assert seen == [(0, 3), (3, 3)]  # one batch: before it, after it
    assert in_queue("first_maintenance") == [car.id for car in cars]
    # a batch a car: every car counted once, in order, ending at all of them
    seen.clear()
    due_days.refresh_days(batch=1, progress=lambda *step: seen.append(step))
    assert sorted(set(seen)) == [(0, 3), (1, 3), (2, 3), (3, 3)] and seen == sorted(seen)
    # a setting no stored day depends on recomputes nothing, so reports nothing
    seen.clear()
    change_setting(manager.id, "birthday.days", 10, progress=lambda *step: seen.append(step))
    assert seen == []


def test_progress_runs_inside_the_changes_transaction(database):
    """A progress that raises (say, a screen gone) takes the whole change back with it."""
    manager = make.advisor()
    manager.role = "manager"
    manager.save()
    car = make.vehicle(make.customer(), purchase_date=TODAY - relativedelta(months=5), daily_km=1.0)
    before = stored(car.id)

    def stop(done: int, total: int) -> None:
        if done == total:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        change_setting(manager.id, "first_maintenance.months", 5, progress=stop)
    assert settings.get("first_maintenance.months") == 6 and stored(car.id) == before
    assert in_queue("first_maintenance") == []


# SQLite only, as the demo's own tests: its bulk load rebuilds the indexes of the one
# PostgreSQL database the run's tests share, and a rebuilt index waits for transactions
# older than it (any on the server) before a planner may use it.
@pytest.mark.backends("sqlite")
def test_demo_station_is_stored_as_the_write_paths_leave_it(database):
    generate(customers=60, seed=3)
    assert Vehicle.select().where(Vehicle.listing.is_null()).count() == 0
    assert_fresh()


def test_an_archive_of_the_previous_version_upgrades_and_fills_them(backend, request, tmp_path):
    from playhouse.migrations import Runner

    from db.connection import MIGRATIONS_DIR, close_database, open_database
    from db.models import Customer

    if backend == "postgres":
        target = request.getfixturevalue("pg_server").extra_database()
    else:
        target = tmp_path / "old.sqlite"
    old = open_database(target, migrate=False)
    Runner(old, directory=str(MIGRATIONS_DIR)).up(target="0004_queue_covering_indexes")
    stamp = clock.now()
    # rows as the previous version wrote them: none of the new columns is named
    # Written bare: the model's defaults name columns of later versions (such as kind).
    mark = old.param
    present = {column.name for column in old.get_columns("customer")}
    defaults = {f.column_name: f.default() if callable(f.default) else f.default
                for f in Customer._meta.sorted_fields if f.default is not None and f.column_name in present}

    def person(name: str, consent: bool | None) -> int:
        row = {**defaults, "name": name, "name_key": name, "marketing_consent": consent,
               "created_at": stamp, "updated_at": stamp}
        cursor = old.execute_sql(
            f"INSERT INTO customer ({', '.join(row)}) VALUES ({', '.join([mark] * len(row))})"
            + (" RETURNING id" if backend == "postgres" else ""), tuple(row.values()))
        return cursor.fetchone()[0] if backend == "postgres" else cursor.lastrowid

    owner = person("王芳", None)
    refuser = person("李娜", False)
    for person, vin in ((owner, make_vin(1)), (refuser, make_vin(2))):
        Vehicle.insert(vin=vin, vin_rev=vin[::-1], owner=person, created_at=stamp, updated_at=stamp,
                       purchase_date=TODAY - relativedelta(months=6), daily_km=1.0,
                       insurance_expiry=TODAY + dt.timedelta(days=5)).execute()
    close_database()
    open_database(target)
    try:
        assert_fresh()
        assert [r.customer_id for r in queues.rows("insurance", with_badges=False)] == [owner]
        assert sorted(r.customer_id for r in queues.rows("first_maintenance", with_badges=False)) == [owner, refuser]
    finally:
        close_database()


# Queues whose rows are bounded by a short range of days read through an index: their first
# page may sort that range. The no-show queue holds two days of bookings (a no-show is an
# open booking past its time or a marked one: three states, so the (status, day, slot)
# index gives three ranges to merge), at most two days' places of the book.
SORTS_A_BOUNDED_RANGE = {"no_show"}


@pytest.mark.sqlite_only
def test_counts_and_first_pages_walk_their_indexes(database):
    """Every daily queue's count reads only an index range (no table rows, no scan), and
    its first page walks an index in the page's order (no sorting of the whole queue)."""
    for name in queues.DAILY:
        for what, query in queues.statements(name):
            sql, params = query.sql()
            plan = [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
            first = plan[0]
            assert first.startswith("SEARCH t1 USING") and "INDEX" in first, (name, what, plan)
            if what.startswith("count"):
                assert "COVERING INDEX" in first and len(plan) == 1, (name, what, plan)
            elif name in SORTS_A_BOUNDED_RANGE:
                assert not any(step.startswith("SCAN") for step in plan), (name, what, plan)
            else:
                assert not any("TEMP B-TREE" in step or step.startswith("SCAN") for step in plan), (name, what, plan)
