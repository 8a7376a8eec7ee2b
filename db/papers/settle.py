"""Settling a visit: it gets its settlement number and date when its statement is first
issued (and keeps them: a reprint shows the same ones), written to the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.audit import write as audit
from db.clock import today
from db.connection import writing
from db.errors import NotFound
from db.i18n import t
from db.models import Visit
from db.numbering import next_number

ACTION = "settle"


@dataclass(frozen=True)
class Settlement:
    number: str
    day: dt.date
    new: bool  # issued now (False: the visit was settled before)


def next_settlement_no(day: dt.date) -> str:
    """The next number in setting ``settlement.format``; inside ``writing()``."""
    return next_number("settlement.format", "settlement", Visit.settlement_no, day, "papers.bad_settlement_format")


def settle(visit_id: int, advisor_id: int | None = None) -> Settlement:
    """Give visit ``visit_id`` its settlement number and today's date, unless it has them."""
    with writing():
        visit = Visit.get_or_none(Visit.id == visit_id)
        if visit is None:
            raise NotFound(t("papers.no_visit"))
        if visit.settlement_no:
            return Settlement(visit.settlement_no, visit.settled_on or visit.visit_date, False)
        day = today()
        number = next_settlement_no(day)
        Visit.update(settlement_no=number, settled_on=day).where(Visit.id == visit_id).execute()
        audit.record(ACTION, advisor_id=advisor_id, customer_id=visit.customer_id,
                     field="settlement_no,settled_on",
                     after={"settlement_no": number, "settled_on": day.isoformat()},
                     detail=t("papers.settle.audit", work_order_no=visit.work_order_no, number=number))
    return Settlement(number, day, True)
