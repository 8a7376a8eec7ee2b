"""Every business threshold, in one place, with its default.

Values are stored in the ``setting`` table (JSON text) only when changed; ``get`` reads
the table each call, so a change made by a manager takes effect without a restart. The
registry below is the one place where a threshold is named, typed and explained.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db.clock import now
from db.connection import writing
from db.errors import Invalid
from db.i18n import t
from db.models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    kind: type  # int, float, str, bool
    text_key: str  # catalogue key that explains the setting


def _spec(key: str, default: Any) -> SettingSpec:
    return SettingSpec(key, default, type(default), f"setting.{key}")


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        # --- warranty and maintenance (domain.md: reminders) ---
        _spec("warranty.years", 3),
        _spec("warranty.km", 60000),
        _spec("first_maintenance.months", 6),
        _spec("first_maintenance.km", 5000),
        _spec("maintenance.months", 6),
        _spec("maintenance.km", 5000),
        _spec("maintenance.default_daily_km", 40.0),
        # an odometer reading above what these allow since the last one is asked about
        _spec("mileage.jump_daily_km", 500),
        _spec("mileage.jump_trend_factor", 5),
        _spec("mileage.jump_slack_km", 10000),
        # --- follow-up call after a visit ---
        _spec("follow_up.from_days", 1),
        _spec("follow_up.to_days", 3),
        _spec("follow_up.drop_days", 15),
        # --- other reminders ---
        _spec("warranty_end.days", 60),
        _spec("warranty_end.km", 3000),
        _spec("insurance.days", 60),
        _spec("inspection.days", 30),
        _spec("birthday.days", 7),
        # --- churn ---
        _spec("churn.drifting_months", 6),
        _spec("churn.lost_months", 12),
        # --- value class (last 12 months of paid visits) ---
        _spec("value.months", 12),
        _spec("value.a_visits", 4),
        _spec("value.b_visits", 2),
        _spec("value.c_visits", 1),
        _spec("value.lift_spend", 10000),
        # --- vehicle age segments ---
        _spec("segment.old_years", 5),
        # --- calls ---
        _spec("calls.unanswered_for_letter", 5),
        # --- work orders ---
        _spec("work_order.format", "WO{date:%Y%m%d}-{seq:04d}"),
        # --- backups ---
        _spec("backup.daily", False),
        _spec("backup.keep", 7),
        _spec("backup.dir", ""),
        # --- more settings: add below, one line each, grouped by area ---
        # --- manager's desk ---
        _spec("advisors.self_register", True),
        _spec("report.reminder_return_days", 30),
        # queues: call ahead / keep overdue rows; declined work; inspection cadence
        _spec("maintenance.lead_days", 7),
        _spec("maintenance.overdue_days", 60),
        _spec("declined.from_days", 7),
        _spec("declined.to_days", 90),
        _spec("inspection.free_years", 6),
        _spec("inspection.every_years", 2),
        _spec("inspection.yearly_after_years", 10),
        _spec("calls.retry_days", 1),
        # --- the front door (issue 14): sign-in failures slow, then lock a login; serve ---
        _spec("signin.lock_failures", 5),
        _spec("signin.lock_window_minutes", 10),
        _spec("signin.lock_minutes", 15),
        _spec("signin.delay_ms", 500),
        _spec("signin.delay_max_ms", 4000),
        _spec("signin.password_min", 8),
        _spec("serve.idle_minutes", 30),
        _spec("serve.max_sessions", 40),
        # appointment book: slots, opening hours, capacity; confirmations and no-shows
        _spec("book.slot_minutes", 30),
        _spec("book.opens", "08:30"),
        _spec("book.closes", "17:30"),
        _spec("book.cars_per_slot", 4),
        _spec("book.per_advisor_day", 16),
        _spec("book.confirm_from_days", 1),
        _spec("book.confirm_to_days", 3),
        _spec("book.no_show_minutes", 30),
        _spec("book.free_days_searched", 7),
        _spec("book.no_show_warn", 2),
        # the printed papers (issue 18): the store on their heading, where they print,
        # whether the order shows the mobile whole, the terms, the settlement numbers
        _spec("store.name", ""),
        _spec("store.address", ""),
        _spec("store.phone", ""),
        _spec("print.printer", ""),
        _spec("print.dir", ""),
        _spec("print.mobile_unmasked", False),
        _spec("order.terms", ""),
        _spec("settlement.format", "JS{date:%Y%m%d}-{seq:04d}"),
    )
}


# Settings holding a time of day, written HH:MM.
TIMES_OF_DAY = frozenset({"book.opens", "book.closes"})


def spec(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def coerce(key: str, value: Any) -> Any:
    """Turn a typed or stored value into the setting's type, or raise ``Invalid``."""
    s = spec(key)
    try:
        if s.kind is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on", "是"):
                    return True
                if low in ("0", "false", "no", "off", "否"):
                    return False
                raise ValueError(value)
            return bool(value)
        if s.kind is int:
            number = int(str(value).strip().replace(",", ""))
            if number < 0:
                raise ValueError(value)
            return number
        if s.kind is float:
            number = float(str(value).strip())
            if number < 0:
                raise ValueError(value)
            return number
        if key in TIMES_OF_DAY:
            hours, minutes = str(value).strip().split(":")
            if len(minutes) != 2 or not (0 <= int(hours) <= 24 and 0 <= int(minutes) < 60):
                raise ValueError(value)
            return f"{int(hours):02d}:{minutes}"
        return str(value)
    except (TypeError, ValueError):
        raise Invalid(t("settings.bad_value", key=key, value=value), field=key) from None


