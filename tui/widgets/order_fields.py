"""The reception order's fields in the reception form (issue 18): the walk-around part
(fuel, damage grid, spare tyre, tools, warning lights, valuables), the work order's
diagnosis, labour hours, promised time, waiting and old parts, and a part line's kind,
consent and code. ``intake_form`` places them; this module builds their widgets and
moves the walk-around between the form and ``db.walkaround.WalkAround``."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from db.i18n import t
from db.intake import order_facts
from db.walkaround import FUEL_LEVELS, PART_KINDS, WARNING_LIGHTS, WalkAround
from tui.widgets.choice import ChoiceField, TagPicker
from tui.widgets.damage_grid import DamageGrid
from tui.widgets.form_row import field_id

WALK = "order.walkaround"
# The walk-around part, in the order the advisor goes round: the gauge first (in the seat),
# then the body, then what is in the boot and the cabin.
WALKAROUND_PATHS = (f"{WALK}.fuel", f"{WALK}.damage", f"{WALK}.spare_tyre", f"{WALK}.tools",
                    f"{WALK}.warning_lights", f"{WALK}.valuables")
# The work order's added rows, each placed after the row named here.
ORDER_ROWS_AFTER = {"order.work_requested": ("order.diagnosis",),
                    "order.parts": ("order.labour_hours",),
                    "order.payment_method": ("order.promised_at", "order.waiting", "order.old_parts")}

_UNSAID = ("", "reception_order.unsaid")
_UNCHECKED = ("", "reception_order.unchecked")
CHOICES: dict[str, list[tuple[str, str]]] = {
    f"{WALK}.fuel": [_UNCHECKED, *((level, f"reception_order.fuel.{level}") for level in FUEL_LEVELS)],
    f"{WALK}.spare_tyre": [_UNCHECKED, ("yes", "reception_order.present"), ("no", "reception_order.absent")],
    f"{WALK}.tools": [_UNCHECKED, ("yes", "reception_order.present"), ("no", "reception_order.absent")],
    "order.waiting": [_UNSAID, ("wait", "reception_order.wait"), ("leave", "reception_order.leave")],
    "order.old_parts": [_UNSAID, *((c, f"walkaround.old_parts.{c}") for c in order_facts.OLD_PARTS_CHOICES if c)],
}
# A part line's own choices, short enough for 80 columns.
PART_KIND_CHOICES = [(kind, f"reception_order.kind.{kind}") for kind in PART_KINDS]
PART_CONSENT_CHOICES = [("", "reception_order.consent.no"), ("yes", "reception_order.consent.yes")]


def translated(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(code, t(key)) for code, key in options]


def is_order_field(path: str) -> bool:
    return path in CHOICES or path.startswith(WALK)


def make_field(path: str, help_key: str) -> Widget:
    """The widget of one of this module's paths (the plain text ones are the form's)."""
    if path in CHOICES:
        return ChoiceField(translated(CHOICES[path]), help_key=help_key, id=field_id(path))
    if path == f"{WALK}.damage":
        return DamageGrid(help_key=help_key, id=field_id(path))
    if path == f"{WALK}.warning_lights":
        return TagPicker([(light, t(f"walkaround.light.{light}")) for light in WARNING_LIGHTS],
                         help_key=help_key, id=field_id(path))
    raise KeyError(path)


_YES_NO = {"": None, "yes": True, "no": False}


def show_walkaround(field: Any, walk: WalkAround, before: dict[str, tuple[str, ...]]) -> None:
    """Put ``walk`` in the walk-around's widgets (``field(path)`` finds one); ``before``:
    the car's earlier damage, drawn dimmed in the grid."""
    field(f"{WALK}.fuel").value = walk.fuel or ""
    field(f"{WALK}.spare_tyre").value = _answer(walk.spare_tyre)
    field(f"{WALK}.tools").value = _answer(walk.tools)
    field(f"{WALK}.warning_lights").value = list(walk.warning_lights)
    field(f"{WALK}.valuables").value = walk.valuables
    grid = field(f"{WALK}.damage")
    grid.value = walk.damage
    grid.before = dict(before)


def read_walkaround(field: Any) -> WalkAround:
    return WalkAround(fuel=field(f"{WALK}.fuel").value or None,
                      warning_lights=tuple(field(f"{WALK}.warning_lights").value),
                      valuables=field(f"{WALK}.valuables").value,
                      spare_tyre=_YES_NO[field(f"{WALK}.spare_tyre").value],
                      tools=_YES_NO[field(f"{WALK}.tools").value],
                      damage=field(f"{WALK}.damage").value)


def _answer(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def before_note(before: dict[str, tuple[str, ...]]) -> str | None:
    """The line under the grid: what was noted at the car's last marked visit."""
    return t("reception_order.before", marks=order_facts.damage_summary(before)) if before else None
