"""Document numbers drawn from a format setting: work orders (``work_order.format``) and
settlement statements (``settlement.format``) number the same way."""

from __future__ import annotations

import datetime as dt

from peewee import CharField

from db import settings
from db.errors import Invalid
from db.i18n import t
from db.models import Counter


def next_number(setting: str, series: str, column: CharField, day: dt.date, bad_format: str) -> str:
    """The next number in the format of setting ``setting``; call inside ``writing()``.

    The counter is named ``series:`` and the number with sequence 0, so a format with the
    date starts a new series each day and one without it counts on for ever. Numbers that
    ``column`` already holds (an imported work order or statement) are passed over. A format
    that cannot be filled in, or fills in longer than the column, is refused with the
    ``bad_format`` text."""
    fmt = settings.get(setting)
    try:
        counter = f"{series}:" + fmt.format(date=day, seq=0)
    except (KeyError, IndexError, ValueError):
        raise Invalid(t(bad_format, format=fmt), setting) from None
    while True:
        Counter.insert(name=counter, value=1).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}).execute()
        number = fmt.format(date=day, seq=Counter.get_by_id(counter).value)
        if len(number) > column.max_length:
            raise Invalid(t(bad_format, format=fmt), setting)
        if not column.model.select().where(column == number).exists():
            return number
