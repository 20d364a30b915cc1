"""The citation guard: a model's reply held to the retrieved sources, sentence by sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.ids import find_ids
from core.settings import Settings
from core.tokenize import tokenize
from rag.index import get_index
from rag.llm.parsing import (
    FULL_ID,
    LIST_MARK,
    MARKER,
    MARKER_ITEM,
    NUMBER,
    THINK_END,
    THINK_START,
    _digits,
    _is_abstention,
    _kind,
    _kind_label,
    _meta_ids,
    _numbers,
    _view,
    split_segments,
)
from rag.llm.prompts import PROMPT_FACTS
from rag.models import Citation, Source

if TYPE_CHECKING:  # pragma: no cover
    from ingest.records import Catalog

QUOTE_LIMIT = 300
OWN_RECORD = 2.0  # a quote from the cited record's own row, over one from prose that names the record


@dataclass
class Guarded:
    """What survives the guard: text, citations, and what was removed (for the notice and logs)."""

    text: str
    citations: list[Citation]
    removed_citations: list[str] = field(default_factory=list)
    dropped_sentences: list[str] = field(default_factory=list)


class GuardStream:
    """The citation guard, fed the reply piece by piece; yields each sentence that survives it."""

    def __init__(
        self,
        sources: Sequence[Source],
        catalog: Catalog | None = None,
        extra_support: Sequence[str] = PROMPT_FACTS,
    ) -> None:
        self.sources = list(sources)
        self.catalog = catalog
        self.views = [_view(s) for s in self.sources]
        if catalog is not None and catalog.period:  # the programme's own years, which the document states
            extra_support = [*extra_support, f"Programme {catalog.period[0]}-{catalog.period[1]}"]
        extra = [_view(Source(chunk_id=f"extra:{i}", text=t, score=0.0)) for i, t in enumerate(extra_support)]
        known = catalog.all_ids() if catalog is not None else None
        self.id_sources: dict[str, list[int]] = {}
        for i, v in enumerate(self.views):
            for id_ in v.ids:
                if known is None or id_ in known:
                    self.id_sources.setdefault(id_, []).append(i)
        self.allowed = set(self.id_sources)
        self.extra_numbers: set[str] = set()
        for v in extra:
            self.extra_numbers |= v.numbers
            self.allowed |= {i for i in v.ids if known is None or i in known}
        self.buffer = ""
        self.emitted: list[str] = []
        self.refs: dict[
            tuple[str, str], list[str]
        ] = {}  # ("id", "1.4.2.2") | ("source", "3") -> citing sentences
        self.removed: list[str] = []
        self.dropped: list[str] = []
        self.abstained = False
        self._pending_breaks = 0
        self.held: list[str] = []
        self._raw = ""
        self._in_think = False

    # -- feeding

    def feed(self, piece: str) -> list[str]:
        """Sentences completed by this piece of the reply that survive the guard. Nothing is released
        until a sentence with a surviving citation has arrived: an ungrounded reply yields nothing."""
        self.buffer += self._visible(piece)
        segs = split_segments(self.buffer, final=False)
        self.buffer = segs[-1]
        return self._release([out for seg in segs[:-1] if (out := self._segment(seg)) is not None])

    def finish(self) -> list[str]:
        """The reply's last sentences, guarded."""
        tail = "" if self._in_think else self._raw
        self._raw = ""
        segs = split_segments(self.buffer + tail, final=True)
        self.buffer = ""
        return self._release([out for seg in segs if (out := self._segment(seg)) is not None])

    def _release(self, outs: list[str]) -> list[str]:
        if not self.refs:
            self.held.extend(outs)
            return []
        outs, self.held = self.held + outs, []
        return outs

    def _visible(self, piece: str) -> str:
        """The piece without the model's <think>...</think> reasoning (which some servers put in the content)."""
        self._raw += piece
        out = ""
        while True:
            if self._in_think:
                end = self._raw.find(THINK_END)
                if end < 0:
                    self._raw = self._raw[-len(THINK_END) :]
                    return out
                self._raw, self._in_think = self._raw[end + len(THINK_END) :], False
                continue
            start = self._raw.find(THINK_START)
            if start >= 0:
                out += self._raw[:start]
                self._raw, self._in_think = self._raw[start + len(THINK_START) :], True
                continue
            keep = next(
                (
                    k
                    for k in range(min(len(THINK_START) - 1, len(self._raw)), 0, -1)
                    if THINK_START.startswith(self._raw[-k:])
                ),
                0,
            )
            out += self._raw[: len(self._raw) - keep]
            self._raw = self._raw[len(self._raw) - keep :]
            return out

    @property
    def text(self) -> str:
        return "".join(self.emitted)

    # -- one sentence

    def _segment(self, seg: str) -> str | None:
        body = seg.strip()
        if not body:
            return None
        space = seg[: len(seg) - len(seg.lstrip())]
        breaks = max(self._pending_breaks, min(space.count("\n"), 2))
        if not self.refs and _is_abstention(body):
            self.abstained = True
            return None
        cleaned = self._check(body)
        if cleaned is None:
            self._pending_breaks = breaks  # a dropped sentence's paragraph break is kept for the next one
            return None
        self._pending_breaks = 0
        lead = ("\n" * breaks or " ") if self.emitted else ""
        out = lead + cleaned
        self.emitted.append(out)
        return out

    def _parse_marker(self, inner: str) -> list[tuple[str, str, str]] | None:
        """(kind, value, as written) of each item of a bracket, or None when it is no citation."""
        items = [p.strip() for p in re.split(r"\s*(?:[;,]|\band\b|&)\s*", inner) if p.strip()]
        if not items:
            return None
        parsed, kind, cite_like = [], "", False
        for item in items:
            m = MARKER_ITEM.match(item)
            if not m:
                if re.search(r"\b(?:activity|measure|objective|source)\b", item, re.I) or re.search(
                    r"\d\.\d", item
                ):
                    parsed.append(("bad", item, item))
                    cite_like = True
                else:
                    parsed.append(("text", item, item))
                continue
            word = (m.group(1) or "").lower()
            if word:
                kind = "source" if word in ("source", "sources", "src") else "id"
            value = m.group(2)
            k = kind or ("id" if "." in value else "source")
            if k == "source" and "." in value:
                k = "id"
            parsed.append((k, value, item))
            cite_like = True
        return parsed if cite_like else None

    def _check(self, body: str) -> str | None:
        refs: list[tuple[str, str]] = []

        def repl(m: re.Match) -> str:
            parsed = self._parse_marker(m.group(1))
            if parsed is None:
                return m.group(0)
            good: list[tuple[str, str]] = []
            for kind, value, written in parsed:
                if kind == "source" and value.isdigit() and 1 <= int(value) <= len(self.sources):
                    good.append(("source", str(int(value))))
                elif kind == "id" and value.rstrip(".") in self.allowed:
                    good.append(("id", value.rstrip(".")))
                else:
                    self.removed.append(written)
            if not good:
                return ""
            refs.extend(g for g in good if g not in refs)
            labels = [
                f"Source {v}" if k == "source" else f"{_kind_label(v, self.catalog)} {v}" for k, v in good
            ]
            lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip(" \t"))]
            return f"{lead}[{'; '.join(dict.fromkeys(labels))}]"

        removed_before = len(self.removed)
        cleaned = MARKER.sub(repl, body).strip()
        claim = LIST_MARK.sub("", MARKER.sub(" ", cleaned))
        if not re.search(r"\w", claim):
            if not refs or not self.emitted:
                return None
            # Citations standing alone (on a line of their own) belong to the sentence before them.
            self._register(refs, self.emitted[-1])
            return cleaned
        named = find_ids(claim)
        unknown = [i for i in named if i not in self.allowed]
        if unknown:
            self.dropped.append(body)
            self.removed.extend(unknown)
            return None
        if not refs and len(self.removed) > removed_before and not any(i in self.id_sources for i in named):
            # It rested only on citations outside the sources: without them it is ungrounded.
            self.dropped.append(body)
            return None
        support = set()
        for kind, value in refs:
            support |= {int(value) - 1} if kind == "source" else set(self.id_sources.get(value, []))
        for i in named:
            support |= set(self.id_sources.get(i, []))
        views = [self.views[i] for i in sorted(support)] if support else self.views
        for tok in NUMBER.findall(claim):
            if FULL_ID.match(tok) or tok in named:
                continue
            if not any(tok in v.numbers or _digits(tok) in v.numbers for v in views) and not (
                tok in self.extra_numbers or _digits(tok) in self.extra_numbers
            ):
                self.dropped.append(body)
                return None
        self._register(
            refs + [("id", i) for i in named if i in self.id_sources and ("id", i) not in refs], claim
        )
        return cleaned

    def _register(self, refs: Iterable[tuple[str, str]], sentence: str) -> None:
        for ref in refs:
            self.refs.setdefault(ref, []).append(sentence)

    # -- the result

    def citations(self) -> list[Citation]:
        out: list[Citation] = []
        seen: set[tuple[str, str]] = set()
        for (kind, value), said in self.refs.items():
            c = self._cite_source(int(value) - 1, said) if kind == "source" else self._cite_id(value, said)
            if c is not None and (c.id, c.kind) not in seen:
                seen.add((c.id, c.kind))
                out.append(c)
        return out

    def result(self) -> Guarded | None:
        """The guarded reply, or None when no citation survived (nothing grounded)."""
        cites = self.citations()
        if not cites or not self.text.strip():
            return None
        return Guarded(self.text.strip(), cites, self.removed, self.dropped)

    # -- citations

    def _best_sentence(self, idxs: list[int], said: list[str], id_: str | None) -> tuple[int, str] | None:
        """The source sentence to quote: sharing the model's figures and words, naming the ID, of its record."""
        words: set[str] = set()
        figures: set[str] = set()
        for s in said:
            words |= set(tokenize(s))
            figures |= _numbers(s)
        best: tuple[float, int, str] | None = None
        for i in idxs:
            v = self.views[i]
            own = id_ is not None and str(v.source.metadata.get("record_id") or "") == id_
            for pos, (s, toks, nums) in enumerate(v.sentences):
                # the record's own fields speak of its ID whether or not they write it, and outrank prose
                # that names it unless the prose shares clearly more of what the model said
                score = (
                    len(words & toks)
                    + 3.0 * len(figures & nums)
                    + (1.5 if own or (id_ and id_ in find_ids(s)) else 0.0)
                    + (OWN_RECORD if own else 0.0)
                    - 0.001 * pos
                )
                if best is None or score > best[0]:
                    best = (score, i, s)
        return (best[1], best[2]) if best else None

    def _where(self, source: Source) -> str:
        meta = source.metadata
        doc = str(meta.get("document") or source.chunk_id.split("#")[0])
        section = str(meta.get("section") or "")
        if meta.get("kind") not in (None, "section") and section:
            where = f"{doc}, {section}" + (f", line {meta['line_start']}" if meta.get("line_start") else "")
        else:
            where = f"{doc}, section {section.split(' > ')[-1]}" if section else doc
        if meta.get("page"):
            where += f", page {meta['page']}"
        return where

    def _title(self, id_: str, idxs: list[int]) -> str:
        if self.catalog is not None:
            rec = self.catalog.record(id_)
            if rec is not None:
                return rec.title
        for i in idxs:
            src = self.sources[i]
            if str(src.metadata.get("record_id") or "") == id_:
                first = src.text.split("\n", 1)[0]
                return re.sub(
                    rf"^\s*(?:[A-Za-z][\w-]*\s+){{0,3}}?{re.escape(id_)}\s*:?\s*", "", first
                ).strip()
        return id_

    def _cite_id(self, id_: str, said: list[str]) -> Citation | None:
        idxs = self.id_sources.get(id_, [])
        found = self._best_sentence(idxs, said, id_)
        if found is None:
            return None
        i, quote = found
        return Citation(
            id=id_,
            kind=_kind(id_, self.catalog),
            title=self._title(id_, idxs),
            source=self._where(self.sources[i]),
            quote=_clip(quote),
        )

    def _cite_source(self, i: int, said: list[str]) -> Citation | None:
        found = self._best_sentence([i], said, None)
        if found is None:
            return None
        src, quote = self.sources[i], _clip(found[1])
        meta = src.metadata
        kind, rid = str(meta.get("kind") or ""), str(meta.get("record_id") or "")
        if kind in ("activity", "measure", "objective") and rid in self.id_sources:
            return Citation(
                id=rid,
                kind=_kind(rid, self.catalog),
                title=self._title(rid, [i]),
                source=self._where(src),
                quote=quote,
            )
        if kind == "indicator" and rid:
            owner = rid.split("/")[0]
            if owner == "0" or owner not in self.id_sources:
                owner = next((x for x in _meta_ids(src) if x in self.id_sources), "")
                if not owner:
                    owner = (
                        self.catalog.objectives[0].id
                        if self.catalog is not None and self.catalog.objectives
                        else "0"
                    )
            name = src.text.split("\n", 1)[0].removeprefix("Indicator:").strip()
            return Citation(id=owner, kind="indicator", title=name, source=self._where(src), quote=quote)
        section = str(meta.get("section") or "")
        label = section.split(" > ")[-1] if section else str(meta.get("document") or src.chunk_id)
        number = label.split(" ", 1)[0].rstrip(".") if label[:1].isdigit() else label
        return Citation(id=number, kind="section", title=label, source=self._where(src), quote=quote)


def _clip(quote: str) -> str:
    """A verbatim quote no longer than QUOTE_LIMIT, cut at a word boundary (still a substring of its source)."""
    return quote if len(quote) <= QUOTE_LIMIT else quote[:QUOTE_LIMIT].rsplit(" ", 1)[0]


def guard(text: str, sources: Sequence[Source], catalog: Catalog | None = None) -> Guarded | None:
    """The reply with citations outside the sources removed and unsupported sentences dropped, with a
    verbatim-quoted Citation per surviving ID; None when nothing grounded remains."""
    stream = GuardStream(sources, catalog)
    stream.feed(text)
    stream.finish()
    return stream.result()


def _catalog(settings: Settings) -> Catalog | None:
    try:
        return get_index(settings).catalog
    except Exception:  # noqa: BLE001 - the guard then checks IDs against the sources alone
        return None