def get(key: str) -> Any:
    """The setting's current value: the stored one, else the default."""
    s = spec(key)
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return s.default
    return coerce(key, json.loads(row.value))


def get_many(*keys: str) -> dict[str, Any]:
    """Several settings in one query (for queue and segment computations)."""
    values = {k: spec(k).default for k in keys}
    for row in Setting.select().where(Setting.key.in_(list(keys))):
        values[row.key] = coerce(row.key, json.loads(row.value))
    return values


Progress = Callable[[int, int], None]  # (done, in all)
# (key prefix, observer): see ``observe``
_observers: list[tuple[str, Callable[[str, Any, Any, Progress | None], None]]] = []


def observe(prefix: str, observer: Callable[[str, Any, Any, Progress | None], None]) -> Callable[[], None]:
    """Have ``observer(key, before, after, progress)`` called whenever a setting whose key
    starts with ``prefix`` changes value, inside the change's writing transaction: what is
    derived from the setting is redone with it, all or nothing (the stored queue days,
    ``db.derived``). ``progress``: the caller's, for a long recompute. Returns the call
    that stops observing."""
    entry = (prefix, observer)
    _observers.append(entry)
    return lambda: _observers.remove(entry)


def set_value(key: str, value: Any, advisor_id: int | None = None,
              progress: Progress | None = None) -> Any:
    """Store a setting (validated). Role checks belong to the caller's action.

    Whatever observes the key (``observe``) follows the change in the same transaction:
    the queues never mix old and new days. ``progress(done, in all)`` follows that work
    (not called when nothing observes the key or its value stays the same)."""
    typed = coerce(key, value)
    watching = [observer for prefix, observer in _observers if key.startswith(prefix)]
    with writing():
        before = get(key) if watching else typed
        Setting.insert(
            key=key, value=json.dumps(typed), updated_at=now(), updated_by=advisor_id
        ).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: json.dumps(typed), Setting.updated_at: now(),
                    Setting.updated_by: advisor_id},
        ).execute()
        if typed != before:
            for observer in watching:
                observer(key, before, typed, progress)
    return typed


def all_values() -> dict[str, Any]:
    return get_many(*SPECS)
