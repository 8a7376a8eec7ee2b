"""The walk-around check (环车检查) and the reception order's other facts: the catalogues
the reception form, the printed order and the settlement statement share, and the
compact text each is stored as in the ``visit`` and ``visit_part`` columns (migration
0014). Labels are texts (``walkaround.*`` keys in db/texts/order.py); codes are stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.i18n import t

# Fuel gauge as read at the desk, emptiest first.
FUEL_LEVELS = ("E", "1/4", "1/2", "3/4", "F")

# The car's areas, in the order the advisor walks round it (front, driver's side, rear,
# passenger side, then the ones seen from anywhere).
AREAS = ("front", "bonnet", "left_front_door", "left_rear_door", "left_side", "rear", "boot",
         "right_rear_door", "right_front_door", "right_side", "roof", "glass", "wheels", "interior")

# Damage marks, one letter each so a grid cell reads at a glance: scratch, dent, crack,
# chip, missing.
DAMAGE_CODES = ("S", "D", "C", "P", "M")

# Warning lights on at reception: the short list the form ticks.
WARNING_LIGHTS = ("engine", "oil", "battery", "brake", "abs", "airbag", "tyre_pressure", "coolant")

# A part line's kind (2015 机动车维修管理规定: each part is marked); repaired and used parts
# need the owner's consent, recorded on the line.
PART_KINDS = ("original", "aftermarket", "repaired", "used")
PART_KINDS_NEEDING_CONSENT = ("repaired", "used")

# What happens to the old parts: the customer takes them, or leaves them here.
OLD_PARTS = ("take", "leave")


@dataclass
class WalkAround:
    """What the walk-around found. ``None``/empty: not checked or nothing to note."""

    fuel: str | None = None  # one of FUEL_LEVELS
    warning_lights: tuple[str, ...] = ()  # codes from WARNING_LIGHTS
    valuables: str = ""  # what the customer left in the car, as written
    spare_tyre: bool | None = None
    tools: bool | None = None
    damage: dict[str, tuple[str, ...]] = field(default_factory=dict)  # area -> codes

    def empty(self) -> bool:
        return (self.fuel is None and not self.warning_lights and not self.valuables.strip()
                and self.spare_tyre is None and self.tools is None and not self.damage)


def encode_damage(damage: dict[str, tuple[str, ...]]) -> str | None:
    """``{"front": ("S", "D"), "roof": ("C",)}`` -> ``"front:SD;roof:C"`` (areas in walking
    order, codes in catalogue order; areas without a mark left out). None when nothing."""
    parts = []
    for area in AREAS:
        codes = [c for c in DAMAGE_CODES if c in damage.get(area, ())]
        if codes:
            parts.append(f"{area}:{''.join(codes)}")
    return ";".join(parts) or None


def decode_damage(text: str | None) -> dict[str, tuple[str, ...]]:
    """The reverse of ``encode_damage``; unknown areas and codes are dropped (a hand-edited
    row does not break the form)."""
    damage: dict[str, tuple[str, ...]] = {}
    for item in (text or "").split(";"):
        area, _, codes = item.partition(":")
        if area in AREAS:
            kept = tuple(c for c in DAMAGE_CODES if c in codes)
            if kept:
                damage[area] = kept
    return damage


def encode_lights(lights: tuple[str, ...] | list[str]) -> str | None:
    kept = [light for light in WARNING_LIGHTS if light in lights]
    return ",".join(kept) or None


def decode_lights(text: str | None) -> tuple[str, ...]:
    given = set((text or "").split(","))
    return tuple(light for light in WARNING_LIGHTS if light in given)


def area_label(area: str) -> str:
    return t(f"walkaround.area.{area}")


def damage_label(code: str) -> str:
    return t(f"walkaround.damage.{code}")


def light_label(light: str) -> str:
    return t(f"walkaround.light.{light}")


def part_kind_label(kind: str) -> str:
    return t(f"walkaround.part_kind.{kind}")


def old_parts_label(choice: str) -> str:
    return t(f"walkaround.old_parts.{choice}")
