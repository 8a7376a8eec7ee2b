"""Intake logic without the interface: one reception, one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from db import advisors, clock, settings
from db.intake import drafts
from db.intake.brief import brief
from db.connection import writing
from db.errors import Conflict
from db.intake.reception import (ConfirmationNeeded, CustomerForm, IntakeData, IntakeInvalid, PartLine,
                       save_intake, start_for, total_of, validate)
from db.models import AuditEntry, Contact, Counter, Customer, Draft, Ownership, Vehicle, Visit, VisitPart
from db.versioning import update_versioned
from tests.conftest import TODAY
from tests.intake_helpers import make_id, make_vin, reception


@pytest.fixture
def advisor(database):
    return advisors.sign_in("刘洋", user="")


def test_new_customer_writes_every_table_in_one_save(advisor):
    data = reception(name="[@click=app.quit]x[/]", parts=[PartLine("机油", "4", "45"), PartLine()])
    data.customer.id_number = make_id()
    data.contact.traits = "注重细节"
    data.contact.tags = ["detail_minded"]
    saved = save_intake(data, advisor.id)

    customer = Customer.get_by_id(saved.customer_id)
    assert customer.name == "[@click=app.quit]x[/]"  # stored literally
    assert customer.birth_date == dt.date(1985, 3, 2) and customer.sex == "M"  # from the ID number
    assert customer.mobile_rev == "87654321931" and customer.name_key
    vehicle = Vehicle.get_by_id(saved.vehicle_id)
    assert vehicle.owner_id == customer.id and vehicle.brand == "一汽-大众"  # brand from the VIN
    assert vehicle.plate_rev == "54321A京" and vehicle.vin_rev == make_vin(1)[::-1]
    assert (vehicle.last_visit_date, vehicle.last_mileage) == (TODAY, 12000)
    assert (vehicle.last_maintenance_date, vehicle.last_maintenance_mileage) == (TODAY, 12000)
    assert vehicle.daily_km == pytest.approx(12000 / (TODAY - dt.date(2024, 5, 1)).days, abs=0.01)
    assert Ownership.get(Ownership.vehicle == vehicle.id).end_date is None
    visit = Visit.get_by_id(saved.visit_id)
    assert visit.work_order_no == "WO20261126-0001"
    assert visit.parts_fee == Decimal("180.00") and visit.total_fee == Decimal("380.00")
    assert [p.name for p in VisitPart.select()] == ["机油"]  # the blank line is not a part
    contact = Contact.get()
    assert (contact.visit_id, contact.traits, contact.tags) == (visit.id, "注重细节", "detail_minded")
    assert saved.next_maintenance.due_km == 17000
    assert saved.warranty.in_warranty is True and saved.warranty.end_date == dt.date(2027, 5, 1)


def test_the_total_shown_while_typing_is_the_total_saved(advisor):
    data = reception(labour_fee="100", parts=[PartLine("清洗剂", "1.5", "3.33")])  # 4.995 of parts
    shown = total_of(data)
    assert shown == save_intake(data, advisor.id).total_fee == Decimal("105.00")


def test_work_order_numbers_count_per_day_and_follow_the_setting(advisor):
    first = save_intake(reception(), advisor.id)
    second = save_intake(reception(name="李雷", mobile="13800138000", vin=make_vin(2), plate="京B12345"),
                         advisor.id)
    assert (first.work_order_no, second.work_order_no) == ("WO20261126-0001", "WO20261126-0002")
    settings.set_value("work_order.format", "{date:%y%m}-{seq:05d}")
    clock.pin_today(TODAY + dt.timedelta(days=1))
    data = start_for(vehicle_id=first.vehicle_id)
    data.order.mileage = "12500"
    data.order.work_requested = "例行检查"
    third = save_intake(data, advisor.id)
    assert third.work_order_no == "2611-00001"
    assert Counter.select().count() == 2


def test_every_bad_field_is_reported_at_once(advisor):
    data = reception(name="", mobile="1234", vin="LFV2A21K0MN00000I", plate="X12345", mileage="abc",
                     labour_fee="-5", other_fee="十元", parts=[PartLine("", "1", "x")])
    data.customer.id_number = "110105198503021234"
    errors = validate(data)
    assert set(errors) == {"customer.name", "customer.mobile", "customer.id_number", "vehicle.vin",
                           "vehicle.plate", "order.mileage", "order.labour_fee", "order.other_fee",
                           "order.parts.0.name", "order.parts.0.unit_price"}
    assert errors["order.labour_fee"] == "金额不能为负数"
    assert errors["customer.name"] == "请填写姓名"
    with pytest.raises(IntakeInvalid) as caught:
        save_intake(data, advisor.id)
    assert caught.value.errors == errors
    assert Customer.select().count() == 0 and Visit.select().count() == 0


def test_a_part_line_needs_a_name():
    assert validate(reception(parts=[PartLine("", "2", "10")])) == {"order.parts.0.name": "请填写配件名称"}


def test_returning_customer_keeps_archive_fills_missing_and_bumps_versions(advisor):
    first = save_intake(reception(), advisor.id)
    clock.pin_today(TODAY + dt.timedelta(days=100))
    data = start_for(vehicle_id=first.vehicle_id)
    assert data.customer.id == first.customer_id and data.vehicle.plate == "京A12345"
    data.customer.occupation = "教师"
    data.order.mileage, data.order.kind = "16000", "repair"
    data.order.work_requested = "空调不凉"
    second = save_intake(data, advisor.id)
    customer = Customer.get_by_id(first.customer_id)
    assert customer.occupation == "教师" and customer.version == 2
    assert customer.occupation_category == "professional"  # the occupation segment follows
    assert Customer.select().count() == 1 and Vehicle.select().count() == 1
    vehicle = Vehicle.get_by_id(first.vehicle_id)
    assert vehicle.last_mileage == 16000 and vehicle.last_visit_date == TODAY + dt.timedelta(days=100)
    assert vehicle.last_maintenance_mileage == 12000  # a repair is not a maintenance
    assert vehicle.version == 2
    assert second.work_order_no == "WO20270306-0001"
    assert AuditEntry.select().where(AuditEntry.action == "edit").count() == 1


def test_concurrent_edit_is_refused_and_nothing_is_written(advisor):
    first = save_intake(reception(), advisor.id)
    data = start_for(vehicle_id=first.vehicle_id)
    other = advisors.sign_in("陈静", user="")
    with writing():  # another advisor saves the archive card meanwhile
        update_versioned(Customer, first.customer_id, 1, {"hobbies": "钓鱼"})
        AuditEntry.create(at=clock.now(), advisor=other.id, action="edit", customer=first.customer_id)
    data.customer.hobbies = "登山"
    data.order.mileage = "13000"
    data.order.work_requested = "例行检查"
    with pytest.raises(Conflict, match="陈静"):
        save_intake(data, advisor.id)
    assert Customer.get_by_id(first.customer_id).hobbies == "钓鱼"
    assert Visit.select().count() == 1


def test_owner_change_asks_then_moves_the_car_and_keeps_history(advisor):
    first = save_intake(reception(), advisor.id)
    data = reception(name="赵六", mobile="13700001111", mileage="15000")
    with pytest.raises(ConfirmationNeeded) as caught:
        save_intake(data, advisor.id)
    assert caught.value.kind == "owner_change" and "王芳" in str(caught.value)
    assert Customer.select().count() == 1  # the refused save wrote nothing
    data.owner_change_confirmed = True
    saved = save_intake(data, advisor.id)
    assert saved.owner_changed and saved.vehicle_id == first.vehicle_id
    vehicle = Vehicle.get_by_id(first.vehicle_id)
    assert vehicle.owner_id == saved.customer_id
    rows = list(Ownership.select().order_by(Ownership.id))
    assert [(r.customer_id, r.end_date) for r in rows] == [(first.customer_id, TODAY), (saved.customer_id, None)]
    assert Visit.select().where(Visit.vehicle == vehicle.id).count() == 2


def test_owner_change_declined_records_the_visit_under_the_bringer(advisor):
    first = save_intake(reception(), advisor.id)
    data = reception(name="赵六", mobile="13700001111", mileage="15000")
    data.owner_change_confirmed = False
    saved = save_intake(data, advisor.id)
    assert Vehicle.get_by_id(first.vehicle_id).owner_id == first.customer_id
    assert Visit.get_by_id(saved.visit_id).customer_id == saved.customer_id


def test_lower_mileage_needs_confirmation_and_is_noted(advisor):
    first = save_intake(reception(mileage="12000"), advisor.id)
    data = start_for(vehicle_id=first.vehicle_id)
    data.order.mileage = "300"
    data.order.work_requested = "例行检查"
    with pytest.raises(ConfirmationNeeded) as caught:
        save_intake(data, advisor.id)
    assert caught.value.kind == "lower_mileage" and "12,000" in str(caught.value)
    data.lower_mileage_confirmed = True
    saved = save_intake(data, advisor.id)
    assert "12,000 → 300" in Visit.get_by_id(saved.visit_id).odometer_note
    assert Vehicle.get_by_id(first.vehicle_id).last_mileage == 300


def test_drafts_survive_and_go_with_the_save(advisor):
    data = reception(name="孙七")
    drafts.save_draft(advisor.id, {"stage": "form", "data": data.to_json()})
    loaded = drafts.load_draft(advisor.id)
    assert IntakeData.from_json(loaded.data["data"]) == data
    drafts.save_draft(advisor.id, {"stage": "form", "data": replace(data, prospect_id=None).to_json()})
    assert Draft.select().count() == 1
    save_intake(data, advisor.id)
    assert drafts.load_draft(advisor.id) is None


def test_brief_of_a_returning_customer(advisor):
    data = reception(declined_work="更换刹车片")
    data.contact.traits = "赶时间"
    first = save_intake(data, advisor.id)
    result = brief(vehicle_id=first.vehicle_id)
    assert result.name == "王芳" and result.mobile_masked == "139****5678"
    assert result.car == "一汽-大众 帕萨特" and result.warranty.in_warranty
    assert round(result.car_age_years, 1) == 2.6
    assert [v.mileage for v in result.visits] == [12000]
    assert result.last_declined == (TODAY, "更换刹车片")
    assert result.contacts[0].traits == "赶时间"
    assert "身份证号" in result.missing["customer"] and "发动机号" in result.missing["vehicle"]
    assert result.missing["repair"]  # the work done is not typed at reception
    assert "付款方式" in result.missing["observation"]
    assert result.segments == ["保修期内", "私家车", "C 类·低价值", "中级车"]  # db.segments
    assert result.treatment.startswith("本站的基本盘")
    assert result.reminders == []  # the follow-up call is due from tomorrow


def test_declined_work_leaves_the_brief_and_the_queue_once_a_later_visit_came(advisor):
    """The brief offers declined work by the queues' rule (db.queues.car_dates.declined_to_offer)."""
    yesterday = TODAY - dt.timedelta(days=1)
    clock.pin_today(yesterday)
    first = save_intake(reception(declined_work="建议更换蓄电池"), advisor.id)
    assert brief(vehicle_id=first.vehicle_id).last_declined == (yesterday, "建议更换蓄电池")
    clock.pin_today(TODAY)
    data = start_for(first.vehicle_id)
    data.order.mileage, data.order.work_requested = "12600", "更换蓄电池"
    save_intake(data, advisor.id)
    assert brief(vehicle_id=first.vehicle_id).last_declined is None
    assert Vehicle.get_by_id(first.vehicle_id).declined_visit is None  # the queue's stored answer


