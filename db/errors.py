"""Errors the program shows to a person.

Every error a user can cause or meet derives from ``AdvisorError``; its ``str()`` is
a complete sentence in the interface language, fit for a notification or a one-line
message on the shell. Anything else reaching the interface is a bug.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """A problem with a message for the user (already translated)."""


class Invalid(AdvisorError, ValueError):
    """A typed value breaks a rule. ``field`` names the field when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(AdvisorError):
    """Another advisor saved a newer version of the same record first."""


class NotFound(AdvisorError):
    """The record asked for does not exist (any more)."""


class DatabaseProblem(AdvisorError):
    """The database cannot be opened, read or written: locked, read-only, full, foreign."""


class Forbidden(AdvisorError):
    """The current advisor's role does not allow this action."""


class PrintFailed(AdvisorError):
    """A paper could not be printed or saved: no ``lp``, the printer refused it, the print
    folder cannot be written."""
