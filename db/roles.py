"""Roles: advisor and service manager, PINs, and the manager's entry points.

Two roles (``Advisor.role``). What only a manager may do: change settings,
merge or anonymise archives, export unmasked, read the audit log, manage advisors.
Every such action calls ``require_manager`` inside its own function in ``db/`` (not only
in the interface), so a script or a shell command meets the same check.

Identification: the OS account (``Advisor.os_user``, e.g. the SSH login) mapped to an
advisor, or the advisor's name plus a PIN when the advisor has one. PINs are stored only
as salted scrypt hashes (``scrypt$n$r$p$salt$hash``), compared in constant time.

Bootstrap: an advisor created while the database has no active manager becomes the
manager (the first person to sign in to a new station). The last active manager can be
neither retired nor demoted, so the station never locks itself out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from db import advisors, derived, settings  # derived: its settings observers keep derived data through threshold changes
from db.advisors import ADVISOR, MANAGER, ROLES, active_managers
from db.audit import write as audit
from db.clock import now
from db.connection import writing
from db.errors import Forbidden, Invalid, NotFound
from db.i18n import t
from db.models import Advisor, Contact, Visit
from db.validate import name as valid_name
from peewee import fn

SIGN_IN = "roles.action.sign_in"  # a refused sign-in's entry in the audit log

# scrypt cost: n=2**14, r=8 is the interactive-login figure from the scrypt paper:
# unnoticed at sign-in, and slow enough to make guessing 6 digits dear.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PIN = re.compile(r"^\d{4,8}$")


# ---- PINs ------------------------------------------------------------------------

def hash_pin(pin: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str | None, pin: str | None) -> bool:
    if not stored or pin is None:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=len(digest) // 2,
                             n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def valid_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not _PIN.match(pin):
        raise Invalid(t("roles.pin_rule"), field="pin")
    return pin


# ---- checks ------------------------------------------------------------------------

def _advisor(advisor_id: int | None, action_key: str | None = None) -> Advisor:
    advisor = Advisor.get_or_none(Advisor.id == advisor_id) if advisor_id else None
    if advisor is None:
        if action_key:
            audit.refused(action_key, advisor_id=None, detail="no_advisor")
        raise Forbidden(t("roles.not_signed_in"))
    return advisor


def is_manager(advisor_id: int | None) -> bool:
    if not advisor_id:
        return False
    return (Advisor.select().where((Advisor.id == advisor_id) & (Advisor.role == MANAGER)
                                   & (Advisor.active == True))  # noqa: E712
            .exists())


def require_manager(advisor_id: int | None, action_key: str = "roles.action.manage") -> Advisor:
    """The signed-in manager, or ``Forbidden`` naming the refused action (and the attempt
    logged as refused: ``db.audit.refused``)."""
    advisor = _advisor(advisor_id, action_key)
    if advisor.role != MANAGER or not advisor.active:
        audit.refused(action_key, advisor_id=advisor.id)
        raise Forbidden(t("roles.forbidden", name=advisor.name, action=t(action_key)))
    return advisor


# ---- identification ---------------------------------------------------------------

class PinNeeded(Forbidden):
    """The named advisor has a PIN and none (or a wrong one) was given."""

    def __init__(self, message: str, advisor_name: str, wrong: bool, locked: bool = False) -> None:
        super().__init__(message)
        self.advisor_name = advisor_name
        self.wrong = wrong
        self.locked = locked


class RemapNeeded(Forbidden):
    """This OS account belongs to another advisor: signing in by this name would move it.
    The program asks (and calls again with ``confirm_remap=True``); a shell command refuses."""

    def __init__(self, message: str, advisor_name: str, mapped_to: str) -> None:
        super().__init__(message)
        self.advisor_name = advisor_name
        self.mapped_to = mapped_to


def identify(name: str, pin: str | None = None, user: str | None = None,
             remember: bool = True, confirm_remap: bool = False) -> Advisor:
    """Sign in by name. A typed name never grants more than the name's owner allows:
    - the PIN is asked when the advisor has one, unless this OS account is theirs; wrong
      PINs are logged, slowed and lock the advisor's login (db.access.check_secret);
    - a manager without a PIN is reached only from the OS account mapped to them (or
      over SSH with their key or password);
    - a retired advisor is refused; a new name makes a new advisor when the station
      allows it (setting ``advisors.self_register``);
    - an OS account mapped to another advisor is not moved without ``confirm_remap``, and
      an advisor mapped to another account keeps it (the name signs in this time only)."""
    from db import access

    cleaned = valid_name(name, "advisor")
    user = advisors.os_user() if user is None else user
    existing = Advisor.get_or_none(Advisor.name == cleaned)
    if existing is None:
        if not settings.get("advisors.self_register") and Advisor.select().exists():
            audit.refused(SIGN_IN, advisor_id=None, detail=f"unknown {cleaned}")
            raise Forbidden(t("roles.unknown_advisor", name=cleaned))
    else:
        if not existing.active:
            audit.refused(SIGN_IN, advisor_id=existing.id, detail="retired")
            raise Forbidden(t("roles.retired_cannot_sign_in", name=cleaned))
        own_account = bool(user) and existing.os_user == user
        if not own_account and existing.pin_hash:
            if not pin:
                raise PinNeeded(t("roles.pin_needed", name=cleaned), cleaned, wrong=False)
            try:
                access.check_secret(existing, pin, "pin")
            except access.SignInRefused as exc:
                raise PinNeeded(str(exc), cleaned, wrong=True, locked=exc.locked) from None
        elif not own_account and existing.role == MANAGER:
            audit.refused(SIGN_IN, advisor_id=existing.id, detail="manager_no_pin")
            raise Forbidden(t("roles.manager_needs_pin", name=cleaned))
    if existing is not None and existing.os_user and existing.os_user != user:
        remember = False  # signed in for this time; their own account stays theirs
    mine = advisors.for_os_user(user) if (user and remember) else None
    if mine is not None and (existing is None or mine.id != existing.id) and not confirm_remap:
        raise RemapNeeded(t("roles.account_taken", account=user, mapped=mine.name, name=cleaned),
                          cleaned, mine.name)
    return advisors.sign_in(cleaned, user=user, remember=remember)


# ---- managing advisors (manager only) ---------------------------------------------

def list_advisors(include_retired: bool = True) -> list[Advisor]:
    query = Advisor.select().order_by(Advisor.active.desc(), Advisor.name)
    if not include_retired:
        query = query.where(Advisor.active == True)  # noqa: E712
    return list(query)


def _log(actor: Advisor, action: str, target: Advisor, before: Any, after: Any) -> None:
    audit.record(action, advisor_id=actor.id, field="advisor", before=before, after=after,
                 detail=f"advisor #{target.id}")


def add_advisor(actor_id: int, name: str, role: str = ADVISOR, pin: str | None = None) -> Advisor:
    actor = require_manager(actor_id, "roles.action.advisors")
    cleaned = valid_name(name, "advisor")
    if role not in ROLES:
        raise Invalid(t("roles.bad_role"), field="role")
    pin_hash = hash_pin(valid_pin(pin)) if pin else None
    with writing():
        if Advisor.select().where(Advisor.name == cleaned).exists():
            raise Invalid(t("roles.name_taken", name=cleaned), field="name")
        advisor = Advisor.create(name=cleaned, role=role, pin_hash=pin_hash, created_at=now())
        _log(actor, "advisor.add", advisor, None, {"name": cleaned, "role": role})
    return advisor


def _target(advisor_id: int) -> Advisor:
    target = Advisor.get_or_none(Advisor.id == advisor_id)
    if target is None:
        raise NotFound(t("db.not_found"))
    return target


def rename_advisor(actor_id: int, advisor_id: int, new_name: str) -> Advisor:
    """Work orders and contacts point at the advisor's row, so they follow the new name."""
    actor = require_manager(actor_id, "roles.action.advisors")
    cleaned = valid_name(new_name, "advisor")
    with writing():
        target = _target(advisor_id)
        if cleaned == target.name:
            return target
        if Advisor.select().where((Advisor.name == cleaned) & (Advisor.id != advisor_id)).exists():
            raise Invalid(t("roles.name_taken", name=cleaned), field="name")
        _log(actor, "advisor.rename", target, {"name": target.name}, {"name": cleaned})
        target.name = cleaned
        target.save()
    return target


