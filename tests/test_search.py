"""Lookup in db/: every query type finds the expected customer, ranked; nasty text is harmless."""

from __future__ import annotations

import datetime as dt

import pytest

from db import search
from db.models import Customer
from tests import archive_fixtures as fx


@pytest.fixture
def station(database):
    """A few archives whose keys overlap on purpose (shared tails, shared pinyin)."""
    zhang = fx.customer("张伟", "13812348000", employer="华为技术有限公司")
    zhang_car = fx.vehicle(zhang, fx.make_vin("LSVAB2BM5KN12345"), "京A12345")
    fx.visit(zhang_car, zhang, "WO20261120-0007", dt.date(2026, 11, 20), 12000)
    wei = fx.customer("张卫东", "13900001234")
    wei_car = fx.vehicle(wei, fx.make_vin("LFVCD3CM6LN77345"), "沪BA12345")
    second = fx.vehicle(wei, fx.make_vin("LFVCD3CM6LN88888"), "粤B88888")
    lonely = fx.customer("李娜", "13700005678", employer="华夏银行")
    markup = fx.customer("[@click=app.quit]x[/]")
    shan = fx.customer("单田芳", "13600002222")
    return dict(zhang=zhang, zhang_car=zhang_car, wei=wei, wei_car=wei_car, second=second,
                lonely=lonely, markup=markup, shan=shan)


def first(query: str) -> search.Hit:
    hits = search.find(query)
    assert hits, query
    return hits[0]


def ids(query: str, **kw) -> list[tuple[int, int | None]]:
    return [(h.customer_id, h.vehicle_id) for h in search.find(query, **kw)]


def test_whole_plate_with_or_without_province_ranks_first(station):
    for query in ("京A12345", "京a 12345", "a12345", "A·12345"):
        hit = first(query)
        assert (hit.customer_id, hit.plate, hit.match, hit.rank) == (station["zhang"].id, "京A12345", "exact_plate", 0)
    # "A12345" is also the tail of 沪BA12345: found, but after the exact plate
    assert ids("A12345") == [(station["zhang"].id, station["zhang_car"].id),
                             (station["wei"].id, station["wei_car"].id)]


@pytest.mark.parametrize("tail", ["345", "2345", "12345"])
def test_plate_tail_of_three_or_more(station, tail):
    found = {h.plate for h in search.find(tail) if h.match == "plate_tail"}
    assert found == {"京A12345", "沪BA12345"}


def test_plate_tail_shorter_than_three_finds_nothing(station):
    assert not [h for h in search.find("45") if h.match.startswith("plate")]


def test_vin_whole_and_tails(station):
    vin = station["zhang_car"].vin
    hit = first(vin.lower())
    assert (hit.vehicle_id, hit.match, hit.rank) == (station["zhang_car"].id, "vin", 0)
    for n in (6, 7, 8):
        hit = first(vin[-n:])
        assert hit.vehicle_id == station["zhang_car"].id
        assert hit.match in ("vin_tail", "plate_tail")
    assert first(vin[-8:]).match == "vin_tail"


def test_six_digits_are_a_vin_or_mobile_tail_never_a_plate_tail(station):
    # the plate range is not even asked: no plate form ends in six digits
    assert "plate_rev" in search.statement("12345")[0]
    assert "plate_rev" not in search.statement("123456")[0]
    assert "plate_rev" not in search.statement("LSVAB2BM5KN")[0]  # longer than any plate
    car = fx.vehicle(station["lonely"], fx.make_vin("LFVCD3CMAL654321"), "川A65432")
    assert car.vin.endswith("L654321")
    hit = first("654321")
    assert (hit.vehicle_id, hit.match) == (car.id, "vin_tail")
    hit = first("001234")  # the last six digits of 张卫东's mobile
    assert (hit.customer_id, hit.match) == (station["wei"].id, "mobile_tail")


def test_the_statement_is_the_one_search_runs(station, database):
    for query in ("12345", "A12345", "001234", "zw", "张", "WO2026"):
        sql, params = search.statement(query, limit=5, param=database.param)
        rows = database.execute_sql(sql, params).fetchall()
        assert {(r[2], r[7]) for r in rows} >= set(ids(query, limit=5)), query
    assert search.statement("   ") is None


