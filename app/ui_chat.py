"""Chat page: ask the evaluation; answers cite their sources, which open with the quote highlighted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit as st

from app import ui_conversations as conversations
from app.api_models import MAX_QUESTION
from app.ui_client import BackendError
from app.ui_common import backend, open_source, ref_from_citation, ref_from_source, source_label
from app.ui_export import conversation_markdown
from app.ui_text import KIND_ICON, chip_groups, lead_and_rest, md_escape, short
from app.ui_words import language_of, word
from rag.language import resolve
from rag.models import Answer

PASTE_LIMIT = (
    50_000  # characters the chat box accepts; beyond MAX_QUESTION the question is refused with a message
)

SUGGESTIONS = [
    "What is the status of Activity 1.4.2.2 and why?",
    "Which activities under measure 1.4.3 were abandoned?",
    "How many users did the Open Data Portal have in 2021?",
    "Who is responsible for measure 1.3.5?",
    "What does the evaluation recommend about IT staff?",
]
HISTORY_TURNS = 10
AVATAR = {"user": ":material/person:", "assistant": ":material/account_balance:"}


def _messages() -> list[dict[str, Any]]:
    """This chat's turns; on a fresh page, those saved under the conversation ID in the URL (?c=...)."""
    if "chat" not in st.session_state:
        conversation = st.query_params.get("c", "")
        st.session_state["chat"] = conversations.load(conversation)
        st.session_state["conversation"] = (
            conversation if st.session_state["chat"] else conversations.new_id()
        )
    return st.session_state["chat"]


def _keep(messages: list[dict[str, Any]]) -> None:
    """Save the turns and put the conversation's ID in the URL, so a reload or the link brings them back."""
    conversation = st.session_state.setdefault("conversation", conversations.new_id())
    try:
        conversations.save(conversation, messages)
    except OSError:
        return  # the chat goes on; only its keeping across reloads is lost
    st.query_params["c"] = conversation


def _filters() -> dict[str, str]:
    flt = {
        "objective": st.session_state.get("flt_objective") or "",
        "measure": st.session_state.get("flt_measure") or "",
        "doc_type": st.session_state.get("flt_doc_type") or "",
    }
    return {k: v for k, v in flt.items() if v}


