"""The reception form: customer group, vehicle group, work order, observation and contact.

The form only shows and collects: values go in and out as ``db.intake.reception.IntakeData``, each
field is checked on leaving it with ``db.intake.reception.validate_field`` (no database), and the
errors of a refused save come back as a dict of field paths shown beside their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from db.intake import reception as intake
from db.i18n import t
from db.masking import MASKS
from db.validate import as_stored, id_facts, vin_brand
from tui.consent import CONSENT_NOW
from tui.widgets.choice import ChoiceField, TagPicker
from tui.widgets.fields import TextField
from tui.widgets.form_row import FieldRow, field_id
from tui.widgets.order_fields import (ORDER_ROWS_AFTER, PART_CONSENT_CHOICES, PART_KIND_CHOICES, WALKAROUND_PATHS,
                                      before_note, is_order_field, make_field, read_walkaround, show_walkaround,
                                      translated)

# (path, widget kind) in the order of the form; groups follow domain.md's four groups.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("customer", ("customer.name", "customer.mobile", "customer.id_number", "customer.occupation",
                  "customer.home_address", "customer.hobbies")),
    # engine and transmission numbers after the purchase date: rarely at hand at the desk,
    # they no longer cost a walk-in two Enters between the model and the colour
    ("vehicle", ("vehicle.vin", "vehicle.plate", "vehicle.brand", "vehicle.model", "vehicle.color",
                 "vehicle.purchase_date", "vehicle.engine_no", "vehicle.transmission_no",
                 "vehicle.first_maintenance_date", "vehicle.first_maintenance_mileage",
                 "vehicle.usage", "vehicle.sold_here")),
    ("order", tuple(p for path in ("order.mileage", "order.kind", "order.work_requested", "order.parts",
                                    "order.labour_fee", "order.parts_fee", "order.other_fee", "order.total",
                                    "order.payment_method", "order.declined_work")
                    for p in (path, *ORDER_ROWS_AFTER.get(path, ())))),
    ("walkaround", WALKAROUND_PATHS),  # the reception order's walk-around (Ctrl+G)
    ("observation", ("customer.education", "customer.income", "customer.employer",
                     "customer.employer_address", "customer.interests")),
    ("contact", ("contact.traits", "contact.events", "contact.tags", "contact.consent")),
)
REQUIRED = {"customer.name", "customer.mobile", "vehicle.vin", "order.mileage"}
CHOICES = {
    "vehicle.usage": [(c, t(f"intake.usage.{c}")) for c in intake.USAGES],
    "vehicle.sold_here": [(c, t(f"intake.yesno.{c}")) for c in intake.YES_NO],
    "order.kind": [(c, t(f"intake.kind.{c}")) for c in intake.KINDS],
    "order.payment_method": [(c, t(f"intake.pay.{c}")) for c in intake.PAYMENTS],
    # the first choice ("") is relabelled on load: "unchanged (now: …)" or "not asked"
    "contact.consent": [("", t("intake.consent.unasked")), ("yes", t("card.consent_answer_yes")),
                        ("no", t("card.consent_answer_no"))],
}
# Fields whose value the archive may already know: the screen looks them up on leaving.
LOOKED_UP = ("vehicle.vin", "vehicle.plate", "customer.mobile")
MASKED = tuple(MASKS)  # customer fields shown masked for a returning customer
FEES = ("order.labour_fee", "order.parts_fee", "order.other_fee")
PART_FIELDS = ("name", "quantity", "unit_price", "kind", "consent", "code")
PART_TEXT_FIELDS = ("name", "quantity", "unit_price", "code")


class PartRow(Horizontal):
    """One part line: name, quantity, unit price; its message line sits under the parts."""

    def __init__(self, index: int) -> None:
        super().__init__(id=f"part-{index}", classes="part-row")
        self.index = index

    def compose(self) -> ComposeResult:
        yield Static(Text(t("intake.form.part", n=self.index + 1)), classes="row-label")
        for name in PART_FIELDS:
            path = f"order.parts.{self.index}.{name}"
            if name in PART_TEXT_FIELDS:
                yield TextField(id=field_id(path), compact=True, help_key="intake.h.order.parts",
                                classes=f"part-{name}", enter_moves_on=True,
                                placeholder=t(f"reception_order.part.{name}" if name == "code" else f"intake.part.{name}"))
            else:  # the kind (original, aftermarket, repaired, used) and the owner's consent
                options = PART_KIND_CHOICES if name == "kind" else PART_CONSENT_CHOICES
                field = ChoiceField(translated(options), help_key="intake.h.order.part_kind", id=field_id(path))
                field.add_class(f"part-{name}")
                yield field


class IntakeForm(VerticalScroll):
    """All the groups in one scrolling form; the screen above it decides what happens."""

    # Not a Tab stop of its own: Shift+Tab from the first field landed on the form itself,
    # where typing goes nowhere. It scrolls to the focused field all the same.
    can_focus = False

    class FieldLeft(Message):
        """A field the archive may know (VIN, plate, mobile) was left with a valid value."""

        def __init__(self, path: str, value: str) -> None:
            super().__init__()
            self.path = path
            self.value = value

    class Edited(Message):
        """Something was typed or changed (the screen keeps the draft)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.base = intake.IntakeData()  # ids, versions and confirmations of what was loaded
        self.part_count = 0
        self._filling = False  # load() is setting the fields (leaving one checks nothing)
        self._checked: dict[str, str] = {}  # path -> the value last checked on leaving it
        self._when_shown: Callable[[], object] | None = None
        # path -> the values load() put in the field whose Changed has not come back yet:
        # that Changed is the echo of the load (it arrives after load has ended), not typing.
        self._echo: dict[str, list[str]] = {}
        self._part_errors: dict[str, str] = {}  # path -> message shown under the parts
        self._vin_maker = ""  # the brand last filled in from a VIN (another VIN may replace it)

    # ---- building

    def compose(self) -> ComposeResult:
        for group, paths in SECTIONS:
            yield Static(Text(t(f"intake.group.{group}")), classes="section", id=f"section-{group}")
            for path in paths:
                if path == "order.parts":
                    yield Vertical(PartRow(0), id="parts")
                    yield Static(Text(""), id="parts-message", classes="row-message")
                elif path == "order.total":
                    yield Static(Text(""), id="form-total")
                else:
                    yield FieldRow(path, f"intake.f.{path}", self._field(path), required=path in REQUIRED)
        self.part_count = 1

    def _field(self, path: str) -> Widget:
        help_key = f"intake.h.{path}"
        if path in CHOICES:
            return ChoiceField(CHOICES[path], help_key=help_key, id=field_id(path))
        if path == "contact.tags":
            return TagPicker([(c, t(f"intake.tag.{c}")) for c in intake.TAGS], help_key=help_key,
                             id=field_id(path))
        if is_order_field(path) and path != "order.walkaround.valuables":
            return make_field(path, help_key)
        return TextField(id=field_id(path), compact=True, help_key=help_key, enter_moves_on=True)

    # ---- values in and out

    def _widget(self, path: str) -> Widget:
        return self.query_one("#" + field_id(path))

    def _groups(self, data: intake.IntakeData):
        yield "customer", data.customer
        yield "vehicle", data.vehicle
        yield "order", data.order
        yield "contact", data.contact

    async def load(self, data: intake.IntakeData) -> None:
        """Show ``data``: every field, the part lines (plus one empty), no messages."""
        self._filling = True
        self.base = data
        self._label_consent(data)
        for group, form in self._groups(data):
            for f in fields(form):
                if f.name in ("id", "version", "parts", "walkaround"):
                    continue
                self._set(f"{group}.{f.name}", getattr(form, f.name))
                self._checked[f"{group}.{f.name}"] = getattr(form, f.name)
        # Part rows are kept as far as the lines need them (mounting is the slow part of a form).
        # A draft or a stored order brings its lines; its empty ones are dropped, or each
        # resume of a draft would add one more empty line to the form's own.
        lines = [*(line for line in data.order.parts if not line.blank()), intake.PartLine()]
        for n, line in enumerate(lines):
            if n >= self.part_count:
                await self._add_part(line)
            else:
                self._set_part(n, line)
        if self.part_count > len(lines):
            # The last customer's extra lines go: empty rows piled up, one per part the
            # previous work orders of the session had (issue 15's cosmetic list).
            extra = [row for row in self.query(PartRow) if row.index >= len(lines)]
            self.part_count = len(lines)
            stale = [p for p in (*self._checked, *self._echo)
                     if p.startswith("order.parts.") and int(p.split(".")[2]) >= len(lines)]
            for path in stale:
                self._checked.pop(path, None)
                self._echo.pop(path, None)
            await self.query_one("#parts").remove_children(extra)
        show_walkaround(self._widget, data.order.walkaround, data.previous_damage)
        self.show_errors({})
        self.update_total()
        self._mark_filled_in(data)
        self._show_masked(data)
        for path in ("customer.id_number", "vehicle.vin"):
            self._note(path)
        self.call_after_refresh(setattr, self, "_filling", False)

    def _mark_filled_in(self, data: intake.IntakeData) -> None:
        """A new archive's values that came with it (from the find text, a car or prospect
        on file, a resumed draft) cost no Enter: Enter goes past them. A returning
        customer's form is all filled in, and stops at every field as before."""
        new = data.customer.id is None
        for field in self.query(TextField):
            field.skip_on_enter = new and bool(field.value.strip())
        # The brand comes from the VIN as it is left, too late for the Enter that leaves it
        # (the keys after that Enter already go to the next field): on a new archive it is
        # passed over from the start, and stops Enter again only for a VIN of no known maker.
        if new and data.vehicle.id is None:
            self._widget("vehicle.brand").skip_on_enter = True

    def _show_masked(self, data: intake.IntakeData) -> None:
        """A returning customer's mobile and ID number show masked in their empty fields, as
        on the card: empty keeps the number, typing a whole new one replaces it, and the
        reveal key (``IntakeScreen``, recorded) puts the full number in the field."""
        for name in MASKED:
            self._widget(f"customer.{name}").placeholder = data.masked.get(name, "")

    def masked_path(self, widget: Widget | None) -> str | None:
        """The path of ``widget`` when it is a field showing its mask (empty: the reveal
        key's field; a number typed over the mask has nothing to reveal)."""
        path = _path_of(widget) if widget is not None else None
        if path is None or not intake.keeps_masked(self.base, path, getattr(widget, "value", "")):
            return None
        return path

    def revealed(self, path: str, number: str) -> None:
        """The full number the advisor asked for (recorded): in the field, no longer masked."""
        name = path.removeprefix("customer.")
        self.base = replace(self.base, masked={k: m for k, m in self.base.masked.items() if k != name})
        widget = self._widget(path)
        widget.placeholder = ""
        if not widget.value.strip():  # a number typed over the mask stays the advisor's
            self._set(path, number)
            self._checked[path] = number
            self._note(path)

    @staticmethod
    def shown(path: str, value: str) -> str:
        """A value as the field shows it: a choice by its label, not its code; nothing, said."""
        if not value.strip():
            return t("intake.conflict.empty")
        return dict(CHOICES.get(path, ())).get(value, value)

    def take(self, path: str, theirs: str) -> None:
        """Another advisor's value, chosen over the one typed (a number of theirs shown
        masked: the field empties, and empty keeps what the archive holds)."""
        masked = path.removeprefix("customer.") in self.base.masked and "*" in theirs
        self._widget(path).value = "" if masked else theirs
        self._row(path).show(t("intake.conflict.taken"), error=False)

    def _label_consent(self, data: intake.IntakeData) -> None:
        """A returning customer's "no answer" keeps what the archive holds (shown); a new
        archive's leaves the question unasked."""
        field = self._widget("contact.consent")
        first = (t("intake.consent.keep", now=t(CONSENT_NOW[data.consent_now]))
                 if data.customer.id is not None else t("intake.consent.unasked"))
        field.options = [("", first), *field.options[1:]]
        field.refresh()

    async def _add_part(self, line: intake.PartLine) -> None:
        row = PartRow(self.part_count)
        self.part_count += 1
        await self.query_one("#parts").mount(row)
        self._set_part(row.index, line)

    def _set_part(self, index: int, line: intake.PartLine) -> None:
        for name in PART_FIELDS:
            self._set(f"order.parts.{index}.{name}", getattr(line, name))

    def _set(self, path: str, value: object) -> None:
        widget = self._widget(path)
        if isinstance(widget, Input) and widget.value != value:
            self._echo.setdefault(path, []).append(str(value))  # a Changed will follow
        widget.value = value

    def collect(self, parts: bool = True) -> intake.IntakeData:
        """What the form holds now, with the loaded ids, versions and answers (``parts``
        False: without the part lines, which may be mounting while a key is handled)."""
        data = replace(self.base)
        data.customer = self._collect_group("customer", self.base.customer)
        data.vehicle = self._collect_group("vehicle", self.base.vehicle)
        data.order = self._collect_group("order", self.base.order)
        data.contact = self._collect_group("contact", self.base.contact)
        data.order.parts = [
            intake.PartLine(*(self._widget(f"order.parts.{n}.{name}").value for name in PART_FIELDS))
            for n in range(self.part_count)] if parts else []
        data.order.walkaround = read_walkaround(self._widget)
        return data

    def _collect_group(self, group: str, form: object) -> object:
        values = {f.name: self._widget(f"{group}.{f.name}").value
                  for f in fields(form) if f.name not in ("id", "version", "parts", "walkaround")}
        return replace(form, **values)

    # ---- messages beside the fields

    def show_errors(self, errors: dict[str, str]) -> None:
        for row in self.query(FieldRow):
            row.show(errors.get(row.path))
            if row.path not in errors:
                self._note(row.path)
        self._show_part_errors({p: m for p, m in errors.items() if p.startswith("order.parts.")})

    def _show_part_errors(self, errors: dict[str, str]) -> None:
        self._part_errors = errors
        lines = [t("i18n.labelled", label=t("intake.form.part", n=int(p.split(".")[2]) + 1), text=m)
                 for p, m in errors.items()]
        line = self.query_one("#parts-message", Static)
        if lines or line.has_class("-shown"):
            line.update(Text("\n".join(lines)))
        line.set_class(bool(lines), "-shown")
        line.set_class(bool(lines), "-error")

    def _recheck_part(self, path: str) -> None:
        """A part line with an error was edited: its errors that are now right go at once
        (as beside the other fields); the others stay until the next save."""
        index = int(path.split(".")[2])
        prefix = f"order.parts.{index}."
        if not any(p.startswith(prefix) for p in self._part_errors):
            return
        line = intake.PartLine(*(self._widget(prefix + name).value for name in PART_FIELDS))
        still = intake.part_errors(index, line)
        kept = {p: m for p, m in self._part_errors.items() if not p.startswith(prefix) or p in still}
        if kept != self._part_errors:
            self._show_part_errors(kept)

    def focus_path(self, path: str, scroll: bool = True) -> None:
        """Focus the field of ``path`` now, not after the messages already queued (as
        ``Widget.focus`` does): keys that follow in the same chunk go to this field."""
        self.screen.set_focus(self._widget(path), scroll_visible=scroll)

    def field(self, path: str) -> Widget:
        return self._widget(path)

    def section_of(self, widget: Widget | None) -> int:
        """The index in ``SECTIONS`` of the part holding ``widget`` (0 when not a field)."""
        path = _path_of(widget) if widget is not None else None
        if path is not None and path.startswith("order.parts."):
            path = "order.parts"
        return next((n for n, (_, paths) in enumerate(SECTIONS) if path in paths), 0)

    def section_index(self, group: str) -> int:
        return next(n for n, (name, _) in enumerate(SECTIONS) if name == group)

    def when_shown(self, action: Callable[[], object]) -> None:
        """Run ``action`` (a scroll) when the hidden form is next shown. Until then it keeps
        the layout of its last showing, and a scroll worked out from that goes astray (the
        second work order of a session opened on the customer part, its mileage out of sight)."""
        self._when_shown = action

    def on_show(self) -> None:
        if self._when_shown is not None:
            action, self._when_shown = self._when_shown, None
            action()

    def show_section(self, group: str) -> None:
        """Scroll so that a part of the form starts at the top (the work order, for a returning car)."""
        self.scroll_to_widget(self.query_one(f"#section-{group}"), animate=False, top=True)

    def first_error_path(self, errors: dict[str, str]) -> str | None:
        """The first field in form order that has an error."""
        order = [r.path for r in self.query(FieldRow)]
        order += [f"order.parts.{n}.{name}" for n in range(self.part_count) for name in PART_FIELDS]
        return next((p for p in order if p in errors), None)

    def _note(self, path: str) -> None:
        """Hints derived from a valid value: birth date and sex from the ID, brand from the VIN."""
        value = self._widget(path).value
        if path == "customer.id_number" and value and intake.validate_field(path, value) is None:
            facts = id_facts(value)
            self._row(path).show(t("intake.form.id_facts", date=facts.birth_date.isoformat(),
                                   sex=t(f"intake.sex.{facts.sex}")), error=False)
        elif path == "vehicle.vin" and value and intake.validate_field(path, value) is None:
            brand = vin_brand(value.strip().upper())
            self._row(path).show(t("intake.form.vin_brand", brand=brand) if brand else None, error=False)
        elif path == "order.walkaround.damage":
            self._row(path).show(before_note(self.base.previous_damage), error=False)

    def _brand_from_vin(self, vin: str) -> None:
        """An empty brand (or one filled in from an earlier VIN) takes the VIN's maker, as
        the save would: the advisor sees it and Enter goes past it."""
        brand = self._widget("vehicle.brand")
        if brand.value.strip() and brand.value != self._vin_maker:
            return  # typed by the advisor, or the loaded car's
        maker = vin_brand(vin.strip().upper()) or ""
        if maker != brand.value:
            self._set("vehicle.brand", maker)
            self._checked["vehicle.brand"] = maker
        self._vin_maker = maker
        if self.base.customer.id is None:  # a new archive's (a returning form stops everywhere)
            brand.skip_on_enter = bool(maker)

    def _row(self, path: str) -> FieldRow:
        return self.query_one("#row-" + path.replace(".", "-"), FieldRow)

    def note(self, path: str, message: str) -> None:
        self._row(path).show(message, error=False)

    # ---- events

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        path = _path_of(event.input)
        if path is None or path.startswith("order.parts.") or self._filling:
            return
        if self._checked.get(path) == event.value:
            return  # left unchanged: its message (or a lookup's note) stands
        self._checked[path] = event.value
        if intake.keeps_masked(self.base, path, event.value):
            self._row(path).show(None)  # left empty under its mask: the number stays
            return
        error = intake.validate_field(path, event.value)
        self._row(path).show(error)
        stored = as_stored(path, event.value) if error is None else None
        if stored is not None and stored != event.value:  # 川a12345 shows as it will be kept
            self._set(path, stored)
            self._checked[path] = stored
        if error is None:
            self._note(path)
            if path == "vehicle.vin":
                self._brand_from_vin(event.value)
            if path in LOOKED_UP and event.value.strip():
                self.post_message(self.FieldLeft(path, event.value))

    @on(Input.Changed)
    async def _changed(self, event: Input.Changed) -> None:
        path = _path_of(event.input)
        if path is None:
            return
        if event.value in self._echo.get(path, ()):
            self._echo[path].remove(event.value)
            return  # the field showing what load() put there: nothing was typed
        event.input.skip_on_enter = False  # typed on: the advisor's own value now
        if path.removeprefix("customer.") in self.base.masked:
            self.screen.refresh_bindings()  # the reveal key only while the mask shows
        if path == "vehicle.vin":
            self._let_go_of_car()
        if path == f"order.parts.{self.part_count - 1}.name" and event.value.strip():
            await self._add_part(intake.PartLine())  # typing in the last line opens another
        if path in FEES or path.startswith("order.parts."):
            self.update_total()
        if path.startswith("order.parts."):
            self._recheck_part(path)
        elif self._row(path).has_error and (intake.keeps_masked(self.base, path, event.value)
                                            or intake.validate_field(path, event.value) is None):
            self._row(path).show(None)  # corrected: the error goes as soon as the value is right
            self._checked.pop(path, None)  # and leaving the field checks it afresh
        self.post_message(self.Edited())

    def _let_go_of_car(self) -> None:
        """The VIN no longer the loaded car's: that car is let go (its id, version and the
        values it filled in), so the save treats the VIN as another car's."""
        shown = self._collect_group("vehicle", self.base.vehicle)
        other = intake.let_go_of_car(self.base.vehicle, shown)
        if other is None:
            return
        self.base = replace(self.base, vehicle=other, owner_change_confirmed=None,
                            lower_mileage_confirmed=False)
        for f in fields(other):
            if f.name not in ("id", "version", "vin"):
                path = f"vehicle.{f.name}"
                self._set(path, getattr(other, f.name))
                self._checked[path] = getattr(other, f.name)
                self._row(path).show(None)
        self._row("vehicle.vin").show(None)  # "loaded from the archive" no longer holds

    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        path = _path_of(event.control)
        if path is not None and path.startswith("order.parts."):
            self._recheck_part(path)  # the consent given: its message goes at once
        self.post_message(self.Edited())  # only ever a key's doing (load sets no Changed off)

    def update_total(self) -> None:
        total = intake.total_of(self.collect())
        text = t("intake.form.total", total=f"{total:,.2f}") if total is not None else t("intake.form.total_bad")
        self.query_one("#form-total", Static).update(Text(text, style="bold"))


def _path_of(widget: Widget) -> str | None:
    if not widget.id or not widget.id.startswith("f-"):
        return None
    return widget.id[2:].replace("-", ".")
