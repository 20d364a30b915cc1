"""rag.spelling: a misspelt word read as the corpus word (or the everyday word) one edit away."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.settings import Settings
from rag.ask import ask
from rag.spelling import dictionary, is_english, respelt

WRITTEN = {
    "status": 40,
    "datasets": 12,
    "portal": 30,
    "which": 50,
    "with": 20,
    "activities": 90,
    "abandoned": 14,
}


def test_a_typo_is_read_as_the_corpus_word_one_edit_away() -> None:
    assert respelt("staus", WRITTEN) == "status"  # a letter left out
    assert respelt("datsets", WRITTEN) == "datasets"
    assert respelt("portla", WRITTEN) == "portal"  # two letters swapped
    assert respelt("abandonded", WRITTEN) == "abandoned"  # a letter added


def test_the_most_frequent_corpus_word_wins_among_those_one_edit_away() -> None:
    assert respelt("statsu", {"status": 9, "stats": 1}) == "status"
    assert respelt("stauts", {"status": 1, "stouts": 9}) == "stouts"


def test_a_short_word_is_read_as_a_typo_only_for_a_letter_left_out() -> None:
    """'comms' and 'wats' are clippings one letter from other words ('comes', 'was'), not typos of them."""
    assert respelt("wich", {"which": 1, "with": 9}) == "which"
    assert respelt("comms", {"comes": 5}) is None
    assert respelt("wats", {"was": 9}) is None


def test_only_corpus_words_are_offered() -> None:
    assert respelt("finsihed", {}) is None  # "finished" is English, but not the corpus's: nothing to find
    assert respelt("finsihed", {"finished": 2}) == "finished"
    assert respelt("uptime", {}) is None


def test_known_words_names_and_short_words_are_left_as_written() -> None:
    assert respelt("status", WRITTEN) is None  # the corpus's
    assert respelt("happened", WRITTEN) is None  # English
    assert respelt("digitalisation", {}) is None  # British English: its American form is known
    assert respelt("Staus", WRITTEN) is None  # capitalised: maybe a name
    assert respelt("wat", WRITTEN) is None  # too short to tell
    assert respelt("e-gov", WRITTEN) is None  # not a plain word


def test_british_spellings_count_as_english() -> None:
    for word in ("organisation", "programme", "centre", "labour", "catalogue", "cancelled"):
        assert is_english(word), word


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a one letter away from a: left out, added, changed, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]])
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(
        long_[:i] + long_[i + 1 :] == short for i in range(len(long_))
    )


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12))
def test_a_respelt_word_is_one_edit_away_and_a_known_one(word: str) -> None:
    got = respelt(word, WRITTEN)
    if got is not None:
        assert _one_edit(word, got), (word, got)
        assert got in WRITTEN or got in dictionary()
    if word in WRITTEN:
        assert got is None


def test_a_question_typed_in_a_hurry_finds_its_answer(indexed: Settings) -> None:
    listing = ask("which activites were abandonded?", settings=indexed)
    assert listing.intent == "list" and "abandoned" in listing.answer, listing.answer
    untouched = ask("Give me every activity that hasn't been started at all.", settings=indexed)
    assert untouched.intent == "list" and "not initiated" in untouched.answer, (
        untouched.answer
    )  # "hasn" is no typo
    figure = ask("how many datsets are on the open data portl?", settings=indexed)
    assert not figure.abstained and "Number of datasets" in figure.answer, figure.answer
