"""The six classifications: boundaries of vehicle age and value class, occupation table,
hand-set class, and SQL counts agreeing with the badges."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from db import segments, settings
from db.errors import Invalid
from db.models import AuditEntry, Customer
from tests import queue_factory as make
from tests.conftest import TODAY

D = dt.timedelta(days=1)


def years_ago(n: int) -> dt.date:
    return TODAY - relativedelta(years=n)


def age_of(car) -> str | None:
    found = [b.code for b in segments.badges(car.owner_id) if b.kind == "age"]
    return found[0] if found else None


@pytest.mark.parametrize("purchase, mileage, expected", [
    (years_ago(3), 0, "warranty"),  # the anniversary is the warranty's last day
    (years_ago(3) - D, 0, "mid"),
    (years_ago(1), 60_000, "warranty"),  # km limit: whichever first
    (years_ago(1), 60_001, "mid"),
    (years_ago(5), 0, "mid"),  # five years exactly: still "up to 5 years"
    (years_ago(5) - D, 0, "old"),
    (None, 0, None),  # no purchase or registration date: no age badge
])
def test_vehicle_age_boundaries(database, purchase, mileage, expected):
    car = make.vehicle(make.customer(), purchase_date=purchase, last_mileage=mileage)
    assert age_of(car) == expected
    if expected:
        assert segments.segment_counts("age") == {expected: 1}


@pytest.mark.parametrize("end, end_km, mileage, expected", [
    (TODAY, None, 0, "warranty"),  # the car's own end date is its last covered day
    (TODAY - D, None, 0, "mid"),
    (TODAY + D, 80_000, 80_000, "warranty"),  # its own km limit
    (TODAY + D, 80_000, 80_001, "mid"),
])
def test_vehicles_own_warranty_terms(database, end, end_km, mileage, expected):
    car = make.vehicle(make.customer(), purchase_date=years_ago(4), warranty_end_date=end,
                       warranty_end_km=end_km, last_mileage=mileage)
    assert age_of(car) == expected


def test_registration_date_stands_in_for_a_missing_purchase_date(database):
    car = make.vehicle(make.customer(), registration_date=years_ago(6))
    assert age_of(car) == "old"


def test_warranty_years_setting_applies_without_restart(database):
    car = make.vehicle(make.customer(), purchase_date=years_ago(3) - D)
    assert age_of(car) == "mid"
    settings.set_value("warranty.years", 4)
    assert age_of(car) == "warranty"


def value_of(customer) -> tuple[str, str | None]:
    return segments.value_class(customer.id)


def start() -> dt.date:
    """The first day inside the 12-month window."""
    return TODAY - relativedelta(months=12) + D


@pytest.mark.parametrize("paid, expected", [(4, "A"), (3, "B"), (2, "B"), (1, "C")])
def test_value_class_by_paid_visits(database, paid, expected):
    person = make.customer()
    car = make.vehicle(person)
    for i in range(paid):
        make.visit(car, TODAY - dt.timedelta(days=30 * i), fee="300")
    assert value_of(person) == (expected, None)
    assert segments.segment_counts("value") == {expected: 1}


def test_value_window_edges_and_class_d(database):
    person = make.customer()
    car = make.vehicle(person)
    make.visit(car, start() - D, fee="300")  # just outside: does not count
    assert value_of(person)[0] == "D"
    make.visit(car, start(), fee="300")  # first day inside
    assert value_of(person)[0] == "C"


def test_unpaid_work_does_not_count_but_keeps_the_customer_out_of_d(database):
    person = make.customer()
    car = make.vehicle(person)
    make.visit(car, TODAY - D, kind="warranty", fee="0")
    make.visit(car, TODAY - 2 * D, kind="accident", fee="8000")
    make.visit(car, TODAY - 3 * D, kind="repair", fee="900", payment_method="insurance")
    make.visit(car, TODAY - 4 * D, kind="repair", fee="0")
    assert value_of(person)[0] == "C"
    make.visit(car, TODAY - 5 * D, kind="repair", fee="900")
    make.visit(car, TODAY - 6 * D, kind="maintenance", fee="400")
    assert value_of(person)[0] == "B"


@pytest.mark.parametrize("fees, expected", [
    (["9999.99"], "C"),
    (["10000"], "B"),  # one visit, big spend: C lifted to B
    (["6000", "4000"], "A"),  # B lifted to A
    (["5000", "4000", "1000", "1"], "A"),  # already A: stays A
])
def test_spend_lifts_one_class(database, fees, expected):
    person = make.customer()
    car = make.vehicle(person)
    for i, fee in enumerate(fees):
        make.visit(car, TODAY - dt.timedelta(days=10 * i), fee=fee)
    assert value_of(person)[0] == expected


def test_value_thresholds_are_settings(database):
    person = make.customer()
    car = make.vehicle(person)
    for i in range(3):
        make.visit(car, TODAY - dt.timedelta(days=10 * i), fee="300")
    assert value_of(person)[0] == "B"
    settings.set_value("value.a_visits", 3)
    assert value_of(person)[0] == "A"


def test_hand_set_class_keeps_both_visible_and_is_audited(database):
    person = make.customer()
    make.visit(make.vehicle(person), TODAY, fee="300")
    with pytest.raises(Invalid) as refused:
        segments.set_value_class(person.id, "A", "", advisor_id=None)
    assert refused.value.field == "value_class_reason"
    with pytest.raises(Invalid):
        segments.set_value_class(person.id, "E", "reason", advisor_id=None)
    segments.set_value_class(person.id, "a", "老客户介绍了三位朋友", advisor_id=None)
    assert value_of(person) == ("C", "A")
    value_badge = next(b for b in segments.badges(person.id) if b.kind == "value")
    assert value_badge.code == "A" and "算得 C" in value_badge.detail and "三位朋友" in value_badge.detail
    assert segments.segment_counts("value") == {"A": 1}
    entry = AuditEntry.get(AuditEntry.customer == person.id)
    assert entry.field == "value_class" and "三位朋友" in entry.after
    segments.set_value_class(person.id, None, "", advisor_id=None)
    assert value_of(person) == ("C", None)


@pytest.mark.parametrize("text, category", [
    ("出租车司机", "driver"), ("销售经理", "manager"), ("公务员", "civil"), ("小学老师", "professional"),
    ("个体户", "owner"), ("Software Engineer", "professional"), ("退休教师", "retired"),
    ("工厂工人", "staff"), ("大学生", "student"), ("画家", "other"), ("  ", None), (None, None),
])
def test_occupation_table_in_python_and_sql_agree(database, text, category):
    assert segments.occupation_category(text) == category
    person = make.customer(occupation=text)
    assert segments.recompute_occupation_categories(batch=1) in (0, 1)
    assert Customer.get_by_id(person.id).occupation_category == category


def test_recompute_touches_only_changed_rows(database):
    for text in ("司机", "经理", "司机"):
        make.customer(occupation=text)
    assert segments.recompute_occupation_categories(batch=2) == 3
    assert segments.recompute_occupation_categories(batch=2) == 0
    assert segments.segment_counts("occupation") == {"driver": 2, "manager": 1}


def test_badges_carry_traits_and_hints_and_exclude_sold_cars(database):
    person = make.customer(occupation="网约车司机", district="海淀区")
    make.vehicle(person, purchase_date=years_ago(4), usage="commercial", vehicle_class="economy")
    make.vehicle(person, purchase_date=years_ago(1), usage="official", status="sold")
    found = segments.badges(person.id)
    assert [(b.kind, b.code) for b in found] == [
        ("age", "mid"), ("use", "commercial"), ("value", "D"), ("occupation", "driver"),
        ("region", "海淀区"), ("class", "economy")]
    assert all(b.traits and b.hint for b in found)
    assert segments.hint(found).startswith("营销重点")


def test_campaign_specs(database):
    assert segments.parse_spec("age:mid, use:private") == [("age", "mid"), ("use", "private")]
    assert segments.spec_label("age:mid,use:private") == "出保 5 年内·私家车"
    for bad in ("age:young", "colour:red", "", "use"):
        with pytest.raises(Invalid):
            segments.parse_spec(bad)


def test_an_empty_choice_says_so(database):
    """Nothing chosen is not an "unknown segment" with nothing after the colon."""
    for empty in ("", " , "):
        with pytest.raises(Invalid, match="还没有选择细分：请至少选择一个"):
            segments.parse_spec(empty)


def test_region_choices_name_the_busiest_districts(database):
    for district, people in (("海淀区", 3), ("朝阳区", 2), ("东城,西城", 4)):
        for _ in range(people):
            make.customer(district=district)
    assert segments.region_choices() == [("region:海淀区", "区域", "海淀区"), ("region:朝阳区", "区域", "朝阳区")]
