"""Document text reaches the page inert: no image fetched, no link, no HTML, shown as written."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.ui_text import chip_groups, inert_markdown, lead_and_rest, md_escape

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


# the zero-width space is what the escaping inserts (and `unescape` removes), so the text is drawn without it
@given(st.text(st.characters(exclude_characters="\u200b"), max_size=300))
def test_escaped_text_reads_as_written_and_holds_no_link_or_image(text: str) -> None:
    out = md_escape(text)
    assert unescape(out) == text
    assert re.search(r"(?<!\\)(!\[|\]\(|<)", out) is None


def test_a_draft_keeps_its_formatting_but_not_a_documents_links() -> None:
    draft = "## Measure 1.3.5\n**Responsible entity:** ITE\n- “See ![x](https://evil.example/a.png)”"
    out = inert_markdown(draft)
    assert out.startswith("## Measure 1.3.5\n**Responsible entity:** ITE\n- ")
    assert re.search(r"(?<!\\)(!\[|\]\()", out) is None and "https://" not in out


def test_a_long_list_folds_behind_its_lead_and_a_short_answer_does_not() -> None:
    listing = "; ".join(f"1.1.{i}.1 Activity number {i}" for i in range(40))
    lead, rest = lead_and_rest(f"40 activities are marked “completed”: 20 under 1.1.\n\n{listing}.")
    assert lead.startswith("40 activities") and rest.startswith("1.1.0.1")
    short = "3 activities: 1.1.1.1, 1.1.1.2.\n\nA short note."
    assert lead_and_rest(short) == (short, "")
    assert lead_and_rest("One paragraph only.") == ("One paragraph only.", "")


def test_many_citations_are_grouped_by_objective_and_few_are_not() -> None:
    few = [{"id": "1.1.1.1", "kind": "activity"}, {"id": "1.2", "kind": "objective"}]
    assert chip_groups(few) == [("", [0, 1])]
    many = [{"id": f"1.{i % 2 + 1}.{i}.1", "kind": "activity"} for i in range(9)]
    many += [{"id": "3.2", "kind": "section"}, {"id": "1.2", "kind": "objective"}]
    groups = chip_groups(many)
    assert [label for label, _ in groups] == ["Under 1.1 · 5", "Under 1.2 · 5", "Passages of the text · 1"]
    assert sorted(p for _, pos in groups for p in pos) == list(range(len(many)))  # none lost, none twice
