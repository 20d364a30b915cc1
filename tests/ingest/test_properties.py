"""Property tests beyond test_values_ids_table.py: the tokenizer, the unknown-ID parser, the whole document
path (sections, matrix, chunks) on arbitrary text and bytes, and determinism on the shipped corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.ids import find_ids
from core.tokenize import tokenize
from ingest.chunks import MAX_CHARS, chunk_document
from ingest.loaders import Document, LoadError, Page, decode_text, load
from ingest.matrix import parse_matrix
from ingest.table import cells_from_lines
from rag.retrieve import unknown_ids

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS_FILE = Path(__file__).resolve().parents[2] / "corpus" / "egov_expost_2020_2022.txt"
# Text with what documents hold: IDs, numbers, tabs, Serbian letters in both scripts, invisible characters.
ALPHABET = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    list("0123456789.,\t\n -:;()") + list("šđčćžŠĐČĆŽљњџЂЋ") + ["\u200b", "\ufeff", "\x00", "\r"]
)
TEXTS = st.text(alphabet=ALPHABET, max_size=400)
DOC_WORDS = st.sampled_from(
    [
        "Activity",
        "Measure",
        "Specific objective",
        "1.4.2.2",
        "1.3.5",
        "1. 4",
        "completed",
        "Annex 7: Evaluation Matrix",
        "\t",
        "\n",
        "\n\n",
        "Name of indicator",
        "1.643",
        "96,55",
        "ITE Office",
        "## Heading",
        "3.2.4.",
        "[bookmark: _Toc1]",
        " ",
        "é",
        "ž",
    ]
)
DOC_TEXTS = st.lists(DOC_WORDS | TEXTS, max_size=60).map("".join)


# --- tokenize -----------------------------------------------------------------------------------


@FAST
@given(TEXTS, st.booleans())
@example("1.4.2.2. 1.643, 96,55 e-government-portal", False)
@example("-" * 1000 + "a-" * 500, False)
@example("İstanbul ǅ ß ﬁ Ω", True)
def test_tokenize_never_raises_and_is_clean(text: str, keep: bool) -> None:
    tokens = tokenize(text, keep_stopwords=keep)
    assert all(isinstance(t, str) and t and t == t.strip() for t in tokens)
    assert tokens == tokenize(text, keep_stopwords=keep)  # deterministic
    for t in tokens:
        assert not t.endswith((".", ","))


@FAST
@given(st.lists(st.integers(1, 99), min_size=2, max_size=5))
def test_tokenize_keeps_dotted_ids_whole(parts: list[int]) -> None:
    id_ = ".".join(map(str, parts))
    assert id_ in tokenize(f"see activity {id_}.")


@FAST
@given(TEXTS)
def test_tokenize_is_case_insensitive(text: str) -> None:
    assert tokenize(text.upper()) == tokenize(text.upper().lower())


# --- unknown IDs (what makes 'activity 9.9.9.9' abstain) -------------------------------------------


@FAST
@given(TEXTS)
@example("activity " + "9." * 3000)
@example("measure 1.9.9 and activity 9.9.9.9.")
def test_unknown_ids_never_raises(text: str) -> None:
    known = {"1.1", "1.4", "1.3.5", "1.4.2", "1.4.2.2"}
    for id_ in unknown_ids(text, known):
        assert id_ not in known and id_


@FAST
@given(
    st.sampled_from(["activity", "Activity", "measure", "Measure"]),
    st.lists(st.integers(5, 99), min_size=3, max_size=4),
)
def test_unknown_ids_flags_ids_outside_the_programme(word: str, parts: list[int]) -> None:
    id_ = ".".join(map(str, parts))
    assert id_ in unknown_ids(f"What is the status of {word} {id_}?", {"1.4.2.2"})


# --- the whole document path on arbitrary input ------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOC_TEXTS)
@example("Annex 7: Evaluation Matrix\n\tMeasure 1.4.2 X\n\t1.4.2.2: Y\n\tITE\n\tcompleted\n")
@example("1. " + "word " * 5000)
@example("x" * 20_000)
def test_chunk_document_never_raises(text: str) -> None:
    doc = Document(name="doc.txt", path=Path("doc.txt"), doc_type="report", pages=[Page(text.split("\n"))])
    chunks, catalog = chunk_document(doc)
    ids = [c.id for c in chunks if c.kind == "section"]
    assert len(ids) == len(set(ids))
    for c in chunks:
        assert c.document == "doc.txt" and c.text.strip()
        if c.kind == "section":
            assert len(c.text) <= MAX_CHARS + 200
    catalog.model_dump_json()


@FAST
@given(st.binary(max_size=2000))
@example(b"\xff\xfe" + "ćirilica".encode("utf-16-le"))
@example("Služba".encode("cp1250") + b"\x81")
def test_decode_text_returns_text_or_load_error(data: bytes) -> None:
    try:
        text = decode_text(data)
    except LoadError as exc:
        assert "binary" in str(exc)
    else:
        assert isinstance(text, str)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".pdf", ".docx"]))
def test_load_any_bytes_loads_or_says_why(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"file{suffix}"
    path.write_bytes(data)
    try:
        doc = load(path, tmp_path)
    except LoadError as exc:
        assert str(exc)
    else:
        chunk_document(doc)


# --- determinism on the shipped corpus -------------------------------------------------------------


def _parse_corpus() -> tuple[list, object]:
    doc = load(CORPUS_FILE, CORPUS_FILE.parent)
    return chunk_document(doc)


def test_parsing_the_shipped_corpus_twice_gives_identical_records() -> None:
    if not CORPUS_FILE.exists():
        pytest.skip("the shipped corpus is missing")
    chunks1, catalog1 = _parse_corpus()
    chunks2, catalog2 = _parse_corpus()
    assert catalog1.model_dump() == catalog2.model_dump()  # type: ignore[attr-defined]
    assert [(c.id, c.hash, c.text) for c in chunks1] == [(c.id, c.hash, c.text) for c in chunks2]
    assert (len(catalog1.objectives), len(catalog1.measures), len(catalog1.activities)) == (4, 24, 100)  # type: ignore[attr-defined]
    # The table layer alone is deterministic too, and every ID the catalog holds is one find_ids recognises.
    lines = CORPUS_FILE.read_text(encoding="utf-8").split("\n")
    assert [(c.text, c.line, c.block) for c in cells_from_lines(lines)] == [
        (c.text, c.line, c.block) for c in cells_from_lines(lines)
    ]
    assert parse_matrix(lines).model_dump() == parse_matrix(lines).model_dump()
    for a in catalog1.activities:  # type: ignore[attr-defined]
        assert find_ids(f"Activity {a.id}:") == [a.id]