def test_mobile_last_four_or_more_digits(station):
    assert first("8000").customer_id == station["zhang"].id
    assert first("48000").customer_id == station["zhang"].id
    assert first("13812348000").customer_id == station["zhang"].id
    assert first("+86 138 1234 8000").customer_id == station["zhang"].id
    assert first("5678").customer_id == station["lonely"].id
    assert search.find("000") == [] or all(h.match != "mobile_tail" for h in search.find("000"))


def test_mobile_is_masked_in_hits(station):
    hit = first("8000")
    assert hit.mobile_masked == "138****8000"
    assert "13812348000" not in repr(search.find("8000"))


def test_name_exact_before_prefix(station):
    hits = search.find("张")
    assert {h.customer_id for h in hits} == {station["zhang"].id, station["wei"].id}
    assert [h.match for h in hits] == ["name"] * 3
    hits = search.find("张伟")
    assert [(h.customer_id, h.rank) for h in hits] == [(station["zhang"].id, search.RANKS["name_exact"])]


def test_pinyin_full_and_initials(station):
    assert first("zhangwei").customer_id == station["zhang"].id
    assert first("ZhangWei").match == "pinyin"
    hits = search.find("zw")
    assert hits[0].customer_id == station["zhang"].id and hits[0].match == "initials"
    assert [h.customer_id for h in hits] == [station["zhang"].id, station["wei"].id, station["wei"].id]
    assert {h.customer_id for h in search.find("zwd")} == {station["wei"].id}
    # a surname read as a surname: 单 is shan
    assert first("shantianfang").customer_id == station["shan"].id
    assert first("stf").customer_id == station["shan"].id


def test_work_order_exact_and_prefix(station):
    hit = first("wo20261120-0007")
    assert (hit.customer_id, hit.vehicle_id, hit.match, hit.rank) == (
        station["zhang"].id, station["zhang_car"].id, "work_order", search.RANKS["work_order"])
    assert first("WO2026112").customer_id == station["zhang"].id


def test_employer_prefix(station):
    assert {h.customer_id for h in search.find("华为")} == {station["zhang"].id}
    assert {h.customer_id for h in search.find("华")} == set()  # one character: too broad
    assert {h.customer_id for h in search.find("华夏")} == {station["lonely"].id}


def test_one_row_per_vehicle_and_customers_without_vehicles(station):
    wei = [h for h in search.find("张卫东")]
    assert {h.plate for h in wei} == {"沪BA12345", "粤B88888"}
    lonely = search.find("李娜")
    assert [(h.customer_id, h.vehicle_id, h.plate) for h in lonely] == [(station["lonely"].id, None, None)]


def test_merged_archives_are_left_out(station):
    Customer.update(merged_into=station["zhang"].id).where(Customer.id == station["lonely"].id).execute()
    assert search.find("李娜") == []


def test_last_visit_comes_from_the_vehicle(station):
    assert first("京A12345").last_visit == dt.date(2026, 11, 20)
    assert first("粤B88888").last_visit is None


def test_wildcards_are_plain_characters(station):
    # "_" is a separator like "-" or "·" (people type 京A-12345), never "any character"
    assert ids("_345") == ids("345") and ids("345")
    assert search.find("1_345") == []  # would match 12345 if "_" were a wildcard
    assert search.find("%345") == search.find("3%5") == []


@pytest.mark.parametrize("query", ["%", "%%", "_", "__", "%5", "'", "\"", "' OR 1=1 --",
                                   "[b]", "[/]", "\x00", "\x1b[31m", "\t", "   ", "", "\\", "*"])
def test_nasty_queries_give_no_error_and_no_false_match(station, query):
    assert search.find(query) == []


def test_markup_name_found_literally(station):
    hit = first("[@click")
    assert hit.name == "[@click=app.quit]x[/]"


