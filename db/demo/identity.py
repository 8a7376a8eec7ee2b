"""Identifiers for synthetic people and cars, valid by the same rules the validators check.

VINs, plates, engine numbers come from a running number through a fixed permutation, so
they are unique without remembering what was issued (memory stays flat at a million cars)
and still look scattered rather than counted.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math

from db.validate import VIN_LETTERS, id_check_char, vin_check_char

# Model-year codes (VIN position 10) from 2010: no I, O, Q, U, Z or 0.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O
_PLATE_DIGITS = "0123456789"
# Serial templates of ordinary plates (L letter, N digit): at most two letters, anywhere.
_PLATE_TEMPLATES = tuple(
    "".join("L" if i in letters else "N" for i in range(5))
    for count in (0, 1, 2) for letters in itertools.combinations(range(5), count))


def _capacity(template: str) -> int:
    size = 1
    for c in template:
        size *= len(_PLATE_LETTERS) if c == "L" else 10
    return size


_TEMPLATE_SIZES = tuple(_capacity(tpl) for tpl in _PLATE_TEMPLATES)
PLATE_CAPACITY = sum(_TEMPLATE_SIZES)  # distinct ordinary serials: about 7 million
NEV_CAPACITY = 34 * 10_000  # per D (electric) or F (hybrid)


@functools.lru_cache(maxsize=None)
def _multiplier(capacity: int) -> int:
    """A step near the golden section of ``capacity`` sharing no factor with it: successive
    numbers land far apart, and every number below ``capacity`` is reached once."""
    step = int(capacity * 0.6180339887)
    while math.gcd(step, capacity) != 1:
        step += 1
    return step


def _scatter(n: int, capacity: int, offset: int) -> int:
    """A permutation of 0..capacity-1: distinct n give distinct results."""
    return (n * _multiplier(capacity) + offset) % capacity


def plate_serial(n: int) -> str:
    """The n-th ordinary plate serial (5 characters)."""
    k = _scatter(n, PLATE_CAPACITY, 104_729)
    for template, size in zip(_PLATE_TEMPLATES, _TEMPLATE_SIZES):
        if k < size:
            break
        k -= size
    chars = []
    for c in reversed(template):
        alphabet = _PLATE_LETTERS if c == "L" else _PLATE_DIGITS
        k, rest = divmod(k, len(alphabet))
        chars.append(alphabet[rest])
    return "".join(reversed(chars))


def nev_serial(n: int, energy_letter: str) -> str:
    """The n-th small new-energy serial: D (electric) or F (hybrid), a letter/digit, 4 digits."""
    k = _scatter(n, NEV_CAPACITY, 7_777)
    second, digits = divmod(k, 10_000)
    alphabet = _PLATE_LETTERS + _PLATE_DIGITS
    return f"{energy_letter}{alphabet[second]}{digits:04d}"


def vin(wmi: str, vds: str, model_year: int, plant_shift: int, n: int) -> str:
    """A VIN with its check character; distinct n (below 33 million) give distinct VINs."""
    plant = VIN_LETTERS[(plant_shift + n // 1_000_000) % len(VIN_LETTERS)]
    serial = _scatter(n % 1_000_000, 1_000_000, 271_828)
    year = _YEAR_CODES[(model_year - 2010) % len(_YEAR_CODES)]
    body = f"{wmi}{vds}0{year}{plant}{serial:06d}"
    return body[:8] + vin_check_char(body) + body[9:]


def part_number(prefix: str, n: int, offset: int) -> str:
    """Engine or transmission number: the maker's code and a 7-digit serial."""
    return f"{prefix}{_scatter(n, 10_000_000, offset):07d}"


def id_number(region: str, born: dt.date, sequence: int) -> str:
    """GB 11643: region, birth date, 3-digit sequence (odd for men), check character."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
