"""Figures two parts of the sources give differently, on small citations made here."""

from __future__ import annotations

from rag.disagreements import claims, disagreement_note, disagreements
from rag.models import Citation


def _cite(quote: str, source: str, kind: str = "section", id_: str = "3.2") -> Citation:
    return Citation(id=id_, kind=kind, title="t", source=source, quote=quote)


TEXT = _cite("By the end of 2021, a total of 19 one stop shops were opened.", "r.txt, section 3.2.3. Access")
MATRIX = _cite(
    "To date, 14 one-stop shops have been established.", "r.txt, Annex 7, line 40", "activity", "1.3.5.2"
)


def test_a_count_is_read_with_what_it_counts_and_a_year_is_not_a_count() -> None:
    (claim,) = claims(TEXT)
    assert (claim.number, claim.thing) == (19, "one stop shops")
    assert claims(MATRIX)[0].key == claim.key  # the hyphen does not make it another thing
    assert claims(_cite("In 2021 the portal grew; 1.643 datasets and 26% more users.", "x")) == []


def test_two_parts_that_count_the_asked_thing_differently_are_named_each_with_its_source() -> None:
    (pair,) = disagreements([TEXT, MATRIX], "How many one-stop shops were opened?")
    note = disagreement_note(pair)
    assert "section 3.2.3 says 19 one stop shops" in note and "activity 1.3.5.2 says 14" in note


def test_no_disagreement_when_the_figures_agree_count_other_things_or_are_not_asked_about() -> None:
    same = _cite("19 one-stop shops work today.", "r.txt, Annex 7, line 41", "activity", "1.3.5.3")
    assert disagreements([TEXT, same], "How many one-stop shops?") == []
    other = _cite("14 municipalities signed contracts.", "r.txt, Annex 7, line 42", "activity", "1.3.5.2")
    assert disagreements([TEXT, other], "How many one-stop shops?") == []
    assert disagreements([TEXT, MATRIX], "Who runs the e-Government Portal?") == []
    again = _cite("Elsewhere 14 one stop shops are counted.", "r.txt, section 3.2.3. Access")
    assert disagreements([TEXT, again], "How many one stop shops?") == []  # one part of the text
