"""The archive card's sections as ``rich.text.Text``: customer values are never markup."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text

from db.archive import CUSTOMER_GROUP, OBSERVATION_GROUP
from db.i18n import field_label, has, listing, number, t
from db.safe_text import LINES, visible
from tui.wrap import wrap_cells

SPARK = " ▁▂▃▄▅▆▇█"
SECTIONS = ("customer", "vehicles", "visits", "observation", "contacts")
LABEL_WIDTH = 14  # display cells for a field label, at the least
LABEL_GAP = 2  # cells between the longest label and its value


def label_width(labels: Iterable[str]) -> int:
    """Cells for a column of labels: the longest one and a gap (English labels such as
    "Services of interest" are longer than the Chinese 感兴趣的服务)."""
    return max([LABEL_WIDTH, *(cell_len(label) + LABEL_GAP for label in labels)])


def hint_key(name: str) -> str | None:
    """F1 help for a form field: its allowed values, where it has a fixed list."""
    key = f"card.hint.{name}"
    return key if has(key) else "card.help"


def indented(value: str, indent: int, width: int = 76) -> str:
    """``value`` broken into lines of ``width`` cells, each indented: an English word is
    never cut, a run of Chinese breaks between characters (wide characters count two)."""
    return "".join(" " * indent + part + "\n" for part in wrap_cells(value, width - indent))


def money(value: object) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _pad(label: str, width: int) -> Text:
    text = Text(label, style="bold")
    text.pad_right(max(0, width - text.cell_len))
    return text


def _value(value: object) -> str:
    """A stored value as the card shows it: a control character as its escape."""
    return t("card.none") if value in (None, "") else visible(str(value), LINES)


def code_text(name: str, value: object) -> object:
    """A stored code in words (payment ``card`` is 刷卡), where the catalogue has it."""
    key = {"payment_method": "intake.pay.{}", "usage": "card.usage.{}"}.get(name, "").format(value)
    return t(key) if key and value and has(key) else value


def fields(text: Text, names: tuple[str, ...], values: dict, revealed: dict | None = None) -> None:
    width = label_width(field_label(name) for name in names)
    for name in names:
        shown = code_text(name, (revealed or {}).get(name) or values.get(name))
        text.append_text(_pad(field_label(name), width))
        text.append(_value(shown) + "\n")


def customer(card, revealed: dict) -> Text:
    text = Text()
    fields(text, CUSTOMER_GROUP, card.values, revealed)
    consent = {True: "card.consent_line_yes", False: "card.consent_no"}.get(card.marketing_consent,
                                                                         "card.consent_line_unknown")
    if not card.anonymised:
        text.append("\n" + t(consent) + "\n", style="italic")
    return text


def vehicles(card, selected: int) -> Text:
    text = Text()
    if not card.vehicles:
        return Text(t("card.no_vehicles"), style="dim")
    for index, car in enumerate(card.vehicles):
        values = car.values
        head = Text("▶ " if index == selected else "  ", style="bold")
        head.append(visible(values["plate"] or t("card.none")), style="bold")
        head.append(visible(f"  {values['vin']}  {values.get('brand') or ''} {values.get('model') or ''}".rstrip()))
        if not car.owned_now:
            head.append(" " + t("card.vehicle_sold"), style="dim")
        text.append_text(head)
        text.append("\n")
        if index != selected:
            continue
        from db.archive import VEHICLE_FIELDS

        fields(text, tuple(f for f in VEHICLE_FIELDS if f not in ("plate", "vin")), values)
        if values.get("last_visit_date"):
            text.append(t("card.last_visit", date=values["last_visit_date"], km=number(values.get("last_mileage") or 0)) + "\n")
        text.append(t("card.owners") + "\n", style="bold")
        for owner in car.owners:
            until = t("card.owner_until", end=owner.end_date) if owner.end_date else ""
            text.append("  " + t("card.owner_row", name=owner.name, start=owner.start_date, end=until) + "\n")
    return text


def visits(card, selected: int) -> Text:
    if not card.visits:
        return Text(t("card.no_visits"), style="dim")
    text = Text()
    for index, visit in enumerate(card.visits):
        marker = "▶ " if index == selected else "  "
        text.append(marker + t("card.visit_line", date=visit.visit_date, no=visit.work_order_no,
                               plate=visit.plate or "", km=number(visit.mileage), total=money(visit.total_fee)) + "\n",
                    style="bold" if index == selected else "")
        fees = t("card.visit_fees", labour=money(visit.labour_fee), parts=money(visit.parts_fee),
                 other=money(visit.other_fee))
        if visit.payment_method:
            fees += "  " + str(code_text("payment_method", visit.payment_method))
        text.append("    " + fees + "\n", style="dim")
        if visit.work_done:
            text.append(indented(visible(visit.work_done, LINES), 4))
        for part in visit.parts:
            text.append("    " + t("card.visit_part", name=part.name, qty=part.quantity.normalize(),
                                   price=money(part.unit_price)))
            if part.kind != "original":  # aftermarket, repaired or used: said, with the consent
                text.append("  " + t(f"walkaround.part_kind.{part.kind}")
                            + (t("reception_order.consented") if part.consent else ""), style="italic")
            text.append("\n")
    return text


def sparkline(per_month: list[tuple[str, int]]) -> str:
    """One cell a month: the busiest month is a full block, an empty one a blank."""
    top = max((n for _, n in per_month), default=0)
    if not top:
        return "·" * len(per_month)
    return "".join(SPARK[min(8, -(-n * 8 // top))] if n else "·" for _, n in per_month)


def observation(card) -> Text:
    obs = card.observation
    text = Text()
    fields(text, OBSERVATION_GROUP, card.values)
    text.append("\n" + t("card.obs.visits", n=number(obs.visits)) + "\n")
    if obs.first_visit:
        text.append(t("card.obs.span", first=obs.first_visit, last=obs.last_visit) + "\n")
    text.append((t("card.obs.interval", days=obs.interval_days) if obs.interval_days is not None
                 else t("card.obs.interval_none")) + "\n")
    text.append(t("card.obs.spend", total=money(obs.total_spend)) + "\n")
    text.append(t("card.obs.chart", months=len(obs.per_month)) + "\n")
    if obs.per_month:
        first, last = obs.per_month[0][0], obs.per_month[-1][0]
        text.append(f"{first} ", style="dim")
        text.append(sparkline(obs.per_month), style="bold")
        text.append(f" {last}\n", style="dim")
    return text


def _coded(prefix: str, code: str | None) -> str:
    """A stored code in words (``phone`` is 电话), else the text as it was typed."""
    if not code:
        return ""
    return t(f"{prefix}.{code}") if has(f"{prefix}.{code}") else code


def purpose_text(purpose: str | None) -> str:
    """A contact's purpose: a call list's name (follow_up is 回访), the desk's own
    purposes, or what the advisor typed (保养回访)."""
    prefix = "queue" if has(f"queue.{purpose}") else "card.purpose"
    return _coded(prefix, purpose)


def contacts(card) -> Text:
    if not card.contacts:
        return Text(t("card.no_contacts"), style="dim")
    text = Text()
    for contact in card.contacts:
        head = [contact.at.strftime("%Y-%m-%d %H:%M"), contact.advisor, _coded("card.channel", contact.channel),
                purpose_text(contact.purpose), _coded("contact.outcome", contact.outcome)]
        head = [visible(part) for part in head]
        text.append("  ".join(part for part in head if part) + "\n", style="bold")
        tags = listing(tag for tag in re.split(r"[,，、]\s*", contact.tags or "") if tag.strip())
        for key, value in (("card.traits", contact.traits), ("card.events", contact.events),
                           ("card.tags", tags), ("card.note", contact.note)):
            if value:
                text.append("  " + t(key, text=value) + "\n")
        if contact.next_contact_date:
            text.append("  " + t("card.next_contact", date=contact.next_contact_date) + "\n", style="dim")
    return text


def anonymise_plan(plan) -> Text:
    """What ``db.privacy.anonymise`` will erase and keep (a ``db.privacy.AnonymisePlan``)."""
    text = Text(t("card.anon_title", id=plan.customer_id), style="bold")
    text.append(visible(plan.name), style="bold")  # the customer's name: plain text, never markup
    text.append("\n" + t("card.anon_final") + "\n\n", style="bold")
    text.append(t("card.anon_erase") + "\n", style="bold")
    erased = [t("card.anon_erase_fields", fields=listing(field_label(n) for n in plan.erased_fields))]
    if plan.contacts:
        erased.append(t("card.anon_erase_contacts", n=number(plan.contacts)))
    if plan.prospects or plan.audit_values:
        erased.append(t("card.anon_erase_more", prospects=number(plan.prospects), audit=number(plan.audit_values)))
    if plan.merged:
        erased.append(t("card.anon_erase_merged", n=number(plan.merged)))
    for line in erased:
        text.append(_bullet(line))
    text.append(t("card.anon_keep") + "\n", style="bold")
    plates = listing(plan.vehicles[:4]) + ("…" if len(plan.vehicles) > 4 else "")
    kept = [t("card.anon_keep_visits", visits=number(plan.visits), revenue=money(plan.revenue)),
            t("card.anon_keep_cars", n=number(len(plan.vehicles)), plates=plates) if plan.vehicles
            else t("card.anon_keep_no_cars"),
            t("card.anon_keep_fields", fields=listing(field_label(n) for n in plan.kept_fields))]
    for line in kept:
        text.append(_bullet(line))
    text.rstrip()
    return text


def _bullet(line: str, width: int = 58) -> str:
    """``  · line``, broken here (a long run of Chinese has no spaces for the terminal to
    wrap at, so it would leave the bullet alone on its line); ``width`` is the
    confirmation box's inside (confirm.tcss: 64 less border and padding)."""
    return "  · " + indented(line, 4, width)[4:]
