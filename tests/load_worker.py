"""A desk in its own process, for the load and crash tests (``python -m tests.load_worker``).

``intakes DB WORKER N SHARED``: N receptions: new archives, and every fifth a returning
customer from the SHARED pool (ids 1..SHARED) whose archive is edited (occupation) over
the version just read. A ``Conflict`` (another desk edited first) is answered as an
advisor would: read again, save again. Prints one JSON line: saved, edits, retries,
failures (messages of any save that did not land).

``serial DB START END``: receptions START..END-1 one after another, "ready" after the
first; killed at a random moment by the crash test.

``import DB SHEET``: the sales-sheet import, "ready" once the program is loaded.

``desk DB``: an open desk taking orders on stdin, one a line, answering one line each:
``save N`` (reception N: "saved <customer id>" or "refused <message>"), ``unlock`` (drop
the open-desk lock, as a desk of an earlier version never held it), ``quit``.
"""

from __future__ import annotations

import json
import sys

from tests.intake_helpers import make_vin, reception

SHARED_VIN_BASE = 900_000


def plate_for(n: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"粤{letters[n % 24]}{n // 24 % 100000:05d}"


def new_reception(n: int):
    return reception(name=f"顾客{n}", mobile=f"139{n:08d}", vin=make_vin(n), plate=plate_for(n),
                     mileage=str(1000 + n % 50_000))


def returning(customer_id: int, mileage: int, note: str):
    from db.intake.reception import CustomerForm, VehicleForm
    from db.models import Customer, Vehicle

    customer = Customer.get_by_id(customer_id)
    car = Vehicle.get(Vehicle.owner == customer_id)
    data = reception(name=customer.name, mobile=customer.mobile, vin=car.vin, mileage=str(mileage))
    data.customer = CustomerForm(id=customer.id, version=customer.version, name=customer.name,
                                 mobile=customer.mobile, occupation=note)
    data.vehicle = VehicleForm(id=car.id, vin=car.vin, plate=car.plate or "")
    data.lower_mileage_confirmed = True  # eight desks: mileages arrive out of order
    return data


def intakes(db: str, worker: int, count: int, shared: int) -> dict:
    from db.connection import open_database
    from db.errors import AdvisorError, Conflict
    from db.intake.reception import save_intake

    open_database(db)
    saved = edits = retries = 0
    failures: list[str] = []
    for i in range(count):
        if i % 5 == 0:
            customer_id = 1 + (worker + i) % shared
            while True:
                try:
                    save_intake(returning(customer_id, 50_000 + i, f"w{worker}-{i}"), None)
                    saved += 1
                    edits += 1
                    break
                except Conflict:
                    retries += 1  # another desk saved this archive first: read again, save again
                except AdvisorError as exc:
                    failures.append(str(exc))
                    break
        else:
            try:
                save_intake(new_reception(10_000 * (worker + 1) + i), None)
                saved += 1
            except AdvisorError as exc:
                failures.append(str(exc))
    return {"saved": saved, "edits": edits, "retries": retries, "failures": failures}


def serial(db: str, start: int, end: int) -> None:
    from db.connection import open_database
    from db.intake.reception import save_intake

    open_database(db)
    for n in range(start, end):
        save_intake(new_reception(n), None)
        if n == start:
            print("ready", flush=True)


def run_import(db: str, sheet: str) -> None:
    from db import importer
    from db.connection import open_database

    open_database(db)
    print("ready", flush=True)
    importer.run_import(sheet, rejects_path=sheet + ".rejects.csv")


def desk(db: str) -> None:
    from pathlib import Path

    from db import desks
    from db.connection import open_database
    from db.errors import AdvisorError
    from db.intake.reception import save_intake

    open_database(db)
    print("ready", flush=True)
    for line in sys.stdin:
        order, *args = line.split()
        if order == "save":
            try:
                print(f"saved {save_intake(new_reception(int(args[0])), None).customer_id}", flush=True)
            except AdvisorError as exc:
                print(f"refused {exc}", flush=True)
        elif order == "unlock":
            desks.leave(Path(db))
            print("unlocked", flush=True)
        elif order == "quit":
            return


def main(argv: list[str]) -> None:
    from db.clock import pin_today

    pin_today("2026-11-26")
    mode, db, *rest = argv
    if mode == "intakes":
        print(json.dumps(intakes(db, int(rest[0]), int(rest[1]), int(rest[2]))), flush=True)
    elif mode == "serial":
        serial(db, int(rest[0]), int(rest[1]))
    elif mode == "import":
        run_import(db, rest[0])
    elif mode == "desk":
        desk(db)


if __name__ == "__main__":
    main(sys.argv[1:])
