"""Bindings are declared with catalogue keys as descriptions; this shows them translated.

Textual copies a class's bindings into each instance (``_bindings``); the mixin swaps
the descriptions for their texts there, so the footer and the help screen speak the
interface language while the declarations stay plain ``Binding(..., id=...)``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from db.i18n import has, t


def label(description: str) -> str:
    return t(description) if description and has(description) else description


class TranslatedBindings:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self._bindings.key_to_bindings  # type: ignore[attr-defined]
        for key, bindings in mapping.items():
            mapping[key] = [replace(b, description=label(b.description)) for b in bindings]
