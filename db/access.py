"""The front door (issue 14): who is at the keyboard, decided by what a user can't forge.

- Locally, the OS account is the process's real uid (``pwd``), never ``LOGNAME``/``USER``.
- Over SSH (``advisor serve``), an advisor's login (ASCII, unique, by default the
  name's pinyin) with one of their public keys or their password (scrypt, as PINs).
- Refused sign-ins (key, password, PIN) are kept in ``SignInFailure``: each one slows the
  next attempt of that login and of that address; ``signin.lock_failures`` within
  ``signin.lock_window_minutes`` lock the login (never the address: many desks share one
  behind a router) for ``signin.lock_minutes``. Every failure, sign-in and sign-out goes to
  the audit log with the client address and the key fingerprint.
- The server hands the signed-in advisor to the session's process as a one-time ticket
  (``issue_ticket``/``redeem_ticket``) through an inherited pipe.
- Keys and passwords are set by a manager (``actor_id``) or by the station's
  administrator: the OS account that owns the SQLite file (the service account), for the
  shell commands (``actor_id=None`` after ``require_station_admin``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass

from db.audit import write as audit
from db.clock import now
from db.connection import writing
from db.errors import Forbidden, Invalid, NotFound
from db.i18n import t
from db.models import Advisor, AdvisorKey, SessionTicket, SignInFailure
from db.os_account import os_account

LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
TICKET_SECONDS = 60  # a session's process redeems its ticket at start, within this


# ---- the station's administrator ----------------------------------------------------

def require_station_admin(database_path: str | None) -> None:
    """The shell's administrator commands (keys, passwords) are for the station's service
    account: the owner of the SQLite file (who can read it whole anyway). On PostgreSQL
    the database's own credentials decide who gets this far."""
    if not database_path or "://" in str(database_path):
        return
    try:
        owner = os.stat(database_path).st_uid
    except OSError:
        return
    if owner != os.getuid():
        raise Forbidden(t("access.not_station_admin", account=os_account()))


# ---- logins ----------------------------------------------------------------------------

def default_login(name: str, taken: set[str] | None = None) -> str:
    """An ASCII login from the name's pinyin (张伟 -> zhangwei), made unique with a
    number (zhangwei2) against ``taken`` (default: the logins in the database)."""
    from db.search import pinyin_keys

    full, _ = pinyin_keys(name or "")
    base = re.sub(r"[^a-z0-9]", "", full.lower())[:28] or "advisor"
    if not base[0].isalpha():
        base = "a" + base[:27]
    if len(base) < 2:
        base += "x"
    if taken is None:
        taken = {row[0] for row in Advisor.select(Advisor.login).where(Advisor.login.startswith(base)).tuples()}
    login, n = base, 1
    while login in taken:
        n += 1
        login = f"{base}{n}"
    return login


def valid_login(text: str) -> str:
    login = (text or "").strip().lower()
    if not LOGIN.match(login):
        raise Invalid(t("access.login_rule"), field="login")
    return login


def set_login(actor_id: int | None, advisor_id: int, login: str) -> Advisor:
    """A manager (or the station's administrator) changes an advisor's SSH login."""
    actor = _actor(actor_id)
    login = valid_login(login)
    with writing():
        target = _target(advisor_id)
        if target.login == login:
            return target
        if Advisor.select().where((Advisor.login == login) & (Advisor.id != advisor_id)).exists():
            raise Invalid(t("access.login_taken", login=login), field="login")
        audit.record("advisor.login", advisor_id=actor, field="advisor", before={"login": target.login},
                     after={"login": login}, detail=_who_detail(target, actor_id))
        target.login = login
        target.save()
    return target


def by_login(login: str) -> Advisor | None:
    return Advisor.get_or_none(Advisor.login == (login or "").strip().lower())


# ---- who may manage keys and passwords ---------------------------------------------------

def _actor(actor_id: int | None) -> int | None:
    """``None``: the station's administrator at the server's shell (checked by the
    command); otherwise the signed-in manager."""
    if actor_id is None:
        return None
    from db.roles import require_manager

    return require_manager(actor_id, "roles.action.advisors").id


def _target(advisor_id: int) -> Advisor:
    target = Advisor.get_or_none(Advisor.id == advisor_id)
    if target is None:
        raise NotFound(t("db.not_found"))
    return target


def _who_detail(target: Advisor, actor_id: int | None, **extra) -> str:
    """As db.roles logs changes to advisors (the audit screen names the advisor); the OS
    account that made it is in the entry's context."""
    return f"advisor #{target.id}"


