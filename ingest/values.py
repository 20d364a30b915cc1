"""Numbers as the report writes them: dots group thousands, commas mark decimals."""

from __future__ import annotations

import re

_NUM = re.compile(r"^[<>~≈]?\s*(\d{1,3}(?:\.\d{3})+|\d+(?:[.,]\d+)?)\s*%?$")


def parse_number(raw: str | None) -> float | None:
    """'1.643' -> 1643.0, '96,55' -> 96.55, '43.75' -> 43.75, '37 (2019)' -> 37.0, 'no data' -> None."""
    if raw is None:
        return None
    text = raw.strip().split("\n")[0].strip()
    text = re.sub(r"\s*\((?:19|20)\d\d\)$", "", text)  # "37 (2019)": the year is a note
    m = _NUM.match(text)
    if not m:
        return None
    token = m.group(1)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
        return float(token.replace(".", ""))
    return float(token.replace(",", "."))
