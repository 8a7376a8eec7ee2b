"""Derived data after every public write of db/: the search keys and the cars' stored
queue columns are what a recomputation from scratch gives, on both backends.

The recomputation here is the rules' own (``db.search``'s keys,
``db.queues.car_dates.queue_days`` and ``declined_to_offer``, the listing as
``db.queues.stored_days`` documents it) applied row by row in Python, not the set-based
rebuild that keeps the columns.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import functools
import importlib
from pathlib import Path

import pytest

import db.demo
import db.demo.bookings
import db.demo.orders
import db.health_record
from db import access, advisors, appointments, archive, book_prospect, derived, export, importer, merge, privacy, prospects, roles, segments, settings
from db.audit import write as audit
from db.connection import writing
from db.intake import drafts, reception as intake
from db.intake.reception import ContactForm, CustomerForm, IntakeData, OrderForm, VehicleForm
from db.models import Customer, Prospect, Vehicle, Visit
from db.queues import lists as queues, stored_days
from db.queues.car_dates import QUEUE_DAY_SETTINGS, declined_to_offer, queue_days
from db.queues.lists import DueItem
from db.queues.stored_days import DAY_COLUMNS, MARKETING, NONE, SERVICE
from db.search import customer_keys, prospect_keys, vehicle_keys
from tests import factory
from tests.intake_helpers import make_id, make_vin, reception

# The public functions of db/ that open a writing transaction, and what this file does
# with each: written through below, or known to write nothing derived data comes from.
EXERCISED = {
    archive: ("update_customer", "update_vehicle", "update_visit", "reveal", "add_contact"),
    db.demo: ("generate",),
    drafts: ("save_draft", "discard_draft"),
    importer: ("run_import", "apply_batch"),  # the Importer's batches
    intake: ("save_intake",),
    merge: ("merge",),
    privacy: ("set_consent", "anonymise"),
    prospects: ("create", "update", "set_status", "convert", "log_contact"),
    book_prospect: ("book_prospect",),
    queues: ("record_outcome", "postpone", "undo_last_call"),
    roles: ("change_setting",),
    segments: ("set_value_class", "recompute_occupation_categories"),
    settings: ("set_value",),
}
WRITE_NOTHING_DERIVED = {  # advisors, their sign-in, audit entries, files, the import's columns, bookings
    appointments: ("book", "move", "mark_no_shows"),  # the appointment queues read the bookings themselves
    db.demo.bookings: ("add",),
    # issue 18 (orderdb): a visit's settlement number and date, the demo's walk-arounds and part
    # kinds, the health record's file: none of them is a search key's or a queue day's source
    db.demo.orders: ("add",),
    db.health_record: ("export_health_record",),
    importlib.import_module("db.papers.settle"): ("settle",),  # (db.papers.settle is the function too)
    access: ("set_login", "set_password", "add_key", "remove_key", "record_failure", "record_sign_in",
             "record_sign_out", "issue_ticket", "redeem_ticket"),
    advisors: ("sign_in",),
    audit: ("record",),
    export: ("export",),
    importer: ("remember",),
    privacy: ("export_customer",),
    roles: ("add_advisor", "rename_advisor", "set_active", "set_role", "set_pin"),
}
THE_REBUILD = {stored_days: ("refresh_days", "refresh_all")}  # what db.derived calls
KNOWN = {getattr(module, name) for group in (EXERCISED, WRITE_NOTHING_DERIVED, THE_REBUILD)
         for module, names in group.items() for name in names}

_INPUTS = ("purchase_date", "registration_date", "first_maintenance_date", "last_maintenance_date",
           "last_maintenance_mileage", "last_mileage", "last_visit_date", "daily_km",
           "warranty_end_date", "warranty_end_km")


def _wrong_keys() -> list[str]:
    wrong = []
    for c in Customer.select():
        right = customer_keys(c.name, c.mobile, c.employer).as_dict()
        wrong += [f"customer {c.id} {k}={getattr(c, k)!r}, not {v!r}" for k, v in right.items() if getattr(c, k) != v]
    for car in Vehicle.select():
        right = vehicle_keys(car.vin, car.plate)
        wrong += [f"vehicle {car.id} {k}={getattr(car, k)!r}, not {v!r}" for k, v in right.items()
                  if getattr(car, k) != v]
    for p in Prospect.select():
        right = prospect_keys(p.name, p.mobile)
        wrong += [f"prospect {p.id} {k}={getattr(p, k)!r}, not {v!r}" for k, v in right.items() if getattr(p, k) != v]
    return wrong


def _listing(car: Vehicle, owners: dict[int, Customer]) -> int:
    owner = owners.get(car.owner_id)
    if car.status != "active" or owner is None or owner.merged_into_id or owner.anonymised_at:
        return NONE
    return SERVICE if owner.marketing_consent is False else MARKETING


def _wrong_days() -> list[str]:
    values = settings.get_many(*QUEUE_DAY_SETTINGS)
    owners = {c.id: c for c in Customer.select()}
    declined: dict[int, list[tuple[int, dt.date]]] = {}
    for visit in Visit.select().where(Visit.declined_work.is_null(False) & (Visit.declined_work != "")):
        declined.setdefault(visit.vehicle_id, []).append((visit.id, visit.visit_date))
    wrong = []
    for car in Vehicle.select():
        days = queue_days(**{name: getattr(car, name) for name in _INPUTS}, values=values)
        offer = declined_to_offer(declined.get(car.id, ()), car.last_visit_date) or (None, None)
        right = dict(zip(DAY_COLUMNS, (days.first_maintenance, days.maintenance, days.warranty,
                                       days.warranty_by_km)),
                     declined_visit=offer[0], declined_on=offer[1], listing=_listing(car, owners))
        wrong += [f"vehicle {car.id} {k}={getattr(car, k)!r}, not {v!r}" for k, v in right.items()
                  if getattr(car, k) != v]
    return wrong


def assert_right(after: str) -> None:
    wrong = _wrong_keys() + _wrong_days()
    assert not wrong, f"after {after}: " + "; ".join(wrong[:8])


def _due(customer_id: int, vehicle_id: int | None, queue: str = "maintenance") -> DueItem:
    return DueItem(queue=queue, due_key="2026-11-26", customer_id=customer_id, vehicle_id=vehicle_id,
                   prospect_id=None, name="", mobile_masked="", plate="", due_date=None, reason="")


def _record_calls(monkeypatch) -> set[tuple[str, str]]:
    """The ``EXERCISED`` functions called from here on (through the module named there),
    by (module, name)."""
    called: set[tuple[str, str]] = set()
    for module, names in EXERCISED.items():
        for name in names:
            original = getattr(module, name)

            @functools.wraps(original)
            def recorded(*args, __key=(module.__name__, name), __original=original, **kwargs):
                called.add(__key)
                return __original(*args, **kwargs)

            monkeypatch.setattr(module, name, recorded)
    return called


def test_every_write_path_leaves_keys_and_queue_days_right(database, tmp_path, monkeypatch):
    called = _record_calls(monkeypatch)
    db.demo.generate(customers=40, seed=3)
    assert_right("the demo")
    desk = factory.advisor("陈静")
    boss = factory.advisor("周经理", role="manager")

    # reception: a new archive with declined work, a consent, a prospect's conversion
    lead = prospects.create({"name": "欧阳娜娜", "mobile": "13912340001", "marketing_consent": False}, desk.id)
    assert_right("a new prospect")
    prospects.update(lead.id, lead.version, {"name": "欧阳娜", "mobile": "13912340002", "district": "武侯区"})
    assert_right("a prospect's edit")
    data = reception(name="欧阳娜", mobile="13912340002", vin=make_vin(7001), plate="川A7001Z",
                     declined_work="更换刹车片")
    data.prospect_id = lead.id
    data.contact = ContactForm(consent="yes")
    drafts.save_draft(desk.id, data.to_json())
    first = intake.save_intake(data, desk.id)
    drafts.discard_draft(desk.id)
    assert_right("an intake of a new archive")

    # a returning customer renamed at the desk, bringing a car that changes hands
    demo_car = Vehicle.select().where(Vehicle.owner.is_null(False) & (Vehicle.id != first.vehicle_id)).first()
    mine = Customer.get_by_id(first.customer_id)
    again = IntakeData(
        customer=CustomerForm(id=mine.id, version=mine.version, name="欧阳娜娜", mobile="13912340003",
                              employer="四川航空"),
        vehicle=VehicleForm(id=demo_car.id, version=demo_car.version, vin=demo_car.vin, plate="川A7002Z"),
        order=OrderForm(mileage=str((demo_car.last_mileage or 0) + 500), kind="first_maintenance",
                        labour_fee="100"),
        owner_change_confirmed=True)
    intake.save_intake(again, desk.id)
    assert_right("an intake of a returning customer with a car that changed hands")

    # the archive card: customer, vehicle, visit, contact with a refusal
    mine = Customer.get_by_id(first.customer_id)
    archive.update_customer(mine.id, mine.version, {"name": "单雄信", "employer": "成都银行"}, desk.id)
    assert_right("a card's customer edit")
    car = Vehicle.get_by_id(first.vehicle_id)
    archive.update_vehicle(car.id, car.version, {"plate": "川A7003Z", "purchase_date": "2023-02-01"}, desk.id)
    assert_right("a card's vehicle edit")
    mine = Customer.get_by_id(first.customer_id)
    archive.update_visit(first.visit_id, mine.version, {"labour_fee": "300"}, desk.id)
    archive.reveal(mine.id, "mobile", desk.id)
    archive.add_contact(mine.id, desk.id, outcome="reached", note="回访", consent="no")
    assert_right("a contact that withdrew the consent")
    privacy.set_consent(desk.id, mine.id, True)
    assert_right("a consent given")

    # the call queues and the prospects' list
    other = Customer.get_by_id(Vehicle.get_by_id(demo_car.id).owner_id)
    queues.record_outcome(_due(other.id, demo_car.id), "do_not_call", desk.id)
    queues.postpone(_due(other.id, demo_car.id, "warranty_end"), dt.date(2026, 12, 20), desk.id)
    assert_right("a queue call's do-not-call")
    queues.undo_last_call(desk.id)  # the do-not-call taken back: the consent given back
    assert_right("an undone call")
    queues.record_outcome(_due(other.id, demo_car.id), "do_not_call", desk.id)
    assert_right("the call recorded again")
    caller = prospects.create({"name": "吕子乔", "mobile": "13912340099"}, desk.id)
    book_prospect.book_prospect(caller.id, plate="川A7005Z", model="飞度", vin=make_vin(7005),
                                at=dt.datetime(2026, 11, 27, 10, 0), booked_by=desk.id)
    assert_right("a prospect booked with its car")
    walk_in = prospects.create({"name": "曾小贤", "mobile": "13912340004"}, desk.id)
    prospects.set_status(walk_in.id, walk_in.version, "dropped")
    walk_in = prospects.get(walk_in.id)
    prospects.set_status(walk_in.id, walk_in.version, "open")
    prospects.log_contact(walk_in.id, desk.id, {"outcome": "reached", "note": "想看看保养套餐"})
    plain = factory.customer("曾小贤", None)
    prospects.convert(walk_in.id, plain.id, desk.id)
    assert_right("a prospect's conversion")

    # the sales sheet: new archives, a known car filled in, an open prospect converted
    sheet = tmp_path / "sales.csv"
    open_lead = prospects.create({"name": "查理", "mobile": "13912340005", "marketing_consent": False}, desk.id)
    known = Vehicle.select().where(Vehicle.plate.is_null() & Vehicle.owner.is_null(False)).first() \
        or Vehicle.get_by_id(first.vehicle_id)
    known_owner = Customer.get_by_id(known.owner_id)
    with open(sheet, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["客户姓名", "手机号码", "身份证号", "车架号", "车牌号", "车型", "开票日期", "单位"])
        writer.writerow(["查理", "13912340005", make_id("51010719900101123"), make_vin(7101), "川A7101Z",
                         "朗逸", "2025/3/1", "天府软件园"])
        writer.writerow(["乐嘉", "13912340006", "", make_vin(7102), "", "途观", "2024/6/1", ""])
        writer.writerow([known_owner.name, known_owner.mobile or "", "", known.vin, known.plate or "川A7103Z",
                         "", "", "成都地铁"])
    result = importer.run_import(sheet, advisor_id=desk.id)
    assert result.rejected == 0 and prospects.get(open_lead.id).status == "converted"
    assert_right("an import")

    # the manager's acts: a threshold, a value class, a merge, an erasure
    roles.change_setting(boss.id, "maintenance.months", 4)
    roles.change_setting(boss.id, "warranty.years", 4)
    settings.set_value("warranty_end.km", 5000)
    assert_right("threshold changes")
    segments.set_value_class(mine.id, "A", "介绍了三位朋友", boss.id)
    segments.recompute_occupation_categories()
    assert_right("a value class and the occupations' categories")
    twin = intake.save_intake(reception(name="单雄信", mobile="13912340007", vin=make_vin(7201), plate="川A7201Z"),
                       desk.id)
    keep, lose = Customer.get_by_id(mine.id), Customer.get_by_id(twin.customer_id)
    merge.merge(keep.id, lose.id, boss.id, expected=(keep.version, lose.version))
    assert_right("a merge")
    privacy.anonymise(boss.id, keep.id)
    assert_right("an erasure")
    # the lookups see the end state: the erased archive's cars have no owner to find by
    assert Vehicle.get_by_id(first.vehicle_id).owner_id is None
    assert Customer.get_by_id(keep.id).name_key == customer_keys(privacy.ANONYMOUS_NAME, None, None).name_key
    assert called == {(module.__name__, name) for module, names in EXERCISED.items() for name in names}


def test_keys_follow_what_commits_not_what_a_rolled_back_savepoint_wrote(database):
    owner = factory.customer("王芳", "13800138000")
    with writing():
        Customer.update(name="李雷").where(Customer.id == owner.id).execute()
        derived.customers([owner.id])
        with pytest.raises(ZeroDivisionError), writing():  # a savepoint, undone
            Customer.update(name="韩梅梅", mobile=None).where(Customer.id == owner.id).execute()
            derived.customers([owner.id])
            1 / 0
    stored = Customer.get_by_id(owner.id)
    assert (stored.name_key, stored.pinyin_full, stored.mobile_rev) == ("李雷", "lilei", "00083100831")


def test_noting_a_change_outside_a_writing_transaction_is_refused(database):
    with pytest.raises(RuntimeError, match="writing"):
        derived.customers([1])


def test_a_settings_observer_sees_only_real_changes_of_its_keys(database):
    seen = []
    stop = settings.observe("churn.", lambda key, before, after, progress: seen.append((key, before, after)))
    try:
        settings.set_value("churn.lost_months", 18)
        settings.set_value("churn.lost_months", 18)  # the same value: nothing changed
        settings.set_value("calls.retry_days", 3)  # another prefix
    finally:
        stop()
    assert seen == [("churn.lost_months", 12, 18)]


def _writing_functions() -> list[tuple[str, str]]:
    """(module, function) of db/'s public module-level functions that open ``writing()``."""
    found = []
    root = Path(db.demo.__file__).parent.parent
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and any(
                    isinstance(item, ast.withitem) and isinstance(item.context_expr, ast.Call)
                    and getattr(item.context_expr.func, "id", None) == "writing" for item in ast.walk(node)):
                found.append((module, node.name))
    return found


def test_every_public_write_of_db_is_written_through_above_or_known_to_touch_no_derived_source():
    found = _writing_functions()
    assert ("db.intake.reception", "save_intake") in found and ("db.roles", "set_pin") in found  # the scan sees them
    unplaced = [f"{module}.{name}" for module, name in found
                if getattr(importlib.import_module(module), name) not in KNOWN]
    assert unplaced == [], "new write paths: write through them in the test above (EXERCISED) " \
                           "or list them in WRITE_NOTHING_DERIVED"