def advisor_named(name: str, create: bool = False) -> tuple[Advisor, bool]:
    """An advisor by name or login, for the station administrator's shell commands; with
    ``create``, a new name makes the advisor (the first of a station becomes its manager).
    Returns (advisor, whether it was made now)."""
    advisor = Advisor.get_or_none(Advisor.name == (name or "").strip()) or by_login(name)
    if advisor is not None:
        return advisor, False
    if not create:
        raise NotFound(t("access.no_such_advisor", name=name))
    from db.advisors import sign_in

    return sign_in(name, user="", remember=False), True


# ---- passwords ------------------------------------------------------------------------------

def set_password(actor_id: int | None, advisor_id: int, password: str | None) -> None:
    """Set (or clear with ``None``) an advisor's SSH password; kept only as a scrypt hash."""
    from db import settings
    from db.roles import hash_pin

    actor = _actor(actor_id)
    if password is not None:
        if len(password) < settings.get("signin.password_min"):
            raise Invalid(t("access.password_rule", n=settings.get("signin.password_min")), field="password")
        if password != password.strip() or any(ord(c) < 32 for c in password):
            raise Invalid(t("access.password_chars"), field="password")
    with writing():
        target = _target(advisor_id)
        target.password_hash = hash_pin(password) if password else None
        target.save()
        audit.record("advisor.password", advisor_id=actor, field="advisor", before=None,
                     after={"password": "set" if password else "cleared"}, detail=_who_detail(target, actor_id))


# ---- public keys ------------------------------------------------------------------------------

KEY_TYPES = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")


@dataclass(frozen=True)
class PublicKey:
    kind: str
    blob: bytes
    comment: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.blob)

    @property
    def line(self) -> str:
        return " ".join(p for p in (self.kind, base64.b64encode(self.blob).decode(), self.comment) if p)


