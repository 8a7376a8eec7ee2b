"""What both papers print the same way: the heading with the store, the customer and car
block, the parts table, money and yes/no."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from db.i18n import t
from db.papers.facts import PaperFacts, PartLine
from db.papers.layout import Page
from db.walkaround import PART_KINDS_NEEDING_CONSENT, part_kind_label


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def yes_no(value: bool | None) -> str:
    return "—" if value is None else t("papers.yes" if value else "papers.no")


def labelled(label_key: str, value: object) -> str:
    return t("i18n.labelled", label=t(label_key), text="—" if value in (None, "") else value)


def heading(page: Page, facts: PaperFacts, title_key: str) -> None:
    """The store's name and address over the paper's title."""
    if facts.store.name:
        page.centred(facts.store.name, 15)
    contact = "  ".join(v for v in (facts.store.address, facts.store.phone) if v)
    if contact:
        page.centred(contact)
    page.gap(2)
    page.centred(t(title_key), 13)
    page.gap(4)


def customer_and_car(page: Page, facts: PaperFacts) -> None:
    page.section(t("papers.section.customer_car"))
    page.cells([
        labelled("papers.customer", facts.customer), labelled("papers.mobile", facts.mobile),
        labelled("papers.vin", facts.vin), labelled("papers.plate", facts.plate),
        labelled("papers.car", facts.car), labelled("papers.mileage", f"{facts.mileage:,} km"),
    ])


def consent_note(line: PartLine) -> str:
    """Repaired and used parts need the owner's consent: say whether it was recorded."""
    if line.kind not in PART_KINDS_NEEDING_CONSENT:
        return ""
    return t("papers.consent.given" if line.consent else "papers.consent.missing")


def parts_table(page: Page, parts: tuple[PartLine, ...], *, with_consent: bool) -> None:
    """The part lines: name, number, kind (and consent), quantity, unit price, amount."""
    if not parts:
        page.paragraph(t("papers.parts"), t("papers.no_parts"))
        return
    header = [t("papers.col.part"), t("papers.col.code"), t("papers.col.kind"), t("papers.col.qty"),
              t("papers.col.price"), t("papers.col.amount")]
    rows = []
    for line in parts:
        kind = part_kind_label(line.kind) if line.kind else "—"
        note = consent_note(line) if with_consent else ""
        rows.append([line.name, line.code or "—", f"{kind} {note}".strip(), quantity(line.quantity),
                     money(line.unit_price), money(line.amount)])
    page.table(header, rows, widths=(0.25, 0.15, 0.28, 0.08, 0.12, 0.12),
               numeric=(False, False, False, True, True, True))