def _keeps_a_manager(target: Advisor) -> None:
    if target.role == MANAGER and target.active and active_managers() <= 1:
        raise Forbidden(t("roles.last_manager"))


def set_active(actor_id: int, advisor_id: int, active: bool) -> Advisor:
    """Retire (``active=False``) or bring back an advisor; nothing of theirs is deleted.
    A retired advisor's OS account mapping is dropped so the account no longer signs in."""
    actor = require_manager(actor_id, "roles.action.advisors")
    with writing():
        target = _target(advisor_id)
        if target.active == active:
            return target
        if not active:
            _keeps_a_manager(target)
        _log(actor, "advisor.retire" if not active else "advisor.return", target,
             {"active": target.active}, {"active": active})
        target.active = active
        if not active:
            target.os_user = None
        target.save()
    return target


def set_role(actor_id: int, advisor_id: int, role: str) -> Advisor:
    actor = require_manager(actor_id, "roles.action.advisors")
    if role not in ROLES:
        raise Invalid(t("roles.bad_role"), field="role")
    with writing():
        target = _target(advisor_id)
        if target.role == role:
            return target
        if role != MANAGER:
            _keeps_a_manager(target)
        _log(actor, "advisor.role", target, {"role": target.role}, {"role": role})
        target.role = role
        target.save()
    return target


