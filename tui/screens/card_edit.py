"""Which form edits which section of the card, and what its F2 calls in ``db.archive``.

Saves read the card's version when they run: after a conflict the card reloads, and a
second F2 (the advisor has now been told who changed it) saves over the newer version.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from db import archive
from db.archive import REVEALABLE
from db.i18n import t
from db.masking import MASKS
from db.validate import date_example
from tui.consent import CONSENT_NOW
from tui.screens.card_forms import Choices, FieldForm

CONTACT_FIELDS = ("channel", "purpose", "outcome", "traits", "events", "tags", "note", "next_contact_date",
                  "marketing_consent")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _labelled(codes: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
    return [(code, t(f"{prefix}.{code}")) for code in codes]


def choices(consent_now: bool | None = None) -> Choices:
    """The coded fields of the card's forms, picked with ←/→ (db.archive checks the codes);
    the prospects' contact form picks its channel and outcome from the same lists."""
    return {
        "channel": _labelled(archive.CHANNELS, "card.channel"),
        "outcome": [("", t("card.outcome.none")), *_labelled(archive.OUTCOMES, "contact.outcome")],
        "marketing_consent": [("", t("intake.consent.keep", now=t(CONSENT_NOW[consent_now]))),
                              ("yes", t("card.consent_answer_yes")), ("no", t("card.consent_answer_no"))],
        "usage": _labelled(archive.USAGES, "card.usage"),
        "payment_method": _labelled(archive.PAYMENTS, "intake.pay"),
    }


def form_for(screen, section: str) -> FieldForm | None:
    card = screen.card
    advisor = screen.advisor_id()
    title = t("card.edit_title", group=t(f"card.tab.{section}"))
    if section in ("customer", "observation"):
        names = archive.CUSTOMER_GROUP if section == "customer" else archive.OBSERVATION_GROUP
        initial, masked = _customer_values(screen, names)
        return FieldForm(title, initial, lambda values: archive.update_customer(
            screen.customer_id, screen.card.version, values, advisor), on_conflict=screen.load,
            placeholders=masked, check=partial(archive.check_field, section),
            current=partial(_current_customer, screen, names))
    if section == "vehicles" and card.vehicles:
        car = card.vehicles[screen.selected["vehicles"]]
        initial = [(n, _text(car.values.get(n))) for n in archive.VEHICLE_FIELDS]
        return FieldForm(title, initial, lambda values: archive.update_vehicle(
            car.id, _vehicle_version(screen, car.id), values, advisor), on_conflict=screen.load,
            choices=choices(), check=partial(archive.check_field, section),
            current=partial(_current_vehicle, screen.customer_id, car.id))
    if section == "visits" and card.visits:
        visit = card.visits[screen.selected["visits"]]
        initial = [(n, _text(getattr(visit, n))) for n in archive.VISIT_FIELDS]
        return FieldForm(title, initial, lambda values: archive.update_visit(
            visit.id, screen.card.version, values, advisor), on_conflict=screen.load, choices=choices(),
            check=partial(archive.check_field, section))
    if section == "contacts":
        return contact_form(screen)
    return None


def _customer_values(screen, names: tuple[str, ...]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The form's values, and the placeholders of the masked ones.

    A mobile or ID number not revealed is an empty field showing the masked value as its
    placeholder: empty means unchanged, a whole new number replaces it. A masked value in
    the field itself could be typed on (138****59720) and would reach the save. After the
    reveal key (recorded in the audit log) the field holds the full number."""
    card = screen.card
    initial, masked = [], {}
    for name in names:
        if name in REVEALABLE and name not in screen.revealed:
            initial.append((name, ""))
            masked[name] = _text(card.values.get(name))
        else:
            initial.append((name, _text(screen.revealed.get(name) or card.values.get(name))))
    return initial, masked


def _current_customer(screen, names: tuple[str, ...]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """What the archive holds now (a worker reads it after a conflict), as the form opens:
    a number not revealed on this card stays masked."""
    card = archive.load_card(screen.customer_id)
    initial, masked = [], {}
    for name in names:
        value = _text(card.values.get(name))
        revealed = screen.revealed.get(name) if name in REVEALABLE else None
        if revealed is not None and MASKS[name](revealed) == value:
            initial.append((name, revealed))  # the number shown in full is still the one held
        elif name in REVEALABLE:
            initial.append((name, ""))
            masked[name] = value
        else:
            initial.append((name, value))
    return initial, masked


def _current_vehicle(customer_id: int, vehicle_id: int) -> tuple[list[tuple[str, str]], dict[str, str]]:
    car = next(c for c in archive.load_card(customer_id).vehicles if c.id == vehicle_id)
    return [(n, _text(car.values.get(n))) for n in archive.VEHICLE_FIELDS], {}


def _vehicle_version(screen, vehicle_id: int) -> int:
    return next(c.version for c in screen.card.vehicles if c.id == vehicle_id)


def contact_form(screen) -> FieldForm:
    advisor = screen.advisor_id()
    initial = [(n, "desk" if n == "channel" else "") for n in CONTACT_FIELDS]

    def save(values: dict[str, str]) -> None:
        archive.add_contact(screen.customer_id, advisor, values["channel"], values["purpose"],
                            values["outcome"], values["traits"], values["events"], values["tags"],
                            values["note"], values["next_contact_date"], consent=values["marketing_consent"])

    placeholders = {"next_contact_date": date_example(), "tags": t("card.placeholder.tags")}
    return FieldForm(t("card.contact_title"), initial, save, placeholders=placeholders,
                     only_changed=False, choices=choices(screen.card.marketing_consent),
                     check=partial(archive.check_field, "contacts"))
