"""API key, uploads, deletes, size and type limits, file names, and uploads while answering: over a small temp
corpus with the hashing embedder (never the shipped corpus)."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app.api.routes.documents as documents_routes
from app.api import create_app
from app.api.uploads import content_problem, safe_filename
from core.settings import Settings
from ingest.pipeline import ingest, ingest_lock

KEY = "s3cret-test-key"  # the reader key
AUTH = {"X-API-Key": KEY}
ADMIN_KEY = "s3cret-admin-key"  # the admin key: uploads and deletes
ADMIN = {"X-API-Key": ADMIN_KEY}

REPORT = """1. INTRODUCTION
The evaluation covers the e-Government Development Programme 2020-2022.

2. FINDINGS
Measure 1.3.5 (one stop shop) made progress; Activity 1.4.2.2 was abandoned for lack of funds.
"""

MATRIX = """Annex 7: Evaluation Matrix

\tMeasure 1.4.2 Improvement of Open Data Portal
Responsible entity: ITE Office

\t1.4.2.2: Portal upgrade
\tITE Office
\tabandoned
\tNo funds were secured.
"""


@pytest.fixture
def corpus_settings(tmp_settings: Settings) -> Settings:
    """A two-file temp corpus, ingested with the hashing embedder, and both keys."""
    (tmp_settings.corpus_dir / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_settings.corpus_dir / "annex.txt").write_text(MATRIX, encoding="utf-8")
    ingest(settings=tmp_settings, quiet=True)
    return tmp_settings.model_copy(update={"api_key": KEY, "admin_api_key": ADMIN_KEY})


@pytest.fixture
def client(corpus_settings: Settings):
    with TestClient(create_app(corpus_settings)) as c:
        yield c


def error(resp, status: int, *words: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    if "/v1/" in str(resp.url):  # OpenAI's error shape on its compatible routes
        body = {"detail": body["error"]["message"], **body["error"]}
    assert isinstance(body["detail"], str) and "Traceback" not in resp.text
    for w in words:
        assert w.lower() in body["detail"].lower(), body["detail"]
    return body


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def upload(client: TestClient, *files: tuple[str, bytes], headers: dict | None = None, wait: bool = True):
    return client.post(
        "/documents",
        params={"wait": "true"} if wait else None,
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        headers=ADMIN if headers is None else headers,
    )


def documents(client: TestClient) -> dict[str, dict]:
    return {d["name"]: d for d in client.get("/documents", headers=AUTH).json()}


# ---------------------------------------------------------------- API key


def test_health_needs_no_key_everything_else_does(client) -> None:
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, ops in spec["paths"].items():
        if path == "/health":
            continue
        for method in ops:
            url = (
                path.replace("{measure_id}", "1.4.2")
                .replace("{activity_id}", "1.4.2.2")
                .replace("{name}", "x.txt")
            )
            resp = client.request(method.upper(), url, json={"question": "x"})
            error(resp, 401, "API key")
            assert resp.headers.get("www-authenticate") == "Bearer"
            checked += 1
    assert checked >= 17


@pytest.mark.parametrize(
    "headers, ok",
    [
        ({"X-API-Key": KEY}, True),
        ({"Authorization": f"Bearer {KEY}"}, True),
        ({"authorization": f"bearer {KEY}"}, True),
        ({"X-API-Key": "wrong", "Authorization": f"Bearer {KEY}"}, True),
        ({}, False),
        ({"X-API-Key": ""}, False),
        ({"X-API-Key": KEY[:-1]}, False),
        ({"X-API-Key": KEY + "x"}, False),
        ({"Authorization": f"Basic {KEY}"}, False),
        ({"Authorization": KEY}, False),
        ({"X-API-Key": "ключ"}, False),
        ({"X-API-Key": KEY, "Authorization": "Basic x"}, False),  # a malformed credential is not ignored
    ],
)
def test_key_in_header_or_bearer(client, headers: dict, ok: bool) -> None:
    resp = client.get("/stats", headers={k: v.encode("utf-8") for k, v in headers.items()})
    assert resp.status_code == (200 if ok else 401), resp.text


def test_key_compared_in_constant_time(client, monkeypatch) -> None:
    import app.security as security

    calls = []
    real = security.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert client.get("/stats", headers=AUTH).status_code == 200
    assert client.get("/stats", headers={"X-API-Key": "nope"}).status_code == 401
    assert calls and all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)


def test_unauthorised_upload_is_refused_before_the_body_is_read(client, corpus_settings) -> None:
    error(upload(client, ("a.txt", b"hello there"), headers={}), 401)
    error(upload(client, ("a.txt", b"hello there"), headers={"X-API-Key": "bad"}), 401)
    error(client.delete("/documents/uploads/a.txt"), 401)
    assert not (corpus_settings.corpus_dir / "uploads" / "a.txt").exists()


def test_writes_refused_without_configured_admin_key(corpus_settings) -> None:
    with TestClient(
        create_app(corpus_settings.model_copy(update={"api_key": None, "admin_api_key": None}))
    ) as c:
        error(upload(c, ("a.txt", b"hello there"), headers={}), 403, "EGOV_ADMIN_API_KEY")
        error(c.delete("/documents/report.txt"), 403, "EGOV_ADMIN_API_KEY")
        assert c.get("/stats").status_code == 200  # reads stay open without a key
    with TestClient(create_app(corpus_settings.model_copy(update={"admin_api_key": None}))) as c:
        error(upload(c, ("a.txt", b"hello there"), headers=AUTH), 403, "EGOV_ADMIN_API_KEY")


def test_the_reader_key_reads_and_cannot_write_the_admin_key_does_both(client, corpus_settings) -> None:
    error(upload(client, ("a.txt", b"hello there"), headers=AUTH), 403, "admin key")
    error(client.delete("/documents/uploads/a.txt", headers=AUTH), 403, "admin key")
    error(
        client.delete("/documents/uploads/a.txt", headers={"Authorization": f"Bearer {KEY}"}),
        403,
        "admin key",
    )
    assert not (corpus_settings.corpus_dir / "uploads" / "a.txt").exists()
    for headers in (AUTH, ADMIN, {"Authorization": f"Bearer {ADMIN_KEY}"}):
        assert client.get("/stats", headers=headers).status_code == 200
        assert (
            client.post("/ask", json={"question": "What happened to 1.4.2.2?"}, headers=headers).status_code
            == 200
        )
    assert upload(client, ("a.txt", b"Notes about Measure 1.3.5"), headers=ADMIN).status_code == 201


# ---------------------------------------------------------------- uploads


def test_upload_each_type_is_ingested_and_searchable(client, corpus_settings) -> None:
    files = [
        ("field_notes.txt", b"Zanzibar interview: the ITE Office reported delays in measure 1.3.5."),
        (
            "memo.md",
            "# Memo\n\nQuokka servers were migrated (Measure 1.1.1), says the Šabac office.".encode(),
        ),
        ("scan.pdf", pdf_bytes("Platypus data centre audit for Activity 1.1.1.1")),
        ("brief.docx", docx_bytes("Narwhal portal brief on open data, Measure 1.4.2.")),
    ]
    resp = upload(client, *files)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["ingested"] == 4 and body["failed"] == 0 and body["summary"]["added"] >= 4
    for r in body["results"]:
        assert r["status"] == "ingested" and r["chunks"] >= 1 and r["document"].startswith("uploads/")
        assert (corpus_settings.corpus_dir / r["document"]).is_file()
    docs = documents(client)
    assert docs["uploads/scan.pdf"]["uploaded"] and not docs["report.txt"]["uploaded"]
    for word, doc in [
        ("Zanzibar", "uploads/field_notes.txt"),
        ("Quokka", "uploads/memo.md"),
        ("Platypus", "uploads/scan.pdf"),
        ("Narwhal", "uploads/brief.docx"),
    ]:
        hits = client.post("/search", json={"question": word, "k": 3}, headers=AUTH).json()["sources"]
        assert hits[0]["metadata"]["document"] == doc, (word, hits[:1])


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("tool.exe", b"MZ\x90\x00", "unsupported file type"),
        ("noext", b"hello", "file name"),
        ("fake.pdf", b"just some text, not a PDF", "%PDF"),
        ("fake.docx", b"not a zip at all", "zip"),
        ("other.docx", None, "word/document.xml"),
        ("binary.txt", b"abc\x00\x01\x02def", "binary"),
        ("control.md", bytes(range(1, 9)) * 200, "binary"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"   \n\n  ", "empty"),
    ],
)
def test_upload_checked_by_content(
    client, corpus_settings, name: str, data: bytes | None, reason: str
) -> None:
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("hello.txt", "a zip that is not a Word document")
        data = buf.getvalue()
    body = error(upload(client, (name, data)), 400, "No file was ingested")
    (result,) = body["results"]
    assert result["status"] == "rejected" and reason.lower() in result["detail"].lower(), result
    assert not (corpus_settings.corpus_dir / "uploads" / name).exists()


def test_upload_that_fails_to_load_is_reported_and_removed(client, corpus_settings) -> None:
    resp = upload(
        client,
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
        ("ok.txt", b"Walrus notes on Measure 1.2.1."),
    )
    assert resp.status_code == 201, resp.text
    results = {r["file"]: r for r in resp.json()["results"]}
    assert results["broken.pdf"]["status"] == "failed" and "pdf" in results["broken.pdf"]["detail"].lower()
    assert results["ok.txt"]["status"] == "ingested"
    assert not (corpus_settings.corpus_dir / "uploads" / "broken.pdf").exists()
    assert "uploads/broken.pdf" not in documents(client)


def test_replacing_an_upload_with_a_broken_one_keeps_the_old(client, corpus_settings) -> None:
    good = pdf_bytes("Axolotl register of services")
    assert upload(client, ("register.pdf", good)).status_code == 201
    body = error(upload(client, ("register.pdf", b"%PDF-1.4 truncated")), 400)
    assert body["results"][0]["status"] == "failed"
    assert (corpus_settings.corpus_dir / "uploads" / "register.pdf").read_bytes() == good
    assert "uploads/register.pdf" in documents(client)
    assert not [p for p in (corpus_settings.corpus_dir / "uploads").iterdir() if p.name.startswith(".")]


def test_replacing_an_upload_updates_its_chunks(client) -> None:
    assert upload(client, ("notes.txt", b"Okapi first version")).status_code == 201
    body = upload(client, ("notes.txt", b"Capybara second version")).json()
    assert body["summary"]["added"] + body["summary"]["updated"] >= 1
    hits = client.post("/search", json={"question": "Capybara", "k": 1}, headers=AUTH).json()["sources"]
    assert "Capybara" in hits[0]["text"]
    assert not any(
        "Okapi" in s["text"]
        for s in client.post("/search", json={"question": "Okapi", "k": 10}, headers=AUTH).json()["sources"]
    )


def test_upload_too_large(client, corpus_settings) -> None:
    small = corpus_settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small)) as c:
        body = error(upload(c, ("big.txt", b"a" * (1024 * 1024 + 10))), 400)
        assert "too large" in body["results"][0]["detail"]
        huge = b"a" * (11 * 1024 * 1024 + 10)  # above 10 files x 1 MB + overhead: refused from Content-Length
        error(upload(c, ("huge.txt", huge)), 413, "too large")
    assert not (corpus_settings.corpus_dir / "uploads" / "big.txt").exists()


def test_too_many_files(client) -> None:
    error(upload(client, *[(f"f{i}.txt", b"hello world") for i in range(11)]), 413, "at most 10")


def test_upload_without_files_is_422(client) -> None:
    error(client.post("/documents", headers=ADMIN), 422)
    error(client.post("/documents", headers=ADMIN, json={"files": "x"}), 422)


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("/abs/path/report.TXT", "report.txt"),
        (".hidden.md", "hidden.md"),
        ("Izveštaj o radu.docx", "Izvestaj o radu.docx"),
        ("a;rm -rf $(x).txt", "a_rm -rf _x.txt"),
        ("README.md", "readme_upload.md"),
        ("...", None),
        ("..", None),
        ("", None),
        (".txt", None),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_safe_filename(raw: str, safe: str | None) -> None:
    assert safe_filename(raw) == safe


def test_traversal_names_stay_in_uploads(client, corpus_settings, tmp_path: Path) -> None:
    outside = corpus_settings.corpus_dir.parent / "victim.txt"
    outside.write_text("do not touch")
    resp = upload(
        client,
        ("../victim.txt", b"Overwrite attempt about Measure 1.3.5"),
        ("../../report.txt", b"Another attempt about Measure 1.3.5"),
    )
    assert resp.status_code == 201, resp.text
    assert [r["document"] for r in resp.json()["results"]] == ["uploads/victim.txt", "uploads/report.txt"]
    assert outside.read_text() == "do not touch"
    assert (corpus_settings.corpus_dir / "report.txt").read_text() == REPORT


def test_symlink_in_uploads_is_not_followed(client, corpus_settings) -> None:
    target = corpus_settings.corpus_dir.parent / "target.txt"
    target.write_text("original")
    uploads = corpus_settings.corpus_dir / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / "link.txt").symlink_to(target)
    body = error(upload(client, ("link.txt", b"replacement about Measure 1.3.5")), 400)
    assert body["results"][0]["status"] == "rejected"
    assert target.read_text() == "original"


def test_uploads_folder_outside_corpus_is_refused(client, corpus_settings, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (corpus_settings.corpus_dir / "uploads").symlink_to(elsewhere, target_is_directory=True)
    error(upload(client, ("a.txt", b"hello about Measure 1.3.5")), 503, "uploads folder")
    assert not any(elsewhere.iterdir())


def test_content_problem_unit() -> None:
    assert content_problem(".pdf", b"  \n%PDF-1.7 ...") is None
    assert content_problem(".txt", "Ćirilica i latinica: čćžšđ".encode("cp1250")) is None
    assert content_problem(".md", "# Naslov\n\nТекст на ћирилици".encode()) is None
    assert "unsupported" in content_problem(".html", b"<html>")


# ---------------------------------------------------------------- ingest lock


def test_upload_during_another_ingest_is_409_and_leaves_nothing(client, corpus_settings, monkeypatch) -> None:
    monkeypatch.setattr(documents_routes, "INGEST_WAIT", 0.3)
    with ingest_lock(corpus_settings):
        error(upload(client, ("late.txt", b"Too late about Measure 1.3.5")), 409, "another ingest")
    assert not (corpus_settings.corpus_dir / "uploads" / "late.txt").exists()
    assert upload(client, ("late.txt", b"Now in time about Measure 1.3.5")).status_code == 201


# ---------------------------------------------------------------- deletes


def test_delete_removes_file_and_chunks(client, corpus_settings) -> None:
    assert upload(client, ("gone.txt", b"Pangolin notes about Measure 1.2.3")).status_code == 201
    assert "uploads/gone.txt" in documents(client)
    resp = client.delete("/documents/uploads/gone.txt", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.json()["deleted"] == "uploads/gone.txt" and resp.json()["summary"]["deleted"] >= 1
    assert not (corpus_settings.corpus_dir / "uploads" / "gone.txt").exists()
    assert "uploads/gone.txt" not in documents(client)
    hits = client.post("/search", json={"question": "Pangolin", "k": 10}, headers=AUTH).json()["sources"]
    assert not any("Pangolin" in h["text"] for h in hits)
    assert "report.txt" in documents(client)  # the rest of the corpus stays


def test_delete_by_bare_name(client) -> None:
    assert upload(client, ("bare.md", b"# Bare\n\nNotes on Measure 1.1.2")).status_code == 201
    assert client.delete("/documents/bare.md", headers=ADMIN).status_code == 200


def test_delete_errors(client, corpus_settings) -> None:
    assert upload(client, ("kept.txt", b"Kept notes about Measure 1.3.5")).status_code == 201
    body = error(client.delete("/documents/uploads/kep.txt", headers=ADMIN), 404, "closest")
    assert body["closest"] == ["uploads/kept.txt"]
    error(client.delete("/documents/report.txt", headers=ADMIN), 403, "corpus folder")
    error(client.delete("/documents/../report.txt", headers=ADMIN), 404)
    resp = client.delete("/documents/uploads/../report.txt", headers=ADMIN)  # the client folds '..' away
    assert resp.status_code in (403, 404), resp.text
    error(client.delete("/documents/%2e%2e%2freport.txt", headers=ADMIN), 404)
    assert (corpus_settings.corpus_dir / "report.txt").exists()
    assert "uploads/kept.txt" in documents(client)


def test_delete_during_another_ingest_is_409_and_keeps_the_file(client, corpus_settings, monkeypatch) -> None:
    assert upload(client, ("busy.txt", b"Busy notes about Measure 1.3.5")).status_code == 201
    monkeypatch.setattr(documents_routes, "INGEST_WAIT", 0.3)
    with ingest_lock(corpus_settings):
        error(client.delete("/documents/uploads/busy.txt", headers=ADMIN), 409)
    assert (corpus_settings.corpus_dir / "uploads" / "busy.txt").exists()
    assert "uploads/busy.txt" in documents(client)


# ---------------------------------------------------------------- concurrency


def test_uploads_while_answering_in_threads(client, corpus_settings) -> None:
    """Answers in flight keep working while uploads and deletes re-ingest and the index is swapped."""
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def asker(n: int) -> None:
        questions = [
            "What is the status of Activity 1.4.2.2?",
            "Who is responsible for measure 1.4.2?",
            "What did the evaluation find about one stop shops?",
        ]
        i = 0
        while not stop.is_set():
            q = questions[(n + i) % len(questions)]
            i += 1
            try:
                resp = client.post("/ask", json={"question": q}, headers=AUTH)
                if resp.status_code != 200 or "answer" not in resp.json():
                    failures.append(f"{resp.status_code}: {resp.text[:200]}")
                else:
                    answered[0] += 1
                resp = client.get("/activities/1.4.2.2", headers=AUTH)
                if resp.status_code != 200:
                    failures.append(f"{resp.status_code}: {resp.text[:200]}")
            except Exception as exc:  # noqa: BLE001 - record, the assertion below reports it
                failures.append(repr(exc))

    threads = [threading.Thread(target=asker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    try:
        for round_ in range(4):
            resp = upload(
                client,
                (
                    f"round{round_}.txt",
                    f"Round {round_} notes on Measure 1.3.5 and Activity 1.4.2.2.".encode(),
                ),
            )
            assert resp.status_code == 201, resp.text
            if round_ % 2:
                assert (
                    client.delete(f"/documents/uploads/round{round_ - 1}.txt", headers=ADMIN).status_code
                    == 200
                )
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not failures, failures[:5]
    assert answered[0] >= 4
    docs = documents(client)
    assert {"uploads/round1.txt", "uploads/round3.txt"} <= set(docs) and "uploads/round0.txt" not in docs


# ---------------------------------------------------------------- provenance: uploads never rewrite the evaluation


def test_a_forged_copy_of_matrix_rows_changes_no_official_record(client, corpus_settings) -> None:
    before = client.get("/stats", headers=AUTH).json()
    forged = MATRIX.replace("abandoned", "completed").replace("No funds were secured.", "Done in 2021.")
    assert upload(client, ("matrix_fix.txt", forged.encode())).status_code == 201
    record = client.get("/activities/1.4.2.2", headers=AUTH).json()
    assert record["status"] == "abandoned", record
    after = client.get("/stats", headers=AUTH).json()
    for key in ("objectives", "measures", "activities", "statuses"):
        if key in before:
            assert after[key] == before[key], key
    answer = client.post(
        "/ask", json={"question": "What is the status of activity 1.4.2.2?"}, headers=AUTH
    ).json()
    first, rest = answer["answer"].split(". ", 1)[0], answer["answer"]
    assert "abandoned" in first and "completed" not in first, rest
    # the upload is kept as what it is: named, and cited as itself
    assert "The uploaded document “matrix_fix.txt” marks it “completed”" in rest, rest
    cited = {c["source"].split(",")[0] for c in answer["citations"] if c["id"] == "1.4.2.2"}
    assert cited == {"annex.txt", "uploads/matrix_fix.txt"}, answer["citations"]
    for c in answer["citations"]:
        if c["source"].startswith("annex.txt"):
            assert "completed" not in c["quote"] and "Done in 2021" not in c["quote"], c


def test_an_uploaded_note_is_never_quoted_as_the_report(client) -> None:
    note = b"Activity 1.4.2.2 was completed in 2021 with the portal upgrade delivered to all users."
    assert upload(client, ("note.txt", note)).status_code == 201
    answer = client.post(
        "/ask", json={"question": "Was the portal upgrade delivered to all users in 2021?"}, headers=AUTH
    ).json()
    text = answer["answer"]
    if "delivered to all users" in text:
        intro = text[: text.find("delivered to all users")].rsplit("”", 1)[-1]
        assert "uploaded document" in intro and "report" not in intro, text
        assert any(c["source"].startswith("uploads/note.txt") for c in answer["citations"]), answer[
            "citations"
        ]


# ---------------------------------------------------------------- a corrupt index file


def _publish_a_corrupt_catalog(settings):
    """Make live a version whose record catalog part cannot be parsed; returns a function that puts the good
    version back."""
    import dataclasses

    from ingest.state import IndexState
    from ingest.store import make_client

    state = IndexState(make_client(settings), settings.collection)
    good = state.live()
    assert good is not None
    texts = state.texts(good.parts())
    bad = dataclasses.replace(good, version="corrupt", documents=dict(good.documents))
    doc = next(d for d, p in good.documents.items() if p.catalog)
    bad.documents[doc] = dataclasses.replace(good.documents[doc], catalog=state.put("catalog", "[1, 2"))
    state.publish(bad)

    def restore() -> None:
        for part, text in texts.items():
            state.items.add(ids=[part], documents=[text], metadatas=[{"kind": "part"}], embeddings=[[1.0]])
        state.publish(good)

    return restore


def test_a_corrupt_index_is_reported_and_the_last_good_index_answers(client, corpus_settings) -> None:
    before = client.get("/stats", headers=AUTH).json()
    assert client.get("/health").json()["status"] == "ok"
    restore = _publish_a_corrupt_catalog(corpus_settings)
    assert client.get("/stats", headers=AUTH).json() == before  # no 500, the same index
    answer = client.post("/ask", json={"question": "What happened to 1.4.2.2?"}, headers=AUTH)
    assert answer.status_code == 200 and "abandoned" in answer.json()["answer"]
    health = client.get("/health").json()
    assert health["status"] == "degraded" and "egov ingest" in health["detail"], health
    restore()
    assert client.get("/health").json()["status"] == "ok"


def test_a_corrupt_index_before_any_load_is_a_clear_503(corpus_settings) -> None:
    from rag.index import forget_indexes

    _publish_a_corrupt_catalog(corpus_settings)
    forget_indexes()
    with TestClient(create_app(corpus_settings)) as c:
        error(c.get("/stats", headers=AUTH), 503, "cannot be read", "egov ingest")
        assert c.get("/health").json()["status"] == "no_index"


# ---------------------------------------------------------------- uploads in the background


def test_an_upload_by_default_is_ingested_in_the_background(client, corpus_settings) -> None:
    import time

    resp = upload(
        client, ("later.txt", b"Wombat notes: Measure 1.3.5 opened two more one stop shops."), wait=False
    )
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert (
        body["status_url"] == f"/jobs/{body['job']}" and body["results"][0]["document"] == "uploads/later.txt"
    )
    deadline = time.monotonic() + 60
    while True:  # bounded
        job = client.get(body["status_url"], headers=AUTH).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["result"]["ingested"] == 1 and job["result"]["results"][0]["chunks"] >= 1
    hits = client.post("/search", json={"question": "Wombat", "k": 3}, headers=AUTH).json()["sources"]
    assert hits[0]["metadata"]["document"] == "uploads/later.txt"


def test_a_background_upload_that_cannot_be_read_ends_failed_with_its_reason(client, corpus_settings) -> None:
    import time

    from ingest import loaders

    too_many = b"line\n" * (loaders.MAX_LINES + 10)
    body = upload(client, ("padded.txt", too_many), wait=False).json()
    deadline = time.monotonic() + 60
    while (job := client.get(body["status_url"], headers=AUTH).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "failed" and "paragraphs or lines" in job["detail"], job
    assert not (corpus_settings.corpus_dir / "uploads" / "padded.txt").exists()  # put back as it was
    error(client.get("/jobs/0123abcd", headers=AUTH), 404, "no upload job")