def fingerprint_of(blob: bytes) -> str:
    """As ``ssh-keygen -l`` prints it: SHA256: and the unpadded base64 of the digest."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_public_key(text: str) -> PublicKey:
    """The first key of an OpenSSH ``.pub`` file (or authorized_keys line)."""
    for raw in (text or "").splitlines():
        parts = raw.strip().split(None, 2)
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) >= 2 and parts[0] in KEY_TYPES:
            try:
                blob = base64.b64decode(parts[1], validate=True)
            except (binascii.Error, ValueError):
                break
            # The blob starts with its own type name, length-prefixed.
            size = int.from_bytes(blob[:4], "big") if len(blob) > 4 else 0
            if blob[4:4 + size].decode("ascii", "replace") != parts[0]:
                break
            comment = parts[2].strip() if len(parts) > 2 else ""
            comment = "".join(c for c in comment if c.isprintable())[:100]
            return PublicKey(parts[0], blob, comment)
        break
    raise Invalid(t("access.not_a_key"), field="key")


def add_key(actor_id: int | None, advisor_id: int, text: str) -> PublicKey:
    actor = _actor(actor_id)
    key = parse_public_key(text)
    with writing():
        target = _target(advisor_id)
        existing = AdvisorKey.get_or_none(AdvisorKey.fingerprint == key.fingerprint)
        if existing is not None:
            owner = existing.advisor
            if owner.id == target.id:
                return key
            raise Invalid(t("access.key_taken", name=owner.name), field="key")
        AdvisorKey.create(advisor=target, fingerprint=key.fingerprint, public_key=key.line, added_at=now())
        audit.record("advisor.key_add", advisor_id=actor, field="advisor", before=None,
                     after={"key": key.fingerprint}, detail=_who_detail(target, actor_id, key=key.fingerprint))
    return key


def remove_key(actor_id: int | None, advisor_id: int, fingerprint: str) -> None:
    actor = _actor(actor_id)
    with writing():
        target = _target(advisor_id)
        fingerprint = (fingerprint or "").strip()
        if fingerprint and not fingerprint.startswith("SHA256:"):
            fingerprint = "SHA256:" + fingerprint
        deleted = AdvisorKey.delete().where((AdvisorKey.advisor == target.id)
                                            & (AdvisorKey.fingerprint == fingerprint)).execute()
        if not deleted:
            raise NotFound(t("access.no_such_key", name=target.name, fingerprint=fingerprint))
        audit.record("advisor.key_remove", advisor_id=actor, field="advisor", before={"key": fingerprint},
                     after=None, detail=_who_detail(target, actor_id, key=fingerprint))


@dataclass(frozen=True)
class KeyLine:
    advisor_id: int
    name: str
    login: str
    fingerprint: str
    kind: str
    comment: str
    added_at: dt.datetime

    def as_json(self) -> dict:
        return {"advisor": self.name, "login": self.login, "fingerprint": self.fingerprint,
                "type": self.kind, "comment": self.comment, "added_at": self.added_at.isoformat(sep=" ")}


def key_lines(advisor_id: int | None = None) -> list[KeyLine]:
    query = (AdvisorKey.select(AdvisorKey, Advisor).join(Advisor)
             .order_by(Advisor.name, AdvisorKey.added_at, AdvisorKey.id))
    if advisor_id is not None:
        query = query.where(AdvisorKey.advisor == advisor_id)
    lines = []
    for row in query:
        parts = row.public_key.split(None, 2)
        lines.append(KeyLine(row.advisor.id, row.advisor.name, row.advisor.login or "", row.fingerprint,
                             parts[0], parts[2] if len(parts) > 2 else "", row.added_at))
    return lines


# ---- failures: slowing and locking --------------------------------------------------------------

def _clock() -> dt.datetime:
    """Lockouts run on the real clock, whatever "today" is pinned to."""
    return dt.datetime.now()


def _limits() -> tuple[int, dt.timedelta, dt.timedelta]:
    from db import settings

    values = settings.get_many("signin.lock_failures", "signin.lock_window_minutes", "signin.lock_minutes")
    return (max(1, values["signin.lock_failures"]), dt.timedelta(minutes=values["signin.lock_window_minutes"]),
            dt.timedelta(minutes=values["signin.lock_minutes"]))


def locked_until(login: str) -> dt.datetime | None:
    """When the login's lock ends, if it is locked now: ``lock_failures`` failures within
    the window lock it from the last of them for ``lock_minutes``."""
    limit, window, lock = _limits()
    since = _clock() - window - lock
    times = [row[0] for row in SignInFailure.select(SignInFailure.at)
             .where((SignInFailure.login == login) & (SignInFailure.at >= since))
             .order_by(SignInFailure.at).tuples()]
    end = None
    for i in range(len(times) - limit + 1):
        if times[i + limit - 1] - times[i] <= window:
            candidate = times[i + limit - 1] + lock
            end = candidate if end is None or candidate > end else end
    return end if end is not None and end > _clock() else None


def failure_delay(login: str | None, address: str | None) -> float:
    """Seconds to wait before answering a refused attempt: doubling with each recent
    failure of the login or of the address, up to ``signin.delay_max_ms``."""
    from db import settings

    values = settings.get_many("signin.delay_ms", "signin.delay_max_ms", "signin.lock_window_minutes")
    since = _clock() - dt.timedelta(minutes=values["signin.lock_window_minutes"])
    counts = [0]
    if login:
        counts.append(SignInFailure.select().where((SignInFailure.login == login) & (SignInFailure.at >= since)).count())
    if address:
        counts.append(SignInFailure.select().where((SignInFailure.address == address) & (SignInFailure.at >= since)).count())
    n = max(counts)
    if n == 0 or values["signin.delay_ms"] == 0:
        return 0.0
    return min(values["signin.delay_ms"] * 2 ** (n - 1), values["signin.delay_max_ms"]) / 1000


def _where(address: str | None, fingerprint: str | None) -> audit.AuditContext | None:
    """An SSH client's entry: this process's account, the client's address and key."""
    if not address and not fingerprint:
        return None
    from dataclasses import replace

    return replace(audit.current_context(), terminal=None, client=address, client_key=fingerprint)


def record_failure(login: str, reason: str, *, address: str | None = None, fingerprint: str | None = None,
                   counts: bool = True) -> None:
    """One refused sign-in (``reason``: pin, password, key, locked): in the audit log as a
    refused sign-in like the program's others (the advisor, or ``unknown <login>``; the
    client's address and key in the entry's context); ``counts`` toward slowing and the
    lock (an attempt refused because the login is already locked does not)."""
    from db.roles import SIGN_IN

    advisor = by_login(login)
    with writing():
        if counts:
            SignInFailure.create(login=(login or "")[:64], address=(address or None), at=_clock())
        audit.record(audit.REFUSED, advisor_id=advisor.id if advisor else None, field=SIGN_IN,
                     detail=reason if advisor else f"unknown {login}", context=_where(address, fingerprint))


