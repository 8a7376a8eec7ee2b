"""The settlement statement (结算单): labour and materials listed apart (2015
机动车维修管理规定), each part's kind with the owner's consent noted for repaired and used
parts, the old-parts line, the totals, the settlement number and date."""

from __future__ import annotations

from db.i18n import t
from db.papers import facts as paper_facts
from db.papers.common import customer_and_car, heading, labelled, money, moment, parts_table
from db.papers.facts import PaperFacts
from db.papers.layout import Page


def _old_parts(facts: PaperFacts) -> str:
    if facts.old_parts == "take":
        return t("papers.old_parts.taken")
    if facts.old_parts == "leave":
        return t("papers.old_parts.left")
    return t("papers.old_parts.unknown")


def render(facts: PaperFacts) -> bytes:
    page = Page(t("papers.settlement.title"))
    heading(page, facts, "papers.settlement.title")
    page.cells([
        labelled("papers.settlement_no", facts.settlement_no),
        labelled("papers.settled_on", facts.settled_on.isoformat() if facts.settled_on else None),
        labelled("papers.work_order_no", facts.work_order_no), labelled("papers.time_in", moment(facts.time_in)),
        labelled("papers.kind", t(f"intake.kind.{facts.kind}") if facts.kind else ""),
        labelled("papers.advisor", facts.advisor),
    ])
    customer_and_car(page, facts)
    page.section(t("papers.section.labour"))
    page.paragraph(t("papers.work"), facts.work or facts.request)
    page.cells([labelled("papers.labour_hours", facts.labour_hours),
                labelled("papers.labour_fee", money(facts.labour_fee))])
    page.section(t("papers.section.materials"))
    parts_table(page, facts.parts, with_consent=True)
    page.right_line(labelled("papers.parts_fee", money(facts.parts_fee)))
    page.paragraph(t("papers.old_parts"), _old_parts(facts))
    page.section(t("papers.section.totals"))
    page.right_line(labelled("papers.labour_fee", money(facts.labour_fee)))
    page.right_line(labelled("papers.parts_fee", money(facts.parts_fee)))
    if facts.other_fee:
        page.right_line(labelled("papers.other_fee", money(facts.other_fee)))
    page.right_line(labelled("papers.total", money(facts.total_fee)))
    page.signatures([t("papers.sign.customer"), t("papers.sign.advisor"), t("papers.sign.date")])
    return page.pdf()


def render_settlement_pdf(visit_id: int) -> bytes:
    """The settlement statement of visit ``visit_id`` as it stands (not settled: without a
    number; ``print_paper`` settles first)."""
    return render(paper_facts.read(visit_id))
