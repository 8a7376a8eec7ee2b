"""Masks for personal data in lists (PIPL): 138****8000, 110105********002X."""

from __future__ import annotations


def mask_mobile(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_address(value: str | None, keep: int = 6) -> str:
    """Keep the district part of an address, hide the house number."""
    if not value:
        return ""
    return value if len(value) <= keep else value[:keep] + "…"


# The personal numbers shown masked until revealed (the card's M / I, the reception's
# reveal key), each with its mask: one list for the card, the reception and the audit.
MASKS = {"mobile": mask_mobile, "id_number": mask_id}
