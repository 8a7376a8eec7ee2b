"""The foundation on PostgreSQL: migrations, byte-order search keys, serialised writers."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest

from db.connection import close_database, open_database, schema_state, writing
from db.errors import DatabaseProblem
from db.models import Advisor, Customer, Vehicle, Visit
from db.pg import collation_of
from db.search import customer_keys, vehicle_keys

pytestmark = pytest.mark.backends("postgres")
NOW = dt.datetime(2026, 11, 26, 9, 30)


def _customer(name: str, mobile: str | None = None) -> Customer:
    return Customer.create(name=name, mobile=mobile, created_at=NOW, updated_at=NOW,
                           **customer_keys(name, mobile, None).as_dict())


def _name_prefix(prefix: str) -> list[str]:
    # The lookup's shape: a B-tree range [prefix, prefix with its last character bumped).
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = (Customer.select(Customer.name)
            .where((Customer.name_key >= prefix) & (Customer.name_key < upper))
            .order_by(Customer.name))
    return [c.name for c in rows]


def test_key_columns_compare_bytes(database):
    for table, column in [("customer", "name_key"), ("customer", "pinyin_initials"),
                          ("vehicle", "plate_rev"), ("vehicle", "vin_rev"), ("prospect", "mobile_rev")]:
        assert collation_of(database, table, column) == "C", (table, column)
    for name in ("张伟", "张三", "李娜", "王芳", "阿明"):
        _customer(name)
    # In a Chinese collation 张 sorts by its reading and the bumped character elsewhere:
    # without COLLATE "C" this range finds nobody.
    assert _name_prefix("张") == ["张三", "张伟"]


def test_prefix_range_uses_the_index(database):
    database.execute_sql("SET enable_seqscan = off")  # an empty table would rather scan
    plan = "\n".join(r[0] for r in database.execute_sql(
        "EXPLAIN SELECT id FROM customer WHERE name_key >= %s AND name_key < %s", ("张", "弡")))
    assert "customer_name_key" in plan


def test_a_page_of_a_shared_key_is_read_in_order_not_sorted(database):
    """Many customers with one key (an employer, common initials): the first page comes
    from the (key, id) index in order; the planner knows nearly every archive is live."""
    with database.atomic():
        for n in range(3000):
            _customer(f"王{n}")
    database.execute_sql("ANALYZE customer")
    plan = "\n".join(r[0] for r in database.execute_sql(
        "EXPLAIN SELECT id FROM customer WHERE pinyin_initials >= %s AND pinyin_initials < %s "
        "AND COALESCE(merged_into_id, 0) = 0 ORDER BY pinyin_initials, id LIMIT 21", ("w", "x")))
    assert "customer_pinyin_initials_id" in plan and "Sort" not in plan, plan


def test_types_round_trip(database):
    advisor = Advisor.create(name="刘洋", created_at=NOW, active=False)
    customer = _customer("李娜", "13800138000")
    customer.marketing_consent = True
    customer.birth_date = dt.date(1990, 2, 28)
    customer.save()
    vin = "LSVAU2180N2183294"
    vehicle = Vehicle.create(vin=vin, plate="京A12345", owner=customer, purchase_date=dt.date(2024, 5, 1),
                             daily_km=42.5, created_at=NOW, updated_at=NOW, **vehicle_keys(vin, "京A12345"))
    Visit.create(work_order_no="WO20261126-0001", vehicle=vehicle, customer=customer, advisor=advisor,
                 visit_date=dt.date(2026, 11, 26), mileage=12000, labour_fee=Decimal("120.50"),
                 parts_fee="80.255", total_fee=Decimal("200.76"), created_at=NOW)
    close_database()
    open_database(database_url(database))
    visit = Visit.get()
    assert visit.labour_fee == Decimal("120.50") and visit.parts_fee == Decimal("80.26")
    assert visit.visit_date == dt.date(2026, 11, 26) and visit.created_at == NOW
    assert Advisor.get().active is False
    assert Customer.get().marketing_consent is True and Customer.get().birth_date == dt.date(1990, 2, 28)
    assert Vehicle.get().daily_km == 42.5


def database_url(database) -> str:
    from tests.pg_support import url_of

    return url_of(database)


def test_writers_queue_one_after_another(database):
    """Like BEGIN IMMEDIATE on SQLite: a second writer waits for the first to commit."""
    url = database_url(database)
    _customer("张伟")
    inside, release, order = threading.Event(), threading.Event(), []

    def first():
        open_database(url)
        with writing():
            customer = Customer.get()
            inside.set()
            release.wait(10)
            customer.version += 1
            customer.save()
            order.append("first")
        close_database()

    def second():
        open_database(url)
        inside.wait(10)
        with writing():
            # Read after the lock: sees the first writer's commit, never a stale row.
            order.append(("second", Customer.get().version))
        close_database()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    inside.wait(10)
    threading.Timer(0.3, release.set).start()
    for th in threads:
        th.join(20)
    assert order == ["first", ("second", 2)]


def test_failed_write_rolls_back_with_a_message(database):
    _customer("张伟")
    with pytest.raises(DatabaseProblem):
        with writing():
            _customer("李娜")
            database.execute_sql("SELECT no_such_column FROM customer")
    assert [c.name for c in Customer.select()] == ["张伟"]
    with writing():  # the connection is usable again
        _customer("王芳")
    assert Customer.select().count() == 2


def test_old_database_upgrades_and_newer_is_refused(pg_server):
    from peewee import PostgresqlDatabase
    from playhouse.migrations import Runner

    from db.connection import MIGRATIONS_DIR
    from tests.pg_support import url_of

    url = pg_server.extra_database()
    old = open_database(url, migrate=False)
    Runner(old, directory=str(MIGRATIONS_DIR)).up(target="0001_initial")
    old.execute_sql("INSERT INTO advisor (name, role, active, created_at) VALUES ('王芳', 'advisor', true, now())")
    assert collation_of(old, "customer", "name_key") is None
    close_database()
    database = open_database(url)
    assert isinstance(database, PostgresqlDatabase) and url_of(database) == url
    assert [a.name for a in Advisor.select()] == ["王芳"]
    assert collation_of(database, "customer", "name_key") == "C"
    applied, unknown = schema_state(database)
    assert "0002_pg_byte_order_keys" in applied and not unknown
    database.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', now())")
    close_database()
    with pytest.raises(DatabaseProblem, match="更新版本"):
        open_database(url)


def test_unreachable_server_is_a_clear_message():
    with pytest.raises(DatabaseProblem, match="无法连接数据库"):
        open_database("postgresql://postgres@127.0.0.1:1/nothing")
