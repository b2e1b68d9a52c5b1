"""The focus ring keeps a contrast of at least 3:1 against every background it is drawn on
(WCAG 2.2, 1.4.11), computed from the colours in isi.css."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "src" / "isi" / "static" / "isi" / "isi.css").read_text()
WHITE = "#ffffff"


def variable(name: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert match, name
    return match.group(1)


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#ffbf47", WHITE) < 3  # the old ring on white: the 1.49:1 finding


def test_the_default_ring_is_the_dark_one() -> None:
    assert re.search(r"textarea:focus-visible[^{]*\{\s*outline: 3px solid var\(--isi-focus-ring\)", CSS)
    assert re.search(
        r"\.site-header :focus-visible, \.main-nav :focus-visible[^{]*\{ outline-color: var\(--isi-focus\)",
        CSS,
    )


@pytest.mark.parametrize("background", [WHITE, "isi-soft"])
def test_dark_ring_on_light_backgrounds(background: str) -> None:
    colour = variable(background) if background.startswith("isi-") else background
    assert contrast(variable("isi-focus-ring"), colour) >= 3


@pytest.mark.parametrize("background", ["isi-accent", "#00395a"])
def test_yellow_ring_on_the_dark_header_and_navigation(background: str) -> None:
    colour = variable(background) if background.startswith("isi-") else background
    assert contrast(variable("isi-focus"), colour) >= 3