def test_paging_and_has_more(database):
    people = [fx.customer(f"王{n:02d}", f"1390000{n:04d}") for n in range(25)]
    page1 = search.search("王", limit=10)
    page2 = search.search("王", limit=10, offset=10)
    page3 = search.search("王", limit=10, offset=20)
    assert page1.has_more and page2.has_more and not page3.has_more
    seen = [h.customer_id for p in (page1, page2, page3) for h in p.hits]
    assert sorted(seen) == sorted(p.id for p in people) and len(seen) == 25


def _same_prefix_station() -> list[Customer]:
    """Thirty 张 (some with two cars), more than a page of rows in the name range."""
    people = []
    for n in range(30):
        person = fx.customer(f"张{chr(0x4E00 + 7 * n)}", f"1391111{n:04d}")
        for car in range(1 + (n % 3 == 0)):
            fx.vehicle(person, fx.make_vin(f"LSVAB2BM5KN{n:03d}{car:02d}"), f"京D{n:03d}{car:02d}")
        people.append(person)
    return people


def _rows(hits: list[search.Hit]) -> list[tuple[int, int | None]]:
    return [(h.customer_id, h.vehicle_id) for h in hits]


@pytest.mark.parametrize("meanwhile", ["created", "left"])
def test_the_next_page_continues_after_the_last_row_shown(database, meanwhile):
    """Page 2 starts right after page 1's last row, whatever was created or left the
    range meanwhile: the list shown only grows, nothing twice, nothing skipped. (Cut at
    an offset, a customer created above the cut pushed page 1's last row onto page 2
    again, and one that left the range pulled a row above the cut, never shown.)"""
    from db import archive

    people = _same_prefix_station()
    page1 = search.search("张", limit=20)
    assert page1.has_more and len(page1.hits) == 20
    everything = _rows(search.search("张", limit=100).hits)
    assert _rows(page1.hits) == everything[:20] and len(everything) == 40
    if meanwhile == "created":
        fx.customer("张一", "13922220000")  # sorts at the top of page 1
    else:
        archive.update_customer(people[1].id, people[1].version, {"name": "李" + people[1].name}, None)
    page2 = search.search("张", limit=20, after=page1.next)
    assert _rows(page2.hits) == everything[20:40] and not page2.has_more


def test_one_page_read_at_once_is_the_start_of_a_longer_one(database):
    _same_prefix_station()
    for size in (1, 7, 20):
        longer = _rows(search.search("张", limit=3 * size).hits)
        page, shown = search.search("张", limit=size), []
        while True:
            shown += _rows(page.hits)
            if not page.has_more:
                break
            page = search.search("张", limit=size, after=page.next)
        assert shown[:3 * size] == longer and len(shown) == len(set(shown)) == 40


def test_paging_past_repeated_work_orders(database):
    """One car with many matching work orders is one row; paging still reaches the others."""
    owner = fx.customer("赵一", "13500000001")
    car = fx.vehicle(owner, fx.make_vin("LSVAB2BM5KN00001"), "京C00001")
    for n in range(30):
        fx.visit(car, owner, f"WO20260101-{n:04d}", dt.date(2026, 1, 1), 1000 + n)
    other = fx.customer("钱二", "13500000002")
    car2 = fx.vehicle(other, fx.make_vin("LSVAB2BM5KN00002"), "京C00002")
    fx.visit(car2, other, "WO20260101-9999", dt.date(2026, 1, 1), 500)
    assert ids("WO20260101", limit=5) == [(owner.id, car.id), (other.id, car2.id)]


def test_advisor_find_json_from_the_shell(station, db_target):
    import json
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "tui", "find", "zw", "--json", "--db", db_target],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "ADVISOR_TODAY": "2026-11-26"})
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["customer_id"] == station["zhang"].id
    assert rows[0]["mobile"] == "138****8000" and rows[0]["plate"] == "京A12345"
    assert rows[0]["last_visit"] == "2026-11-20" and rows[0]["vin"] == station["zhang_car"].vin
    assert "13812348000" not in result.stdout
    plain = subprocess.run([sys.executable, "-m", "tui", "find", "[@click", "--db", db_target],
                           capture_output=True, text=True, timeout=120)
    assert "[@click=app.quit]x[/]" in plain.stdout
