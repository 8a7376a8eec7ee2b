"""Completeness of archives against the four groups' standard fields."""

from __future__ import annotations

import datetime as dt

from db import completeness
from tests.doors_factory import customer, vehicle, visit


def test_one_archive_counts_every_group(database):
    c = customer("张伟", "13800138000", occupation="教师")
    car = vehicle(c, plate="京A12345", model="朗逸", purchase_date=dt.date(2026, 10, 1))
    visit(car, c, work_done="更换机油")
    result = completeness.for_customer(c.id)
    # customer 6 + observation 6 + vehicle 7 (new car: no first maintenance due) + repair 1
    assert result.expected == 20
    assert result.filled == 3 + 4 + 1  # name mobile occupation; vin model plate date; work done
    missing = result.by_group()
    assert "身份证号" in missing["customer"] and "车身颜色" in missing["vehicle"]
    assert "首保日期" not in missing["vehicle"] and missing["repair"] == []


def test_first_maintenance_counts_once_due(database):
    c = customer()
    vehicle(c, purchase_date=dt.date(2025, 1, 1))
    assert "首保日期" in completeness.for_customer(c.id).by_group()["vehicle"]


def test_station_score_matches_the_sum_of_archives(database):
    a = customer("张伟", "13800138000", occupation=" ")  # blank counts as missing
    vehicle(a, purchase_date=dt.date(2025, 1, 1), color="白")
    b = customer("李娜", None, hobbies="钓鱼")
    visit(vehicle(b), b, work_done=None)
    station = completeness.station()
    each = [completeness.for_customer(x.id) for x in (a, b)]
    assert station.expected == sum(x.expected for x in each)
    assert station.filled == sum(x.filled for x in each)
    assert 0 < station.score < 100