def test_declined_work_is_offered_from_the_latest_visit_of_the_last_day():
    from db.queues.car_dates import declined_to_offer

    day = dt.date(2026, 11, 25)
    assert declined_to_offer([(4, day), (9, day), (2, day - dt.timedelta(days=9))], day) == (9, day)
    assert declined_to_offer([(4, day)], day + dt.timedelta(days=1)) is None  # a later day's visit came
    assert declined_to_offer([], day) is None and declined_to_offer([(4, day)], None) is None


def test_warranty_ends_at_the_km_limit_first(advisor):
    saved = save_intake(reception(mileage="61000"), advisor.id)
    assert saved.warranty.in_warranty is False
    assert CustomerForm().name == ""


def test_prospect_with_the_same_mobile_is_found_and_converted(advisor):
    from db import prospects

    prospect = prospects.create({"name": "周八", "mobile": "13600001234", "district": "朝阳"}, advisor.id)
    from db.intake.reception import known_for

    known = known_for("customer.mobile", "136 0000 1234")
    assert (known.prospect_id, known.prospect_name) == (prospect.id, "周八")
    data = reception(name="周八", mobile="13600001234")
    data.prospect_id = known.prospect_id
    saved = save_intake(data, advisor.id)
    customer = Customer.get_by_id(saved.customer_id)
    assert customer.source == "prospect" and customer.district == "朝阳"
    assert prospects.get(prospect.id).status == "converted"
    assert known_for("vehicle.vin", make_vin(1)).owner_name == "周八"
    assert known_for("customer.mobile", "13600001234").customer_name == "周八"


