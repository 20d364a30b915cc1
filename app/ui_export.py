"""Downloads made in the UI: the conversation as Markdown, an edited draft as Word (.docx)."""

from __future__ import annotations

import io
import re
import time
from typing import Any

from app.ui_text import citation_label
from app.ui_words import language_of, word
from rag.language import Language

# emphasis as CommonMark reads it: an underscore inside a word ("egov_expost_2020.txt") is a letter, not markup
_INLINE = re.compile(
    r"(\*\*[^*]+\*\*|(?<![A-Za-z0-9])__[^_]+__(?![A-Za-z0-9])|\*[^*\s][^*]*\*"
    r"|(?<![A-Za-z0-9])_[^_\s][^_]*_(?![A-Za-z0-9])|`[^`]+`|\[[^\]]+\]\([^)]+\))"
)
_ESCAPED = re.compile(r"\\([\\`*_\[\]{}()#+\-.!|<>~$])")  # "\_" is a literal underscore
_HIDE = 0xE000  # escaped characters ride in the private-use area through the inline parsing


def conversation_markdown(
    messages: list[dict[str, Any]], title: str = "Conversation with the eGov Evaluation Assistant"
) -> str:
    """The chat as Markdown: each question, its answer, and the citations with their quotes and sources."""
    lines = [
        f"# {title}",
        "",
        f"_Exported {time.strftime('%Y-%m-%d %H:%M')}. Answers quote the ex-post evaluation of "
        "the e-Government Development Programme 2020-2022._",
        "",
    ]
    for n, m in enumerate(messages):
        if m.get("role") == "user":
            lang = _turn_language(messages[n + 1 : n + 2])  # the question's words: its answer's language
            lines += ["## " + word("export.question", lang), "", m.get("content", ""), ""]
            continue
        lang = _turn_language([m])
        if m.get("error"):
            lines += [
                f"**{word('export.answer', lang)}** _({word('export.unavailable', lang, error=m['error'])})_",
                "",
            ]
            continue
        ans = m.get("answer") or {}
        label = word("export.answer_abstained" if ans.get("abstained") else "export.answer", lang)
        lines += [f"**{label}** " + ans.get("answer", ""), ""]
        cites = ans.get("citations") or []
        if cites:
            lines += [f"**{word('export.sources', lang)}**", ""]
            for i, c in enumerate(cites, 1):
                quote = " ".join(str(c.get("quote", "")).split())
                lines.append(
                    f"{i}. {citation_label(c, lang)}: {c.get('title', '')} ({c.get('source', '')})"
                    + (f" — “{quote}”" if quote else "")
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _turn_language(turns: list[dict[str, Any]]) -> Language:
    """The language of an assistant turn (its answer's, or the one its error was said in); English if none."""
    m = turns[0] if turns else {}
    return language_of(m.get("answer") or m.get("language"))


def _add_inline(paragraph: Any, text: str) -> None:
    """Runs for **bold**, *italic*, `code` and [links](url) (the link text only); backslash escapes are the
    characters they escape."""
    text = _ESCAPED.sub(lambda m: chr(_HIDE + ord(m.group(1))), text)

    def run(part: str) -> Any:
        return paragraph.add_run(re.sub("[\ue000-\ue0ff]", lambda m: chr(ord(m.group(0)) - _HIDE), part))

    for part in _INLINE.split(text):
        if not part:
            continue
        if (part.startswith("**") and part.endswith("**")) or (part.startswith("__") and part.endswith("__")):
            run(part[2:-2]).bold = True
        elif len(part) > 2 and part[0] in "*_" and part[-1] == part[0]:
            run(part[1:-1]).italic = True
        elif part.startswith("`") and part.endswith("`"):
            run(part[1:-1]).font.name = "Consolas"
        elif part.startswith("[") and "](" in part:
            run(part[1 : part.index("](")])
        else:
            run(part)


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return [c.strip() for c in row.split("|")]


def markdown_to_docx(markdown: str, title: str | None = None) -> bytes:
    """A Word document from Markdown: headings, paragraphs, bullet and numbered lists, tables, quotes."""
    from docx import Document

    doc = Document()
    if title and not markdown.lstrip().startswith("# "):
        doc.add_heading(title, level=0)
    lines = markdown.splitlines()
    i, para = 0, list[str]()

    def flush() -> None:
        """The paragraph's lines: joined by a space, or by a line break where a line ends in two spaces
        or a backslash (Markdown's hard break)."""
        if para:
            p = doc.add_paragraph()
            for k, raw in enumerate(para):
                hard = raw.endswith("  ") or raw.rstrip().endswith("\\")
                text = raw.strip().removesuffix("\\").rstrip() if hard else raw.strip()
                _add_inline(p, text + ("" if hard or k == len(para) - 1 else " "))
                if hard and k < len(para) - 1:
                    p.add_run().add_break()
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if heading:
            flush()
            level = len(heading.group(1))
            doc.add_heading(heading.group(2).strip(), level=0 if level == 1 else min(level - 1, 9))
            i += 1
            continue
        if (
            stripped.startswith("|")
            and i + 1 < len(lines)
            and re.match(r"^\|?\s*:?-{2,}", lines[i + 1].strip())
        ):
            flush()
            header = _cells(stripped)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header):
                cell.text = ""
                run = cell.paragraphs[0].add_run(text.replace("**", ""))
                run.bold = True
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row + [""] * (len(header) - len(row))):
                    cell.text = ""
                    _add_inline(cell.paragraphs[0], text)
            continue
        bullet = re.match(r"^[-*+]\s+(.*)$", stripped)
        number = re.match(r"^\d+[.)]\s+(.*)$", stripped)
        if bullet or number:
            flush()
            style = "List Bullet" if bullet else "List Number"
            _add_inline(doc.add_paragraph(style=style), (bullet or number).group(1))  # type: ignore[union-attr]
            i += 1
            continue
        if stripped.startswith(">"):
            flush()
            p = doc.add_paragraph(style="Quote")
            _add_inline(p, stripped.lstrip("> ").strip())
            i += 1
            continue
        if re.fullmatch(r"(-{3,}|\*{3,}|_{3,})", stripped):
            flush()
            i += 1
            continue
        para.append(line)
        i += 1
    flush()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
