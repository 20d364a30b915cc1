"""Prose structure: clean export debris, find numbered headings and annexes, cut paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
TOC_BOOKMARK = re.compile(r"\[bookmark: _Toc\d+\]")
IMAGE = re.compile(r"\[image: [^\]]*\]")
INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\s?\d{1,2})*)\.?\s+(\S.{2,160})$")
ANNEX = re.compile(
    r"^\s*((?:Annex|Appendix|Attachment)\s+[\dA-Z]{1,3}(?:\s*[-–]\s*[\dA-Z]{1,3})?\s*[:.\-–].*)$", re.I
)
MARKDOWN = re.compile(r"^(#{1,6})\s+(.+)$")


@dataclass
class Heading:
    """A heading: its number ('3.2.4', or '' for annexes), title and level in the tree."""

    number: str
    title: str
    level: int

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass
class Paragraph:
    """A paragraph of prose with the section path it stands under and its line span."""

    text: str
    section: list[str]
    line_start: int
    line_end: int
    page: int | None = None


def clean_line(line: str) -> str:
    """Remove export debris (bookmarks, image placeholders) and invisible characters."""
    return INVISIBLE.sub("", IMAGE.sub("", BOOKMARK.sub("", line)))


def heading_of(raw: str, cleaned: str, extra_headings: dict[str, str] | None = None) -> Heading | None:
    """The heading a line opens, or None for ordinary text."""
    text = cleaned.strip()
    extra_headings = extra_headings or {}
    if not text or cleaned.startswith("\t"):
        return None
    if m := MARKDOWN.match(text):
        return Heading("", m.group(2).strip(), len(m.group(1)))
    if m := ANNEX.match(text):
        return Heading("", " ".join(m.group(1).split()), 1)
    key = " ".join(text.lower().split()).rstrip(":")
    if key in extra_headings:
        return Heading("", extra_headings[key], 1)
    m = NUMBERED.match(text)
    if not m:
        return None
    number = re.sub(r"\s", "", m.group(1))
    title = m.group(2).strip()
    is_toc = bool(TOC_BOOKMARK.search(raw))
    looks_like = "." in number and not title.endswith((".", "?", ":", ";", ",")) and title[0].isupper()
    if is_toc or looks_like or (title.isupper() and len(title) > 3):
        return Heading(number, title, number.count(".") + 1)
    return None


def paragraphs(
    lines: list[str],
    first_line: int = 1,
    page: int | None = None,
    start_path: list[str] | None = None,
    extra_headings: dict[str, str] | None = None,
) -> list[Paragraph]:
    """Paragraphs with their section paths; each table row (tab-led cells) becomes one paragraph."""
    stack: list[Heading] = []
    base = list(start_path or [])
    out: list[Paragraph] = []
    row: list[str] = []
    row_start = 0

    def flush_row(end: int) -> None:
        nonlocal row
        text = " | ".join(c for c in (" ".join(r.split()) for r in row) if c)
        if text:
            out.append(Paragraph(text, base + [h.label for h in stack], row_start, end, page))
        row = []

    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = clean_line(raw)
        heading = heading_of(raw, line, extra_headings)
        if heading:
            flush_row(number - 1)
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            stack.append(heading)
            continue
        if line.startswith("\t") or (row and line.strip()):
            if not row:
                row_start = number
            row.append(line.strip())
            continue
        if not line.strip():
            flush_row(number - 1)
            continue
        flush_row(number - 1)
        out.append(Paragraph(" ".join(line.split()), base + [h.label for h in stack], number, number, page))
    flush_row(first_line + len(lines) - 1)
    return out