def test_a_new_customers_occupation_is_classified(advisor):
    data = reception()
    data.customer.occupation = "出租车司机"
    saved = save_intake(data, advisor.id)
    assert Customer.get_by_id(saved.customer_id).occupation_category == "driver"


# ---- a car whose owner's archive was anonymised comes back -----------------------------


def _anonymised_first_visit(advisor):
    from db import privacy
    from tests.manager_fixtures import advisor as staff

    first = save_intake(reception(), advisor.id)  # 王芳 and her car
    privacy.anonymise(staff("王经理", role="manager").id, first.customer_id)
    return first


def test_an_anonymised_owners_car_comes_back_with_a_new_archive(advisor):
    from db import privacy
    from db.intake.reception import prefill_from_query
    from db.search import find

    first = _anonymised_first_visit(advisor)
    # the lookup finds cars through their owner: the plate alone finds no one ...
    assert find("京A12345") == []
    # ... and a new archive typed from the plate or the VIN brings the whole car, nobody with it
    for query in ("京A12345", make_vin(1)):
        data = prefill_from_query(query)
        assert (data.vehicle.id, data.vehicle.vin, data.vehicle.model) == (first.vehicle_id, make_vin(1), "帕萨特")
        assert data.customer == CustomerForm()
    # one of its work orders still finds the (anonymous) archive: the intake starts a new one
    [hit] = find(first.work_order_no)
    assert (hit.customer_id, hit.vehicle_id) == (first.customer_id, first.vehicle_id)
    data = start_for(hit.vehicle_id, hit.customer_id)
    assert data.customer == CustomerForm() and data.vehicle.id == first.vehicle_id
    data.customer = CustomerForm(name="赵六", mobile="13700001111")
    data.order = reception(mileage="15000").order
    saved = save_intake(data, advisor.id)  # no owner-change question: the car had no owner
    assert saved.customer_id != first.customer_id and saved.vehicle_id == first.vehicle_id
    assert Vehicle.get_by_id(first.vehicle_id).owner_id == saved.customer_id
    rows = [(r.customer_id, r.end_date) for r in Ownership.select().order_by(Ownership.id)]
    assert rows == [(first.customer_id, TODAY), (saved.customer_id, None)]
    stub = Customer.get_by_id(first.customer_id)
    assert (stub.name, stub.mobile) == (privacy.ANONYMOUS_NAME, None)
    assert Visit.select().where(Visit.vehicle == first.vehicle_id).count() == 2
    assert [c.name for c in Customer.select().order_by(Customer.id)] == [privacy.ANONYMOUS_NAME, "赵六"]


