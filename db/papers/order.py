"""The reception order (任务委托书 / 接车单), signed by the customer and the advisor before
the car goes to the workshop: the walk-around, the request, the planned work with labour
and parts priced apart, the estimate, the promised time and the old-parts choice."""

from __future__ import annotations

from db.i18n import listing, t
from db.papers import facts as paper_facts
from db.papers.common import (customer_and_car, heading, labelled, money, moment, parts_table,
                              yes_no)
from db.papers.facts import PaperFacts
from db.papers.layout import Page
from db.walkaround import AREAS, area_label, damage_label, light_label, old_parts_label


def _damage(facts: PaperFacts) -> str:
    marks = facts.walkaround.damage
    if not marks:
        return t("papers.damage.none")
    return "\n".join(t("i18n.labelled", label=area_label(area), text=listing(damage_label(c) for c in marks[area]))
                     for area in AREAS if area in marks)


def _walkaround(page: Page, facts: PaperFacts) -> None:
    walk = facts.walkaround
    page.section(t("papers.section.walkaround"))
    page.cells([
        labelled("papers.fuel", walk.fuel), labelled("papers.spare_tyre", yes_no(walk.spare_tyre)),
        labelled("papers.tools", yes_no(walk.tools)),
    ], columns=3)
    lights = listing(light_label(light) for light in walk.warning_lights) or t("papers.lights.none")
    page.paragraph(t("papers.lights"), lights)
    page.paragraph(t("papers.valuables"), walk.valuables or t("papers.valuables.none"))
    page.paragraph(t("papers.damage"), _damage(facts))


def _work(page: Page, facts: PaperFacts) -> None:
    page.section(t("papers.section.request"))
    page.paragraph(t("papers.request"), facts.request)
    page.paragraph(t("papers.diagnosis"), facts.diagnosis)
    page.section(t("papers.section.planned"))
    page.paragraph(t("papers.work"), facts.work)
    page.cells([labelled("papers.labour_hours", facts.labour_hours),
                labelled("papers.labour_fee", money(facts.labour_fee))])
    parts_table(page, facts.parts, with_consent=True)
    page.right_line(labelled("papers.parts_fee", money(facts.parts_fee)))
    if facts.other_fee:
        page.right_line(labelled("papers.other_fee", money(facts.other_fee)))
    page.right_line(labelled("papers.estimate", money(facts.total_fee)))


def render(facts: PaperFacts) -> bytes:
    page = Page(t("papers.order.title"))
    heading(page, facts, "papers.order.title")
    page.cells([
        labelled("papers.work_order_no", facts.work_order_no), labelled("papers.time_in", moment(facts.time_in)),
        labelled("papers.kind", t(f"intake.kind.{facts.kind}") if facts.kind else ""),
        labelled("papers.advisor", facts.advisor),
    ])
    customer_and_car(page, facts)
    _walkaround(page, facts)
    _work(page, facts)
    page.section(t("papers.section.handover"))
    waiting = None if facts.waiting is None else t("papers.waiting" if facts.waiting else "papers.leaving")
    page.cells([
        labelled("papers.promised_at", moment(facts.promised_at)), labelled("papers.stay", waiting),
        labelled("papers.old_parts", old_parts_label(facts.old_parts) if facts.old_parts else None),
    ])
    page.section(t("papers.section.terms"))
    page.paragraph("", facts.store.terms)
    page.signatures([t("papers.sign.customer"), t("papers.sign.advisor"), t("papers.sign.date")])
    return page.pdf()


def render_order_pdf(visit_id: int) -> bytes:
    """The reception order of visit ``visit_id`` as an A4 PDF."""
    return render(paper_facts.read(visit_id))
