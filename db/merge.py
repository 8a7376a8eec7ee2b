"""Merging two archives of the same customer: nothing is lost, nothing is deleted.

The kept archive takes over every vehicle, ownership, visit, contact, prospect link and
call-list state of the merged one, and its own empty fields are filled from the merged
one (its own values win). The merged archive stays, marked ``merged_into``, so its
history, its audit trail and any reference to it remain; lists and lookups skip it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from db import derived
from db.audit import write as audit
from db.connection import writing
from db.errors import Conflict, Invalid, NotFound
from db.i18n import number, t
from db.roles import require_manager
from db.models import Contact, Customer, Ownership, Prospect, QueueState, Vehicle, Visit
from db.versioning import update_versioned

# The customer's own data (both groups of domain.md): filled from the merged archive when empty.
DATA_FIELDS = ("mobile", "id_number", "birth_date", "sex", "occupation", "occupation_category",
               "home_address", "district", "hobbies", "education", "income", "employer",
               "employer_address", "interests", "payment_method", "marketing_consent",
               "consent_at", "consent_channel", "value_class_manual", "value_class_reason")


@dataclass
class MergePlan:
    keep_id: int
    lose_id: int
    keep_name: str
    lose_name: str
    keep_version: int
    lose_version: int
    vehicles: list[str] = field(default_factory=list)  # plates or VINs moving over
    visits: int = 0
    contacts: int = 0
    ownerships: int = 0
    prospects: int = 0
    filled: dict[str, Any] = field(default_factory=dict)  # kept archive's empty fields filled
    differing: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # (kept, dropped) values


def _live(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.merged_into_id is not None:
        raise NotFound(t("db.not_found"))
    return customer


def plan(keep_id: int, lose_id: int) -> MergePlan:
    """What a merge would do, for the confirmation the advisor reads before it happens."""
    if keep_id == lose_id:
        raise Invalid(t("merge.same"), "customer")
    keep, lose = _live(keep_id), _live(lose_id)
    result = MergePlan(keep.id, lose.id, keep.name, lose.name, keep.version, lose.version)
    result.vehicles = [car.plate or car.vin for car in
                       Vehicle.select().where(Vehicle.owner == lose.id).order_by(Vehicle.id)]
    count = lambda model: model.select(fn.COUNT(model.id)).where(model.customer == lose.id).scalar()  # noqa: E731
    result.visits, result.contacts = count(Visit), count(Contact)
    result.ownerships, result.prospects = count(Ownership), count(Prospect)
    for name in DATA_FIELDS:
        mine, theirs = getattr(keep, name), getattr(lose, name)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            result.filled[name] = theirs
        elif mine != theirs:
            result.differing[name] = (mine, theirs)
    return result


def merge(keep_id: int, lose_id: int, advisor_id: int | None,
          expected: tuple[int, int] | None = None) -> MergePlan:
    """Merge ``lose`` into ``keep``; ``expected`` are the versions the advisor confirmed.

    Only a manager merges (db.roles): the check is here, not only in the interface.
    """
    require_manager(advisor_id, "roles.action.merge")
    with writing():
        done = plan(keep_id, lose_id)
        if expected is not None and expected != (done.keep_version, done.lose_version):
            raise Conflict(t("merge.changed"))
        keep = Customer.get_by_id(keep_id)
        before = {name: getattr(keep, name) for name in done.filled}
        Vehicle.update(owner=keep_id).where(Vehicle.owner == lose_id).execute()
        for model in (Ownership, Visit, Contact, Prospect):
            model.update(customer=keep_id).where(model.customer == lose_id).execute()
        # A call-list row both archives have for the same occurrence stays with the merged
        # one (the unique key forbids two); every other row moves.
        clash = QueueState.alias()
        same = (clash.select(clash.id).where(
            (clash.customer == keep_id) & (clash.queue == QueueState.queue)
            & (clash.due_key == QueueState.due_key)
            & ((clash.vehicle == QueueState.vehicle)
               | (clash.vehicle.is_null() & QueueState.vehicle.is_null()))))
        QueueState.update(customer=keep_id).where(
            (QueueState.customer == lose_id) & ~fn.EXISTS(same)).execute()
        Customer.update(merged_into=keep_id).where(Customer.merged_into == lose_id).execute()
        update_versioned(Customer, keep_id, done.keep_version, dict(done.filled))
        update_versioned(Customer, lose_id, done.lose_version, {"merged_into": keep_id})
        derived.customers([keep_id, lose_id])  # the cars moved, the consent may have been filled
        detail = t("merge.audit", lose=lose_id, name=done.lose_name, vehicles=number(len(done.vehicles)),
                   visits=number(done.visits), contacts=number(done.contacts))
        audit.record("merge", advisor_id=advisor_id, customer_id=keep_id, before=before,
                     after=done.filled, detail=detail)
        audit.record("merged", advisor_id=advisor_id, customer_id=lose_id,
                     detail=t("merge.audit_lost", keep=keep_id, name=done.keep_name))
    return done