def test_an_intake_opened_before_the_anonymisation_cannot_refill_the_archive(advisor):
    from db import privacy
    from tests.manager_fixtures import advisor as staff

    first = save_intake(reception(), advisor.id)
    data = start_for(vehicle_id=first.vehicle_id)  # 王芳's archive, as the brief loaded it
    data.order.mileage = "15000"
    data.order.work_requested = "例行检查"
    privacy.anonymise(staff("王经理", role="manager").id, first.customer_id)
    with pytest.raises(IntakeInvalid) as refused:
        save_intake(data, advisor.id)
    assert list(refused.value.errors) == ["customer.name"]
    assert "刚被匿名化" in refused.value.errors["customer.name"]
    stub = Customer.get_by_id(first.customer_id)
    assert (stub.name, stub.mobile) == (privacy.ANONYMOUS_NAME, None)
    assert Visit.select().count() == 1 and Vehicle.get_by_id(first.vehicle_id).owner_id is None


def test_marketing_consent_asked_at_reception_is_recorded_as_the_card_records_it(advisor):
    def consent_log():
        return [(e.customer_id, e.advisor_id, e.before, e.after, e.detail)
                for e in AuditEntry.select().where(AuditEntry.action == "consent").order_by(AuditEntry.id)]

    first = save_intake(reception(), advisor.id)  # a new archive, not asked: nothing recorded
    assert Customer.get_by_id(first.customer_id).marketing_consent is None and consent_log() == []
    answers = [("yes", True), ("", True), ("yes", True), ("no", False)]  # "": unchanged
    for n, (answer, stored) in enumerate(answers):
        data = start_for(vehicle_id=first.vehicle_id)
        assert data.contact.consent == "" and data.consent_now is (None if n == 0 else answers[n - 1][1])
        data.order.mileage = str(13000 + 1000 * n)
        data.order.work_requested = "例行检查"
        data.contact.consent = answer
        save_intake(data, advisor.id)
        row = Customer.get_by_id(first.customer_id)
        assert (row.marketing_consent, row.consent_channel) == (stored, "desk")
    # logged only when the answer changed what the archive held
    me = first.customer_id
    assert consent_log() == [(me, advisor.id, None, "true", "desk"), (me, advisor.id, "true", "false", "desk")]
    # a new archive can record the answer at once; a code that is not a choice is refused
    data = reception(name="赵六", mobile="13700001111", vin=make_vin(2), plate="京B22222")
    data.contact.consent = "no"
    saved = save_intake(data, advisor.id)
    assert Customer.get_by_id(saved.customer_id).marketing_consent is False
    assert consent_log()[-1] == (saved.customer_id, advisor.id, None, "false", "desk")
    data.contact.consent = "maybe"
    assert "contact.consent" in validate(data)
    # the answer survives a draft
    assert IntakeData.from_json(start_for(vehicle_id=first.vehicle_id).to_json()).consent_now is False


