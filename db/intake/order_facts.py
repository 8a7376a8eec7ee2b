"""The reception order's facts beyond the work order's fees: the walk-around check, the
diagnosis, the promised completion time, waiting or leaving the car, the old parts, the
labour hours; and the kind, consent and code of each part line (issue 18).

``reception`` keeps the form and the save; this module cleans these fields into the
``visit`` / ``visit_part`` columns of migration 0014, reads the quick forms of a promised
time, and finds a car's damage noted at an earlier visit (shown dimmed at the next one).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from db import validate as v
from db.clock import day_now
from db.errors import Invalid
from db.i18n import t
from db.models import Visit
from db.walkaround import (AREAS, DAMAGE_CODES, FUEL_LEVELS, OLD_PARTS, PART_KINDS, PART_KINDS_NEEDING_CONSENT,
                           WARNING_LIGHTS, WalkAround, decode_damage, encode_damage, encode_lights)

# The pickers' answers: "" is "not said" (stored as NULL), as the form's other choices.
WAITING = ("", "wait", "leave")
OLD_PARTS_CHOICES = ("", *OLD_PARTS)
YES_NO_UNSAID = ("", "yes", "no")
PART_CONSENT = ("", "yes")  # the owner agreed to this repaired or used part
LABOUR_HOURS_MAX = Decimal("1000")

# ---------------------------------------------------------------- the promised time

# Day words an advisor types before the time: today, tomorrow, the day after.
_DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
_TIME = re.compile(r"^(\d{1,2})[:：.](\d{2})$|^(\d{1,2})点(?:(\d{1,2})分?|半)?$")


def promised_time(text: str, path: str = "order.promised_at") -> dt.datetime | None:
    """A promised completion time as typed at the desk; empty: none promised.

    ``17:30`` is today; ``明天 10:00`` / ``后天 9:00`` / ``+1 10:00`` count days on; a date
    ``2026-12-08 10:00`` (or ``12-08 10:00`` in this year) names the day. It must lie after
    now: a time already past is refused, not moved to tomorrow behind the advisor's back."""
    raw = v.normalise(text)
    if not raw:
        return None
    day_part, _, time_part = raw.rpartition(" ")
    if not day_part:  # "明天10:00" typed without the space
        for word in _DAY_WORDS:
            if raw.startswith(word):
                day_part, time_part = word, raw[len(word):]
    clock = _clock(time_part)
    day = _day(day_part.strip())
    if clock is None or day is None:
        raise Invalid(t("orderform.promised_bad", text=raw), path)
    moment = dt.datetime.combine(day, clock)
    if moment <= day_now():
        raise Invalid(t("orderform.promised_past", text=moment.strftime("%Y-%m-%d %H:%M")), path)
    return moment


def _clock(text: str) -> dt.time | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour = int(match.group(1) or match.group(3))
    minute = int(match.group(2) or match.group(4) or (30 if text.strip().endswith("半") else 0))
    try:
        return dt.time(hour, minute)
    except ValueError:
        return None


def _day(text: str) -> dt.date | None:
    base = day_now().date()
    if not text:
        return base
    if text in _DAY_WORDS:
        return base + dt.timedelta(days=_DAY_WORDS[text])
    if re.fullmatch(r"\+\d{1,2}", text):
        return base + dt.timedelta(days=int(text[1:]))
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}", text):  # month and day of this year
        text = f"{base.year}-{text}"
    try:
        return v.date(text)
    except Invalid:
        return None


# ---------------------------------------------------------------- cleaning


def clean_field(name: str, value: Any, path: str) -> Any:
    """One of the order's added fields, as stored; raises ``Invalid`` naming ``path``."""
    if name == "diagnosis":
        return v.text(value, path, 2000)
    if name == "promised_at":
        return promised_time(value, path)
    if name == "waiting":
        return {"": None, "wait": True, "leave": False}[v.choice(value, WAITING, path)]
    if name == "old_parts":
        return v.choice(value, OLD_PARTS_CHOICES, path) or None
    if name == "labour_hours":
        return labour_hours(value, path)
    raise KeyError(path)


ORDER_FIELDS = ("diagnosis", "promised_at", "waiting", "old_parts", "labour_hours")


