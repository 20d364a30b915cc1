"""Models of the OpenAI-compatible routes (/v1/chat/completions, /v1/models) and their error shape."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.api_models import MAX_QUESTION, MAX_TURN, Unicode
from rag.models import Citation


class OpenAIError(BaseModel):
    message: str = Field(description="What went wrong, in words a user understands.")
    type: str = Field(
        description="invalid_request_error, authentication_error, rate_limit_error, server_error…"
    )
    param: str | None = Field(None, description="The request parameter at fault, when there is one.")
    code: str | None = None


class OpenAIErrorResponse(BaseModel):
    """Errors of the OpenAI-compatible routes, in OpenAI's own shape (what its clients read)."""

    error: OpenAIError


class ContentPart(BaseModel):
    """One part of a multi-part message; only text parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(max_length=64)
    text: Annotated[str, Field(max_length=MAX_QUESTION), Unicode] | None = None


class UserMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["user"]
    content: (
        Annotated[str, Field(max_length=MAX_QUESTION), Unicode]
        | Annotated[list[ContentPart], Field(max_length=8)]
    )
    name: str | None = None


class OtherMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "assistant", "tool"]
    content: (
        Annotated[str, Field(max_length=MAX_TURN), Unicode]
        | Annotated[list[ContentPart], Field(max_length=8)]
        | None
    ) = None
    name: str | None = None


ChatMessage = Annotated[UserMessage | OtherMessage, Field(discriminator="role")]


class StreamOptions(BaseModel):
    include_usage: StrictBool = False


class ChatRequest(BaseModel):
    """OpenAI chat-completions request; the last user message is the question, earlier ones its history."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "egov-assistant",
                    "messages": [{"role": "user", "content": "What is the status of Activity 1.4.2.2?"}],
                },
                {
                    "model": "egov-assistant",
                    "stream": True,
                    "messages": [
                        {"role": "system", "content": "You are a helpful assistant."},
                        {"role": "user", "content": "Who is responsible for Measure 1.3.5?"},
                    ],
                },
            ]
        },
    )

    model: str = Field("egov-assistant", max_length=200)
    messages: Annotated[list[ChatMessage], Field(min_length=1, max_length=64)]
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    user: str | None = None


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class EgovExtras(BaseModel):
    """The assistant's own fields beside the OpenAI ones: the structured answer behind the text."""

    answer_id: str = ""
    abstained: bool = False
    citations: list[Citation] = []


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    egov: EgovExtras | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "egov"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