def test_a_walk_in_first_seen_for_a_repair_falls_due_for_maintenance(advisor):
    """Bought years ago, 90,000 km, first visit here a repair: no first maintenance from
    purchase (long past) but a maintenance from this visit, in the queue within a year."""
    from db.queues import lists as queues

    data = reception(mileage="90000", kind="repair")
    data.vehicle.purchase_date = "2019-03-01"
    data.order.complaint = "左前轮异响"
    saved = save_intake(data, advisor.id)
    due = saved.next_maintenance
    assert not due.first and due.since == "visit"
    assert due.due_km == 95000 and due.when > TODAY  # what the summary promises lies ahead
    from tui.widgets.brief_view import saved_text
    promised = saved_text(saved).plain.split("这辆车接下来")[1]  # (the archive's missing 首保日期 is named above it)
    assert "首保" not in promised and "95,000" in promised
    seen = {}
    for days in range(0, 366, 7):
        day = TODAY + dt.timedelta(days=days)
        for name in ("first_maintenance", "maintenance"):
            if any(r.vehicle_id == saved.vehicle_id for r in queues.rows(name, day, with_badges=False)):
                seen.setdefault(name, day)
    assert "first_maintenance" not in seen
    assert "maintenance" in seen and seen["maintenance"] <= due.when
    row = next(r for r in queues.rows("maintenance", due.when, with_badges=False)
               if r.vehicle_id == saved.vehicle_id)
    assert "上次来站 2026-11-26" in row.reason


