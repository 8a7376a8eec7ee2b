"""The reception brief and the saved-intake summary, drawn as Text (customer data is never markup)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from db.i18n import has, listing, number, t
from db.safe_text import LINES, visible

if TYPE_CHECKING:
    # Only named here: the reception screen shows the find field first, and these come
    # with the workers that make them (not on the way to the first frame).
    from db.intake.brief import Brief
    from db.intake.same_day import OrderToday
    from db.intake.reception import SavedIntake
    from db.queues.car_dates import NextMaintenance, Warranty


def _heading(text: Text, key: str) -> None:
    text.append("\n" + t(key) + "\n", style="bold underline")


def _warranty_line(w: Warranty | None) -> str:
    if w is None or w.end_date is None:
        return ""
    key = "intake.brief.in_warranty" if w.in_warranty else "intake.brief.out_warranty"
    return t(key, date=w.end_date.isoformat(), km=number(w.end_km))


def _next_line(n: NextMaintenance | None) -> str:
    if n is None or n.when is None:
        return ""
    key = "intake.brief.next_first" if n.first else "intake.brief.next"
    if n.overdue():
        key += "_overdue"
    return t(key, date=n.when.isoformat(), km=number(n.due_km or 0))


def order_today_line(key: str, order: OrderToday) -> str:
    """The car's work order of today, as the brief and the reception's question name it."""
    return t(key, no=order.work_order_no, kind=t(f"intake.kind.{order.kind}"), km=number(order.mileage),
             by=f"{visible(order.advisor)} " if order.advisor else "", at=f"{order.opened_at:%H:%M}")


# The brief's lines at 80 columns: the screen less the stage's padding and a scrollbar.
BADGE_LINE_CELLS = 76


def brief_text(b: Brief) -> Text:
    text = Text()
    text.append(visible(b.name), style="bold")
    text.append(f"  {visible(b.mobile_masked or '')}")
    if b.sex:
        text.append(f"  {t('intake.sex.' + b.sex)}")
    # db.segments' badges: a badge that would not fit the line starts the next one, so
    # a line never ends inside one (Chinese breaks between any two characters: 武侯/区).
    used = text.cell_len
    for badge in b.segments:
        chip = Text(f" {badge} ", style="reverse")
        if used + 2 + chip.cell_len > BADGE_LINE_CELLS:
            text.append("\n")
            used = 0
        elif used:
            text.append("  ")
            used += 2
        text.append_text(chip)
        used += chip.cell_len
    text.append("\n")
    if b.vin:
        text.append(visible(b.plate or "—"), style="bold")
        text.append(visible("".join(f"  {part}" for part in (b.car, b.color, b.vin) if part)) + "\n")
        age = (t("intake.brief.age", years=b.car_age_years) if b.car_age_years is not None
               else t("intake.brief.age_unknown"))
        # Two short lines rather than one that wraps at 80 columns in English, which
        # left "last mileage" at a line's end and its figure at the next one's start.
        mileage = t("intake.brief.mileage", km=number(b.last_mileage)) if b.last_mileage is not None else ""
        for parts in ((age, _warranty_line(b.warranty)), (mileage, _next_line(b.next_maintenance))):
            if any(parts):
                text.append(" · ".join(p for p in parts if p) + "\n")
    if b.order_today is not None:  # Enter asks before a second work order is opened
        text.append(order_today_line("intake.brief.order_today", b.order_today) + "\n", style="bold reverse")
    if b.appointment is not None:  # booked for today: what the customer asked for, as written
        booking = b.appointment
        text.append(t("intake.brief.appointment", at=f"{booking.at:%H:%M}",
                      status=t(f"book.status.{booking.status}")) + " ", style="bold reverse")
        text.append(visible(booking.request or "—", LINES) + "\n")
    if b.previous_damage:  # old scratches, so they are not noted as new at the walk-around
        from tui.widgets.order_fields import before_note  # only for a car with marks

        text.append(before_note(b.previous_damage) or "", style="bold")
        text.append("\n")
    if b.treatment:
        text.append(visible(b.treatment, LINES) + "\n", style="italic")
    if b.other_vehicles:
        text.append(t("intake.brief.other_cars", plates=listing(p for _, p in b.other_vehicles)) + "\n")
    _heading(text, "intake.brief.visits")
    if not b.visits:
        text.append(t("intake.brief.no_visits") + "\n", style="dim")
    for line in b.visits:
        text.append(t("intake.brief.visit_line", date=line.visit_date.isoformat(), km=number(line.mileage),
                      kind=t(f"intake.kind.{line.kind}") if line.kind else "", work=line.work) + "\n")
    if b.last_declined:
        text.append(t("intake.brief.declined", date=b.last_declined[0].isoformat()), style="bold")
        text.append(visible(b.last_declined[1], LINES) + "\n")
    if b.contacts:
        _heading(text, "intake.brief.contacts")
        for note in b.contacts:
            tags = listing(t(f"intake.tag.{tag}") if has(f"intake.tag.{tag}") else tag for tag in note.tags)
            line = " · ".join(x for x in (note.traits, note.events, tags) if x)
            text.append(f"{note.contact_at:%Y-%m-%d}  {visible(line, LINES)}\n")
    if b.reminders:
        _heading(text, "intake.brief.reminders")
        for reminder in b.reminders:
            text.append(f"• {visible(str(reminder), LINES)}\n")
    _heading(text, "intake.brief.missing")
    if not b.missing:
        text.append(t("intake.brief.complete") + "\n", style="dim")
    for group, labels in b.missing.items():
        text.append(t("i18n.labelled", label=t(f"intake.group.{group}"), text=""), style="bold")
        text.append(listing(labels) + "\n")
    return text


def saved_text(s: SavedIntake) -> Text:
    text = Text()
    text.append(t("intake.saved.title", no=s.work_order_no) + "\n\n", style="bold")
    car = s.plate or s.vin
    text.append(t("intake.saved.line", name=s.customer_name, car=car, km=number(s.mileage),
                  kind=t(f"intake.kind.{s.kind}"), total=f"{s.total_fee:,.2f}") + "\n")
    if s.owner_changed:
        text.append(t("intake.saved.owner_changed") + "\n")
    if s.odometer_note:
        text.append(visible(s.odometer_note, LINES) + "\n")
    if s.missing:  # while the customer is still at the desk
        labels = [label for group in s.missing.values() for label in group]
        text.append(t("intake.saved.missing", n=len(labels)) + "\n" + listing(labels) + "\n")
    text.append("\n" + t("intake.saved.due") + "\n", style="bold underline")
    for line in (_next_line(s.next_maintenance), _warranty_line(s.warranty)):
        if line:
            text.append(f"• {line}\n")
    text.rstrip()
    return text


class BriefText(Static):
    """The brief's text (and the saved summary's). ``show(text, then)`` runs ``then`` once
    the text has been drawn.

    The reminders and badges are worked out in a worker that keeps the interpreter busy
    for a while: started on ``call_after_refresh`` it could still start before the frame
    (a screen runs those callbacks when its own queue is empty, which can be before a
    child's repaint has reached it), and the brief would wait for it. Moving the focus
    costs a restyle of the screen, so it waits for the frame too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._then: Callable[[], object] | None = None

    def show(self, text: Text, then: Callable[[], object] | None = None) -> None:
        self.update(text)
        self._then = then

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._then is not None:
            then, self._then = self._then, None
            self.call_later(then)  # runs after this frame has been written
        return lines
