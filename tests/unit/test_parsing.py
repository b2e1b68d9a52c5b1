"""isi.core.parsing: whole numbers from untrusted text – ASCII digits only, bounded, never raising."""

from __future__ import annotations

import pytest

from isi.core.parsing import is_int, parse_int, parse_ints


@pytest.mark.parametrize(
    "raw",
    [
        "²",  # superscript two: str.isdigit() says yes, int() says no
        "1²",
        "١٢",  # Arabic-Indic digits: int() would accept them
        "１２",  # fullwidth digits: int() would accept them
        "٣",
        "",
        " 12",
        "12 ",
        "+12",
        "-1",
        "1_000",
        "1.5",
        "0x10",
        "12\n",
        "1" * 19,  # longer than the default bound
        "9" * 5000,  # int() would refuse it (more than 4300 digits)
        None,
        12,
        b"12",
    ],
)
def test_refuses_everything_but_ascii_digits(raw: object) -> None:
    assert parse_int(raw) is None
    assert not is_int(raw)


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("7", 7), ("0012", 12), ("1" * 18, int("1" * 18))])
def test_reads_ascii_digits(raw: str, value: int) -> None:
    assert parse_int(raw) == value
    assert is_int(raw)


def test_bounds() -> None:
    assert parse_int("12345", max_digits=4) is None
    assert parse_int("1234", max_digits=4) == 1234
    assert parse_int("0", minimum=1) is None
    assert parse_int("100", maximum=99) is None
    assert parse_int("99", minimum=1, maximum=99) == 99
    with pytest.raises(ValueError, match="max_digits"):
        parse_int("1", max_digits=0)


def test_parse_ints_keeps_the_good_ones_in_order() -> None:
    assert parse_ints(["3", "²", "١٢", "１２", "1", "", "x"]) == [3, 1]
