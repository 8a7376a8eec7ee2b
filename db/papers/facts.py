"""What a printed paper says about one work order, read once from the archive.

The reception order and the settlement statement draw the same facts (the store, the
customer, the car, the walk-around, the work and its prices); reading them here keeps
the two papers from disagreeing, and keeps the drawing code free of queries. Text values
are made visible by ``db.safe_text``'s rule: a control character in a name is printed
as its escape, never handed raw to the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from db import settings
from db.errors import NotFound
from db.i18n import has, t
from db.masking import mask_mobile
from db.models import Advisor, Customer, Vehicle, Visit, VisitPart
from db.safe_text import LINES, visible
from db.walkaround import (FUEL_LEVELS, OLD_PARTS, PART_KINDS, WalkAround, decode_damage,
                            decode_lights)


@dataclass(frozen=True)
class PartLine:
    name: str
    code: str
    quantity: Decimal
    unit_price: Decimal
    kind: str | None  # PART_KINDS; None: not marked
    consent: bool | None

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Store:
    name: str
    address: str
    phone: str
    terms: str  # the order's terms: the setting's, else the catalogue's


@dataclass(frozen=True)
class PaperFacts:
    visit_id: int
    work_order_no: str
    time_in: dt.datetime
    kind: str | None  # a work order's kind (None: not one the catalogue names)
    mileage: int
    advisor: str
    customer: str
    mobile: str  # masked unless setting print.mobile_unmasked
    vin: str
    plate: str
    car: str  # brand, model and colour as one line
    walkaround: WalkAround
    request: str  # the customer's own words
    diagnosis: str
    work: str  # the work planned or done
    labour_hours: Decimal | None
    labour_fee: Decimal
    parts: tuple[PartLine, ...]
    parts_fee: Decimal
    other_fee: Decimal
    total_fee: Decimal
    promised_at: dt.datetime | None
    waiting: bool | None
    old_parts: str | None
    settlement_no: str | None
    settled_on: dt.date | None
    store: Store


def _text(value: object) -> str:
    return "" if value is None else visible(str(value), LINES)


def _line(value: object) -> str:
    return "" if value is None else visible(str(value))


def store() -> Store:
    values = settings.get_many("store.name", "store.address", "store.phone", "order.terms")
    return Store(_line(values["store.name"]), _line(values["store.address"]), _line(values["store.phone"]),
                 _text(values["order.terms"]) or t("papers.terms"))


def visit_id_for(work_order_no: str) -> int:
    """The visit of a work-order number as typed (spaces around it ignored)."""
    number = (work_order_no or "").strip()
    row = Visit.select(Visit.id).where(Visit.work_order_no == number).first() if number else None
    if row is None:
        raise NotFound(t("papers.no_work_order", number=number))
    return row.id


def read(visit_id: int) -> PaperFacts:
    """The facts of visit ``visit_id`` (``NotFound`` when it is gone)."""
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None:
        raise NotFound(t("papers.no_visit"))
    car = Vehicle.get_by_id(visit.vehicle_id)
    person = Customer.get_or_none(Customer.id == visit.customer_id) if visit.customer_id else None
    advisor = Advisor.get_or_none(Advisor.id == visit.advisor_id) if visit.advisor_id else None
    mobile = person.mobile if person else None
    if not settings.get("print.mobile_unmasked"):
        mobile = mask_mobile(mobile)
    # A value outside the catalogues (a hand-edited or foreign row) prints as not marked.
    parts = tuple(PartLine(_line(p.name), _line(p.code), Decimal(p.quantity), Decimal(p.unit_price),
                           p.kind if p.kind in PART_KINDS else None, p.consent)
                  for p in VisitPart.select().where(VisitPart.visit == visit.id).order_by(VisitPart.id))
    created = visit.created_at or dt.datetime.combine(visit.visit_date, dt.time())
    walk = WalkAround(fuel=visit.fuel_level if visit.fuel_level in FUEL_LEVELS else None, warning_lights=decode_lights(visit.warning_lights),
                      valuables=_line(visit.valuables), spare_tyre=visit.spare_tyre, tools=visit.tools,
                      damage=decode_damage(visit.damage))
    return PaperFacts(
        visit_id=visit.id, work_order_no=_line(visit.work_order_no),
        # the day of the order (a pinned day in a demo) at the moment it was written
        time_in=dt.datetime.combine(visit.visit_date, created.time()),
        kind=visit.kind if has(f"intake.kind.{visit.kind}") else None, mileage=visit.mileage, advisor=_line(advisor.name if advisor else ""),
        customer=_line(person.name if person else ""), mobile=_line(mobile),
        vin=_line(car.vin), plate=_line(car.plate),
        car=" ".join(_line(v) for v in (car.brand, car.model, car.color) if v),
        walkaround=walk, request=_text(visit.work_requested), diagnosis=_text(visit.diagnosis),
        work=_text(visit.work_done),
        labour_hours=None if visit.labour_hours is None else Decimal(visit.labour_hours),
        labour_fee=Decimal(visit.labour_fee), parts=parts, parts_fee=Decimal(visit.parts_fee),
        other_fee=Decimal(visit.other_fee), total_fee=Decimal(visit.total_fee),
        promised_at=visit.promised_at, waiting=visit.waiting,
        old_parts=visit.old_parts if visit.old_parts in OLD_PARTS else None,
        settlement_no=visit.settlement_no, settled_on=visit.settled_on, store=store())


def work_order_no(visit_id: int) -> str:
    row = Visit.select(Visit.work_order_no).where(Visit.id == visit_id).first()
    if row is None:
        raise NotFound(t("papers.no_visit"))
    return row.work_order_no
