"""WCAG AA contrast (4.5:1 for normal text) of the colours the app writes text in."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from app.ui_common import CAPTION_COLOR, CSS
from app.ui_explorer import STATUS_TEXT_COLOR

THEME = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())[
    "theme"
]


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#b26a00", "#ffffff") == pytest.approx(4.24, abs=0.01)  # the old "not initiated" orange


@pytest.mark.parametrize("background", [THEME["backgroundColor"], THEME["secondaryBackgroundColor"]])
def test_text_colours_meet_aa_on_both_backgrounds(background: str) -> None:
    colours = {"text": THEME["textColor"], "caption": CAPTION_COLOR, **STATUS_TEXT_COLOR}
    colours.update({f"css {c}": c for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", CSS)})
    low = {
        name: round(contrast(c, background), 2)
        for name, c in colours.items()
        if contrast(c, background) < 4.5
    }
    assert not low, low
    assert CAPTION_COLOR in CSS  # the constant is what the CSS applies