def labour_hours(value: Any, path: str) -> Decimal | None:
    raw = v.normalise(value).replace("h", "").replace("小时", "").strip()
    if not raw:
        return None
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise Invalid(t("orderform.hours_bad", text=raw), path) from None
    if not hours.is_finite() or hours < 0 or hours >= LABOUR_HOURS_MAX or hours != hours.quantize(Decimal("0.01")):
        raise Invalid(t("orderform.hours_bad", text=raw), path)
    return hours


def clean_walkaround(walk: WalkAround, errors: dict[str, str]) -> dict[str, Any]:
    """The walk-around as the visit's columns; its errors go into ``errors``."""
    out: dict[str, Any] = {"fuel_level": walk.fuel or None, "spare_tyre": walk.spare_tyre, "tools": walk.tools,
                           "warning_lights": encode_lights(list(walk.warning_lights)),
                           "damage": encode_damage(walk.damage)}
    if out["fuel_level"] is not None and out["fuel_level"] not in FUEL_LEVELS:
        errors["order.walkaround.fuel"] = t("validate.choice", value=out["fuel_level"], allowed=" / ".join(FUEL_LEVELS))
    try:
        out["valuables"] = v.text(walk.valuables, "order.walkaround.valuables", 200)
    except Invalid as exc:
        errors["order.walkaround.valuables"] = str(exc)
    return out


def clean_part_fact(name: str, value: Any, path: str) -> Any:
    if name == "kind":
        return v.choice(value or "original", PART_KINDS, path)
    if name == "consent":
        return v.choice(value, PART_CONSENT, path) == "yes" or None
    if name == "code":
        return v.text(value, path, 40)
    raise KeyError(path)


PART_FIELDS = ("kind", "consent", "code")


def needs_consent(kind: str | None, consent: bool | None) -> bool:
    """A repaired or used part without the owner's recorded yes (2015 规定)."""
    return kind in PART_KINDS_NEEDING_CONSENT and not consent


def consent_message(kind: str) -> str:
    return t("orderform.part_consent_needed", kind=t(f"walkaround.part_kind.{kind}"))


# ---------------------------------------------------------------- forms in drafts


def walkaround_from_json(data: Any) -> WalkAround:
    """A draft's walk-around (JSON lists for tuples); tolerant of an older draft."""
    if not isinstance(data, dict):
        return WalkAround()
    damage = data.get("damage") or {}
    return WalkAround(
        fuel=data.get("fuel") if data.get("fuel") in FUEL_LEVELS else None,
        warning_lights=tuple(x for x in data.get("warning_lights") or () if x in WARNING_LIGHTS),
        valuables=str(data.get("valuables") or ""),
        spare_tyre=data.get("spare_tyre") if isinstance(data.get("spare_tyre"), bool) else None,
        tools=data.get("tools") if isinstance(data.get("tools"), bool) else None,
        damage={area: tuple(c for c in DAMAGE_CODES if c in codes)
                for area, codes in (damage.items() if isinstance(damage, dict) else ()) if area in AREAS})


# ---------------------------------------------------------------- damage seen before


def previous_damage(vehicle_id: int | None, before_visit: int | None = None) -> dict[str, tuple[str, ...]]:
    """The damage noted at this car's last visit that recorded any (old scratches are not
    new ones); empty for a new car or one never marked."""
    if vehicle_id is None:
        return {}
    query = Visit.select(Visit.damage).where((Visit.vehicle == vehicle_id) & Visit.damage.is_null(False)
                                             & (Visit.damage != ""))
    if before_visit is not None:
        query = query.where(Visit.id < before_visit)
    row = query.order_by(Visit.visit_date.desc(), Visit.id.desc()).first()
    return decode_damage(row.damage) if row else {}


def damage_summary(damage: dict[str, tuple[str, ...]]) -> str:
    """``左前门 划痕、凹陷；车顶 裂纹``: the marks as words, areas in walking order."""
    items = [t("orderform.damage_item", area=t(f"walkaround.area.{area}"),
               codes=t("orderform.codes_joiner").join(t(f"walkaround.damage.{c}") for c in damage[area]))
             for area in AREAS if damage.get(area)]
    return t("orderform.items_joiner").join(items)
