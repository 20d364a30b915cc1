"""Loaders on real files made here: PDFs (paged, encrypted, truncated, image-only), DOCX, odd text files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.loaders import LoadError, decode_text, load
from ingest.pipeline import IngestSummary, ingest
from ingest.state import read_index
from ingest.store import make_client, open_collection

SERBIAN = "Ministarstvo državne uprave i lokalne samouprave"
SERBIAN_TEXT = (
    f"{SERBIAN} je nadležno za mere 1.2.1 i 1.3.5.\n"
    "Šabac, Đurđevdan, čovek, ćirilica, žena, kuća, šuma, đak, ŽČĆ.\n"
)
GOOD_TEXT = (
    "1. INTRODUCTION\n"
    "The Programme supported Measure 1.3.5 (one stop shop) and Activity 1.4.2.2 on the Open Data Portal.\n"
)


# --- helpers that make real files -------------------------------------------------------------


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with one page per list of lines (an empty list gives a page with only a drawn box)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        if not lines:
            c.rect(100, 400, 300, 200, fill=1)  # a picture, no text
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 16 * i, line)
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    plain = make_pdf(path.with_name("plain-" + path.name + ".tmp"), [["Secret page about Measure 1.1.1."]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Findings on the portal", level=1)
    d.add_paragraph("The e-Government Portal was improved under Measure 1.3.1.")
    d.add_paragraph("Users found the new services easier to use.")
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "1.3.1.1: Upgrade of the portal"
    table.cell(0, 1).text = "ITE Office"
    table.cell(0, 2).text = "completed"
    table.cell(1, 0).text = "Reasoning"
    table.cell(1, 1).text = "first paragraph"
    table.cell(1, 1).add_paragraph("second paragraph")
    table.cell(1, 2).text = "/"
    d.add_paragraph("After the table.")
    d.save(str(path))
    return path


def run(settings: Settings) -> IngestSummary:
    return ingest(settings=settings, quiet=True)


def chunks_of(settings: Settings, document: str) -> list:
    return [c for c in read_index(settings).chunks if c.document == document]


def reasons(summary: IngestSummary) -> dict[str, str]:
    return {Path(e.file).name: e.reason for e in summary.errors}


# --- PDF --------------------------------------------------------------------------------------


def test_two_page_pdf_keeps_page_numbers(tmp_settings: Settings) -> None:
    make_pdf(
        tmp_settings.corpus_dir / "report.pdf",
        [
            ["Page one talks about Measure 1.3.5 and the one stop shop.", "It was opened in Belgrade."],
            ["Page two says Activity 1.4.2.2 was abandoned.", "No funds were secured."],
        ],
    )
    summary = run(tmp_settings)
    assert summary.errors == []
    assert summary.documents == ["report.pdf"]
    chunks = chunks_of(tmp_settings, "report.pdf")
    assert {c.page for c in chunks} == {1, 2}
    one = next(c for c in chunks if "one stop shop" in c.text)
    two = next(c for c in chunks if "1.4.2.2" in c.text)
    assert (one.page, two.page) == (1, 2)
    assert "1.3.5" in one.ids and "1.4.2.2" in two.ids
    assert "Belgrade" in one.text and "No funds" in two.text
    # The page number reaches the vector store's metadata too.
    client = make_client(tmp_settings)
    coll = open_collection(client, read_index(tmp_settings).live.collection, tmp_settings.model_path())
    got = coll.get(ids=[two.id], include=["metadatas"])
    assert got["metadatas"][0]["page"] == 2
    assert got["metadatas"][0]["document"] == "report.pdf"


def test_bad_pdfs_are_skipped_with_reasons_and_good_text_ingests(tmp_settings: Settings) -> None:
    corpus = tmp_settings.corpus_dir
    make_encrypted_pdf(corpus / "locked.pdf")
    good = make_pdf(corpus / "whole.pdf", [["A whole PDF about Measure 1.2.1."]])
    (corpus / "truncated.pdf").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    good.unlink()
    (corpus / "fake.pdf").write_text("just text with a .pdf name\n", encoding="utf-8")
    (corpus / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")

    summary = run(tmp_settings)
    why = reasons(summary)
    assert set(why) == {"locked.pdf", "truncated.pdf", "fake.pdf"}
    assert "encrypted" in why["locked.pdf"].lower()
    assert "truncated" in why["truncated.pdf"].lower() or "unreadable" in why["truncated.pdf"].lower()
    assert "not a pdf" in why["fake.pdf"].lower()
    for e in summary.errors:
        assert "Traceback" not in e.reason
    assert summary.documents == ["good.txt"]
    chunks = read_index(tmp_settings).chunks
    assert chunks and {c.document for c in chunks} == {"good.txt"}
    assert summary.added == len(chunks)


def test_encrypted_pdf_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="(?i)encrypted"):
        load(make_encrypted_pdf(tmp_path / "locked.pdf"))


def test_image_only_pdf_is_reported(tmp_settings: Settings) -> None:
    make_pdf(tmp_settings.corpus_dir / "scan.pdf", [[], []])
    (tmp_settings.corpus_dir / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    summary = run(tmp_settings)
    assert "no extractable text" in reasons(summary)["scan.pdf"]
    assert summary.documents == ["good.txt"]
    with pytest.raises(LoadError, match="no extractable text"):
        load(tmp_settings.corpus_dir / "scan.pdf")


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_heading_paragraphs_and_table(tmp_settings: Settings) -> None:
    path = make_docx(tmp_settings.corpus_dir / "findings.docx")
    doc = load(path, tmp_settings.corpus_dir)
    lines = doc.pages[0].lines
    assert lines[0] == "# Findings on the portal"
    assert "The e-Government Portal was improved under Measure 1.3.1." in lines
    # Table rows in the export's form: one tab-led line per cell, a later paragraph without the tab,
    # a blank line after each row.
    start = lines.index("\t1.3.1.1: Upgrade of the portal")
    assert lines[start - 1] == ""
    assert lines[start : start + 9] == [
        "\t1.3.1.1: Upgrade of the portal",
        "\tITE Office",
        "\tcompleted",
        "",
        "\tReasoning",
        "\tfirst paragraph",
        "second paragraph",
        "\t/",
        "",
    ]
    assert lines[-1] == "After the table."

    summary = run(tmp_settings)
    assert summary.errors == []
    chunks = chunks_of(tmp_settings, "findings.docx")
    assert chunks
    text = "\n".join(c.text for c in chunks)
    assert "1.3.1.1: Upgrade of the portal | ITE Office | completed" in text
    assert "first paragraph | second paragraph" in text  # the continuation stays in its row
    assert all(c.section == "Findings on the portal" for c in chunks)
    assert {"1.3.1", "1.3.1.1"} <= {i for c in chunks for i in c.ids}


def test_broken_docx_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(LoadError, match="not a DOCX"):
        load(fake)
    import zipfile

    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "a zip, but no Word document inside")
    with pytest.raises(LoadError, match="no word/document.xml"):
        load(other)


# --- text files -------------------------------------------------------------------------------


def test_empty_and_blank_files(tmp_settings: Settings) -> None:
    corpus = tmp_settings.corpus_dir
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text("\n   \n\t\n", encoding="utf-8")
    (corpus / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    summary = run(tmp_settings)
    why = reasons(summary)
    assert why["empty.txt"] == "empty file"
    assert why["blank.md"] == "empty file"
    assert summary.documents == ["good.txt"]


def test_binary_bytes_in_a_txt(tmp_settings: Settings) -> None:
    corpus = tmp_settings.corpus_dir
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "control.txt").write_bytes(b"\x01\x02\x03\x04\x05\x06 text \x07\x08\x0e\x0f" * 50)
    (corpus / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    summary = run(tmp_settings)
    why = reasons(summary)
    assert "binary" in why["blob.txt"]
    assert "binary" in why["control.txt"]
    assert summary.documents == ["good.txt"]


def test_cp1250_serbian_latin_is_decoded(tmp_settings: Settings) -> None:
    path = tmp_settings.corpus_dir / "serbian.txt"
    path.write_bytes(SERBIAN_TEXT.encode("cp1250"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the test really is about a non-UTF-8 file
    assert decode_text(path.read_bytes()) == SERBIAN_TEXT
    summary = run(tmp_settings)
    assert summary.errors == []
    text = "\n".join(c.text for c in chunks_of(tmp_settings, "serbian.txt"))
    assert SERBIAN in text
    for word in ("Šabac", "Đurđevdan", "čovek", "ćirilica", "žena", "ŽČĆ"):
        assert word in text


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff".encode() + SERBIAN_TEXT.replace("\n", "\r\n").encode("utf-8"))
    doc = load(path)
    assert doc.pages[0].lines[0].startswith(SERBIAN)
    assert not any("\r" in line or "\ufeff" in line for line in doc.pages[0].lines)


def test_unknown_extension(tmp_settings: Settings) -> None:
    corpus = tmp_settings.corpus_dir
    (corpus / "budget.xlsx").write_bytes(b"PK\x03\x04 not really")
    (corpus / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    summary = run(tmp_settings)
    assert "unsupported file type '.xlsx'" in reasons(summary)["budget.xlsx"]
    assert summary.documents == ["good.txt"]
    with pytest.raises(LoadError, match="unsupported"):
        load(corpus / "budget.xlsx")


def test_hidden_files_and_folder_readmes_are_ignored(tmp_settings: Settings) -> None:
    corpus = tmp_settings.corpus_dir
    (corpus / ".hidden.txt").write_bytes(b"\x00\x01")
    (corpus / "README.md").write_text("How to use this folder.", encoding="utf-8")
    (corpus / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    summary = run(tmp_settings)
    assert summary.errors == []
    assert summary.documents == ["good.txt"]


# --- interviews -------------------------------------------------------------------------------

INTERVIEW = (
    "Institution: Office for IT and e-Government\n"
    "Date: 2022-03-14\n"
    "Role: Head of the User Support Group\n"
    "---\n"
    "The interviewee said the one stop shop (Measure 1.3.5) needs more staff in local offices.\n"
    "Activity 1.4.2.2 was dropped for lack of funds.\n"
)


def test_interview_header_becomes_metadata(tmp_settings: Settings) -> None:
    folder = tmp_settings.corpus_dir / "interviews"
    folder.mkdir()
    path = folder / "ite-office.md"
    path.write_text(INTERVIEW, encoding="utf-8")

    doc = load(path, tmp_settings.corpus_dir)
    assert doc.name == str(Path("interviews") / "ite-office.md")
    assert doc.doc_type == "interview"
    assert doc.meta == {
        "institution": "Office for IT and e-Government",
        "date": "2022-03-14",
        "role": "Head of the User Support Group",
    }
    assert "Institution:" not in doc.text and "---" not in doc.text
    assert doc.pages[0].lines[4].startswith("The interviewee said")  # line numbers kept

    summary = run(tmp_settings)
    assert summary.errors == []
    chunks = chunks_of(tmp_settings, doc.name)
    assert chunks
    for c in chunks:
        assert c.doc_type == "interview"
        assert "Institution:" not in c.text
        meta = c.metadata()
        assert meta["doc_type"] == "interview"
        assert meta["institution"] == "Office for IT and e-Government"
        assert meta["date"] == "2022-03-14"
    assert {"1.3.5", "1.4.2.2"} <= {i for c in chunks for i in c.ids}
    client = make_client(tmp_settings)
    coll = open_collection(client, read_index(tmp_settings).live.collection, tmp_settings.model_path())
    stored = coll.get(where={"doc_type": "interview"}, include=["metadatas"])
    assert stored["ids"] and all(
        m["institution"] == "Office for IT and e-Government" for m in stored["metadatas"]
    )


def test_a_report_outside_interviews_has_no_header_parsing(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(INTERVIEW, encoding="utf-8")
    doc = load(path, tmp_path)
    assert doc.doc_type == "report"
    assert doc.meta == {}
    assert doc.pages[0].lines[0].startswith("Institution:")
