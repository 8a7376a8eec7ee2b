"""Demo data: a realistic, deterministic synthetic station in an empty database.

``generate`` builds customers a chunk at a time (``db.demo.station``), each chunk in its
own transaction, and loads the rows in bulk (``db.demo.bulk``), so that a million
customers fit in minutes and in bounded memory. The same seed and the same pinned today
give the same database content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from db import settings
from db.clock import today
from db.connection import describe, writing
from db.demo import bulk
from db.demo import catalogue as cat
from db.demo import station as st
from db.errors import AdvisorError
from db.i18n import t
from db.models import (
    Advisor, Contact, Customer, Ownership, Prospect, Vehicle, Visit, VisitPart, database_proxy,
)

CHUNK = 5000  # customers per transaction: big enough to amortise, small enough for memory
_TABLES = (
    (Customer, st.CUSTOMER_FIELDS, "customers"),
    (Prospect, st.PROSPECT_FIELDS, "prospects"),
    (Vehicle, st.VEHICLE_FIELDS, "vehicles"),
    (Ownership, st.OWNERSHIP_FIELDS, "ownerships"),
    (Visit, st.VISIT_FIELDS, "visits"),
    (VisitPart, st.PART_FIELDS, "parts"),
    (Contact, st.CONTACT_FIELDS, "contacts"),
)
_SETTINGS = ("warranty.years", "warranty.km", "first_maintenance.months", "first_maintenance.km",
             "maintenance.months", "maintenance.km", "work_order.format")


@dataclass(frozen=True)
class DemoResult:
    customers: int
    vehicles: int
    visits: int


def refuse_if_not_empty() -> None:
    """Demo rows go into an empty archive only: never mix them with real customers."""
    for model, _, _ in _TABLES:
        if model.select().exists():
            database = database_proxy.obj
            raise AdvisorError(t("cli.demo.not_empty", target=describe(str(database.database))))


def _advisors() -> list[int]:
    """The demo station's advisors (kept if they already exist, e.g. the one signed in)."""
    from db.clock import now

    ids = []
    with writing():
        for name in cat.ADVISORS:
            advisor = Advisor.get_or_none(Advisor.name == name)
            if advisor is None:
                advisor = Advisor.create(name=name, created_at=now())
            ids.append(advisor.id)
    return ids


def generate(customers: int, seed: int,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Fill the open (empty) database with ``customers`` customers and their history."""
    refuse_if_not_empty()
    database = database_proxy.obj
    values = settings.get_many(*_SETTINGS)
    station = st.Station(seed, today(), values, _advisors(), values["work_order.format"])
    tables = [(bulk.Table(model, fields), attr) for model, fields, attr in _TABLES]
    vehicles = visits = 0
    done = 0
    with bulk.fast_load(database, [model for model, _, _ in _TABLES]):
        for number, start in enumerate(range(0, customers, CHUNK)):
            count = min(CHUNK, customers - start)
            rows = station.chunk(number, count)
            with writing():
                for table, attr in tables:
                    table.insert(database, getattr(rows, attr))
            vehicles += len(rows.vehicles)
            visits += len(rows.visits)
            done += count
            if progress is not None:
                progress(done, customers)
    return DemoResult(customers=done, vehicles=vehicles, visits=visits)