def _history(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    turns = []
    for m in messages:
        if m.get("error"):
            continue
        text = m.get("content") if m["role"] == "user" else (m.get("answer") or {}).get("answer", "")
        if text:
            turns.append({"role": m["role"], "content": text})
    return turns[-HISTORY_TURNS:]


def _chips(refs: list, key: str, open_here: bool = True) -> None:
    """A row of buttons, one per source; a click opens the source in a dialog (opened by _open_clicked
    when the row sits inside a popover)."""
    with st.container(horizontal=True, gap="small"):
        for j, ref in enumerate(refs):
            label = source_label(ref) if not ref.quote else ref.label
            if st.button(
                label, key=f"{key}_{j}", icon=KIND_ICON.get(ref.kind), help=short(ref.title, 200) or None
            ):
                st.session_state["open_source"] = (key, j)
    if open_here:
        _open_clicked(refs, key)


def _open_clicked(refs: list, key: str) -> None:
    opened = st.session_state.get("open_source")
    if opened and opened[0] == key and opened[1] < len(refs):
        st.session_state.pop("open_source", None)
        open_source(refs[opened[1]])


def _feedback(i: int, msg: dict[str, Any]) -> None:
    """A thumb saves the rating at once, with a confirmation; a comment can then be added to it (its words in
    the answer's language)."""
    ans = msg.get("answer") or {}
    lang = language_of(ans)
    aid = ans.get("answer_id") or f"msg{i}"
    sent = st.session_state.setdefault("feedback_sent", {})
    commented = st.session_state.setdefault("feedback_commented", set())
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        rating = st.feedback("thumbs", key=f"fb_{aid}", disabled=aid in sent)
        if aid in sent:
            saved = "feedback.saved_comment" if aid in commented else "feedback.saved"
            st.caption(word(saved, lang, thumb="👍" if sent[aid] == "up" else "👎"))
    if rating is not None and aid not in sent:
        verdict = "up" if rating == 1 else "down"
        if _save_feedback(aid, verdict, None, msg, ans):
            sent[aid] = verdict
            st.toast(word("feedback.thanks", lang), icon=":material/thumb_up:")
            st.rerun()
        return
    if aid not in sent or aid in commented:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        comment = st.text_input(
            word("feedback.comment", lang),
            key=f"fbc_{aid}",
            placeholder=word("feedback.placeholder", lang),
            width=420,
        )
        send = st.button(word("feedback.send", lang), key=f"fbs_{aid}", icon=":material/send:")
    if send and comment.strip() and _save_feedback(aid, sent[aid], comment.strip(), msg, ans):
        commented.add(aid)
        st.toast(word("feedback.comment_saved", lang), icon=":material/thumb_up:")
        st.rerun()


def _save_feedback(
    aid: str, verdict: str, comment: str | None, msg: dict[str, Any], ans: dict[str, Any]
) -> bool:
    try:
        backend().feedback(aid, verdict, comment, msg.get("question", ""), ans.get("answer", ""))
    except BackendError as exc:
        st.error(word("feedback.failed", language_of(ans), error=exc), icon=":material/error:")
        return False
    return True


def render_answer(i: int, msg: dict[str, Any]) -> None:
    """One assistant turn: the answer (or plain abstention), its citation chips, the feedback row; the words
    around the answer in its language (app/ui_words.py)."""
    if msg.get("error"):
        st.error(msg["error"], icon=":material/error:")
        return
    ans = msg.get("answer") or {}
    lang = language_of(ans)
    if ans.get("intent") in {"no_index", "empty"}:  # not an abstention: nothing to search yet, or no question
        st.info(ans.get("answer", ""), icon=":material/info:")
        return
    if ans.get("abstained"):
        st.markdown(f"**{word('not_in_evaluation', lang)}** " + md_escape(ans.get("answer", "")))
        sources = ans.get("sources") or []
        if sources:
            st.caption(word("nearest_sources", lang))
            cat = backend().catalog() if sources else None
            refs, seen = [], set()
            for s in sources:
                ref = ref_from_source(s, cat, lang)
                if (ref.kind, ref.id) not in seen:
                    seen.add((ref.kind, ref.id))
                    refs.append(ref)
                if len(refs) == 3:
                    break
            _chips(refs, f"near_{i}")
    else:
        lead, rest = lead_and_rest(ans.get("answer", ""))
        st.markdown(md_escape(lead))
        if rest:  # a long list follows its count: folded, one click away
            with st.expander(word("show_all", lang), icon=":material/list:"):
                st.markdown(md_escape(rest))
        cites = ans.get("citations") or []
        refs = [ref_from_citation(c, lang) for c in cites]
        groups = chip_groups(cites, language=lang)
        if len(groups) == 1:
            _chips(refs, f"cite_{i}")
        else:  # many citations: one button per group, the chips inside it
            with st.container(horizontal=True, gap="small"):
                for g, (label, positions) in enumerate(groups):
                    with st.popover(label, icon=":material/format_quote:"):
                        _chips([refs[p] for p in positions], f"cite_{i}_{g}", open_here=False)
            for g, (_, positions) in enumerate(groups):
                _open_clicked([refs[p] for p in positions], f"cite_{i}_{g}")
        notes = []
        if ans.get("mode") and ans["mode"] != "extractive":
            notes.append(word("written_by", lang, mode=ans["mode"]))
        if cites:
            notes.append(word("cited.one" if len(cites) == 1 else "cited.many", lang, n=len(cites)))
        if notes:
            st.caption(" · ".join(notes))
    if ans.get("notice"):
        st.caption(":material/info: " + md_escape(ans["notice"]))
    _feedback(i, msg)


def _pieces(stream: Iterator[str | Answer], sink: dict[str, Any]) -> Iterator[str]:
    """The text pieces of a stream for st.write_stream; the final Answer lands in sink['answer']."""
    for piece in stream:
        if isinstance(piece, Answer):
            sink["answer"] = piece
        elif piece:
            yield md_escape(piece)  # document text quoted in the answer stays inert


def ask(question: str) -> None:
    """Ask, showing the answer as it is produced, then store the turn and redraw."""
    messages = _messages()
    history = _history(messages)
    earlier = [m.get("content", "") for m in reversed(messages) if m["role"] == "user"]
    # the language the engine answers in: the words said while it works, and when it fails
    lang = resolve(None, question, earlier)
    messages.append({"role": "user", "content": question})
    with st.chat_message("user", avatar=AVATAR["user"]):
        st.markdown(md_escape(question))
    with st.chat_message("assistant", avatar=AVATAR["assistant"]):
        sink: dict[str, Any] = {}
        b = backend()
        try:
            with st.spinner(word("searching", lang)):
                stream = b.stream(
                    question,
                    history,
                    _filters(),
                    k=st.session_state.get("answer_k"),
                    mode=st.session_state.get("answer_mode"),
                )
                first = next(stream, None)
            if isinstance(first, Answer):
                sink["answer"] = first
            else:

                def chain() -> Iterator[str | Answer]:
                    if first is not None:
                        yield first
                    yield from stream

                st.write_stream(_pieces(chain(), sink))
            answer: Answer | None = sink.get("answer")
            if answer is None:
                raise BackendError(word("no_answer", lang))
            messages.append(
                {
                    "role": "assistant",
                    "question": question,
                    "content": answer.answer,
                    "answer": answer.model_dump(),
                }
            )
        except BackendError as exc:
            messages.append(
                {"role": "assistant", "question": question, "error": str(exc), "language": lang.value}
            )
        except Exception as exc:  # noqa: BLE001 - a clear message, never a traceback
            messages.append(
                {
                    "role": "assistant",
                    "question": question,
                    "error": word("failed", lang, error=exc.__class__.__name__),
                    "language": lang.value,
                }
            )
    _keep(messages)
    st.rerun()


def render() -> None:
    messages = _messages()
    head, tools = st.columns([1.1, 1], vertical_alignment="bottom")
    with head:
        st.title("Ask the evaluation")
    with tools:
        if messages:
            with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
                st.download_button(
                    "Save conversation (.md)",
                    conversation_markdown(messages),
                    file_name="egov-conversation.md",
                    mime="text/markdown",
                    on_click="ignore",
                    icon=":material/download:",
                    key="dl_chat",
                )
                if st.button("New chat", icon=":material/restart_alt:", key="chat_clear"):
                    st.session_state["chat"] = []
                    st.session_state["conversation"] = conversations.new_id()
                    st.query_params.pop("c", None)
                    st.rerun()
    st.caption(
        "Ask in plain language about the ex-post evaluation of the e-Government Development Programme "
        "2020-2022. Answers quote the report and its Evaluation Matrix and cite the measures and activities "
        "they rest on; click a citation to open its source with the quoted words highlighted."
    )

    # the box takes a long paste whole, so that an over-long question is answered with a message, not emptied
    typed = st.chat_input(
        "Ask about a measure, an activity, an indicator or a finding…",
        max_chars=PASTE_LIMIT,
        key="chat_input",
    )
    question = typed or st.session_state.pop("pending_question", None)
    if question and len(question.strip()) > MAX_QUESTION:
        st.warning(
            f"Your question has {len(question.strip()):,} characters; the assistant reads at most "
            f"{MAX_QUESTION:,}. Ask about one point at a time (the text you pasted is below, to copy from).",
            icon=":material/warning:",
        )
        st.code(question.strip(), language=None, wrap_lines=True)
        question = None
    if not messages and not question:
        st.markdown("##### Try one of these")
        with st.container(horizontal=True, gap="small"):
            for n, q in enumerate(SUGGESTIONS):
                if st.button(q, key=f"suggest_{n}", icon=":material/lightbulb:"):
                    question = q

    for i, msg in enumerate(messages):
        with st.chat_message(msg["role"], avatar=AVATAR[msg["role"]]):
            if msg["role"] == "user":
                st.markdown(md_escape(msg["content"]))
            else:
                render_answer(i, msg)

    if question and question.strip():
        ask(question.strip())


if __name__ == "__main__":
    render()
