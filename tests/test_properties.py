"""Any text at all, typed into any field, gives a value or a clear message: never a crash.

Hypothesis throws arbitrary Unicode (control characters, surrogates' neighbours, full-width
forms, digits of other scripts, huge numbers written out, lone signs …) at every validator
and every form's validation. The answer must be a value, or ``Invalid`` with a non-empty
message in the interface language; any other exception would reach the user as a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from db import validate as v
from db.errors import Invalid

# Text shaped like what people type (digits, letters, CJK, punctuation, full-width) and
# anything Unicode has, mixed.
TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("0123456789０１２３４５６７８９+-.,，。 :/年月日元¥$eE_XxIiOoQq京沪粤A-Z\t\n"),
            max_size=30),
    st.from_regex(r"[0-9]{1,30}(\.[0-9]{0,6})?", fullmatch=True),
)
# CI digs deeper; a developer's run stays quick.
EXAMPLES = 200 if os.environ.get("CI") else 40
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FORM = settings(max_examples=EXAMPLES // 2, deadline=None)


def _answers(fn, *args):
    """Run ``fn``: return its value, or the message of its ``Invalid``; fail on anything else."""
    try:
        return fn(*args)
    except Invalid as exc:
        assert str(exc).strip(), f"{fn.__name__}{args!r} raised Invalid without a message"
        return exc


VALIDATORS = {
    "vin": v.vin,
    "plate": v.plate,
    "mobile": v.mobile,
    "id_number": v.id_number,
    "date": v.date,
    "optional_date": v.optional_date,
    "money": v.money,
    "mileage": v.mileage,
    "quantity": v.quantity,
    "name": v.name,
    "text": lambda value: v.text(value, "note", 20),
    "choice": lambda value: v.choice(value, ("cash", "card"), "payment"),
}


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@FAST
@given(text=TYPED)
@example(text="\x00")
@example(text="9" * 400)
@example(text="1e999")
@example(text="NaN")
@example(text="-0")
@example(text="٣٤٥")  # Arabic-Indic digits: isdigit() is true, int() reads them
def test_validator_answers_any_text(name, text):
    _answers(VALIDATORS[name], text)


@FAST
@given(value=st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                       st.dates(), st.binary(max_size=10), st.lists(st.text(max_size=3), max_size=3)))
def test_validators_answer_values_that_are_not_text(value):
    # Sheets hand over numbers, dates and empties; a form never passes these, an import does.
    for fn in VALIDATORS.values():
        _answers(fn, value)


@FAST
@given(text=TYPED)
def test_id_facts_of_every_accepted_id_number(text):
    value = _answers(v.id_number, text)
    if isinstance(value, str):
        facts = v.id_facts(value)
        assert facts.birth_date <= dt.date(2026, 11, 26)


# ---------------------------------------------------------------- the intake form


def _intake_paths() -> list[str]:
    from db.intake.reception import ContactForm, CustomerForm, OrderForm, PartLine, VehicleForm

    paths = []
    for group, form in (("customer", CustomerForm), ("vehicle", VehicleForm), ("order", OrderForm),
                        ("contact", ContactForm)):
        for f in dataclasses.fields(form):
            if f.name in ("id", "version", "parts", "tags", "walkaround"):
                continue
            paths.append(f"{group}.{f.name}")
    paths += [f"order.parts.0.{f.name}" for f in dataclasses.fields(PartLine)]
    paths.append("order.walkaround.valuables")  # the walk-around's one typed field (the rest are choices)
    return paths


@pytest.mark.parametrize("path", _intake_paths())
@settings(max_examples=EXAMPLES // 4, deadline=None)
@given(text=TYPED)
def test_intake_field_check_answers_any_text(path, text):
    from db.intake.reception import validate_field

    message = validate_field(path, text)
    assert message is None or (isinstance(message, str) and message.strip())


@FORM
@given(data=st.data())
def test_whole_intake_validation_answers_any_form(data):
    from db.intake.reception import ContactForm, CustomerForm, IntakeData, OrderForm, PartLine, VehicleForm, validate

    def filled(form):
        values = {f.name: data.draw(TYPED) for f in dataclasses.fields(form)
                  if f.type in ("str", str) and f.name not in ("id", "version")}
        return form(**values)

    order = filled(OrderForm)
    order.parts = [filled(PartLine) for _ in range(data.draw(st.integers(0, 2)))]
    intake = IntakeData(customer=filled(CustomerForm), vehicle=filled(VehicleForm), order=order,
                        contact=ContactForm(traits=data.draw(TYPED), events=data.draw(TYPED),
                                            tags=data.draw(st.lists(TYPED, max_size=2))))
    errors = validate(intake)
    assert all(isinstance(m, str) and m.strip() for m in errors.values())


# ---------------------------------------------------------------- other forms and typed options


@FORM
@given(data=st.data())
def test_prospect_form_answers_any_text(data):
    from db.prospects import FORM_FIELDS, clean

    _answers(clean, {name: data.draw(TYPED) for name in FORM_FIELDS})


@FORM
@given(row=st.lists(st.one_of(TYPED, st.none(), st.integers(), st.floats(), st.dates()), min_size=0, max_size=16))
def test_import_row_answers_any_cells(row):
    from db.importer import FIELDS, clean_row
    from db.sheets import SheetRow

    _answers(clean_row, SheetRow(line=2, values=tuple(row)), {name: [i] for i, name in enumerate(FIELDS)})


@FAST
@given(items=st.lists(TYPED, max_size=3))
def test_import_map_option_answers_any_text(items):
    from db.importer import parse_map_options

    _answers(parse_map_options, items)


@FAST
@given(spec=TYPED)
def test_segment_spec_answers_any_text(spec):
    from db.segments import parse_spec

    _answers(parse_spec, spec)


@FAST
@given(start=TYPED, end=TYPED)
def test_report_period_answers_any_text(start, end):
    from db.report import parse_period

    _answers(parse_period, start, end)


@FAST
@given(text=TYPED)
def test_lookup_query_cleaning_answers_any_text(text):
    from db.search import clean_query

    assert isinstance(clean_query(text), str)


@pytest.mark.parametrize("key", ["warranty.years", "maintenance.default_daily_km", "backup.daily",
                                 "work_order.format", "backup.keep"])
@FAST
@given(text=TYPED)
def test_setting_values_answer_any_text(key, text):
    from db.settings import coerce

    _answers(coerce, key, text)


@given(plate=st.one_of(
    st.from_regex(rf"[{v.PROVINCES}][A-Z][A-HJ-NP-Z0-9]{{5}}", fullmatch=True),
    st.from_regex(rf"[{v.PROVINCES}][A-Z][DF][A-HJ-NP-Z0-9][0-9]{{4}}", fullmatch=True),
    st.from_regex(rf"[{v.PROVINCES}][A-Z][0-9]{{5}}[DF]", fullmatch=True),
    st.from_regex(rf"[{v.PROVINCES}][A-Z][0-9]{{5}}", fullmatch=True)))
def test_no_accepted_plate_ends_in_more_digits_than_the_lookup_asks_for(plate):
    """db.search leaves the plate range out for six digits or more: that holds only while
    every plate the validator accepts has a letter within its last six characters."""
    from db.search import MAX_DIGITS_PLATE_TAIL, MAX_PLATE

    value = v.plate(plate)
    assert len(value) <= MAX_PLATE
    digits = len(value) - len(value.rstrip("0123456789"))
    assert digits <= MAX_DIGITS_PLATE_TAIL
