"""Settling a visit: it gets its settlement number and date when its statement is first
issued (and keeps them: a reprint shows the same ones), written to the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from db import settings
from db.audit import write as audit
from db.clock import today
from db.connection import writing
from db.errors import Invalid, NotFound
from db.i18n import t
from db.models import Counter, Visit

ACTION = "settle"


@dataclass(frozen=True)
class Settlement:
    number: str
    day: dt.date
    new: bool  # issued now (False: the visit was settled before)


def _counted(name: str) -> int:
    """Counter ``name`` moved on by one, and its new value."""
    Counter.insert(name=name, value=1).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}).execute()
    return Counter.get_by_id(name).value


def _numbers(pattern: str, day: dt.date) -> Iterator[str]:
    """The pattern's numbers for ``day``, each drawn from the counter of the pattern with
    its date filled in (a dated pattern restarts each day, an undated one counts on)."""
    try:
        counter = "settlement:" + pattern.format(date=day, seq=0)
    except (KeyError, IndexError, ValueError):
        raise Invalid(t("papers.bad_settlement_format", format=pattern), "settlement.format") from None
    while len(number := pattern.format(date=day, seq=_counted(counter))) <= Visit.settlement_no.max_length:
        yield number
    raise Invalid(t("papers.bad_settlement_format", format=pattern), "settlement.format")


def next_settlement_no(day: dt.date) -> str:
    """The next number in setting ``settlement.format``; inside ``writing()``. A number
    some visit already holds (an imported one) is passed over."""
    taken = lambda number: Visit.select().where(Visit.settlement_no == number).exists()  # noqa: E731
    return next(n for n in _numbers(settings.get("settlement.format"), day) if not taken(n))


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
