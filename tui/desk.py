"""What a screen may ask of the program it runs in: the desk.

Screens and their widgets reach the app through ``desk(node)``, typed by the ``Desk``
protocol, never by importing ``tui.app`` (which imports the screens) nor by
``getattr(self.app, ...)``. ``tui.app.AdvisorApp`` is held to it by a type checker (an
assignment in tui/app.py) and by tests/test_desk.py (``isinstance`` and each call's
signature)."""

from __future__ import annotations

from typing import Protocol, cast, runtime_checkable

from textual.dom import DOMNode
from textual.widget import Widget


@runtime_checkable
class Desk(Protocol):
    @property
    def advisor_id(self) -> int | None:
        """Who is at the keyboard; None until the sign-in has answered."""

    @property
    def advisor_name(self) -> str: ...

    @property
    def db_label(self) -> str:
        """The database in use, as the home screen names it (no password)."""

    def hold_keys(self) -> None:
        """Keep every key read from now on, unhandled, until ``release_keys``: called by
        the key that starts a change of stage, for the keys typed after it."""

    async def release_keys(self, focus: Widget | None = None, *, replay: bool = True) -> None:
        """Focus ``focus`` at once, then handle the kept keys in order (``replay=False``:
        drop them and say which)."""


def desk(node: DOMNode) -> Desk:
    """The desk ``node`` runs in."""
    return cast(Desk, node.app)
