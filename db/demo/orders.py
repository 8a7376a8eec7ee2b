"""The demo station's reception orders and settlements (issue 18).

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
- Past visits (all of the demo's) are settled on their day, numbered in setting
  ``settlement.format`` per day in load order, as the work orders are, with the counters
  set so a live settlement numbers on after them.

The values are made with the rows, in the worker processes, from a hash of the chunk's
number, the row's local id (or the car's) and the seed, never from the random stream
that makes the station: a seed's customers, cars and visits stay exactly as they were
without them (tests/test_demo_orders.py), and nothing is rewritten after the load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from db import settings
from db.demo import catalogue as cat
from db.demo.numbering import WorkOrderNumbers
from db.models import Counter

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


def _mix(key: int) -> int:
    """A well-spread 32-bit number of ``key`` (a few integer operations: one per row)."""
    h = (key * 2654435761 + 0x7F4A7C15) & 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 2246822519) & 0xFFFFFFFF
    return h ^ (h >> 13)


# The columns the rows carry (db/demo/records.py appends them to the visit's and part's).
VISIT_FIELDS = ("fuel_level", "warning_lights", "valuables", "spare_tyre", "tools", "damage", "diagnosis",
                "labour_hours", "promised_at", "waiting", "old_parts", "settled_on", "settlement_no")
PART_FIELDS = ("kind", "consent", "code")


class Orders:
    """Makes a chunk's reception-order values; ``chunk`` starts each chunk."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.base = 0
        names, self.dear = _part_names()
        self.codes = {name: part_code(name) for name in names}
        self.accidents = dict(zip((asked for asked, *_ in cat.ACCIDENTS), ACCIDENT_MARKS))

    def chunk(self, number: int) -> None:
        # ids are local to the chunk: its number and the seed make them the station's own
        self.base = (self.seed * 1_000_003 + number) * 10_000_000

    def visit(self, visit_id: int, vehicle_id: int, kind: str, requested: str, labour: int, parts_fee: int,
              day: str, ordinal: int) -> tuple:
        """The visit's values in ``VISIT_FIELDS`` order; ``settlement_no`` holds the day's
        ordinal, replaced by the number at load (``SettlementNumbers``)."""
        h = _mix(self.base + visit_id)
        repair = kind in REPAIR_KINDS
        if kind == "accident":
            damage = self.accidents.get(requested)
        else:
            car = _mix(self.base + 5_000_000 + vehicle_id)
            damage = OLD_MARKS[car // 30 % len(OLD_MARKS)] if car % 30 < 6 else None
        return (
            FUEL[h % 10],
            LIGHTS[h // 40 % 4] if repair and h // 10 % 4 == 0 else None,
            VALUABLES[h // 640 % 3] if h // 160 % 4 == 0 else None,
            h // 1920 % 25 != 0,
            h // 48000 % 15 != 0,
            damage,
            "试车检查确认：" + requested if repair else None,
            -(-labour // HALF_HOUR_FEE) / 2 if labour > 0 else 1,
            f"{day} {15 + h // 720000 % 3}:00:00",
            h // 2160000 % 3 != 0,
            ("take" if h // 6480000 % 4 == 0 else "leave") if parts_fee > 0 else None,
            day,
            ordinal,
        )

    def part(self, visit_id: int, line: int, name: str) -> tuple:
        """A part line's values in ``PART_FIELDS`` order."""
        h = _mix(self.base + 8_000_000 + visit_id * 16 + line)
        if name in self.dear and h % 40 < 2:
            return ("repaired" if h % 40 == 0 else "used", True, self.codes.get(name) or part_code(name))
        return ("aftermarket" if h // 40 % 8 == 0 else "original", None, self.codes.get(name) or part_code(name))


class SettlementNumbers:
    """Setting ``settlement.format``'s numbers at load: a day's ordinal in, the next number
    of that day's series out (None stays None). Counted per series, so a pattern without
    the date counts on across days."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.numbers = WorkOrderNumbers(pattern)
        self.series: dict[int, str] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        name = self.series.get(ordinal)
        if name is None:
            name = self.series[ordinal] = "settlement:" + self.pattern.format(date=dt.date.fromordinal(ordinal),
                                                                               seq=0)
        seq = self.counts[name] = self.counts.get(name, 0) + 1
        return self.numbers.at(ordinal, seq)


# The demo station's heading on its papers and in its health record (synthetic, as its people).
STORE = {"store.name": "蓉城汽车销售服务有限公司（演示）", "store.address": f"{cat.CITY}武侯区武科东二路 18 号",
         "store.phone": "028-8555 0100"}


def add(numbers: SettlementNumbers) -> None:
    """After the load: the store's heading (unless set) and the settlement counters where
    the numbers given at load left them."""
    for key, value in STORE.items():
        if not settings.get(key):  # a station's own heading is kept
            settings.set_value(key, value)
    if numbers.counts:
        Counter.insert_many([{"name": name, "value": count} for name, count in numbers.counts.items()]).execute()


def settlement_numbers() -> Callable[[int | None], str | None]:
    return SettlementNumbers(settings.get("settlement.format"))
