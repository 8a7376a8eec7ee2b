"""A car's work order opened today: the reception says so before a second one is opened.

A customer who comes back the same day (a forgotten request, a part that arrived) is
usually the same job: the advisor opens that work order on the archive card, or knowingly
starts a second one. The reception asks when the brief's Enter would open another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from db.clock import today
from db.models import Advisor, Visit


@dataclass(frozen=True)
class OrderToday:
    visit_id: int
    customer_id: int | None  # who brought the car: whose archive card holds the work order
    work_order_no: str
    kind: str
    mileage: int
    advisor: str | None
    opened_at: dt.datetime


def order_today(vehicle_id: int | None) -> OrderToday | None:
    """The car's latest work order of today, or None."""
    if vehicle_id is None:
        return None
    visit = (Visit.select(Visit, Advisor.name)
             .join(Advisor, on=(Visit.advisor == Advisor.id), join_type=JOIN.LEFT_OUTER, attr="by")
             .where((Visit.vehicle == vehicle_id) & (Visit.visit_date == today()))
             .order_by(Visit.created_at.desc(), Visit.id.desc()).first())
    if visit is None:
        return None
    by = getattr(visit, "by", None)
    return OrderToday(visit_id=visit.id, customer_id=visit.customer_id, work_order_no=visit.work_order_no,
                      kind=visit.kind, mileage=visit.mileage, advisor=by.name if by else None,
                      opened_at=visit.created_at)
