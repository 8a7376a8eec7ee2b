"""Which standard fields (``db.completeness``, the one list) a reception form leaves
empty, while the customer is still at the desk: the form names them above its fields.

Plain values only, no database: the form asks at every key. The first-maintenance date
counts only for a car old enough to have had one, as in ``db.completeness``; the caller
passes that cut-off (``first_maintenance_cutoff``, read in a worker with the form's data).
"""

from __future__ import annotations

import datetime as dt

from db import completeness
from db import validate as v
from db.errors import Invalid
from db.intake.reception import IntakeData

# The form's field for each standard field it has (the work done is agreed at the desk
# as the customer's request; the payment method is the work order's).
_FORM_PATHS = {"work_done": "order.work_requested", "payment_method": "order.payment_method"}


def form_path(f: completeness.StandardField) -> str:
    return _FORM_PATHS.get(f.name, f"{'vehicle' if f.table == 'vehicle' else 'customer'}.{f.name}")


def _value(data: IntakeData, path: str) -> str:
    group, _, name = path.partition(".")
    return str(getattr(getattr(data, group), name) or "")


def missing_in_form(data: IntakeData, cutoff: dt.date | None) -> list[str]:
    """The labels of the standard fields empty in ``data``, in the standard order. A
    number shown masked is there (the archive holds it); ``cutoff``: cars bought on or
    before it should have a first-maintenance date (None: not counted)."""
    labels: list[str] = []
    for f in completeness.FIELDS:
        path = form_path(f)
        if f.name in data.masked and f.table == "customer":
            continue
        if f.name == completeness.CONDITIONAL and not _first_maintenance_due(data, cutoff):
            continue
        if not _value(data, path).strip():
            labels.append(f.label)
    return labels


def _first_maintenance_due(data: IntakeData, cutoff: dt.date | None) -> bool:
    try:
        bought = v.optional_date(data.vehicle.purchase_date, "vehicle.purchase_date")
    except Invalid:
        return False  # not a date (yet): nothing to expect
    return cutoff is not None and bought is not None and bought <= cutoff
