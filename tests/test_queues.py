"""Queue rules at each boundary (day before / of / after, km limits, whichever first),
outcomes taking rows out and occurrences bringing them back, consent and exclusions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from dateutil.relativedelta import relativedelta

from db import clock, settings
from db.queues import stored_days as due_days
from db.queues import lists as queues
from db.errors import Invalid
from db.models import AuditEntry, Contact, Customer, Prospect, QueueState
from tests import queue_factory as make
from tests.conftest import TODAY

D = dt.timedelta(days=1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def months(n: int) -> dt.date:
    return TODAY + relativedelta(months=n)


def years(n: int) -> dt.date:
    return TODAY + relativedelta(years=n)


def in_queue(name: str, **kw) -> list[int]:
    """Vehicle ids (or customer / prospect ids) in the queue today; count and rows agree."""
    found = queues.rows(name, limit=1000, with_badges=False, **kw)
    assert queues.count(name, **kw) == len(found)
    return [r.vehicle_id or r.customer_id or r.prospect_id for r in found]


@pytest.fixture
def exact(database):
    """Maintenance reminders exactly on their due day (no calling ahead, no overdue days)."""
    settings.set_value("maintenance.lead_days", 0)
    settings.set_value("maintenance.overdue_days", 0)


# ---- follow-up call ---------------------------------------------------------------------

@pytest.mark.parametrize("visit_day, listed, late", [
    (days(0), False, None), (days(-1), True, False), (days(-3), True, False),
    (days(-4), True, True), (days(-15), True, True), (days(-16), False, None),
])
def test_follow_up_window(database, visit_day, listed, late):
    car = make.vehicle(make.customer())
    make.visit(car, visit_day)
    found = queues.rows("follow_up", with_badges=False)
    assert [r.vehicle_id for r in found] == ([car.id] if listed else [])
    if listed:
        assert found[0].late is late


# ---- first maintenance and maintenance ---------------------------------------------------

@pytest.mark.parametrize("purchase, listed", [
    (months(-6) + D, False),  # due tomorrow
    (months(-6), True),  # due today
    (months(-6) - D, False),  # due yesterday (no overdue days allowed here)
])
def test_first_maintenance_by_time(exact, purchase, listed):
    car = make.vehicle(make.customer(), purchase_date=purchase, daily_km=1.0)
    assert in_queue("first_maintenance") == ([car.id] if listed else [])


@pytest.mark.parametrize("daily, listed", [(100.0, True), (103.0, False), (98.0, False)])
def test_first_maintenance_by_predicted_km_whichever_first(exact, daily, listed):
    # Bought 50 days ago at 0 km: at 100 km a day the 5,000 km fall due today; at 103
    # yesterday (round(48.5) = day 49), at 98 tomorrow (round(51.02) = day 51).
    car = make.vehicle(make.customer(), purchase_date=days(-50), daily_km=daily)
    assert in_queue("first_maintenance") == ([car.id] if listed else [])
    if listed:
        item = queues.rows("first_maintenance")[0]
        assert item.due_date == TODAY and "按里程推算" in item.reason


def test_half_day_of_km_rounds_up_alike_in_sql_and_in_the_brief(exact):
    # 5,050 km at 100 km a day is 50.5 days: halves round up everywhere (Python's round
    # and PostgreSQL's round(float8) would say 50), so the car bought 51 days ago is due
    # today in the queue's SQL and in db.queues.car_dates's date alike, on both backends.
    settings.set_value("first_maintenance.km", 5050)
    car = make.vehicle(make.customer(), purchase_date=days(-51), daily_km=100.0)
    assert in_queue("first_maintenance") == [car.id]
    assert queues.rows("first_maintenance")[0].due_date == TODAY


def test_first_maintenance_lead_and_overdue_days(database):
    def bought_for_due(due: dt.date) -> dt.date:
        return due - relativedelta(months=6)

    car = make.vehicle(make.customer(), purchase_date=bought_for_due(days(7)), daily_km=1.0)
    assert in_queue("first_maintenance") == [car.id]  # due in 7 days: listed
    car.purchase_date = bought_for_due(days(8))
    car.save()
    make.refreshed(car)
    assert in_queue("first_maintenance") == []  # 8 days ahead: not yet
    car.purchase_date = bought_for_due(days(-60))
    car.save()
    make.refreshed(car)
    assert in_queue("first_maintenance") == [car.id]  # 60 days overdue: still listed
    car.purchase_date = bought_for_due(days(-61))
    car.save()
    make.refreshed(car)
    assert in_queue("first_maintenance") == []  # 61: left to the churn queues


def test_first_maintenance_done_leaves_the_queue(exact):
    car = make.vehicle(make.customer(), purchase_date=months(-6), daily_km=1.0)
    make.visit(car, days(-1), mileage=4000, kind="first_maintenance")
    assert in_queue("first_maintenance") == []


@pytest.mark.parametrize("last, listed", [(months(-6) + D, False), (months(-6), True), (months(-6) - D, False)])
def test_maintenance_by_time(exact, last, listed):
    car = make.vehicle(make.customer(), daily_km=1.0)
    make.visit(car, last, mileage=20000)
    assert in_queue("maintenance") == ([car.id] if listed else [])


@pytest.mark.parametrize("mileage_now, listed", [(24_900, True), (24_949, True), (24_951, False), (24_849, False)])
def test_maintenance_by_the_cars_own_trend(exact, mileage_now, listed):
    # Serviced at 20,000 km; seen yesterday at `mileage_now`, 100 km a day: the day of
    # 25,000 km is yesterday + round(km left / 100): today for 24,900 and 24,949,
    # yesterday for 24,951, tomorrow for 24,849.
    car = make.vehicle(make.customer(), daily_km=100.0)
    make.visit(car, days(-60), mileage=20000)
    make.visit(car, days(-1), mileage=mileage_now, kind="repair")
    assert in_queue("maintenance") == ([car.id] if listed else [])
    if listed:
        item = queues.rows("maintenance")[0]
        assert item.due_date == TODAY and "按里程推算" in item.reason


def test_maintenance_setting_change_applies_at_once(exact):
    car = make.vehicle(make.customer(), daily_km=1.0)
    make.visit(car, months(-4), mileage=20000)
    assert in_queue("maintenance") == []
    settings.set_value("maintenance.months", 4)
    assert in_queue("maintenance") == [car.id]


# ---- warranty, insurance, inspection -----------------------------------------------------------

@pytest.mark.parametrize("purchase, listed", [
    (years(-3) + dt.timedelta(days=60), True),  # warranty's last day is today + 60
    (years(-3) + dt.timedelta(days=61), False),  # today + 61
    (years(-3), True),  # last day today
    (years(-3) - D, False),  # already ended
])
def test_warranty_end_by_date(database, purchase, listed):
    car = make.vehicle(make.customer(), purchase_date=purchase, last_mileage=1000)
    assert in_queue("warranty_end") == ([car.id] if listed else [])
    if listed:
        assert queues.rows("warranty_end")[0].due_date == purchase + relativedelta(years=3)


@pytest.mark.parametrize("mileage, end_km, listed", [
    (56_999, None, False), (57_000, None, True), (60_000, None, True), (60_001, None, False),
    (76_999, 80_000, False), (77_000, 80_000, True), (80_001, 80_000, False),
])
def test_warranty_end_by_km(database, mileage, end_km, listed):
    car = make.vehicle(make.customer(), purchase_date=years(-1), last_mileage=mileage, warranty_end_km=end_km)
    assert in_queue("warranty_end") == ([car.id] if listed else [])


def test_warranty_end_by_own_date(database):
    car = make.vehicle(make.customer(), purchase_date=years(-1), warranty_end_date=days(60))
    assert in_queue("warranty_end") == [car.id]
    car.warranty_end_date = days(61)
    car.save()
    make.refreshed(car)
    assert in_queue("warranty_end") == []


@pytest.mark.parametrize("expiry, listed", [(days(-1), False), (days(0), True), (days(60), True), (days(61), False)])
def test_insurance_window(database, expiry, listed):
    car = make.vehicle(make.customer(), insurance_expiry=expiry)
    assert in_queue("insurance") == ([car.id] if listed else [])


@pytest.mark.parametrize("registered, usage, listed", [
    (years(-6), "private", True),  # sixth anniversary today
    (years(-6) + dt.timedelta(days=30), "private", True),  # in 30 days
    (years(-6) + dt.timedelta(days=31), "private", False),
    (years(-6) - D, "private", False),  # was yesterday
    (years(-4), "private", False),  # inspection-free years
    (years(-4), "commercial", True),  # operating cars: every year
    (years(-7), "private", False),  # every second year until ten
    (years(-8), "private", True),
    (years(-11), "private", True),  # yearly after ten
])
def test_inspection_cadence(database, registered, usage, listed):
    car = make.vehicle(make.customer(), registration_date=registered, usage=usage)
    assert in_queue("inspection") == ([car.id] if listed else [])


def test_inspection_reason_names_the_year(database):
    make.vehicle(make.customer(), registration_date=years(-8) + dt.timedelta(days=5))
    item = queues.rows("inspection")[0]
    assert item.due_date == days(5) and "第 8 年" in item.reason


# ---- birthdays ----------------------------------------------------------------------------------

@pytest.mark.parametrize("born, listed", [
    (dt.date(1980, 11, 25), False), (dt.date(1980, 11, 26), True),
    (dt.date(1990, 12, 2), True), (dt.date(1990, 12, 3), False),
])
def test_birthdays_this_week(database, born, listed):
    person = make.customer(birth_date=born)
    assert in_queue("birthday") == ([person.id] if listed else [])


def test_birthdays_across_new_year_and_29_february(database):
    january = make.customer(name="一月", birth_date=dt.date(1985, 1, 2))
    leap = make.customer(name="闰日", birth_date=dt.date(2000, 2, 29))
    clock.pin_today(dt.date(2026, 12, 28))
    assert in_queue("birthday") == [january.id]
    clock.pin_today(dt.date(2027, 2, 22))  # window 22–28 Feb of a common year
    assert in_queue("birthday") == [leap.id]
    clock.pin_today(dt.date(2027, 3, 1))
    assert in_queue("birthday") == []


# ---- churn, declined work, prospects, campaigns ---------------------------------------------------

@pytest.mark.parametrize("last, queue", [
    (months(-6) + D, None), (months(-6), "drifting"), (months(-12) + D, "drifting"),
    (months(-12), "lost"), (years(-4), "lost"),
])
def test_drifting_and_lost(database, last, queue):
    car = make.vehicle(make.customer())
    make.visit(car, last, kind="repair")
    assert in_queue("drifting") == ([car.id] if queue == "drifting" else [])
    assert in_queue("lost") == ([car.id] if queue == "lost" else [])


@pytest.mark.parametrize("visit_day, listed", [(days(-6), False), (days(-7), True), (days(-90), True), (days(-91), False)])
def test_declined_work_window(database, visit_day, listed):
    car = make.vehicle(make.customer())
    make.visit(car, visit_day, kind="repair", declined_work="更换前刹车片")
    assert in_queue("declined") == ([car.id] if listed else [])


def test_declined_work_done_at_a_later_visit_is_not_offered(database):
    car = make.vehicle(make.customer())
    make.visit(car, days(-20), kind="repair", declined_work="更换前刹车片")
    make.visit(car, days(-10), kind="repair")
    assert in_queue("declined") == []


def test_prospects_due(database):
    due = make.prospect(next_contact_date=TODAY)
    make.prospect(name="明天", next_contact_date=days(1))
    make.prospect(name="放弃", next_contact_date=TODAY, status="dropped")
    make.prospect(name="拒绝", next_contact_date=TODAY, marketing_consent=False)
    assert in_queue("prospects") == [due.id]


def test_campaign_by_segment(database):
    target = make.vehicle(make.customer(), purchase_date=years(-4), usage="private")
    make.vehicle(make.customer(name="公车"), purchase_date=years(-4), usage="official")
    make.vehicle(make.customer(name="新车"), purchase_date=years(-1), usage="private")
    assert in_queue("campaign", segment="age:mid,use:private") == [target.id]
    with pytest.raises(Invalid):
        queues.count("campaign")


# ---- exclusions ----------------------------------------------------------------------------------

def test_marketing_leaves_out_refusers_service_does_not(database):
    person = make.customer(marketing_consent=False)
    car = make.vehicle(person, insurance_expiry=days(10))
    make.visit(car, days(-1))
    assert in_queue("insurance") == []
    assert in_queue("follow_up") == [car.id]


@pytest.mark.parametrize("change", ["sold", "scrapped", "merged", "anonymised"])
def test_sold_scrapped_merged_anonymised_leave_every_queue(database, change):
    person = make.customer(birth_date=TODAY - relativedelta(years=40))
    car = make.vehicle(person, insurance_expiry=days(10), registration_date=years(-8),
                       purchase_date=years(-3) + dt.timedelta(days=10))
    make.visit(car, days(-1))
    before = queues.counts()
    assert before["insurance"] == before["follow_up"] == before["inspection"] == before["warranty_end"] == 1
    if change in ("sold", "scrapped"):
        car.status = change
        car.save()
        make.refreshed(car)
    elif change == "merged":
        survivor = make.customer(name="合并后")
        Customer.update(merged_into=survivor.id).where(Customer.id == person.id).execute()
    else:
        Customer.update(anonymised_at=clock.now()).where(Customer.id == person.id).execute()
    due_days.refresh_owners([person.id])  # what the write paths do (db.merge, db.privacy)
    after = queues.counts()
    assert after["insurance"] == after["follow_up"] == after["inspection"] == after["warranty_end"] == 0
    # The birthday belongs to the customer, not to the car.
    keeps = ["birthday"] if change in ("sold", "scrapped") else []
    assert [i.queue for i in queues.due_for_customer(person.id)] == keeps
    assert after["birthday"] == len(keeps)


# ---- outcomes ---------------------------------------------------------------------------------------

def test_outcome_removes_the_row_and_the_next_occurrence_returns(database):
    advisor = make.advisor()
    car = make.vehicle(make.customer())
    make.visit(car, days(-2))
    item = queues.rows("follow_up")[0]
    contact = queues.record_outcome(item, "reached", advisor.id, note="很满意，说下次还来")
    assert (contact.channel, contact.purpose, contact.advisor_id) == ("phone", "follow_up", advisor.id)
    assert in_queue("follow_up") == []
    make.visit(car, days(-1))  # a new visit: a new occurrence
    assert in_queue("follow_up") == [car.id]
    assert queues.rows("follow_up")[0].last_note.endswith("说下次还来")


def test_no_answer_retries_tomorrow_and_five_mark_for_letter(database):
    car = make.vehicle(make.customer(), insurance_expiry=days(30))
    for attempt in range(1, 6):
        clock.pin_today(TODAY + dt.timedelta(days=attempt - 1))
        [item] = queues.rows("insurance")
        assert item.attempts == attempt - 1 and item.letter is False
        queues.record_outcome(item, "no_answer", None)
        assert in_queue("insurance") == []
    clock.pin_today(TODAY + dt.timedelta(days=5))
    [item] = queues.rows("insurance")
    assert item.attempts == 5 and item.letter is True
    assert Contact.select().where(Contact.outcome == "no_answer").count() == 5
    assert car.id == item.vehicle_id


def test_reached_after_no_answer_resets_the_tries(database):
    make.vehicle(make.customer(), insurance_expiry=days(30))
    queues.record_outcome(queues.rows("insurance")[0], "no_answer", None)
    clock.pin_today(days(1))
    queues.record_outcome(queues.rows("insurance")[0], "reached", None)
    state = QueueState.get()
    assert (state.handled, state.attempts, state.last_outcome) == (True, 0, "reached")


def test_booked_needs_a_date_not_in_the_past(database):
    make.vehicle(make.customer(), insurance_expiry=days(30))
    item = queues.rows("insurance")[0]
    with pytest.raises(Invalid):
        queues.record_outcome(item, "booked", None)
    with pytest.raises(Invalid):
        queues.record_outcome(item, "booked", None, booked_date=days(-1))
    with pytest.raises(Invalid):
        queues.record_outcome(item, "maybe", None)
    assert Contact.select().count() == 0
    queues.record_outcome(item, "booked", None, booked_date=days(3))
    assert Contact.get().booked_date == days(3)
    assert in_queue("insurance") == []


@pytest.mark.parametrize("outcome", ["declined", "wrong_number"])
def test_other_outcomes_take_the_row_out(database, outcome):
    make.vehicle(make.customer(), insurance_expiry=days(30))
    queues.record_outcome(queues.rows("insurance")[0], outcome, None)
    assert in_queue("insurance") == []
    assert Contact.get().outcome == outcome


def test_do_not_call_withdraws_consent_and_logs_it(database):
    advisor = make.advisor()
    person = make.customer(marketing_consent=True)
    car = make.vehicle(person, insurance_expiry=days(30), registration_date=years(-8))
    queues.record_outcome(queues.rows("insurance")[0], "do_not_call", advisor.id)
    refreshed = Customer.get_by_id(person.id)
    assert refreshed.marketing_consent is False and refreshed.consent_channel == "phone"
    entry = AuditEntry.get(AuditEntry.action == "consent")
    assert entry.customer_id == person.id and entry.advisor_id == advisor.id
    assert in_queue("insurance") == []
    assert in_queue("inspection") == [car.id]  # a service reminder still goes out


def test_put_off_to_a_date(database):
    make.vehicle(make.customer(), insurance_expiry=days(30))
    item = queues.rows("insurance")[0]
    with pytest.raises(Invalid):
        queues.postpone(item, TODAY)
    queues.postpone(item, days(3))
    assert in_queue("insurance") == []
    clock.pin_today(days(2))
    assert in_queue("insurance") == []
    clock.pin_today(days(3))
    assert len(in_queue("insurance")) == 1


def test_prospect_outcomes_move_its_next_contact_date(database):
    prospect = make.prospect(next_contact_date=TODAY)
    queues.record_outcome(queues.rows("prospects")[0], "no_answer", None)
    assert Prospect.get_by_id(prospect.id).next_contact_date == days(1)
    clock.pin_today(days(1))
    queues.record_outcome(queues.rows("prospects")[0], "do_not_call", None)
    refreshed = Prospect.get_by_id(prospect.id)
    assert refreshed.marketing_consent is False and refreshed.next_contact_date is None
    assert Contact.select().where(Contact.prospect == prospect.id).count() == 2


def test_due_for_customer_lists_every_queue(database):
    person = make.customer(birth_date=dt.date(1980, 11, 28))
    car = make.vehicle(person, insurance_expiry=days(10))
    make.visit(car, days(-1))
    found = queues.due_for_customer(person.id)
    assert sorted(i.queue for i in found) == ["birthday", "follow_up", "insurance"]
    assert all(i.mobile_masked == "138****8000" for i in found)


def test_a_rows_car_badges_are_its_own_car_s(database):
    """One owner, an old car due for insurance and a new car: the old car's row shows the
    old car's age, not the new one's."""
    person = make.customer(name="王芳", mobile="13800138000")
    make.vehicle(person, purchase_date=TODAY - dt.timedelta(days=200))  # the newer car, listed first by age
    old = make.vehicle(person, purchase_date=dt.date(2015, 3, 1), insurance_expiry=TODAY + dt.timedelta(days=10))
    row = next(r for r in queues.rows("insurance") if r.vehicle_id == old.id)
    ages = [b.label for b in row.badges if b.kind == "age"]
    assert ages == ["车龄 5 年以上"]


def test_the_brief_says_an_overdue_maintenance_is_overdue(database):
    from db.queues.car_dates import NextMaintenance
    from tui.widgets.brief_view import _next_line

    late = NextMaintenance(False, 25000, TODAY - dt.timedelta(days=20), None, TODAY - dt.timedelta(days=20), "maintenance")
    assert _next_line(late).startswith("保养已逾期：2026-11-06 到期")
    ahead = replace(late, when=TODAY + dt.timedelta(days=20))
    assert _next_line(ahead).startswith("下次保养 2026-12-16")
