"""Where a text comes from: the evaluation itself, or a note, memo or upload beside it.

The evaluation the ministry ships (its report and annexes) is authoritative. Interview notes and
memos (the corpus's interviews/ folder) and uploaded documents are supplementary: answers name
them as what they are, with the header a note carries (institution, role, date), and never as
"the report"; where both say something, the evaluation's words come first.
"""

from __future__ import annotations

from enum import Enum
from pathlib import PurePosixPath

from ingest.chunks import Chunk

UPLOADS = "uploads"  # the corpus subfolder that uploaded documents are kept in
# A supplementary chunk's fused retrieval score and a supplementary sentence's BM25 score are
# multiplied by these: the evaluation's own words come first at equal relevance, while a word only
# an upload holds still finds it. No effect on a corpus without notes. Chosen on the gold questions
# (dev) over benchmarks/scale.py's 16x corpus, of 135 passing (1x: 118): both 1.0: 114; both 0.75: 114;
# both 0.5: 117, but then a word found only in an upload no longer ranks it first; 0.75 and 0.5: 116.
SUPPLEMENTARY_WEIGHT = 0.75
SUPPLEMENTARY_SENTENCE_WEIGHT = 0.5


class Standing(str, Enum):
    EVALUATION = "evaluation"
    SUPPLEMENTARY = "supplementary"


def supplementary_document(document: str) -> bool:
    """An upload, or a note in an interviews/ folder (the loader's rule for interview notes)."""
    return document.startswith(UPLOADS + "/") or "interviews" in PurePosixPath(document).parts


def standing(chunk: Chunk) -> Standing:
    if chunk.doc_type == "interview" or supplementary_document(chunk.document):
        return Standing.SUPPLEMENTARY
    return Standing.EVALUATION


def is_evaluation(chunk: Chunk) -> bool:
    return standing(chunk) is Standing.EVALUATION


HEADER_ORDER = ("institution", "organisation", "organization", "interviewee", "role", "date")


def describe(chunk: Chunk) -> str:
    """How an answer names the source of a chunk's prose, e.g. "the report (Summary)" or
    "the interview notes “interviews/a.md” (Office for IT; Head of Unit; 2022-03-14)"."""
    section = chunk.section.split(" > ")[-1] if chunk.section else ""
    if is_evaluation(chunk):
        return f"the report ({section})" if section else f"“{chunk.document}”"
    header = "; ".join(chunk.meta[k] for k in HEADER_ORDER if chunk.meta.get(k))
    what = describe_document(chunk.document)
    return f"{what} ({header})" if header else what


def describe_document(document: str) -> str:
    """ "the uploaded document “x”", "the interview notes “interviews/x.md”", or the report."""
    if document.startswith(UPLOADS + "/"):
        return f"the uploaded document “{document.split('/', 1)[1]}”"
    if supplementary_document(document):
        return f"the interview notes “{document}”"
    return "the report"
