"""Request and response models of the HTTP API, with the limits and examples /docs shows.

The /ask contract itself (Answer, Citation, Source, Filters) lives in rag.models and is reused as is.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ingest.records import Activity, Indicator, Measure, Objective
from rag.models import Citation, Filters

MAX_QUESTION = 2000
MAX_HISTORY = 20
MAX_TURN = 20000
MAX_K = 50
# at least one character that is not a space (JSON Schema patterns search). The spaces are listed, not "\S": the
# schema's ECMA-262 "\s" and the server's Unicode one differ (U+0085 and U+001C-U+001F are spaces only to Python),
# and a question a client's schema check accepts must not be refused by the server as empty
NOT_BLANK = (
    r"[^\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)


def _valid_unicode(value: str) -> str:
    """Refuse text that cannot be encoded (lone surrogates from a '\\ud800' JSON escape)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (it holds a lone surrogate character)") from None
    return value


Unicode = AfterValidator(_valid_unicode)


def _json_integer(value: object) -> object:
    """An integer as JSON Schema means it (16 and 16.0), but not a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


Limit = Annotated[int, Field(ge=1, le=MAX_K), BeforeValidator(_json_integer)]  # k: how many sources


# ---------------------------------------------------------------- errors


class ErrorResponse(BaseModel):
    """Every error: a readable message, plus the closest existing IDs for an unknown one."""

    detail: str = Field(description="What went wrong, in words a user understands.")
    closest: list[str] | None = Field(
        None, description="For an unknown ID or name: the closest existing ones."
    )
    errors: list[dict[str, Any]] | None = Field(
        None, description="For a validation error: each problem and where."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "No activity 1.4.2.9 in the evaluation.",
                    "closest": ["1.4.2.1", "1.4.2.2", "1.4.2.3"],
                }
            ]
        }
    )


# ---------------------------------------------------------------- ask and search


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation (role and text)."""

    role: Literal["user", "assistant", "system"]
    content: Annotated[str, Field(max_length=MAX_TURN), Unicode]


class AskRequest(BaseModel):
    """A question, optionally with the conversation so far and retrieval filters."""

    question: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_QUESTION,
            pattern=NOT_BLANK,
            description="The question, at most 2,000 characters.",
        ),
        Unicode,
    ]
    history: Annotated[
        list[HistoryTurn],
        Field(max_length=MAX_HISTORY, description="Earlier turns, oldest first; at most 20."),
    ] = []
    filters: Filters | None = Field(
        None, description="Restrict retrieval to an objective, a measure or a document type."
    )
    k: Limit | None = Field(None, description="How many sources to retrieve, 1-50 (default: EGOV_TOP_K).")
    language: Literal["auto", "en", "sr-Latn", "sr-Cyrl"] | None = Field(
        None,
        description=(
            "The language of the answer's own sentences: English, Serbian in Latin or in Cyrillic letters; absent "
            'or "auto": the question\'s (detected). Quotes stay as the evaluation wrote them.'
        ),
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "What is the status of Activity 1.4.2.2?"},
                {
                    "question": "And who is responsible for it?",
                    "history": [
                        {"role": "user", "content": "What is the status of Activity 1.4.2.2?"},
                        {
                            "role": "assistant",
                            "content": "Activity 1.4.2.2 is marked abandoned in the Evaluation Matrix.",
                        },
                    ],
                },
                {"question": "Which activities were abandoned?", "filters": {"objective": "1.3"}},
            ]
        }
    )


class SearchRequest(BaseModel):
    """A query for ranked sources only."""

    question: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_QUESTION,
            pattern=NOT_BLANK,
            description="The search text, at most 2,000 characters.",
        ),
        Unicode,
    ]
    filters: Filters | None = None
    k: Limit = Field(8, description="How many sources to return, 1-50.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"question": "open data portal", "k": 5},
                {"question": "interoperability", "filters": {"objective": "1.1", "doc_type": "annex"}},
            ]
        }
    )


class SearchResponse(BaseModel):
    """Ranked sources, best first."""

    question: str
    sources: list[dict[str, Any]] = Field(description="Each: chunk_id, text, score, metadata (as in /ask).")


# ---------------------------------------------------------------- records


class ObjectiveSummary(Objective):
    """A specific objective with the IDs of its measures and its activities per status."""

    measures: list[str] = []
    activities: int = 0
    statuses: dict[str, int] = {}


class ObjectivesResponse(BaseModel):
    """The overall objective and the specific objectives 1.1-1.4."""

    overall: Objective | None = None
    objectives: list[ObjectiveSummary]


