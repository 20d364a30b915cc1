"""Read .txt, .md, .pdf and .docx files into text pages, or say plainly why a file cannot be read."""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.glossary import FILE_NAME as GLOSSARY  # data for the engine beside the corpus, not a document
from ingest.table import cells_to_lines

SUPPORTED = (".txt", ".md", ".pdf", ".docx")
MAX_TEXT_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNZIPPED = 200 * 1024 * 1024
MAX_PDF_PAGES = 5000
# What one document may hold once read, and how long reading it may take: beyond these a file is
# refused with its reason (a 38 KB DOCX can hold a million empty paragraphs; one upload must not
# hold the ingest lock for minutes). The evaluation report is 0.2 M characters and 4,000 lines.
MAX_CHARS = 2_000_000
MAX_LINES = 150_000
MAX_READ_SECONDS = 60.0
HEADER = re.compile(
    r"^\s*(institution|interviewee|organisation|organization|date|role|interviewer)\s*:\s*(.+?)\s*$", re.I
)


class LoadError(Exception):
    """A file that cannot be ingested; the message says why, in words a user understands."""


class Budget:
    """Counts what a document yields while it is read; LoadError past MAX_CHARS, MAX_LINES or MAX_READ_SECONDS."""

    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0
        self.deadline = time.monotonic() + MAX_READ_SECONDS

    def take(self, text: str) -> str:
        self.chars += len(text)
        self.lines += 1
        if self.lines > MAX_LINES:
            raise LoadError(f"more than {MAX_LINES:,} paragraphs or lines; split the document")
        if self.chars > MAX_CHARS:
            raise LoadError(f"more than {MAX_CHARS:,} characters of text; split the document")
        if self.lines % 1000 == 0 and time.monotonic() > self.deadline:
            raise LoadError(
                f"reading took longer than {MAX_READ_SECONDS:g} s; simplify or split the document"
            )
        return text


@dataclass
class Page:
    """A run of text lines: a whole text file, or one PDF page (with its number)."""

    lines: list[str]
    number: int | None = None


@dataclass
class Document:
    """A loaded file: its name relative to the corpus, type, pages and header metadata."""

    name: str
    path: Path
    doc_type: str
    pages: list[Page]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join("\n".join(p.lines) for p in self.pages)


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8, else the Central European code page cp1250, else latin-1."""
    if b"\x00" in data[:8192] or _binary_ratio(data[:8192]) > 0.1:
        raise LoadError("binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # cp1250 maps the bytes of Serbian Latin letters (š đ č ć ž); latin-1 reads anything else.
    cp1250 = data.decode("cp1250", errors="replace")
    if cp1250.count("\ufffd") == 0 and re.search("[šđčćžŠĐČĆŽ]", cp1250):
        return cp1250
    return data.decode("latin-1")


def _binary_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample)


def _split_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """An optional 'Institution: ... / Date: ...' header at the top of an interview note."""
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and (m := HEADER.match(lines[i].lstrip("# -*"))):
        meta[m.group(1).lower()] = m.group(2)
        i += 1
    if meta and i < len(lines) and lines[i].strip() in {"", "---"}:
        i += 1
    return meta, lines if not meta else [""] * i + lines[i:]


def load_text(path: Path) -> list[Page]:
    """A .txt or .md file as one page of lines."""
    data = path.read_bytes()
    if len(data) > MAX_TEXT_BYTES:
        raise LoadError(
            f"file too large ({len(data) // 1_000_000} MB; limit {MAX_TEXT_BYTES // 1_000_000} MB)"
        )
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError("empty file")
    budget = Budget()
    return [Page([budget.take(line) for line in text.split("\n")])]


def load_pdf(path: Path) -> list[Page]:
    """One page of lines per PDF page, numbered from 1."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise LoadError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError("encrypted PDF (a password is needed)")
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(f"encrypted PDF ({exc})") from exc
        if len(reader.pages) > MAX_PDF_PAGES:
            raise LoadError(f"PDF has {len(reader.pages)} pages; the limit is {MAX_PDF_PAGES}")
        budget = Budget()
        pages = [
            Page([budget.take(line) for line in (page.extract_text() or "").split("\n")], i + 1)
            for i, page in enumerate(reader.pages)
        ]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise LoadError(f"unreadable or truncated PDF ({type(exc).__name__}: {exc})") from exc
    if not any(line.strip() for p in pages for line in p.lines):
        raise LoadError("PDF has no extractable text (scanned images only?)")
    return pages


def load_docx(path: Path) -> list[Page]:
    """A .docx as lines in the text export's form: paragraphs, and tables as tab-led cells."""
    if not zipfile.is_zipfile(path):
        raise LoadError("not a DOCX file (not a zip archive)")
    with zipfile.ZipFile(path) as zf:
        total = sum(info.file_size for info in zf.infolist())
        if total > MAX_DOCX_UNZIPPED:
            raise LoadError(f"DOCX unpacks to {total // 1_000_000} MB (a zip bomb?); refused")
        if "word/document.xml" not in zf.namelist():
            raise LoadError("not a DOCX file (no word/document.xml)")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        budget = Budget()
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                text = budget.take(block.text)
                style = ((block.style.name if block.style is not None else "") or "") if text.strip() else ""
                if style.lower().startswith("heading") and not re.match(r"^\s*\d", text):
                    level = re.sub(r"\D", "", style) or "1"
                    text = "#" * int(level) + " " + text
                lines.append(text)
            elif isinstance(block, Table):
                rows = [[cell.text for cell in row.cells] for row in block.rows]
                lines.append(budget.take(""))
                lines.extend(budget.take(line) for line in cells_to_lines(rows))
    except LoadError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise LoadError(f"unreadable DOCX ({type(exc).__name__}: {exc})") from exc
    if not any(line.strip() for line in lines):
        raise LoadError("empty document")
    return [Page(lines)]


def doc_name(path: Path, corpus_dir: Path | None) -> str:
    """A document's name: its path relative to the corpus folder, else its file name."""
    try:
        return str(path.resolve().relative_to(corpus_dir.resolve())) if corpus_dir else path.name
    except ValueError:
        return path.name


def load(path: Path, corpus_dir: Path | None = None) -> Document:
    """Load one file; raises LoadError with a reason for anything that is not ingestible."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or path.name}' (supported: {', '.join(SUPPORTED)})")
    if not path.is_file():
        raise LoadError("not a file")
    if path.stat().st_size == 0:
        raise LoadError("empty file")
    name = doc_name(path, corpus_dir)
    loader = {".pdf": load_pdf, ".docx": load_docx}.get(suffix, load_text)
    try:
        pages = loader(path)
    except LoadError:
        raise
    except (OSError, MemoryError) as exc:
        raise LoadError(f"could not read the file ({type(exc).__name__}: {exc})") from exc
    is_interview = "interviews" in Path(name).parts
    meta: dict[str, str] = {}
    if is_interview and pages:
        meta, pages[0].lines = _split_header(pages[0].lines)
    return Document(
        name=name, path=path, doc_type="interview" if is_interview else "report", pages=pages, meta=meta
    )


def discover(paths: list[Path]) -> list[Path]:
    """Files under the given files or folders, sorted; hidden files, READMEs and the glossary left out."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.name.lower() not in {"readme.md", GLOSSARY}
            )
        else:
            found.append(p)
    return found
