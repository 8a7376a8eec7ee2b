"""The appointment book in db/: capacity, every state change (audited), no-shows, and two
desks in two processes booking the last place of a slot at once."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from db import appointments as book
from db import clock, settings
from db.errors import Forbidden, Invalid
from db.models import Appointment, AuditEntry
from tests import factory, pg_support
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent
TOMORROW_9 = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(9, 0))


def cars(n: int, owner=None):
    owner = owner or factory.customer()
    return [factory.vehicle(owner, factory.vin_with_check(f"LSVAB2AB{i:08d}"), f"川A{i:05d}",
                            since=dt.date(2020, 1, 1)) for i in range(n)]


@pytest.fixture
def desk(database):
    return factory.advisor("刘洋")


def test_a_full_slot_is_refused_with_the_nearest_free_slots(database, desk):
    fleet = cars(5)
    for car in fleet[:4]:
        assert book.book(vehicle_id=car.id, at=TOMORROW_9, booked_by=desk.id).status == "booked"
    with pytest.raises(book.SlotFull) as refused:
        book.book(vehicle_id=fleet[4].id, at=TOMORROW_9, booked_by=desk.id)
    assert refused.value.free == [TOMORROW_9 - dt.timedelta(minutes=30), TOMORROW_9 + dt.timedelta(minutes=30),
                                  TOMORROW_9 + dt.timedelta(minutes=60)]
    assert "已约满" in str(refused.value) and "08:30" in str(refused.value)
    assert Appointment.select().count() == 4
    with pytest.raises(Invalid, match="已约在 .* 09:00"):  # one car, one open booking a day
        book.book(vehicle_id=fleet[0].id, at=TOMORROW_9 + dt.timedelta(hours=1), booked_by=desk.id)
    # a cancellation frees the place
    book.cancel(1, desk.id, "客户出差")
    assert book.book(vehicle_id=fleet[4].id, at=TOMORROW_9, booked_by=desk.id).id == 5


def test_capacity_follows_the_settings(database, desk):
    fleet = cars(3)
    settings.set_value("book.cars_per_slot", 1)
    book.book(vehicle_id=fleet[0].id, at=TOMORROW_9, booked_by=desk.id)
    with pytest.raises(book.SlotFull):
        book.book(vehicle_id=fleet[1].id, at=TOMORROW_9, booked_by=desk.id)
    settings.set_value("book.slot_minutes", 60)
    with pytest.raises(Invalid, match="不是时段的开始"):
        book.book(vehicle_id=fleet[1].id, at=TOMORROW_9, booked_by=desk.id)  # slots 08:30, 09:30, …
    settings.set_value("book.opens", "09:00")
    settings.set_value("book.per_advisor_day", 1)
    other = factory.advisor("张伟")
    book.book(vehicle_id=fleet[1].id, at=TOMORROW_9.replace(hour=10), booked_by=desk.id, advisor_id=other.id)
    with pytest.raises(book.SlotFull, match="张伟"):
        book.book(vehicle_id=fleet[2].id, at=TOMORROW_9.replace(hour=11), booked_by=desk.id, advisor_id=other.id)
    with pytest.raises(Invalid):
        settings.set_value("book.closes", "25:99")


def test_times_outside_the_book_are_refused(database, desk):
    car = cars(1)[0]
    day = TOMORROW_9.date()
    with pytest.raises(Invalid, match="营业时间"):
        book.book(vehicle_id=car.id, at=dt.datetime.combine(day, dt.time(8, 0)), booked_by=desk.id)
    with pytest.raises(Invalid, match="营业时间"):
        book.book(vehicle_id=car.id, at=dt.datetime.combine(day, dt.time(17, 30)), booked_by=desk.id)
    with pytest.raises(Invalid, match="已经过去"):
        book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY, dt.time(9, 0)), booked_by=desk.id)
    with pytest.raises(Invalid, match="年-月-日"):
        book.parse_at("明天九点")
    # the day clock decides what is past: the pinned day's afternoon is still ahead
    clock.pin_now(dt.datetime(2026, 11, 26, 12, 0))
    assert book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY, dt.time(16, 0)), booked_by=desk.id)


def test_a_manager_may_overbook_on_purpose_and_it_is_recorded(database, desk):
    manager = factory.advisor("赵经理", role="manager")
    fleet = cars(5)
    for car in fleet[:4]:
        book.book(vehicle_id=car.id, at=TOMORROW_9, booked_by=desk.id)
    with pytest.raises(Forbidden):
        book.book(vehicle_id=fleet[4].id, at=TOMORROW_9, booked_by=desk.id, overbook=True)
    extra = book.book(vehicle_id=fleet[4].id, at=TOMORROW_9, booked_by=manager.id, overbook=True)
    assert extra.overbooked
    entry = AuditEntry.select().where(AuditEntry.action == "appointment").order_by(AuditEntry.id.desc()).get()
    assert (entry.field, entry.advisor_id) == ("overbook", manager.id)


def test_every_state_change_is_audited(database, desk):
    fleet = cars(4)
    first = book.book(vehicle_id=fleet[0].id, at=TOMORROW_9, booked_by=desk.id, request="保养")
    assert book.confirm(first.id, desk.id).status == "confirmed"
    moved = book.move(first.id, TOMORROW_9 + dt.timedelta(hours=2), desk.id)
    assert (moved.status, moved.at.hour) == ("confirmed", 11)
    assert book.arrive(first.id, desk.id).status == "arrived"
    with pytest.raises(Invalid, match="已到店"):
        book.cancel(first.id, desk.id, "x")
    second = book.book(vehicle_id=fleet[1].id, at=TOMORROW_9, booked_by=desk.id)
    cancelled = book.cancel(second.id, desk.id, "车已卖")
    assert (cancelled.status, cancelled.reason) == ("cancelled", "车已卖")
    third = book.book(vehicle_id=fleet[2].id, at=TOMORROW_9, booked_by=desk.id)
    clock.pin_today(TODAY + dt.timedelta(days=2))
    assert book.get(third.id).status == "no_show"  # seen on read, not yet written
    assert Appointment.get_by_id(third.id).status == "booked"
    with pytest.raises(Invalid, match="未到店"):
        book.confirm(third.id, desk.id)  # a no-show is not confirmed, swept or not
    assert book.no_show_count(third.customer_id) == 1
    assert book.mark_no_shows() == 1  # the sweep writes it down, audited
    assert book.get(third.id).status == "no_show" and book.mark_no_shows() == 0
    fields = [(e.field, json.loads(e.before)["status"] if e.before else None, json.loads(e.after)["status"])
              for e in AuditEntry.select().where(AuditEntry.action == "appointment").order_by(AuditEntry.id)]
    assert fields == [("book", None, "booked"), ("confirmed", "booked", "confirmed"),
                      ("move", "confirmed", "confirmed"), ("arrived", "confirmed", "arrived"),
                      ("book", None, "booked"), ("cancelled", "booked", "cancelled"),
                      ("book", None, "booked"), ("no_show", "booked", "no_show")]
    # the audit keeps the real time, whatever day is pinned
    assert {e.at for e in AuditEntry.select().where(AuditEntry.action == "appointment")} == {clock.now()}


def test_no_show_waits_the_settings_minutes_after_the_slot(database, desk):
    car = cars(1)[0]
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    booking = book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY, dt.time(9, 0)), booked_by=desk.id)
    clock.pin_now(dt.datetime(2026, 11, 26, 9, 29))
    assert book.arrivals()[0].late and book.get(booking.id).status == "booked"
    clock.pin_now(dt.datetime(2026, 11, 26, 9, 31))
    assert book.get(booking.id).status == "no_show" and book.arrivals() == []
    assert book.day_list(TODAY)[0].status == "no_show" and book.day_grid(TODAY).load == []
    assert book.for_vehicle_today(car.id) is None
    # reading wrote nothing: the stored state and the audit are as the booking left them
    assert Appointment.get_by_id(booking.id).status == "booked"
    assert [e.field for e in AuditEntry.select().where(AuditEntry.action == "appointment")] == ["book"]
    # the car may be booked again later the same day, and the late arrival still counts
    assert book.arrive(booking.id, desk.id).status == "arrived"
    audit = AuditEntry.select().where(AuditEntry.action == "appointment").order_by(AuditEntry.id.desc()).get()
    assert (json.loads(audit.before)["status"], json.loads(audit.after)["status"]) == ("no_show", "arrived")


def _worker(target: str, vehicle_id: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.load_worker", "book", target, str(vehicle_id),
                             book.at_text(TOMORROW_9)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_desks_booking_the_last_place_at_once(database, desk, backend):
    fleet = cars(5)
    for car in fleet[:3]:
        book.book(vehicle_id=car.id, at=TOMORROW_9, booked_by=desk.id)
    target = pg_support.url_of(database) if backend == "postgres" else str(database.database)
    desks = [_worker(target, fleet[3].id), _worker(target, fleet[4].id)]
    for process in desks:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in desks:  # both are loaded and waiting: let them go together
        process.stdin.write("go\n")
        process.stdin.flush()
    answers = [json.loads(process.communicate(timeout=60)[0]) for process in desks]
    assert sorted(next(iter(a)) for a in answers) == ["booked", "full"]
    refusal = next(a["full"] for a in answers if "full" in a)
    assert "已约满" in refusal and "09:30" in refusal
    assert Appointment.select().where(Appointment.status == "booked").count() == 4


def test_the_confirmation_queue_lists_bookings_one_to_three_days_ahead(database, desk):
    from db.queues import lists as queues

    fleet = cars(5)
    for n, car in enumerate(fleet):  # today 16:00, then 1, 2, 3 and 4 days ahead
        book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY + dt.timedelta(days=n), dt.time(16, 0)),
                  booked_by=desk.id, request="保养")
    book.confirm(3, desk.id)  # two days ahead (the third booking), confirmed already
    assert queues.count("confirm") == 2
    rows = queues.rows("confirm")
    assert [r.plate for r in rows] == ["川A00001", "川A00003"]
    assert "2026-11-27 16:00" in rows[0].reason and "尚未确认" in rows[0].reason
    queues.record_outcome(rows[0], "reached", desk.id)  # the customer is coming
    assert book.get(int(rows[0].due_key)).status == "confirmed"
    queues.record_outcome(rows[1], "declined", desk.id, note="车送去外地了")
    cancelled = book.get(int(rows[1].due_key))
    assert (cancelled.status, cancelled.reason) == ("cancelled", "车送去外地了")
    assert queues.count("confirm") == 0
    settings.set_value("book.confirm_to_days", 4)
    assert [r.plate for r in queues.rows("confirm")] == ["川A00004"]


def test_a_confirmation_call_moves_the_booking(database, desk):
    from db.models import Contact
    from db.queues import lists as queues

    car = cars(1)[0]
    booking = book.book(vehicle_id=car.id, at=TOMORROW_9, booked_by=desk.id)
    row = queues.rows("confirm")[0]
    moved = book.move(booking.id, TOMORROW_9 + dt.timedelta(days=1, hours=2), desk.id, call=row)
    assert (moved.at, moved.status) == (TOMORROW_9 + dt.timedelta(days=1, hours=2), "confirmed")
    assert Contact.get().booked_date == moved.at.date() and queues.count("confirm") == 0


def test_the_no_show_queue_offers_a_call_the_same_day_or_the_next(database, desk):
    from db.queues import lists as queues

    fleet = cars(3)
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    for n, car in enumerate(fleet):
        book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY + dt.timedelta(days=n), dt.time(9, 0)),
                  booked_by=desk.id)
    clock.pin_now(dt.datetime(2026, 11, 26, 10, 0))
    assert queues.count("no_show") == 1  # seen by the time: the queue writes nothing
    assert Appointment.get_by_id(1).status == "booked" and book.get(1).status == "no_show"
    assert [r.plate for r in queues.rows("no_show")] == ["川A00000"]
    assert "未到店" in queues.rows("no_show")[0].reason
    assert book.mark_no_shows() == 1 and queues.count("no_show") == 1  # swept: the same list
    clock.pin_today(TODAY + dt.timedelta(days=2))
    assert [r.plate for r in queues.rows("no_show")] == ["川A00002", "川A00001"]  # the day before, not older
    queues.record_outcome(queues.rows("no_show")[0], "no_answer", desk.id)
    assert [r.plate for r in queues.rows("no_show")] == ["川A00001"]


def test_the_reports_appointment_show_and_no_show_rates_on_a_hand_made_station(database, desk):
    """October: 4 work orders, 2 by appointment (刘洋's), 1 booking not come (for any);
    November: 2 work orders, 1 by appointment (张伟's), 1 booked for 张伟 did not come.
    Bookings are made while their day is ahead (the day clock moved back)."""
    from db import report
    from tests import queue_factory as make

    other = factory.advisor("张伟")
    fleet = cars(6)

    def booked(car, day, for_advisor, came):
        clock.pin_today(day - dt.timedelta(days=1))
        b = book.book(vehicle_id=car.id, at=dt.datetime.combine(day, dt.time(9, 0)), booked_by=desk.id,
                      advisor_id=for_advisor.id if for_advisor else None)
        clock.pin_today(day)
        if came:
            visit = make.visit(car, day, advisor=came)
            book.arrive(b.id, came.id, visit.id)
        else:
            clock.pin_today(day + dt.timedelta(days=1))
            if day.month == 10:  # one swept, one only seen by the time: both count
                book.mark_no_shows()

    october, november = dt.date(2026, 10, 12), dt.date(2026, 11, 5)
    booked(fleet[0], october, desk, desk)
    booked(fleet[1], october + dt.timedelta(days=1), desk, desk)
    booked(fleet[2], october + dt.timedelta(days=2), None, None)
    make.visit(fleet[3], october, advisor=desk)
    make.visit(fleet[4], october, advisor=other)
    booked(fleet[5], november, other, other)
    booked(fleet[2], november + dt.timedelta(days=1), other, None)
    make.visit(fleet[3], november, advisor=desk)
    clock.pin_today(TODAY)
    result = report.build("2026-10-01", "2026-11-30")
    months = {line.key: line for line in result.booking_months}
    assert (months["2026-10"].work_orders, months["2026-10"].by_appointment) == (4, 2)
    assert months["2026-10"].appointment_rate == 0.5
    assert (months["2026-10"].show_rate, months["2026-10"].no_show_rate) == (2 / 3, 1 / 3)
    assert (months["2026-11"].appointment_rate, months["2026-11"].show_rate) == (0.5, 0.5)
    advisors = {line.key: line for line in result.booking_advisors}
    assert (advisors["刘洋"].work_orders, advisors["刘洋"].by_appointment, advisors["刘洋"].show_rate) == (4, 2, 1.0)
    assert (advisors["张伟"].appointment_rate, advisors["张伟"].no_show_rate) == (0.5, 0.5)
    assert (advisors[None].work_orders, advisors[None].no_show_rate) == (0, 1.0)
    data = result.as_json()
    assert data["booking_months"][0] == {"key": "2026-10", "work_orders": 4, "by_appointment": 2, "arrived": 2,
                                         "no_shows": 1, "appointment_rate": 0.5, "show_rate": 0.6667,
                                         "no_show_rate": 0.3333}


def test_the_reception_marks_the_booking_arrived_and_the_brief_knows_it(database, desk):
    from db.intake.brief import brief
    from db.intake.reception import CustomerForm, VehicleForm, save_intake
    from db.models import Visit
    from tests.intake_helpers import reception

    owner = factory.customer("王芳", "13800138000")
    car, other = cars(2, owner)
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    booking = book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY, dt.time(9, 0)), booked_by=desk.id,
                        request="保养，左前轮异响")
    tomorrow = book.book(vehicle_id=other.id, at=TOMORROW_9, booked_by=desk.id)
    shown = brief(car.id)
    assert (shown.appointment.id, shown.appointment.request) == (booking.id, "保养，左前轮异响")
    assert brief(other.id).appointment is None  # booked for tomorrow: not today's arrival

    def returning(vehicle, appointment_id=None):
        data = reception(name="王芳", mobile="13800138000", vin=vehicle.vin, mileage="30000")
        data.customer = CustomerForm(id=owner.id, version=Customer.get_by_id(owner.id).version, name="王芳",
                                     mobile="13800138000")
        data.vehicle = VehicleForm(id=vehicle.id, vin=vehicle.vin, plate=vehicle.plate)
        data.order.work_requested = "保养，左前轮异响"
        data.appointment_id = appointment_id
        return data

    from db.models import Customer

    saved = save_intake(returning(car), desk.id)  # found by plate: recognised without a key
    assert saved.appointment_id == booking.id
    arrived = book.get(booking.id)
    assert (arrived.status, arrived.visit_id) == ("arrived", saved.visit_id)
    assert "左前轮异响" in Visit.get_by_id(saved.visit_id).work_requested
    assert book.arrivals() == []
    # a car without a booking today: nothing marked
    assert save_intake(returning(other), desk.id).appointment_id is None
    assert book.get(tomorrow.id).status == "booked"


def test_a_booked_cars_work_order_starts_from_the_request(database, desk):
    from db.intake.reception import start_for

    car, other = cars(2)
    clock.pin_now(dt.datetime(2026, 11, 26, 8, 0))
    booking = book.book(vehicle_id=car.id, at=dt.datetime.combine(TODAY, dt.time(9, 0)), booked_by=desk.id,
                        request="保养，检查空调")
    data = start_for(car.id)
    assert (data.appointment_id, data.order.work_requested) == (booking.id, "保养，检查空调")
    assert (start_for(other.id).appointment_id, start_for(other.id).order.work_requested) == (None, "")


def test_undoing_the_call_undoes_what_it_did_in_the_book(database, desk):
    """F5's undo of the last call outcome: a booking made by the call is cancelled, a
    booking confirmed or moved by a confirmation call is put back as it was."""
    from db.models import Contact
    from db.queues import lists as queues
    from tests import queue_factory as make

    car, other = cars(2)
    make.visit(car, TODAY - dt.timedelta(days=2), mileage=42000)  # a follow-up call is due
    row = queues.rows("follow_up")[0]
    made = book.book(vehicle_id=car.id, at=TOMORROW_9, booked_by=desk.id, call=row)
    assert queues.count("follow_up") == 0 and Contact.select().count() == 1
    assert queues.undo_last_call(desk.id) == "booked"
    assert book.get(made.id).status == "cancelled" and Contact.select().count() == 0
    assert queues.count("follow_up") == 1
    # a confirmation call: reached, undone
    pending = book.book(vehicle_id=other.id, at=TOMORROW_9 + dt.timedelta(hours=1), booked_by=desk.id)
    confirm_row = queues.rows("confirm")[0]
    queues.record_outcome(confirm_row, "reached", desk.id)
    assert book.get(pending.id).status == "confirmed"
    queues.undo_last_call(desk.id)
    assert book.get(pending.id).status == "booked"
    # … and moved on the call, undone: back to its slot, unconfirmed
    book.move(pending.id, TOMORROW_9 + dt.timedelta(days=1), desk.id, call=queues.rows("confirm")[0])
    assert book.get(pending.id).status == "confirmed"
    queues.undo_last_call(desk.id)
    back = book.get(pending.id)
    assert (back.at, back.status) == (TOMORROW_9 + dt.timedelta(hours=1), "booked")
    changes = [e.field for e in AuditEntry.select().where(AuditEntry.action == "appointment").order_by(AuditEntry.id)]
    assert changes.count("undo") == 3
