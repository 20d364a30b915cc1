"""core.tokenize: the tokens BM25, title look-up and term overlap see (IDs and numbers whole, words stemmed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.tokenize import STOPWORDS, stem, tokenize

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# What questions and documents hold: any character, plus IDs, numbers, hyphens, Serbian letters, invisibles.
ALPHABET = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    list("0123456789.,-\t\n :;()%") + list("šđčćžŠĐČĆŽљњџЂЋ") + ["\u200b", "\ufeff", "\x00", "İ", "K", "ſ"]
)
TEXTS = st.text(alphabet=ALPHABET, max_size=300)
WORDY = st.lists(
    st.sampled_from(
        [
            "Activity",
            "the",
            "of",
            "e-Government",
            "one-stop-shop",
            "1.4.2.2",
            "1.643",
            "96,55",
            "centre",
            "center",
            "was",
            "abandoned",
            " ",
            "\n",
            ".",
            ",",
            "-",
            "2022",
        ]
    )
    | TEXTS,
    max_size=30,
).map(" ".join)
# Activity IDs as the report writes them: "1.x.y.z" with small numbers.
ACTIVITY_IDS = st.tuples(st.integers(1, 4), st.integers(1, 12), st.integers(1, 12)).map(
    lambda t: "1.%d.%d.%d" % t
)
BEFORE = st.sampled_from([" ", "\n", "\t", " (", " activity ", " Activity ", ": "])
AFTER = st.sampled_from([" ", "\n", ". ", ", ", ") ", "? ", ".\n", "; ", ".", ""])


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


# --- examples -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, whole",
    [
        ("Activity 1.4.2.2 was abandoned", "1.4.2.2"),
        ("see activity 1.4.2.2.", "1.4.2.2"),  # the sentence's full stop is not part of the ID
        ("measure 1.3.5, then", "1.3.5"),
        ("1.643 users in 2021", "1.643"),
        ("an increase of 96,55%", "96,55"),
        ("(1.1.6.7)", "1.1.6.7"),
    ],
)
def test_ids_and_numbers_stay_whole(text: str, whole: str) -> None:
    """Dotted IDs and decimal numbers are one token, with no trailing punctuation."""
    tokens = tokenize(text)
    assert whole in tokens
    assert not any(
        t != whole and t in whole.split(".") for t in tokens if t[0].isdigit()
    )  # not split into pieces


def test_dotted_id_is_not_merged_with_neighbouring_ids() -> None:
    """Two IDs separated by a space or a comma and space stay two tokens."""
    assert tokenize("activities 1.4.2.1, 1.4.2.2 and 1.3.5") == ["activ", "1.4.2.1", "1.4.2.2", "1.3.5"]


def test_hyphenated_words_keep_the_compound_and_add_stemmed_parts() -> None:
    """'one-stop-shop' yields the whole compound, then each part; 'e-Agrar' adds 'agrar' but not the lone 'e'."""
    assert tokenize("one-stop-shop") == ["one-stop-shop", "one", "stop", "shop"]
    assert tokenize("e-Agrar") == ["e-agrar", "agrar"]
    assert tokenize("e-Government services") == ["e-government", "govern", "servic"]


def test_hyphen_parts_that_are_stopwords_are_dropped_but_the_compound_stays() -> None:
    """In 'state-of-the-art' the parts 'of' and 'the' are not added; the compound itself is kept."""
    assert tokenize("state-of-the-art") == ["state-of-the-art", "state", "art"]


@pytest.mark.parametrize(
    "us, uk",
    [
        ("center", "centre"),
        ("centers", "centres"),
        ("organization", "organisation"),
        ("digitization", "digitisation"),
        ("harmonization", "harmonisation"),
        ("optimization", "optimisation"),
        ("program", "programme"),
        ("programs", "programmes"),
        ("canceled", "cancelled"),
        ("favor", "favour"),
    ],
)
def test_us_spellings_fold_to_the_reports_uk_spelling(us: str, uk: str) -> None:
    """A US spelling gives the same token as the UK spelling the report uses."""
    assert tokenize(us) == tokenize(uk) == [stem(uk)]
    assert tokenize(f"The contact {us.capitalize()}") == tokenize(f"the contact {uk}")


@pytest.mark.parametrize(
    "us, uk",
    [
        ("organizations", "organisations"),
        ("digitized", "digitised"),
        ("harmonized", "harmonised"),
        ("optimized", "optimised"),
    ],
)
def test_inflected_us_spellings_fold_too(us: str, uk: str) -> None:
    """Plural and past forms of the folded words match the report's spelling (the corpus has 16 'organisations')."""
    assert tokenize(us) == tokenize(uk)


