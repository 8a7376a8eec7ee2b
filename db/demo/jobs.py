"""What a synthetic work order contains: the job asked for, the work done, parts and fees.

Prices are whole yuan (scaled by the car's class), so totals add up exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from db.demo import catalogue as cat

Part = tuple[str, int, int]  # name, quantity, unit price (yuan)


@dataclass(frozen=True)
class Job:
    requested: str
    done: str
    parts: tuple[Part, ...]
    labour: int
    other: int
    declined: str | None = None

    @property
    def parts_fee(self) -> int:
        return sum(q * p for _, q, p in self.parts)

    @property
    def total(self) -> int:
        return self.labour + self.parts_fee + self.other


def _priced(lines, factor: float) -> tuple[Part, ...]:
    return tuple((name, qty, int(price * factor + 0.5)) for name, qty, price in lines)


class JobMaker:
    """Jobs for one car class; tables are priced once per class, not per visit."""

    def __init__(self, vehicle_class: str) -> None:
        f = cat.CLASS_PRICE[vehicle_class]
        self.factor = f
        self.oil = _priced(cat.OIL_CHANGE, f)
        self.filters = _priced(cat.AIR_FILTERS, f)
        self.long = _priced(cat.LONG_SERVICE, f)
        self.ev = _priced(cat.EV_SERVICE, f)
        self.labour = int(180 * f)
        self.repairs = tuple((req, done, _priced(parts, f), int(lab * f))
                             for req, done, parts, lab in cat.REPAIRS)
        self.accidents = tuple((req, done, _priced(parts, f), lo, hi)
                               for req, done, parts, lo, hi in cat.ACCIDENTS)

    def maintenance(self, number: int, electric: bool, first: bool,
                    r: Callable[[], float]) -> Job:
        """The ``number``-th service of a car: filters every 2nd, plugs and fluid every 4th."""
        if electric:
            parts = self.ev
            done = "常规保养：更换空调滤清器，检查冷却液、制动系统和高压部件"
        else:
            parts = self.oil
            done = "更换机油、机油滤清器，常规检查"
            if number % 2 == 0:
                parts = parts + self.filters
                done += "；更换空气滤清器、空调滤清器"
            if number % 4 == 0:
                parts = parts + self.long
                done += "；更换火花塞、制动液"
        declined = cat.DECLINED[int(r() * len(cat.DECLINED))] if r() < 0.12 else None
        if first:
            # The first service's labour is on the house at most dealers.
            return Job("首次保养", "首保：" + done, parts, 0, 0, declined)
        return Job("定期保养", done, parts, self.labour, 0, declined)

    def repair(self, r: Callable[[], float]) -> Job:
        req, done, parts, labour = self.repairs[int(r() * len(self.repairs))]
        return Job(req, done, parts, labour, 0)

    def accident(self, r: Callable[[], float]) -> Job:
        req, done, parts, lo, hi = self.accidents[int(r() * len(self.accidents))]
        body = (lo + r() * (hi - lo)) * self.factor
        # Body work is labour; paint and materials are billed as the other fee.
        return Job(req, done, parts, int(body * 0.4), int(body * 0.6))

    def other(self, r: Callable[[], float]) -> Job:
        req, done, labour, other = cat.OTHER_JOBS[int(r() * len(cat.OTHER_JOBS))]
        return Job(req, done, (), labour, other)
