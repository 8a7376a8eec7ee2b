"""``advisor migrate-to``: a SQLite archive copied whole into PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db import settings
from db.connection import close_database, open_database
from db.errors import DatabaseProblem
from db.models import ALL_MODELS, Advisor, Customer, Vehicle, Visit, VisitPart
from db.migrate_to import move_to_postgres
from db.search import customer_keys, vehicle_keys
from tests.test_cli import advisor

NOW = dt.datetime(2026, 11, 26, 9, 0, 5)
VIN = "LSVAU2180N2183294"


def _station() -> dict[str, list]:
    """A small archive with every kind of value, and a customer merged into a later one."""
    desk = Advisor.create(name="刘洋", created_at=NOW, active=True)
    first = Customer.create(name="张伟", mobile="13800138000", created_at=NOW, updated_at=NOW,
                            marketing_consent=False, **customer_keys("张伟", "13800138000", None).as_dict())
    second = Customer.create(name="张伟", mobile="13900139000", created_at=NOW, updated_at=NOW,
                             birth_date=dt.date(1985, 3, 9), marketing_consent=True,
                             hobbies="钓鱼\t登山\\N 路亚\n\r摄影 \\",  # COPY's own marks, as text
                             **customer_keys("张伟", "13900139000", None).as_dict())
    first.merged_into = second
    first.save()
    car = Vehicle.create(vin=VIN, plate="沪A88888", owner=second, purchase_date=dt.date(2023, 4, 1),
                         sold_here=True, daily_km=37.25, created_at=NOW, updated_at=NOW,
                         **vehicle_keys(VIN, "沪A88888"))
    visit = Visit.create(work_order_no="WO20261126-0001", vehicle=car, customer=second, advisor=desk,
                         visit_date=dt.date(2026, 11, 26), mileage=23456, labour_fee=Decimal("300.00"),
                         parts_fee=Decimal("45.50"), total_fee=Decimal("345.50"), created_at=NOW)
    VisitPart.create(visit=visit, name="机油滤清器", quantity=Decimal("1.5"), unit_price=Decimal("30.33"))
    settings.set_value("maintenance.km", 7500)
    return {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples()) for m in ALL_MODELS}


@pytest.mark.sqlite_only
def test_every_row_and_value_arrives(database, pg_server):
    from db.audit import chain as auditchain
    from db.audit import write as audit

    audit.record("reveal", advisor_id=None, field="mobile")  # the log's chain moves with it
    before = _station()
    url = pg_server.extra_database()
    seen: set[str] = set()
    result = move_to_postgres(database, url, lambda table, done, total: seen.add(table))
    assert result.counts["customer"] == 2 and result.counts["visit_part"] == 1
    assert seen == {m._meta.table_name for m in ALL_MODELS}
    close_database()
    open_database(url)
    after = {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples()) for m in ALL_MODELS}
    assert after == before
    report = auditchain.verify(Customer._meta.database)
    assert report.ok and report.count == len(before["audit_entry"]) > 0
    assert Customer.get_by_id(1).merged_into_id == 2
    assert settings.get("maintenance.km") == 7500
    # The sequences moved past the copied ids: a new archive does not collide.
    new = Customer.create(name="李娜", created_at=NOW, updated_at=NOW, **customer_keys("李娜", None, None).as_dict())
    assert new.id == 3


@pytest.mark.sqlite_only
def test_refuses_a_target_that_holds_data_and_one_that_is_not_postgres(database, db_path, pg_server):
    _station()
    url = pg_server.extra_database()
    move_to_postgres(database, url)
    with pytest.raises(DatabaseProblem, match="已经有档案"):
        move_to_postgres(database, url)
    with pytest.raises(DatabaseProblem, match="postgresql://"):
        move_to_postgres(database, str(db_path.with_name("other.sqlite")))
    close_database()
    result = advisor("--db", str(db_path), "migrate-to", url, "--lang", "en")
    assert result.returncode == 2 and "already holds data" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only
def test_cli_moves_and_says_how_to_use_it(database, db_path, pg_server):
    _station()
    close_database()
    url = pg_server.extra_database()
    result = advisor("--db", str(db_path), "migrate-to", url)
    assert result.returncode == 0, result.stderr
    assert "各表记录数一致" in result.stdout and f"--db {url}" in result.stdout
    open_database(url)
    assert Visit.get().total_fee == Decimal("345.50")
