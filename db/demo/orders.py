"""The demo station's reception orders and settlements (issue 18), filled in after the
station is made so that a seed's customers, cars and visits stay exactly as they were.

- The walk-around: the fuel gauge, spare tyre and tools (now and then missing), now and
  then valuables and (at repairs) a warning light; damage mostly none, a scratch or a
  chip on about one car in five (the same marks at each of the car's visits, as an old
  scratch is seen again), and an accident's damage where the accident was.
- Repairs carry the advisor's diagnosis; every visit its labour hours (from the labour
  fee, in half hours), a promised time, waiting or not, and the old-parts choice when
  parts were changed.
- Part lines: a part number per part name, mostly original parts, some aftermarket, a
  few repaired or used ones (expensive parts only) with the owner's consent.
- The store's name, address and telephone (settings) head the papers, unless set.
- Past visits are settled on their day, numbered in setting ``settlement.format`` per
  day in visit order, with the counters set so a live settlement numbers on after them.

Like the bookings, everything is chosen in SQL by a hash of the row's id (or the car's)
and the seed: one UPDATE per table, no Python loop over millions of rows, and nothing
drawn from the streams that made the station. Only the settlement numbers are formatted
in Python (the setting's pattern), a page of visits at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from db import settings
from db.connection import is_postgres, writing
from db.demo import catalogue as cat
from db.demo.sql import execute as _execute
from db.demo.sql import row_hash as _hash
from db.demo.numbering import WorkOrderNumbers
from db.models import Counter, Visit, database_proxy

PAGE = 5000  # settlement numbers per INSERT
FUEL = ("E", "1/4", "1/4", "1/2", "1/2", "1/2", "3/4", "3/4", "F", "F")
LIGHTS = ("engine", "tyre_pressure", "abs", "battery")
VALUABLES = ("行车记录仪", "雨伞、充电线", "儿童安全座椅")
OLD_MARKS = ("rear:S", "left_front_door:S", "front:P", "wheels:S", "right_rear_door:S", "bonnet:P")
# Where each accident of the catalogue shows on the car (same order as cat.ACCIDENTS).
ACCIDENT_MARKS = ("front:S", "rear:CD", "left_front_door:D", "front:CD;glass:C")
REPAIR_KINDS = ("repair", "warranty", "accident")
HALF_HOUR_FEE = 90  # yuan of labour per half hour, for the hours shown beside the fee
DEAR_PART = 300  # yuan: only such parts are ever repaired or used ones


def part_code(name: str) -> str:
    """A made-up part number of the shape dealers print (``5QK698151``), the same for
    every line of that part."""
    h = int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16)
    return f"{h % 10}{chr(65 + h // 10 % 26)}{chr(65 + h // 260 % 26)}{h // 6760 % 1_000_000:06d}"


def _part_names() -> tuple[set[str], set[str]]:
    """Every part name of the catalogue, and the dear ones."""
    lines = [line for group in (cat.OIL_CHANGE, cat.AIR_FILTERS, cat.LONG_SERVICE, cat.EV_SERVICE)
             for line in group]
    lines += [line for _, _, parts, _ in cat.REPAIRS for line in parts]
    lines += [line for _, _, parts, _, _ in cat.ACCIDENTS for line in parts]
    return {name for name, _, _ in lines}, {name for name, _, price in lines if price >= DEAR_PART}


def _text(value: str) -> str:
    """A catalogue string as an SQL literal (ours, not typed: quoting is all it needs)."""
    return "'" + value.replace("'", "''") + "'"


def _choice(expression: str, values: tuple[str, ...]) -> str:
    """One of ``values`` by the hash: ``CASE expression % n WHEN 0 THEN '…' …``."""
    whens = " ".join(f"WHEN {i} THEN {_text(value)}" for i, value in enumerate(values))
    return f"CASE {expression} % {len(values)} {whens} END"


def _walkarounds(seed: int, day: dt.date) -> None:
    """One UPDATE of every visit: the walk-around, diagnosis, hours, promise, settlement
    (day and number, from ``_number_settlements``)."""
    car = _hash(seed, 20, "vehicle_id")  # the same marks at each visit of a car
    repairs = ", ".join(_text(kind) for kind in REPAIR_KINDS)
    accidents = " ".join(f"WHEN {_text(asked)} THEN {_text(marks)}"
                         for (asked, *_), marks in zip(cat.ACCIDENTS, ACCIDENT_MARKS))
    if is_postgres():
        hours = f'FLOOR(("labour_fee" + {HALF_HOUR_FEE - 1}) / {HALF_HOUR_FEE}) / 2.0'
        promised = f"CAST(\"visit_date\" AS TIMESTAMP) + (15 + {_hash(seed, 16)} % 3) * INTERVAL '1 hour'"
    else:  # integer division of the whole-yuan fee
        hours = f'CAST(("labour_fee" + {HALF_HOUR_FEE - 1}) / {HALF_HOUR_FEE} AS INTEGER) / 2.0'
        promised = f"datetime(\"visit_date\", '+' || (15 + {_hash(seed, 16)} % 3) || ' hours')"
    sets = [
        f'"fuel_level" = {_choice(_hash(seed, 11), FUEL)}',
        f'"warning_lights" = CASE WHEN "kind" IN ({repairs}) AND {_hash(seed, 12)} % 4 = 0 '
        f'THEN {_choice(_hash(seed, 13), LIGHTS)} END',
        f'"valuables" = CASE WHEN {_hash(seed, 15)} % 4 = 0 THEN {_choice(_hash(seed, 14), VALUABLES)} END',
        f'"spare_tyre" = ({_hash(seed, 17)} % 25 <> 0)',
        f'"tools" = ({_hash(seed, 18)} % 15 <> 0)',
        f'"damage" = CASE WHEN "kind" = \'accident\' THEN CASE "work_requested" {accidents} END '
        f'WHEN {car} % 30 < 6 THEN {_choice(car, OLD_MARKS)} END',
        f'"diagnosis" = CASE WHEN "kind" IN ({repairs}) THEN {_text("试车检查确认：")} || "work_requested" END',
        f'"labour_hours" = CASE WHEN "labour_fee" > 0 THEN {hours} ELSE 1 END',
        f'"promised_at" = {promised}',
        f'"waiting" = ({_hash(seed, 19)} % 3 <> 0)',
        f'"old_parts" = CASE WHEN "parts_fee" > 0 THEN CASE WHEN {_hash(seed, 21)} % 4 = 0 '
        "THEN 'take' ELSE 'leave' END END",
    ]
    # The past visits joined to their numbers (a join, not a lookup per row), then the rest.
    _execute(f'UPDATE "visit" SET {", ".join(sets)}, "settled_on" = "visit_date", '
             '"settlement_no" = "demo_settlement"."number" FROM "demo_settlement" '
             'WHERE "demo_settlement"."visit_id" = "visit"."id"', ())
    _execute(f'UPDATE "visit" SET {", ".join(sets)} WHERE "visit_date" >= ?', (day,))


def _parts(seed: int) -> None:
    """One UPDATE of every part line: its number and kind; then consent where needed."""
    names, dear = _part_names()
    codes = " ".join(f"WHEN {_text(name)} THEN {_text(part_code(name))}" for name in sorted(names))
    dear_list = ", ".join(_text(name) for name in sorted(dear))
    draw = _hash(seed, 30)
    _execute(
        f'UPDATE "visit_part" SET "code" = CASE "name" {codes} END, '
        f'"kind" = CASE WHEN "name" IN ({dear_list}) AND {draw} % 40 = 0 THEN \'repaired\' '
        f'WHEN "name" IN ({dear_list}) AND {draw} % 40 = 1 THEN \'used\' '
        f'WHEN {_hash(seed, 31)} % 8 = 0 THEN \'aftermarket\' ELSE \'original\' END', ())
    _execute('UPDATE "visit_part" SET "consent" = ? WHERE "kind" IN (\'repaired\', \'used\')', (True,))


def _number_settlements(day: dt.date) -> None:
    """Table ``demo_settlement`` (visit id, number) for the visits before ``day``: numbered
    per day in visit order in the setting's pattern; each day's counter left where a live
    settlement (db.papers.settle) goes on from. ``_walkarounds`` writes them."""
    pattern = settings.get("settlement.format")
    numbers = WorkOrderNumbers(pattern)
    series: dict[object, tuple[int, str]] = {}  # stored day -> (ordinal, counter name)
    counts: dict[str, int] = {}
    database = database_proxy.obj
    database.execute_sql('CREATE TEMPORARY TABLE "demo_settlement" ("visit_id" INTEGER PRIMARY KEY, '
                         '"number" VARCHAR(32))')
    # One read in id order (the primary key, no sort): each day's numbers come out in
    # visit order all the same. Raw rows: a million model tuples would cost seconds.
    cursor = database.execute_sql(
        f'SELECT "id", "visit_date" FROM "visit" WHERE "visit_date" < {database.param} ORDER BY "id"', (day,))
    rows: list[tuple[int, str]] = []
    for visit_id, stored in cursor:
        known = series.get(stored)
        if known is None:
            date = stored if isinstance(stored, dt.date) else dt.date.fromisoformat(str(stored)[:10])
            known = series[stored] = (date.toordinal(), "settlement:" + pattern.format(date=date, seq=0))
        ordinal, name = known
        counts[name] = counts.get(name, 0) + 1
        rows.append((visit_id, numbers.at(ordinal, counts[name])))
    for start in range(0, len(rows), PAGE):
        page = rows[start:start + PAGE]
        _execute(f'INSERT INTO "demo_settlement" VALUES {", ".join("(?, ?)" for _ in page)}',
                 tuple(v for row in page for v in row))
    if counts:
        Counter.insert_many([{"name": name, "value": count} for name, count in counts.items()]).execute()


# The demo station's heading on its papers and in its health record (synthetic, as its people).
STORE = {"store.name": "蓉城汽车销售服务有限公司（演示）", "store.address": f"{cat.CITY}武侯区武科东二路 18 号",
         "store.phone": "028-8555 0100"}


def add(seed: int, day: dt.date) -> None:
    """Fill the demo station's reception orders and settle its past visits (see the module)."""
    for key, value in STORE.items():
        if not settings.get(key):  # a station's own heading is kept
            settings.set_value(key, value)
    with writing():
        _number_settlements(day)
        _walkarounds(seed, day)  # one pass over the visits, their settlement numbers too
        database_proxy.obj.execute_sql('DROP TABLE "demo_settlement"')
        _parts(seed)