def set_pin(actor_id: int, advisor_id: int, pin: str | None) -> None:
    """Set or clear (``pin=None``) a PIN: one's own, or anyone's by a manager."""
    actor = _advisor(actor_id)
    if actor.id != advisor_id:
        require_manager(actor_id, "roles.action.advisors")
    pin_hash = hash_pin(valid_pin(pin)) if pin else None
    with writing():
        target = _target(advisor_id)
        target.pin_hash = pin_hash
        target.save()
        # The log says that the PIN changed, never the PIN or its hash.
        _log(actor, "advisor.pin", target, None, {"pin": "set" if pin_hash else "cleared"})


# ---- settings (manager only) ------------------------------------------------------

def change_setting(actor_id: int, key: str, value: Any, progress: Callable[[int, int], None] | None = None) -> Any:
    """The one way the program changes a business threshold: manager only, logged.
    ``progress``: see ``db.settings.set_value`` (a queue threshold recomputes every car)."""
    actor = require_manager(actor_id, "roles.action.settings")
    with writing():  # the change and its log entry land together (writing() nests)
        before = settings.get(key)
        typed = settings.set_value(key, value, advisor_id=actor.id, progress=progress)
        if typed != before:
            audit.record("setting", advisor_id=actor.id, field=key, before=before, after=typed)
    return typed


# ---- the advisors' list for the manager ------------------------------------------------

@dataclass(frozen=True)
class AdvisorLine:
    id: int
    name: str
    role: str
    active: bool
    has_pin: bool
    os_user: str
    work_orders: int
    contacts: int
    login: str = ""
    keys: tuple[str, ...] = ()  # fingerprints of their SSH keys
    has_password: bool = False


def advisor_lines(actor_id: int | None) -> list[AdvisorLine]:
    """Every advisor, retired ones last, with how much work carries their name."""
    from db.models import AdvisorKey

    require_manager(actor_id, "roles.action.advisors")
    orders = dict(Visit.select(Visit.advisor, fn.COUNT(Visit.id)).group_by(Visit.advisor).tuples())
    contacts = dict(Contact.select(Contact.advisor, fn.COUNT(Contact.id)).group_by(Contact.advisor).tuples())
    keys: dict[int, list[str]] = {}
    for advisor_id, fingerprint in AdvisorKey.select(AdvisorKey.advisor, AdvisorKey.fingerprint).order_by(AdvisorKey.id).tuples():
        keys.setdefault(advisor_id, []).append(fingerprint)
    return [AdvisorLine(a.id, a.name, a.role, a.active, bool(a.pin_hash), a.os_user or "",
                        orders.get(a.id, 0), contacts.get(a.id, 0), a.login or "", tuple(keys.get(a.id, ())),
                        bool(a.password_hash)) for a in list_advisors()]


@dataclass(frozen=True)
class SettingLine:
    key: str
    label: str
    value: Any
    default: Any


def setting_lines(actor_id: int | None) -> list[SettingLine]:
    """Every business threshold with its current value and default, for the manager."""
    require_manager(actor_id, "roles.action.settings")
    values = settings.all_values()
    return [SettingLine(key, t(spec.text_key), values[key], spec.default)
            for key, spec in settings.SPECS.items()]
