"""rag.lexicon: the bilingual word list's format and its matching of inflected words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.lexicon import MAX_ENDING, load, parse, spelling

SMALL = parse(
    [
        "# a comment",
        "ugovor\tcontract",
        "ugovorn\tcontractual",
        "=rok\tdeadline",
        "nije obezbedjen\tnot secured",
        "nije obezbedjen sredstv\tfunds not secured",
    ]
)


def test_a_stem_matches_its_inflections_and_the_longest_wins() -> None:
    assert SMALL.word("ugovori") == "contract"
    assert SMALL.word("Уговором") == "contract"
    assert SMALL.word("ugovornih") == "contractual"
    assert SMALL.word("ugovorizacijama") is None  # more than an ending
    assert SMALL.word("rok") == "deadline" and SMALL.word("roku") is None  # exact entries are exact


def test_a_phrase_takes_its_words_and_the_longest_phrase_wins() -> None:
    tokens = "sredstva nisu obezbeđena".split()
    assert SMALL.phrase(tokens, 0) is None
    assert SMALL.phrase("nije obezbeđeno".split(), 0) == (2, "not secured")
    assert SMALL.phrase("nije obezbeđeno sredstvo za".split(), 0) == (3, "funds not secured")


def test_a_genitive_plural_with_a_fleeting_a_is_read_without_it() -> None:
    fleeting = parse(["incident\tincident", "dokument\tdocument", "podat\tdata"])
    assert fleeting.word("incidenata") == "incident"  # incident-a-ta: the "a" before the last consonant goes
    assert fleeting.word("Инцидената") == "incident"  # in Cyrillic too
    assert fleeting.word("dokumenata") == "document"
    assert fleeting.word("podataka") == "data"  # the stem matches as written first
    assert fleeting.word("incidentalnosti") is None  # more than an ending, and no fleeting "a"


@pytest.mark.parametrize("line", ["no tab here", "ugovor\t", "\tcontract", "abc\tshort stem"])
def test_a_broken_line_is_named(line: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse(["# header", line])


def test_the_shipped_list_loads_and_has_no_short_stems() -> None:
    lexicon = load()
    assert len(lexicon.stems) + len(lexicon.exact) > 100
    assert all(len(stem) >= 4 for stem in lexicon.stems)


@given(
    st.text(alphabet="abcdefghiklmnoprstuvz", min_size=4, max_size=10),  # no "j": "dj" is spelt "d",
    st.text(alphabet="aeiou", max_size=MAX_ENDING),
)
def test_any_stem_matches_itself_with_any_short_ending(stem: str, ending: str) -> None:
    lexicon = parse([f"{stem}\tthing"])
    assert lexicon.word(stem + ending) == "thing"
    assert lexicon.word((stem + ending).upper()) == "thing"
    assert spelling(stem + ending) == stem + ending


def test_a_masculine_past_is_read_by_the_stem_of_its_l_forms() -> None:
    verbs = parse(["razvil\tdeveloped", "pokrenul\tlaunched"])
    assert verbs.word("razvila") == "developed"
    assert verbs.word("razvio") == "developed" and verbs.word("pokrenuo") == "launched"
    assert verbs.word("razvo") is None  # an o after a consonant is not the past's l