def record_sign_in(advisor_id: int, via: str, *, address: str | None = None, fingerprint: str | None = None) -> None:
    """``via``: key | password."""
    with writing():
        audit.record("signin", advisor_id=advisor_id, field=f"ssh_{via}", context=_where(address, fingerprint))


def record_sign_out(advisor_id: int, reason: str, *, address: str | None = None,
                    fingerprint: str | None = None) -> None:
    """``reason``: closed | idle | disconnected."""
    with writing():
        audit.record("signout", advisor_id=advisor_id, field=f"session_{reason}", context=_where(address, fingerprint))


class SignInRefused(Forbidden):
    """A refused login, password or PIN; ``locked`` when the login is locked."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def refuse_if_locked(login: str, *, address: str | None = None, fingerprint: str | None = None) -> None:
    until = locked_until(login)
    if until is not None:
        record_failure(login, "locked", address=address, fingerprint=fingerprint, counts=False)
        raise SignInRefused(t("access.locked", time=until.strftime("%H:%M")), locked=True)


def check_secret(advisor: Advisor, secret: str | None, kind: str, *, address: str | None = None,
                 sleep=time.sleep) -> None:
    """A PIN or password of ``advisor`` (``kind``: "pin" | "password"): refused while the
    login is locked; a wrong one is logged, counted and answered after the delay."""
    from db.roles import pin_matches

    login = advisor.login or advisor.name
    refuse_if_locked(login, address=address)
    stored = advisor.pin_hash if kind == "pin" else advisor.password_hash
    if pin_matches(stored, secret):
        return
    record_failure(login, kind, address=address)
    delay = failure_delay(login, address)
    if delay:
        sleep(delay)
    until = locked_until(login)
    if until is not None:
        raise SignInRefused(t("access.locked", time=until.strftime("%H:%M")), locked=True)
    raise SignInRefused(t("roles.pin_wrong", name=advisor.name) if kind == "pin" else t("access.password_wrong"))


_DUMMY: list[str] = []


def check_password(login: str, password: str, *, address: str | None = None, sleep=time.sleep) -> Advisor:
    """An SSH password sign-in: the advisor, or ``SignInRefused``. An unknown login, a
    retired advisor or one without a password costs the same hash and the same delay as a
    wrong password, so the answer does not tell which logins exist."""
    from db.roles import hash_pin, pin_matches

    advisor = by_login(login)
    if advisor is not None and advisor.active and advisor.password_hash:
        check_secret(advisor, password, "password", address=address, sleep=sleep)
        return advisor
    refuse_if_locked(login, address=address)
    if not _DUMMY:
        _DUMMY.append(hash_pin("not a password"))
    pin_matches(_DUMMY[0], password)
    record_failure(login, "password", address=address)
    delay = failure_delay(login, address)
    if delay:
        sleep(delay)
    raise SignInRefused(t("access.password_wrong"))


def key_advisor(login: str, fingerprint: str) -> Advisor | None:
    """The active advisor of ``login`` when ``fingerprint`` is one of their keys."""
    return (Advisor.select().join(AdvisorKey)
            .where((Advisor.login == (login or "").lower()) & (Advisor.active == True)  # noqa: E712
                   & (AdvisorKey.fingerprint == fingerprint)).first())


# ---- session tickets ---------------------------------------------------------------------------

def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_ticket(advisor_id: int, *, address: str | None = None, fingerprint: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    with writing():
        SessionTicket.delete().where(SessionTicket.created_at < _clock() - dt.timedelta(seconds=TICKET_SECONDS)).execute()
        SessionTicket.create(token_hash=_hash_token(token), advisor=advisor_id, address=address,
                             fingerprint=fingerprint, created_at=_clock())
    return token


@dataclass(frozen=True)
class Session:
    advisor: Advisor
    address: str | None
    fingerprint: str | None


def redeem_ticket(token: str) -> Session:
    """The advisor a ticket was issued for, and the client's address and key; a ticket
    works once, within a minute."""
    with writing():
        row = SessionTicket.get_or_none(SessionTicket.token_hash == _hash_token((token or "").strip()))
        if row is None:
            raise Forbidden(t("access.bad_ticket"))
        SessionTicket.delete().where(SessionTicket.id == row.id).execute()
        if row.created_at < _clock() - dt.timedelta(seconds=TICKET_SECONDS):
            raise Forbidden(t("access.bad_ticket"))
        advisor = Advisor.get_or_none((Advisor.id == row.advisor_id) & (Advisor.active == True))  # noqa: E712
        if advisor is None:
            raise Forbidden(t("access.bad_ticket"))
    return Session(advisor, row.address, row.fingerprint)
