"""Demo data: a realistic, deterministic synthetic station in an empty database.

``generate`` builds customers a chunk at a time (``db.demo.station``), each chunk in its
own transaction, and loads the rows in bulk (``db.demo.bulk``), so that a million
customers fit in minutes and in bounded memory. The same seed and the same pinned today
give the same database content.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from db import derived, settings
from db.clock import now, today
from db.connection import describe, writing
from db.demo import bookings, bulk, orders
from db.demo import catalogue as cat
from db.demo import records as rec
from db.demo import station as st
from db.demo.numbering import WorkOrderNumbers
from db.errors import AdvisorError
from db.i18n import t
from db.models import (
    Advisor, Contact, Customer, Ownership, Prospect, Vehicle, Visit, VisitPart, database_proxy,
)

CHUNK = 5000  # customers per transaction: big enough to amortise, small enough for memory
WORKERS = 2  # processes making chunks while this one loads them
_TABLES = (
    (Customer, rec.CUSTOMER_FIELDS, "customers"),
    (Prospect, rec.PROSPECT_FIELDS, "prospects"),
    (Vehicle, rec.VEHICLE_FIELDS, "vehicles"),
    (Ownership, rec.OWNERSHIP_FIELDS, "ownerships"),
    (Visit, rec.VISIT_FIELDS, "visits"),
    (VisitPart, rec.PART_FIELDS, "parts"),
    (Contact, rec.CONTACT_FIELDS, "contacts"),
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
    ids = []
    with writing():
        for name in cat.ADVISORS:
            advisor = Advisor.get_or_none(Advisor.name == name)
            if advisor is None:
                advisor = Advisor.create(name=name, created_at=now())
            ids.append(advisor.id)
    return ids


def _sizes(customers: int) -> list[int]:
    return [min(CHUNK, customers - start) for start in range(0, customers, CHUNK)]


Packed = tuple[object, dict[str, int]]  # what a carrier carries, and the chunk's row counts


def _make(station: st.Station, carrier, number: int, size: int) -> Packed:
    rows = station.chunk(number, size)
    return carrier.pack(number, rows), rows.counts()


def _produce(station: st.Station, carrier, sizes: list[int], first: int, step: int, queue) -> None:
    """A making process: chunks first, first + step, … into its queue."""
    try:
        for number in range(first, len(sizes), step):
            queue.put(_make(station, carrier, number, sizes[number]))
    except BaseException as exc:  # noqa: BLE001 - handed over to the loading process
        queue.put(exc)


@contextlib.contextmanager
def _chunks(station: st.Station, carrier, sizes: list[int]) -> Iterator[Iterator[Packed]]:
    """Every chunk, packed, in order; made by other processes when that pays.

    Making rows costs more than loading them, and the machine has cores to spare: forked
    workers make chunks (each depends only on its number) while this process loads them
    in order. A queue per worker holds two chunks at most, which bounds memory. Small
    builds, and systems without fork, make chunks inline.
    """
    if len(sizes) <= 2 or "fork" not in mp.get_all_start_methods():
        yield (_make(station, carrier, number, size) for number, size in enumerate(sizes))
        return
    station.warm_up()  # once here rather than once per worker
    context = mp.get_context("fork")
    workers = min(WORKERS, len(sizes))
    queues = [context.Queue(maxsize=2) for _ in range(workers)]
    children = [context.Process(target=_produce, daemon=True,
                                args=(station, carrier, sizes, w, workers, queues[w]))
                for w in range(workers)]
    for child in children:
        child.start()

    def receive() -> Iterator[Packed]:
        for number in range(len(sizes)):
            item = queues[number % workers].get()
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        yield receive()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join()


def generate(customers: int, seed: int,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Fill the open (empty) database with ``customers`` customers and their history."""
    refuse_if_not_empty()
    database = database_proxy.obj
    values = settings.get_many(*_SETTINGS)
    station = st.Station(seed, today(), values, _advisors(), CHUNK)
    # Work-order and settlement numbers run per day across chunks: given at load, in load order.
    numbers = WorkOrderNumbers(values["work_order.format"])
    settlements = orders.settlement_numbers()
    tables = [bulk.Table(model, fields, attr, rec.OFFSETS[model._meta.table_name],
                         renumber=("work_order_no", "settlement_no") if model is Visit else ())
              for model, fields, attr in _TABLES]
    carrier = bulk.carrier(database, tables)
    # Rows so far per table: a chunk's local ids start after them.
    shift = dict.fromkeys(("customer", "prospect", "vehicle", "ownership", "visit"), 0)
    try:
        with bulk.fast_load(database, [model for model, _, _ in _TABLES]), \
                _chunks(station, carrier, _sizes(customers)) as chunks:
            for payload, counts in chunks:
                carrier.load(database, payload, shift, (numbers.next, settlements))
                for key, count in counts.items():
                    shift[key] += count
                if progress is not None:
                    progress(shift["customer"], customers)
            # Search keys and what the queues look up, as every write path leaves them:
            # before the indexes are rebuilt, so that filling every row keeps none of them
            # up to date.
            with writing():
                derived.everything()
    finally:
        carrier.close()
    bookings.add(seed, today())  # last, from its own stream: the rows above stay as they were
    orders.add(settlements)  # the store's heading and the settlement counters
    return DemoResult(customers=shift["customer"], vehicles=shift["vehicle"], visits=shift["visit"])
