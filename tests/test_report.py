"""The report's numbers against hand-computed values on a small fixed station.

Today is pinned to 2026-11-26; ``churn.lost_months`` is 12; the period is Dec 2025 – Mar 2026.

    customer  created by  car (bought, use)        visits (date, fee)
    A         X           2024-01-10 private       2025-06-10 100, 2026-03-05 200
    B         X           2020-01-01 official      2025-03-15 300
    C         Y           2022-06-01 commercial    2026-03-20 400
    D         —           2024-01-10 private       2024-12-01 50
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from db import report
from tests.manager_fixtures import small_station

FROM, TO = dt.date(2025, 12, 1), dt.date(2026, 3, 31)


@pytest.fixture
def station(database):
    return small_station()


@pytest.mark.parametrize("bits, chunk", [(62, 36), (14, 4), (5, 2), (1, 1)])
def test_months_return_and_churn(station, monkeypatch, bits, chunk):
    # whatever one customer's month mask holds: the months of a chunk, how far it looks
    # back before them (0 to 12 months here; the rest from the latest visit before it)
    monkeypatch.setattr(report, "MASK_BITS", bits)
    monkeypatch.setattr(report, "CHUNK_MONTHS", chunk)
    lines = report.month_lines(FROM, TO, 12)
    got = [(m.month, m.visits, m.revenue, m.active, m.returned, m.churned) for m in lines]
    assert got == [
        ("2025-12", 0, Decimal("0.00"), 3, 0, 1),  # D's last visit turned a year old on 12-01
        ("2026-01", 0, Decimal("0.00"), 2, 0, 0),
        ("2026-02", 0, Decimal("0.00"), 2, 0, 0),
        ("2026-03", 2, Decimal("600.00"), 2, 1, 1),  # A came back; B lost on 03-15; C is new
    ]
    assert lines[3].return_rate == 0.5 and lines[3].churn_rate == 0.5
    assert lines[1].return_rate == 0.0 and abs(lines[0].churn_rate - 1 / 3) < 1e-9


def test_calls_per_advisor(station):
    lines = {c.advisor: c for c in report.call_lines(FROM, TO)}
    assert (lines["顾问X"].calls, lines["顾问X"].follow_ups) == (3, 2)
    assert lines["顾问X"].outcomes == {"reached": 1, "booked": 1, "no_answer": 1, "declined": 0, "other": 0}
    assert (lines["顾问Y"].calls, lines["顾问Y"].follow_ups) == (2, 0)
    assert list(lines) == ["顾问X", "顾问Y"]  # most calls first


def test_reminders_and_returns(station):
    got = report.reminders(FROM, TO)
    # X's booked reminder (02-20) was followed by A's visit on 03-05; Y's reached reminder
    # to B was not; Y's unanswered call to C was not a reminder sent.
    assert (got.sent, got.came_back, got.within_days, got.rate) == (2, 1, 30, 0.5)


def test_completeness_station_and_per_advisor(station):
    # Each archive: 2 of 12 customer fields (name, mobile), 2 of 8 vehicle fields (VIN,
    # purchase date), 0 of 1 per visit (work done). A 4/22, B 4/21, C 4/21, D 4/21.
    score, lines = report.completeness_lines()
    assert score == round(100 * 16 / 85, 1)
    assert [(line.advisor, line.archives, line.score) for line in lines] == [
        ("顾问X", 2, round(100 * 8 / 43, 1)), ("顾问Y", 1, round(100 * 4 / 21, 1))]


def test_segments(station):
    pytest.importorskip("db.segments")
    lines = {(s.kind, s.code): (s.customers, s.visits, s.revenue) for s in report.segment_lines(FROM, TO)}
    # age at 2026-03-31: A and D in warranty, C out of warranty (< 5 years), B over 5 years
    assert lines[("age", "warranty")] == (2, 1, Decimal("200.00"))
    assert lines[("age", "mid")] == (1, 1, Decimal("400.00"))
    assert lines[("age", "old")] == (1, 0, Decimal("0.00"))
    assert lines[("use", "private")] == (2, 1, Decimal("200.00"))
    assert lines[("use", "official")] == (1, 0, Decimal("0.00"))
    assert lines[("use", "commercial")] == (1, 1, Decimal("400.00"))
    # value over the 12 months to 2026-03-31: A two paid visits (B), C one (C), B and D none (D)
    assert lines[("value", "B")] == (1, 1, Decimal("200.00"))
    assert lines[("value", "C")] == (1, 1, Decimal("400.00"))
    assert lines[("value", "D")][0] == 2 and lines[("value", "A")] == (0, 0, Decimal("0.00"))


def test_segments_set_apart_customers(station):
    """A class set by hand counts over the computed one; a merged or anonymised customer
    is no longer counted, nor are their cars, but their work orders stay in the figures."""
    from db import segments
    from db.queues import stored_days as due_days
    from db.clock import now
    from db.models import Customer

    ids = {c.name: c.id for c in Customer.select()}
    segments.set_value_class(ids["甲"], "A", "大客户", None)
    Customer.update(merged_into=ids["甲"]).where(Customer.id == ids["丙"]).execute()
    Customer.update(anonymised_at=now()).where(Customer.id == ids["丁"]).execute()
    due_days.refresh_owners([ids["丙"], ids["丁"]])  # as merging and anonymising do
    lines = {(s.kind, s.code): (s.customers, s.visits, s.revenue) for s in report.segment_lines(FROM, TO)}
    assert lines[("age", "warranty")] == (1, 1, Decimal("200.00"))  # D's car no longer counted
    assert lines[("age", "mid")] == (0, 1, Decimal("400.00"))  # C's car gone, its visit kept
    assert lines[("use", "commercial")] == (0, 1, Decimal("400.00"))
    assert lines[("value", "A")] == (1, 1, Decimal("200.00"))  # A by hand (computed: B)
    assert lines[("value", "B")] == (0, 0, Decimal("0.00"))
    assert lines[("value", "C")] == (0, 1, Decimal("400.00"))  # C merged away: visit kept
    assert lines[("value", "D")] == (1, 0, Decimal("0.00"))  # B; D anonymised


@pytest.mark.parametrize("bits, chunk", [(62, 36), (5, 2)])
def test_whole_report_has_each_parts_figures(station, monkeypatch, bits, chunk):
    # build() takes the months and the value segments from one pass over the visits
    monkeypatch.setattr(report, "MASK_BITS", bits)
    monkeypatch.setattr(report, "CHUNK_MONTHS", chunk)
    built = report.build(FROM, TO)
    assert built.months == report.month_lines(FROM, TO, 12)
    assert built.segments == report.segment_lines(FROM, TO)


def test_whole_report_as_json(station):
    pytest.importorskip("db.segments")
    data = report.build("2025-12-01", "2026-03-31").as_json()
    json.dumps(data, ensure_ascii=False)  # plain values only
    assert (data["visits"], data["revenue"]) == (2, "600.00")
    assert data["months"][3]["return_rate"] == 0.5 and data["reminders"]["rate"] == 0.5


def test_bad_period_refused(database):
    from db.errors import Invalid

    with pytest.raises(Invalid, match="早于"):
        report.parse_period("2026-03-01", "2026-01-01")
    assert report.parse_period(None, None) == (dt.date(2025, 12, 1), dt.date(2026, 11, 26))


def test_a_big_stations_figures_stay_apart_and_whole():
    """160,280 work orders and ¥129,508,055 in one segment: every figure is printed whole,
    with a space before it, and the line still fits 80 columns."""
    import datetime as dt
    from decimal import Decimal

    from tui.report_render import render

    big = report.Report(dt.date(2025, 12, 1), dt.date(2026, 11, 26), segments=[
        report.SegmentLine("use", "private", "用途", "私家车", 89_887, 160_280, Decimal("129508055")),
        report.SegmentLine("use", "official", "用途", "公务车", 10_232, 28_740, Decimal("24138431")),
    ])
    lines = render(big).plain.splitlines()
    line = next(x for x in lines if "私家车" in x)
    assert " 89,887 160,280 ¥129,508,055 " in line
    assert max(len(x) for x in lines) <= 80


def test_a_big_stations_months_and_calls_stay_apart_and_whole():
    """A month's revenue of ¥110,792,337 and an advisor's 1,234,567 calls: printed whole,
    each with a space before it (fixed columns used to cut or join them)."""
    from tui.report_render import render

    big = report.Report(dt.date(2025, 12, 1), dt.date(2026, 11, 26), months=[
        report.MonthLine("2026-10", 160_280, Decimal("110792337"), 250_000, 120_000, 4_000),
        report.MonthLine("2026-11", 9, Decimal("900"), 10, 5, 0),
    ], calls=[report.AdvisorCalls("周敏", 1_234_567, 456_789,
                                  {o: 100_000 + n for n, o in enumerate(report.OUTCOME_COLUMNS)})])
    lines = render(big).plain.splitlines()
    october = next(x for x in lines if x.startswith("2026-10"))
    assert october.split() == ["2026-10", "160,280", "¥110,792,337", "250,000", "120,000", "48.0%", "4,000", "1.6%"]
    calls = next(x for x in lines if x.startswith("周敏"))
    assert calls.split()[1:3] == ["1,234,567", "456,789"]
    assert all(f"{100_000 + n:,}" in calls.split() for n in range(len(report.OUTCOME_COLUMNS)))


def test_a_big_stations_counts_are_grouped_everywhere_in_the_report():
    """The header, the reminders' line and each advisor's archives group their digits as
    the tables do: 224725 is hard to read at a glance."""
    from tui.report_render import render

    big = report.Report(dt.date(2025, 12, 1), dt.date(2026, 11, 26), visits=224_725,
                        revenue=Decimal("180123456"),
                        completeness_by_advisor=[report.AdvisorCompleteness("顾问X", 12_345, 81.5)],
                        reminders=report.Reminders(23_456, 4_567, 30))
    text = render(big).plain
    assert "统计期 2025-12-01 至 2026-11-26 · 工单 224,725 张 · 营业额 ¥180,123,456" in text
    assert "已提醒 23,456 次，其中 30 天内回厂 4,567 次（19.5%）" in text
    assert "12,345 份" in text
    assert all(len(run) <= 3 for run in _digit_runs(text))  # no other count left ungrouped


def _digit_runs(text: str) -> list[str]:
    """Runs of digits not broken by a separator, outside dates and percentages."""
    import re

    plain = re.sub(r"\d{4}-\d{2}(-\d{2})?|\d+\.\d+%", "", text)
    return re.findall(r"\d+", plain)
