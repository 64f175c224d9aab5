"""The review page, in a real browser (Debian's Chromium through Playwright), opened
from disk as a producer would: ``file://``, no server, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import webvtt

from exporter.writers.review import render_review
from tests.browser import browser_page
from tests.conftest import ROOT, invoke

ARTIFACTS = ROOT / "test-artifacts"


# The bundled sample's own show notes list three titles; the page test needs a
# fifth chapter to click, so it also gets a timed list of six.
SIX_CHAPTERS = """\
00:00 Welcome
00:30 Meet Anush
00:37 How he started
00:42 From IoT to ML compilers
01:10 Joining AMD
01:35 AMD's software strategy
"""


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("review")
    chapters = here / "chapters.txt"
    chapters.write_text(SIX_CHAPTERS, encoding="utf-8")
    result = invoke("-q", "run", "--sample", "-o", here / "out", "--chapters", chapters)
    assert result.exit_code == 0, result.output
    return here / "out"


def open_page(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function("document.getElementById('audio').readyState >= 1")
    page.wait_for_function("(document.getElementById('track').track.cues || []).length > 0")


def test_page_shows_everything_and_seeks(outdir: Path) -> None:
    html = outdir / "sample-episode.html"
    chapters = json.loads((outdir / "sample-episode.chapters.json").read_text())["chapters"]
    vtt = webvtt.read(str(outdir / "sample-episode.vtt"))
    with browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        open_page(page, html)
        # Every chapter and turn is shown.
        assert page.locator("#chapters li").all_inner_texts() == [
            f"{_clock(c['startTime'])}\n{c['title']}" for c in chapters]
        assert page.locator(".turn").count() == 5
        assert page.locator(".turn .speaker").all_inner_texts() == [
            "Tobias Macey", "Anush Elangovan", "Tobias Macey", "Anush Elangovan", "Tobias Macey"]
        # The track holds every cue of the VTT file.
        assert page.evaluate("document.getElementById('track').track.cues.length") == len(vtt)
        assert page.locator(".cue").count() == len(vtt)
        # Clicking the fifth chapter seeks to its start and highlights it.
        assert len(chapters) == 6
        page.locator("#chapters button").nth(4).click()
        assert page.evaluate("document.getElementById('audio').currentTime") == \
            chapters[4]["startTime"] == 70.0
        assert page.locator("#chapters li.current").inner_text().endswith("Joining AMD")
        # Setting the time inside a cue highlights that cue (and only it).
        cue = vtt[10]
        middle = (cue.start_in_seconds + cue.end_in_seconds) / 2 + 0.25
        page.evaluate(f"document.getElementById('audio').currentTime = {middle}")
        page.wait_for_function("document.querySelectorAll('.cue.now').length === 1")
        shown = page.locator(".cue.now").inner_text().split()
        assert shown == cue.text.split()
        # Clicking a word seeks to that word.
        word = page.locator(".cue").nth(3).locator(".w").nth(1)
        at = float(word.get_attribute("data-t") or "nan")
        word.click()
        assert abs(page.evaluate("document.getElementById('audio').currentTime") - at) < 1e-3
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-laptop.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "review-phone.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.errors == []


def test_keyboard_moves_between_chapters(outdir: Path) -> None:
    chapters = json.loads((outdir / "sample-episode.chapters.json").read_text())["chapters"]
    with browser_page() as page:
        open_page(page, outdir / "sample-episode.html")
        for _ in range(3):
            page.locator("body").press("]")
        page.locator("body").press("[")
        assert page.evaluate("document.getElementById('audio').currentTime") == \
            chapters[2]["startTime"]
        page.locator("#strip").focus()
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.getElementById('audio').currentTime") == \
            chapters[2]["startTime"] - 5
        assert page.errors == []


def test_hostile_text_stays_text(outdir: Path, tmp_path: Path) -> None:
    """A title or transcript holding markup or the page's own placeholders is shown
    as written and runs nothing."""
    evil = '</script><script>window.pwned=1</script> __DATA__ <b>&amp;'
    data = {"duration": 10.0, "audio": "x y.mp3", "offset": 0.0, "insertions": [],
            "lowBelow": 0.8, "low": [[1.0, 2.0]], "peaks": [0.5] * 100,
            "chapters": [{"title": evil, "start": 0.0, "end": 10.0}],
            "turns": [{"speaker": evil, "start": 0.0, "confidence": 0.5, "method": "retried",
                       "cues": [[0.0, 2.0, [[evil, 0.0]]]]}]}
    page_path = tmp_path / "evil.html"
    page_path.write_text(render_review(evil, data, "WEBVTT\n\n00:00.000 --> 00:02.000\nhi\n"),
                         encoding="utf-8")
    with browser_page() as page:
        page.goto(page_path.as_uri())
        page.wait_for_function("document.querySelectorAll('.cue').length === 1")
        assert page.evaluate("window.pwned") is None
        assert page.locator("h1").inner_text() == evil
        assert page.locator(".speaker").inner_text() == evil
        assert page.locator("#chapters .title").inner_text() == evil
        assert page.locator(".low").count() == 1
        assert page.locator(".confidence").inner_text().startswith("alignment confidence 50%")
        assert page.evaluate("document.getElementById('audio').getAttribute('src')") == "x y.mp3"
        # The audio file does not exist here: a media error, not a script error.
        assert not [e for e in page.errors if "pwned" in e or "SyntaxError" in e]


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
