"""One real browser: Debian's headless Chromium asks the running Streamlit app a question.

`streamlit run app/ui.py` runs as a subprocess on a free loopback port over the session index
(EGOV_DATA_DIR comes from tests/conftest.py through the environment). Playwright drives the system
Chromium (`/usr/bin/chromium`; never `playwright install`). A missing Chromium fails the test with the
command that installs it: this test is never skipped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
QUESTION = "What is the status of Activity 1.4.2.2 and why?"
START_TIMEOUT = 90
ANSWER_TIMEOUT = 240_000  # ms: the app loads the embedding model on its first question (slow 2-CPU machines)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"streamlit exited with code {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(
        f"streamlit did not start within {START_TIMEOUT} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM} (found: {shutil.which('chromium')}). "
            "Install it with `make system` or `apt-get update && apt-get install -y chromium`."
        )


@contextmanager
def _browser(tmp_path: Path, width: int = 1366, height: int = 768, phone: bool = False) -> Iterator[Any]:
    """A page of Debian's Chromium (headless, its own profile), closed afterwards."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
        )
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.fixture
def streamlit_app(indexed, tmp_path):
    """The app served on a free loopback port, stopped (with its children) after the test."""
    port = _free_port()
    log = tmp_path / "streamlit.log"
    env = dict(os.environ)  # EGOV_DATA_DIR of the session index, HF_HUB_OFFLINE=1
    env["EGOV_DATA_DIR"] = str(indexed.data_dir)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT / "app" / "ui.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def test_real_chromium_asks_and_gets_a_cited_answer(streamlit_app, tmp_path):
    from playwright.sync_api import expect

    url, log = streamlit_app
    shot = tmp_path / "chat.png"
    with _browser(tmp_path) as page:
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Ask the evaluation")).to_be_visible(timeout=60_000)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(QUESTION)
        box.press("Enter")
        chip = page.locator("[data-testid=stChatMessage] button", has_text="Activity 1.4.2.2")
        try:
            expect(chip.first).to_be_visible(timeout=ANSWER_TIMEOUT)
        except AssertionError:
            page.screenshot(path=str(shot))
            raise AssertionError(
                f"no cited answer; screenshot {shot}; app log:\n{log.read_text(errors='replace')[-3000:]}"
            ) from None
        answer = (
            page.locator("[data-testid=stChatMessage]")
            .filter(has=page.locator("button", has_text="Activity 1.4.2.2"))
            .first
        )
        assert "abandoned" in answer.inner_text().lower()
        chip.first.click()
        dialog = page.get_by_role("dialog")
        expect(dialog.locator("mark").first).to_be_visible(timeout=30_000)
        assert "Funds have not been secured" in dialog.inner_text()
        page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, "a non-empty PNG screenshot"


def test_on_a_phone_the_chat_box_is_in_view_on_first_load(streamlit_app, tmp_path):
    """390x844: the sidebar starts closed, and the chat box is on screen without scrolling or a tap."""
    from playwright.sync_api import expect

    url, _ = streamlit_app
    with _browser(tmp_path, 390, 844, phone=True) as page:
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Ask the evaluation")).to_be_visible(timeout=60_000)
        box = page.get_by_test_id("stChatInputTextArea")
        # the box sits in the page's bottom block, which a loaded machine can paint seconds after the heading
        expect(box).to_be_visible(timeout=30_000)
        bounds = box.bounding_box()
        assert bounds is not None and 0 <= bounds["y"] and bounds["y"] + bounds["height"] <= 844, bounds
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390, bounds
        page.wait_for_timeout(1500)  # the sidebar's slide-in, when there is one, has ended
        # nothing covers the box: what the screen shows at its centre is the chat input itself
        centre = [bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2]
        on_top = page.evaluate(
            "([x, y]) => { const el = document.elementFromPoint(x, y);"
            " return !!(el && el.closest('[data-testid=stChatInput]')); }",
            centre,
        )
        assert on_top, "the chat box is covered (by the sidebar?) on a phone"
        page.screenshot(path=str(tmp_path / "phone.png"))


def test_an_officials_session_in_a_real_browser(streamlit_app, tmp_path):
    """One session, the journeys of the UI issue: a count answered first with its split, the list folded and
    the chips grouped; a follow-up naming its own activity answered about it; a reload that keeps the
    conversation; an over-long paste answered with a message; a matrix row opened by clicking its text."""
    from playwright.sync_api import expect

    url, log = streamlit_app
    with _browser(tmp_path, 1366, 900) as page:
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Ask the evaluation")).to_be_visible(timeout=60_000)

        def ask(question: str, answered_before: int) -> None:
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(question)
            box.press("Enter")
            try:
                page.wait_for_function(
                    "(n) => document.body.innerText.split('sources cited').length > n",
                    arg=answered_before + 1,  # one more "N sources cited" caption
                    timeout=ANSWER_TIMEOUT,
                )
            except Exception:
                page.screenshot(path=str(tmp_path / "journey.png"))
                raise AssertionError(f"no answer to {question!r}:\n{log.read_text()[-3000:]}") from None

        ask("How many activities were completed in total?", 0)
        first = page.locator("[data-testid=stChatMessage]").nth(1)
        expect(first.get_by_text("38 activities are marked “completed”: 17 under 1.1")).to_be_visible()
        expect(first.get_by_text("Show all")).to_be_visible()  # the list of 38, folded
        expect(first.get_by_role("button", name="Under 1.1 · 17")).to_be_visible()  # grouped chips
        assert first.get_by_role("button", name="Activity 1.1.1.1").count() == 0  # inside the group

        ask("What happened with the e-Democracy activity?", 1)
        second = page.locator("[data-testid=stChatMessage]").nth(3)
        expect(second.get_by_role("button", name="Activity 1.4.4.5").first).to_be_visible()
        assert "abandoned" in second.inner_text()

        page.reload(wait_until="domcontentloaded")  # the conversation id in the URL brings it back
        expect(page.get_by_text("What happened with the e-Democracy activity?")).to_be_visible(timeout=60_000)

        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("x " * 2_500)
        box.press("Enter")
        expect(page.get_by_text("the assistant reads at most")).to_be_visible(timeout=30_000)

        page.goto(url + "/explorer", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Activities").click()
        grid = page.locator("[data-testid=stDataFrame]").filter(visible=True).first
        expect(grid).to_be_visible(timeout=60_000)
        page.wait_for_timeout(1_500)  # the grid's canvas is drawn
        bounds = grid.bounding_box()
        assert bounds is not None
        page.mouse.click(bounds["x"] + 250, bounds["y"] + 35 + 35 * 2 + 17)  # row 3's title, not its box
        expect(page.get_by_role("heading", name="Activity 1.1.1.3")).to_be_visible(timeout=30_000)
