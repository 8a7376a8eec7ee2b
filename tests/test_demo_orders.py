"""The demo's reception orders (issue 18): the first start shows walk-arounds, part kinds
with consent, labour hours, diagnoses and settled past visits; a seed's customers, cars
and visits stay as they were without them; the papers print from a demo visit."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter as Tally

import pytest

from db.connection import close_database, open_database
from db.models import Visit, VisitPart
from db.papers import render_settlement_pdf
from db.papers.settle import next_settlement_no
from db.walkaround import AREAS, DAMAGE_CODES, FUEL_LEVELS, WARNING_LIGHTS, decode_damage
from tests.test_demo import TODAY, _build
from tests.test_papers import text_of

# The columns the station made before issue 18 (the ones the orders pass must not move).
VISIT_COLUMNS = ("id", "work_order_no", "vehicle_id", "customer_id", "advisor_id", "visit_date", "mileage",
                 "kind", "work_requested", "work_done", "labour_fee", "parts_fee", "other_fee", "total_fee",
                 "payment_method", "declined_work", "created_at")
PART_COLUMNS = ("id", "visit_id", "name", "quantity", "unit_price")
# (the demo file is built by a module fixture, before the real clock is pinned: no stamps)
BOOKING_COLUMNS = ("id", "customer_id", "vehicle_id", "day", "slot", "advisor_id", "status", "visit_id")


def _digest(path) -> dict[str, str]:
    """A hash of each table's rows (the visits' and parts' columns made before issue 18)."""
    digests = {}
    with sqlite3.connect(path) as conn:
        for table, columns in (("visit", VISIT_COLUMNS), ("visit_part", PART_COLUMNS),
                               ("customer", ("*",)), ("vehicle", ("*",)), ("appointment", BOOKING_COLUMNS)):
            digest = hashlib.sha256()
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()[:12]
    return digests


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("orders") / "demo.sqlite"
    _build(path, 200, seed=7)
    return path


@pytest.fixture
def demo(demo_file):
    open_database(demo_file)
    yield demo_file
    close_database()


def test_the_orders_leave_a_seeds_rows_as_they_were(demo_file, tmp_path, monkeypatch):
    """The values are made from hashes, not from the station's random stream: with them
    all left empty, every other column of every row is the same."""
    from db.demo import orders

    monkeypatch.setattr(orders.Orders, "visit", lambda self, *args: (None,) * len(orders.VISIT_FIELDS))
    monkeypatch.setattr(orders.Orders, "part", lambda self, *args: (None,) * len(orders.PART_FIELDS))
    bare = tmp_path / "bare.sqlite"
    _build(bare, 200, seed=7)
    assert _digest(demo_file) == _digest(bare)
    with sqlite3.connect(bare) as conn:
        assert conn.execute('SELECT COUNT(*) FROM visit WHERE fuel_level IS NOT NULL').fetchone() == (0,)


def test_walkarounds_are_filled_mostly_with_nothing_to_mark(demo):
    visits = list(Visit.select())
    assert all(v.fuel_level in FUEL_LEVELS for v in visits)
    assert all(v.spare_tyre is not None and v.tools is not None and v.waiting is not None for v in visits)
    marked = [v for v in visits if v.damage]
    assert 0.05 < len(marked) / len(visits) < 0.5  # mostly nothing to mark
    for visit in marked:  # every stored mark reads back through the catalogue
        damage = decode_damage(visit.damage)
        assert damage and set(damage) <= set(AREAS) and all(set(c) <= set(DAMAGE_CODES) for c in damage.values())
    assert all(set(v.warning_lights.split(",")) <= set(WARNING_LIGHTS) for v in visits if v.warning_lights)
    repairs = [v for v in visits if v.kind in ("repair", "warranty", "accident")]
    assert repairs and all(v.diagnosis for v in repairs)
    assert all(v.labour_hours and v.labour_hours > 0 for v in visits)
    with_parts = {p.visit_id for p in VisitPart.select(VisitPart.visit)}
    assert {v.old_parts for v in visits if v.id in with_parts} == {"take", "leave"}


def test_part_lines_have_kinds_codes_and_consent(demo):
    parts = list(VisitPart.select())
    kinds = Tally(p.kind for p in parts)
    assert kinds["original"] > 0.7 * len(parts) and kinds["aftermarket"] > 0
    assert set(kinds) <= {"original", "aftermarket", "repaired", "used"}
    assert all(p.code for p in parts)
    codes = {}
    for p in parts:  # one number per part
        assert codes.setdefault(p.name, p.code) == p.code
    assert all(p.consent for p in parts if p.kind in ("repaired", "used"))
    assert all(p.consent is None for p in parts if p.kind in ("original", "aftermarket"))


def test_past_visits_are_settled_and_numbering_goes_on(demo):
    visits = list(Visit.select())
    past = [v for v in visits if v.visit_date < TODAY]
    assert past and all(v.settled_on == v.visit_date and v.settlement_no for v in past)
    assert len({v.settlement_no for v in past}) == len(past)
    day = max(v.settled_on for v in past)
    that_day = sorted((v.id, v.settlement_no) for v in past if v.settled_on == day)
    assert [n for _, n in that_day] == [f"JS{day:%Y%m%d}-{i:04d}" for i in range(1, len(that_day) + 1)]
    assert next_settlement_no(day) == f"JS{day:%Y%m%d}-{len(that_day) + 1:04d}"
    repair = next(v for v in past if v.kind == "repair" and v.parts_fee > 0)
    text = text_of(render_settlement_pdf(repair.id))
    assert repair.settlement_no in text and repair.work_order_no in text


def test_the_store_heads_the_demo_papers(demo):
    from db import settings

    assert settings.get("store.name") and settings.get("store.address")


def test_the_demo_start_day_has_no_settled_future(demo):
    assert not Visit.select().where(Visit.settled_on > TODAY).exists()
    assert TODAY - dt.timedelta(days=1) >= Visit.select().order_by(Visit.settled_on.desc()).first().settled_on


def test_the_orders_pass_on_either_backend(database):
    """The same SQL on SQLite and PostgreSQL (hours, promised times, booleans, numbers)."""
    from db.clock import pin_today
    from db.demo import generate

    pin_today(TODAY)
    generate(customers=60, seed=3)
    visits = list(Visit.select())
    assert all(v.fuel_level and v.labour_hours and v.promised_at and v.settlement_no for v in visits)
    assert all(v.promised_at.date() == v.visit_date and 15 <= v.promised_at.hour <= 17 for v in visits)
    assert all(v.labour_hours * 180 >= v.labour_fee for v in visits if v.labour_fee)
    assert all(p.code and p.kind for p in VisitPart.select())