def test_a_car_with_a_first_maintenance_done_elsewhere_still_falls_due(advisor):
    data = reception(mileage="30000", kind="repair")
    data.vehicle.first_maintenance_date = "2024-11-01"
    saved = save_intake(data, advisor.id)
    vehicle = Vehicle.get_by_id(saved.vehicle_id)
    assert vehicle.due_maintenance == saved.next_maintenance.when is not None
    assert vehicle.due_first_maintenance is None


def test_an_impossible_mileage_jump_is_asked_like_a_lower_reading(advisor):
    first = save_intake(reception(mileage="23700"), advisor.id)
    data = start_for(vehicle_id=first.vehicle_id)
    data.order.mileage, data.order.work_requested = "237000", "更换雨刮"  # an extra digit, same day
    with pytest.raises(ConfirmationNeeded) as asked:
        save_intake(data, advisor.id)
    assert asked.value.kind == "mileage_jump"
    assert "本次里程 237,000 公里" in str(asked.value) and "上次记录 23,700 公里（2026-11-26）" in str(asked.value)
    assert Visit.select().count() == 1 and Vehicle.get_by_id(first.vehicle_id).last_mileage == 23700
    data.lower_mileage_confirmed = True  # the advisor's yes: kept, with a note
    saved = save_intake(data, advisor.id)
    assert "23,700 → 237,000" in saved.odometer_note
    # a year on, the car's own trend allows far more: no question
    clock.pin_today(TODAY + dt.timedelta(days=365))
    later = start_for(vehicle_id=first.vehicle_id)
    later.order.mileage, later.order.work_requested = "260000", "保养"
    assert save_intake(later, advisor.id).odometer_note is None


def test_a_new_cars_reading_is_checked_against_its_purchase_date(advisor):
    data = reception(mileage="900000")  # bought 2024-05-01: 900,000 km is not believable
    with pytest.raises(ConfirmationNeeded) as asked:
        save_intake(data, advisor.id)
    assert asked.value.kind == "mileage_jump"


def test_an_empty_work_order_is_refused_until_the_request_is_written(advisor):
    data = reception(labour_fee="0", parts=[])
    with pytest.raises(IntakeInvalid) as refused:
        save_intake(data, advisor.id)
    assert refused.value.errors == {"order.work_requested": "请写下客户的要求（派工单上没有项目、配件和金额）"}
    data.order.work_requested = "检查左前轮异响"
    assert save_intake(data, advisor.id).total_fee == Decimal("0.00")


def test_an_intake_never_rewrites_the_vin_of_a_car_on_file(advisor):
    first = save_intake(reception(), advisor.id)
    data = start_for(vehicle_id=first.vehicle_id)  # the car loaded, then its VIN retyped
    data.vehicle.vin = make_vin(2)
    data.order.mileage, data.order.work_requested = "15000", "保养"
    with pytest.raises(IntakeInvalid) as refused:
        save_intake(data, advisor.id)
    assert "档案卡" in refused.value.errors["vehicle.vin"] and make_vin(1) in refused.value.errors["vehicle.vin"]
    assert Vehicle.get_by_id(first.vehicle_id).vin == make_vin(1)
    assert Visit.select().count() == 1 and Vehicle.select().count() == 1


def test_a_vin_typed_over_a_loaded_car_lets_that_car_go():
    from db.intake.reception import VehicleForm, let_go_of_car

    loaded = VehicleForm(id=7, version=3, vin=make_vin(1), plate="京A12345", brand="大众", model="帕萨特",
                         usage="commercial", sold_here="yes")
    assert let_go_of_car(loaded, replace(loaded, vin=make_vin(1).lower())) is None  # the same car
    assert let_go_of_car(VehicleForm(vin=make_vin(1)), VehicleForm(vin=make_vin(2))) is None  # none loaded
    other = let_go_of_car(loaded, replace(loaded, vin=make_vin(2), model="途观"))
    assert other == VehicleForm(vin=make_vin(2), model="途观")  # what the advisor typed stays
