"""Document text reaches the page inert: no image fetched, no link, no HTML, shown as written."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.ui_text import inert_markdown, md_escape

HOSTILE = (
    "See ![pixel](https://evil.example/p.png) and [click](http://evil.example) <img src=x onerror=alert(1)> "
    "<https://evil.example> www.evil.example $x$ `code`\n# Heading\n> quote\n1. list\n- item"
)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\u200b", ""), flags=re.S)


def test_hostile_text_is_inert() -> None:
    out = md_escape(HOSTILE)
    assert re.search(r"(?<!\\)(!\[|\]\(|<)", out) is None  # only escaped: no image, link or tag
    assert "https://" not in out and "http://" not in out and "www.evil" not in out
    assert not re.search(r"(?m)^(#|>|\d+\.|-)", out)  # no heading, quote or list made by the document
    assert unescape(out) == HOSTILE


@given(st.text(max_size=300))
def test_escaped_text_reads_as_written_and_holds_no_link_or_image(text: str) -> None:
    out = md_escape(text)
    assert unescape(out) == text
    assert re.search(r"(?<!\\)(!\[|\]\(|<)", out) is None


def test_a_draft_keeps_its_formatting_but_not_a_documents_links() -> None:
    draft = "## Measure 1.3.5\n**Responsible entity:** ITE\n- “See ![x](https://evil.example/a.png)”"
    out = inert_markdown(draft)
    assert out.startswith("## Measure 1.3.5\n**Responsible entity:** ITE\n- ")
    assert re.search(r"(?<!\\)(!\[|\]\()", out) is None and "https://" not in out