def test_stopwords_are_dropped_by_default() -> None:
    """Stopwords and one-letter words disappear; content words are stemmed."""
    assert tokenize("What is the status of the measure?") == ["status", "measur"]
    assert tokenize("a b c x") == []
    assert all(tokenize(w) == [] for w in STOPWORDS)


def test_keep_stopwords_keeps_them_in_order() -> None:
    """With keep_stopwords the stopwords (stemmed like any word) and single letters stay, in their places."""
    assert tokenize("Why was it abandoned?", keep_stopwords=True) == [stem("why"), "was", "it", "abandon"]
    assert tokenize("Why was it abandoned?") == ["abandon"]
    assert tokenize("x and y", keep_stopwords=True) == ["x", "and", "y"]


def test_words_are_lower_cased_and_stemmed_alike() -> None:
    """Case and inflection do not matter: 'ABANDONED', 'Abandoned' and 'abandon' give one token."""
    assert tokenize("ABANDONED") == tokenize("Abandoned") == tokenize("abandon") == ["abandon"]


def test_serbian_latin_letters_are_word_characters() -> None:
    """Words with š, đ, č, ć, ž are single tokens, not split at the diacritic."""
    assert tokenize("Šabac Čačak") == [stem("šabac"), stem("čačak")]


def test_empty_and_punctuation_only_text_gives_no_tokens() -> None:
    """Nothing to index in '', whitespace or punctuation."""
    assert tokenize("") == tokenize("   \n\t") == tokenize("?!.,;:-()") == []


# --- properties ---------------------------------------------------------------------------------------


@FAST
@given(WORDY, st.booleans())
@example("1.4.2.2. 1.643, 96,55 e-government-portal", False)
@example("-" * 500 + "a-" * 300, True)
@example("İstanbul ǅ ß ﬁ Ω K ſ ı", False)
def test_tokenize_never_raises_and_tokens_are_lower_case_and_non_empty(text: str, keep: bool) -> None:
    """On any text: a list of non-empty, lower-case, whitespace-free strings."""
    tokens = tokenize(text, keep_stopwords=keep)
    assert isinstance(tokens, list)
    for t in tokens:
        assert isinstance(t, str) and t
        assert t == t.lower()
        assert not any(c.isspace() for c in t)
        assert not t.endswith((".", ","))


@FAST
@given(TEXTS, BEFORE, ACTIVITY_IDS, AFTER, TEXTS)
@example("", " ", "1.4.2.2", ".", "")
@example("measure 1.3.", " ", "1.3.5.1", ", ", "1.643")
def test_dotted_ids_embedded_in_random_text_come_out_whole(
    prefix: str, before: str, id_: str, after: str, suffix: str
) -> None:
    """An activity ID set off by a space and punctuation is one token, whatever text surrounds it."""
    if after and after[-1] not in " \n" and suffix[:1].isdigit():
        suffix = " " + suffix  # "1.4.2.2.5" would be a different number, not this ID
    if not after:
        suffix = ""
    assert id_ in tokenize(prefix + before + id_ + after + suffix)


@FAST
@given(WORDY, st.booleans())
@example("1.4.2.2 1.643 96,55 ١٢٣ ２０２２", False)
def test_a_number_or_id_token_tokenizes_to_itself(text: str, keep: bool) -> None:
    """Digit-led tokens are fixed points: tokenizing one gives back exactly that token."""
    for t in tokenize(text, keep_stopwords=keep):
        if t[0].isdigit():
            assert tokenize(t, keep_stopwords=keep) == [t]


@FAST
@given(WORDY)
def test_keep_stopwords_only_adds_tokens(text: str) -> None:
    """The default tokens are the keep_stopwords tokens with some left out, never different or reordered."""
    assert _is_subsequence(tokenize(text), tokenize(text, keep_stopwords=True))


@FAST
@given(WORDY)
def test_tokenize_ignores_case(text: str) -> None:
    """Upper-casing ASCII letters does not change the tokens."""
    ascii_upper = "".join(c.upper() if c.isascii() else c for c in text)
    assert tokenize(ascii_upper) == tokenize(text)


def test_the_past_forms_of_an_irregular_verb_are_the_verb() -> None:
    # "when did the council take over" finds "its functions were taken over by the council"
    assert set(tokenize("taken took")) == set(tokenize("take")) == {stem("take")}
    assert tokenize("built bought brought") == tokenize("build buy bring")
    # forms that are also nouns or adjectives keep their own meaning
    assert tokenize("left found") != tokenize("leave find")
