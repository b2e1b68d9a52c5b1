"""One rounding for every percentage (isi.core.numbers): half up to one decimal, German comma."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isi.core.numbers import format_percent, percent_number, percent_value, rounded_share, share_of


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Decimal(98) / Decimal(123), "79,7 %"),  # 79,674… – was cut to 79,6 % in the PDF
        (0.8125, "81,3 %"),  # exactly half: up
        (0.79651, "79,7 %"),
        (0.79649, "79,6 %"),
        (1, "100,0 %"),
        (0, "0,0 %"),
        (12.3456, "1.234,6 %"),
        (None, "–"),
    ],
)
def test_percentages_are_rounded_half_up_to_one_decimal(share: float | Decimal | None, text: str) -> None:
    assert format_percent(share) == text


def test_spreadsheet_share_rounds_the_same_way_as_the_text() -> None:
    share = Decimal(98) / Decimal(123)
    assert rounded_share(share) == Decimal("0.797")
    assert percent_value(rounded_share(share)) == percent_value(share) == Decimal("79.7")
    assert rounded_share(0.8125) == Decimal("0.813")


def test_float_noise_does_not_change_the_rounding() -> None:
    # 0.1 + 0.2 + 0.5050 in binary is a hair above or below; str() keeps what the reader means.
    assert percent_number(0.0005) == "0,1"
    assert percent_number(0.00049) == "0,0"


def test_share_of_is_none_without_a_whole() -> None:
    assert share_of(1, 0) is None
    assert share_of(1, 4) == Decimal("0.25")
