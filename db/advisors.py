"""Who is at the keyboard: advisors and managers."""

from __future__ import annotations

from db.clock import now
from db.connection import writing
from db.models import Advisor
from db.os_account import os_account
from db.validate import name as valid_name

ADVISOR = "advisor"
MANAGER = "manager"
ROLES = (ADVISOR, MANAGER)


def os_user() -> str:
    """This process's OS account, by its uid: ``LOGNAME``/``USER`` are the caller's to set
    and never decide who is at the keyboard (db.os_account)."""
    return os_account()


def for_os_user(user: str | None = None) -> Advisor | None:
    """The advisor this OS account was mapped to, if any."""
    user = os_user() if user is None else user
    if not user:
        return None
    return Advisor.get_or_none((Advisor.os_user == user) & (Advisor.active == True))  # noqa: E712


def sign_in(name: str, user: str | None = None, remember: bool = True) -> Advisor:
    """The advisor of this name (created on first use), remembered for this OS account."""
    cleaned = valid_name(name, "advisor")
    user = os_user() if user is None else user
    with writing():
        advisor = Advisor.get_or_none(Advisor.name == cleaned)
        if advisor is None:
            advisor = Advisor.create(name=cleaned, role=role_for_new_advisor(), created_at=now())
        if remember and user and advisor.os_user != user:
            # An OS account maps to one advisor: move the mapping to this one.
            Advisor.update(os_user=None).where(Advisor.os_user == user).execute()
            advisor.os_user = user
            advisor.save()
    return advisor


def active_managers() -> int:
    return Advisor.select().where((Advisor.role == MANAGER) & (Advisor.active == True)).count()  # noqa: E712


def role_for_new_advisor() -> str:
    """A new advisor of a station without an active manager becomes its manager (the first
    person to sign in to a new station); the rest of the roles' rules are in db.roles."""
    return ADVISOR if active_managers() else MANAGER


def get(advisor_id: int) -> Advisor | None:
    return Advisor.get_or_none(Advisor.id == advisor_id)
