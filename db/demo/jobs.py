"""What a synthetic work order contains: the job asked for, the work done, parts and fees.

Prices are whole yuan (scaled by the car's class), so totals add up exactly. Every job a
class can get is built once, as a plain tuple: a million customers make millions of
work orders, and each only picks one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from db.demo import catalogue as cat

Part = tuple[str, int, int]  # name, quantity, unit price (yuan)


class Job(NamedTuple):
    requested: str
    done: str
    parts: tuple[Part, ...]
    labour: int
    other: int
    parts_fee: int

    @property
    def total(self) -> int:
        return self.labour + self.parts_fee + self.other


def job(requested: str, done: str, parts: tuple[Part, ...], labour: int, other: int = 0) -> Job:
    return Job(requested, done, parts, labour, other, sum(q * p for _, q, p in parts))


def _priced(lines, factor: float) -> tuple[Part, ...]:
    return tuple((name, qty, int(price * factor + 0.5)) for name, qty, price in lines)


class JobMaker:
    """Every job for one car class, priced once."""

    def __init__(self, vehicle_class: str) -> None:
        f = cat.CLASS_PRICE[vehicle_class]
        self.factor = f
        labour = int(180 * f)
        oil, filters, long = (_priced(x, f) for x in (cat.OIL_CHANGE, cat.AIR_FILTERS, cat.LONG_SERVICE))
        ev = _priced(cat.EV_SERVICE, f)
        basic = "更换机油、机油滤清器，常规检查"
        # Services by number: filters every 2nd, plugs and brake fluid every 4th.
        petrol = (
            (oil + filters + long, basic + "；更换空气滤清器、空调滤清器；更换火花塞、制动液"),
            (oil, basic),
            (oil + filters, basic + "；更换空气滤清器、空调滤清器"),
            (oil, basic),
        )
        ev_work = ((ev, "常规保养：更换空调滤清器，检查冷却液、制动系统和高压部件"),) * 4
        # The first service's labour is on the house at most dealers.
        self.services = {
            (electric, first): tuple(
                job("首次保养", "首保：" + done, parts, 0) if first else job("定期保养", done, parts, labour)
                for parts, done in (ev_work if electric else petrol))
            for electric in (False, True) for first in (False, True)
        }
        self.repairs = tuple(job(req, done, _priced(parts, f), int(lab * f))
                             for req, done, parts, lab in cat.REPAIRS)
        self.warranty = tuple(j._replace(done="保修：" + j.done) for j in self.repairs)
        self.accidents = tuple(self._accident(req, done, _priced(parts, f), lo, hi)
                               for req, done, parts, lo, hi in cat.ACCIDENTS)
        self.others = tuple(job(req, done, (), labour_fee, other)
                            for req, done, labour_fee, other in cat.OTHER_JOBS)

    def _accident(self, req: str, done: str, parts, lo: int, hi: int) -> tuple[Job, ...]:
        """Five price points between the body work's bounds."""
        out = []
        for step in range(5):
            body = (lo + (hi - lo) * step / 4) * self.factor
            # Body work is labour; paint and materials are billed as the other fee.
            out.append(job(req, done, parts, int(body * 0.4), int(body * 0.6)))
        return tuple(out)

    def service(self, number: int, electric: bool, first: bool) -> Job:
        return self.services[electric, first][number % 4]

    def repair(self, r: Callable[[], float], warranty: bool = False) -> Job:
        table = self.warranty if warranty else self.repairs
        return table[int(r() * len(table))]

    def accident(self, r: Callable[[], float]) -> Job:
        return self.accidents[int(r() * len(self.accidents))][int(r() * 5)]

    def other(self, r: Callable[[], float]) -> Job:
        return self.others[int(r() * len(self.others))]
