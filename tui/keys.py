"""Bindings are declared with catalogue keys as descriptions; this shows them translated.

Textual copies a class's bindings into each instance (``_bindings``); the mixin swaps
the descriptions for their texts there, so the footer and the help screen speak the
interface language while the declarations stay plain ``Binding(..., id=...)``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from db.i18n import has, t


# Keys by the names printed on the keyboard (and in the README): Esc, PgDn, Ctrl+N.
_KEY_NAMES = {"escape": "Esc", "pagedown": "PgDn", "pageup": "PgUp", "enter": "Enter", "tab": "Tab",
              "space": "Space", "up": "↑", "down": "↓", "left": "←", "right": "→", "home": "Home",
              "end": "End", "delete": "Del", "backspace": "Backspace", "insert": "Ins"}


def key_name(key: str) -> str:
    """``ctrl+n`` as ``Ctrl+N``, ``escape`` as ``Esc``: the footer, F1 help and the palette
    name a key the same way."""
    *modifiers, last = key.split("+")
    name = _KEY_NAMES.get(last) or (last.upper() if len(last) == 1 or last[1:].isdigit() else last.title())
    return "+".join([m.title() for m in modifiers] + [name])


def label(description: str) -> str:
    return t(description) if description and has(description) else description


def upper_twin(binding: Binding) -> Binding | None:
    """A letter key's upper-case twin (Caps Lock or Shift): the same action and id, kept
    out of the footer, F1 help and the palette (``system``); None for any other key."""
    key = binding.key
    if len(key) != 1 or not key.isalpha() or not key.islower():
        return None
    return replace(binding, key=key.upper(), show=False, system=True)


class TranslatedBindings:
    """Descriptions in the interface language, and every letter key in both cases: a
    screen declares ``e``, and ``E`` (Caps Lock, Shift) does the same, without a second
    declaration, unless the screen declares ``E`` for something of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self._bindings.key_to_bindings  # type: ignore[attr-defined]
        for key, bindings in list(mapping.items()):
            mapping[key] = [replace(b, description=label(b.description)) for b in bindings]
        for key, bindings in list(mapping.items()):
            twins = [twin for twin in map(upper_twin, bindings) if twin is not None]
            if twins and key.upper() not in mapping:
                mapping[key.upper()] = twins


def help_binding(scope: str) -> Binding:
    """F1 on a dialog. A modal screen hides the app's own bindings (only priority ones
    reach through), so each dialog declares F1 again; the help opens over the dialog,
    which keeps what was typed in it."""
    return Binding("f1", "app.help", "key.help", id=f"{scope}.help")
