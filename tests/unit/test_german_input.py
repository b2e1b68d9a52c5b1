"""German numbers and dates (isi.core.parsing, isi.core.forms): what desk officers type, and ISO."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django import forms

from isi.core.forms import GermanDateField, GermanDecimalField
from isi.core.parsing import format_decimal_de, parse_date_de, parse_decimal_de


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000,50", Decimal("1500000.50")),
        ("1500000,50", Decimal("1500000.50")),
        ("1500000.50", Decimal("1500000.50")),  # ISO keeps working
        ("1.500", Decimal("1500")),  # a German thousand
        ("1500", Decimal("1500")),
        (" 2.000 € ", Decimal("2000")),
        ("1\u00a0000,5", Decimal("1000.5")),
        ("−5.000", Decimal("-5000")),  # the rule, not the parser, refuses negative budgets
        ("-5000,00", Decimal("-5000.00")),
    ],
)
def test_amounts_in_german_and_iso_notation(text: str, expected: Decimal) -> None:
    assert parse_decimal_de(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,500,000.50", "1.50.000,00", "12.5.3", "١٢", "1,2,3", None, 5])
def test_anything_else_is_not_an_amount(text: object) -> None:
    assert parse_decimal_de(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7.12.2026", date(2026, 12, 7)), ("07.12.26", date(2026, 12, 7)), ("2026-12-07", date(2026, 12, 7))],
)
def test_dates_in_german_and_iso_notation(text: str, expected: date) -> None:
    assert parse_date_de(text) == expected


@pytest.mark.parametrize("text", ["", "32.12.2026", "12/7/2026", "morgen"])
def test_anything_else_is_not_a_date(text: str) -> None:
    assert parse_date_de(text) is None


def test_amounts_are_shown_in_german_notation_half_up() -> None:
    assert format_decimal_de(Decimal("1500000.5")) == "1.500.000,50"
    assert format_decimal_de(Decimal("0.005")) == "0,01"
    assert format_decimal_de(None) == ""


class _Form(forms.Form):
    budget = GermanDecimalField(max_digits=14, decimal_places=2, required=False)
    start = GermanDateField(required=False)


def test_form_fields_read_german_input_and_iso() -> None:
    form = _Form(data={"budget": "1.500.000,50", "start": "7.12.2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"budget": Decimal("1500000.50"), "start": date(2026, 12, 7)}
    iso = _Form(data={"budget": "1500000.50", "start": "2026-12-07"})
    assert iso.is_valid() and iso.cleaned_data == form.cleaned_data


def test_form_fields_explain_what_they_expect() -> None:
    form = _Form(data={"budget": "viel", "start": "bald"})
    assert not form.is_valid()
    assert "1.500.000,50" in form.errors["budget"][0]
    assert "7.12.2026" in form.errors["start"][0]


def test_too_many_decimals_are_refused_by_the_field() -> None:
    form = _Form(data={"budget": "1,505"})
    assert not form.is_valid() and "budget" in form.errors


def test_amount_widget_shows_the_stored_value_in_german() -> None:
    html = _Form(initial={"budget": Decimal("1500000.50")})["budget"].as_widget()
    assert 'value="1.500.000,50"' in html and 'inputmode="decimal"' in html
