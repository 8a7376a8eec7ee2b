"""While a new archive is typed: what the archive already knows of a value just left.

A car's plate or VIN may belong to a car sold here (it is loaded into the form) or to
another customer's car; a mobile may be a prospect's (the prospect becomes this customer)
or another customer's. Said beside the field, never refused here: the save decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.widget import Widget

from db.i18n import t
from tui.workers import db_work

if TYPE_CHECKING:
    # Both come with the form, after the first frame (see FormStage.form_mounted).
    from db.intake.reception import IntakeData
    from tui.widgets.intake_form import IntakeForm


class Known(Message):
    """What ``look_up`` found for the value of ``path``; ``data`` the known car's work
    order start, if it is one the archive holds."""

    def __init__(self, path: str, known: Any, data: Any) -> None:
        super().__init__()
        self.path, self.known, self.data = path, known, data


def worth_asking(path: str, data: IntakeData) -> bool:
    """Only a new archive (or a new car) can duplicate what the archive already holds."""
    return (path.startswith("vehicle.") and data.vehicle.id is None
            or path == "customer.mobile" and data.customer.id is None)


@db_work(group="intake-known", exclusive=False)
def look_up(owner: Widget, path: str, value: str) -> None:
    """Posts ``Known`` to ``owner``."""
    from db.intake.reception import known_for, start_for

    known = known_for(path, value)
    loaded = start_for(known.vehicle_id) if known.vehicle_id else None
    owner.post_message(Known(path, known, loaded))


async def apply_known(form: IntakeForm, message: Known) -> bool:
    """Say beside the field what is known (a known car or a prospect is loaded into the
    form); True when the form's values changed."""
    known = message.known
    if message.data is not None:  # a car the archive knows (a sales import): load it
        current = form.collect()
        current.vehicle = message.data.vehicle
        await form.load(current)
        key = "intake.form.known_vin" if known.owner_name else "intake.form.known_car_free"
        note = t(key, plate=known.plate or "", name=known.owner_name or "")
        if known.order_today:  # a second work order today: said before it is saved
            note += t("intake.form.known_order_today", no=known.order_today)
        form.note(message.path, note)
        return True
    if known.prospect_id is not None:
        current = form.collect()
        current.prospect_id = known.prospect_id
        if not current.customer.name:
            current.customer.name = known.prospect_name or ""
        await form.load(current)
        form.note("customer.mobile", t("intake.form.prospect", name=known.prospect_name or ""))
        return True
    if known.customer_name:
        form.note("customer.mobile", t("intake.form.mobile_taken", name=known.customer_name))
    return False