class MeasureSummary(Measure):
    """A measure with how many activities and indicators it has, and its activities per status."""

    activities: int = 0
    indicators: int = 0
    statuses: dict[str, int] = {}


class MeasureDetail(Measure):
    """A measure with its indicators and activities."""

    objective_title: str = ""
    indicators: list[Indicator] = []
    activities: list[Activity] = []


class ActivityDetail(Activity):
    """An activity record with the title of its measure."""

    measure_title: str = ""


# ---------------------------------------------------------------- draft


class DraftRequest(BaseModel):
    """A measure ID, a topic or a free request for a 2023-2025 action-plan entry."""

    request: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_QUESTION,
            pattern=NOT_BLANK,
            description="A measure ID ('1.3.5'), a topic or a free request; at most 2,000 characters.",
        ),
        Unicode,
    ]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"request": "1.3.5"},
                {"request": "information security"},
                {"request": "Draft the 2023-2025 entry for the one-stop-shop measure"},
            ]
        }
    )


class DraftResponse(BaseModel):
    """A draft action-plan entry: whether the evaluation covers the request, its entries and citations."""

    covered: bool
    message: str = ""
    title: str = ""
    request: str = ""
    topic: str = ""
    mode: str = "extractive"
    entries: list[dict[str, Any]] = Field(
        [],
        description="One entry per measure: rationale, activities, indicators, "
        "recommendations, open points; `refs` number the citations.",
    )
    general: list[dict[str, Any]] = Field(
        [], description="Cross-cutting recommendations (requests with no single measure)."
    )
    citations: list[Citation] = Field(
        [], description="The numbered references the entries' `refs` point to (1-based)."
    )
    markdown: str = Field("", description="The whole draft as Markdown.")


# ---------------------------------------------------------------- documents


class DocumentInfo(BaseModel):
    """A document in the index."""

    name: str = Field(description="Path relative to the corpus folder, e.g. 'uploads/notes.md'.")
    doc_type: str = ""
    chunks: int = 0
    uploaded: bool = Field(False, description="Uploaded through the API (and so deletable through it).")
    bytes: int | None = None


class IngestCounts(BaseModel):
    """What an ingest changed, in chunks."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    seconds: float = 0.0


class UploadResult(BaseModel):
    """The outcome for one uploaded file."""

    file: str = Field(description="The file name as sent.")
    document: str | None = Field(None, description="Where it is stored, relative to the corpus folder.")
    status: Literal["ingested", "rejected", "failed"]
    detail: str | None = Field(None, description="Why a file was rejected or failed to ingest.")
    chunks: int = 0


class UploadResponse(BaseModel):
    """Per-file results of an upload; every file is ingested at once."""

    detail: str | None = None
    ingested: int = 0
    failed: int = 0
    results: list[UploadResult] = []
    summary: IngestCounts | None = None


class UploadAccepted(BaseModel):
    """An upload accepted for ingesting in the background: follow status_url."""

    detail: str = "Accepted: the files are being ingested; GET status_url for the results."
    job: str
    status_url: str
    results: list[UploadResult] = []


class DeleteResponse(BaseModel):
    """A removed document and the re-ingest that dropped its chunks."""

    deleted: str
    summary: IngestCounts


# ---------------------------------------------------------------- feedback, stats, health


class FeedbackRequest(BaseModel):
    """A rating of one answer (its answer_id from /ask), with an optional comment."""

    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    rating: Literal["up", "down"]
    comment: Annotated[str, Field(max_length=2000), Unicode] | None = None
    question: Annotated[str, Field(max_length=MAX_QUESTION), Unicode] = ""
    answer: Annotated[str, Field(max_length=MAX_TURN), Unicode] = ""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"answer_id": "3f2a9c1b7d4e", "rating": "up"},
                {"answer_id": "3f2a9c1b7d4e", "rating": "down", "comment": "It missed the 2021 value."},
            ]
        }
    )


class FeedbackResponse(BaseModel):
    id: int
    status: Literal["stored"] = "stored"


class StatsResponse(BaseModel):
    """What the index holds."""

    model_config = ConfigDict(extra="allow")

    documents: int
    chunks: int
    objectives: int
    measures: int
    activities: int
    indicators: int
    statuses: dict[str, int]


class HealthResponse(BaseModel):
    """Whether the service can answer: the index is loaded, or what to do. `degraded`: the index files on
    disk could not be read (detail says why) and the last good index is answering."""

    status: Literal["ok", "degraded", "no_index"]
    index: bool
    detail: str | None = None
    documents: int = 0
    chunks: int = 0
    mode: str = "extractive"
    version: str = ""
