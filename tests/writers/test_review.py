"""The review page, in a real browser (Debian's Chromium through Playwright), opened
from disk as a producer would: ``file://``, no server, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import srt
import webvtt

from exporter.writers.review import render_review
from tests.browser import browser_page
from tests.conftest import ROOT, ffprobe_chapters, invoke

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
        assert page.locator("#chapters .seek").all_inner_texts() == [
            _clock(c["startTime"]) for c in chapters]
        assert [page.locator("#chapters .title").nth(i).input_value()
                for i in range(len(chapters))] == [c["title"] for c in chapters]
        assert page.locator(".turn").count() == 5
        assert page.locator(".turn .speaker").all_inner_texts() == [
            "Tobias Macey", "Anush Elangovan", "Tobias Macey", "Anush Elangovan", "Tobias Macey"]
        # The track holds every cue of the VTT file.
        assert page.evaluate("document.getElementById('track').track.cues.length") == len(vtt)
        assert page.locator(".cue").count() == len(vtt)
        # Clicking the fifth chapter seeks to its start and highlights it.
        assert len(chapters) == 6
        page.locator("#chapters .seek").nth(4).click()
        assert page.evaluate("document.getElementById('audio').currentTime") == \
            chapters[4]["startTime"] == 70.0
        assert page.locator("#chapters li.current .title").input_value() == "Joining AMD"
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
    data = {"duration": 10.0, "audio": "x y.mp3", "problems": [],
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
        assert page.locator("#chapters .title").input_value() == evil
        assert page.locator(".low").count() == 1
        assert page.locator(".confidence").inner_text().startswith("alignment confidence 50%")
        assert page.evaluate("document.getElementById('audio').getAttribute('src')") == "x y.mp3"
        # The audio file does not exist here: a media error, not a script error.
        assert not [e for e in page.errors if "pwned" in e or "SyntaxError" in e]


def now(page: Any) -> float:
    return float(page.evaluate("document.getElementById('audio').currentTime"))


def playing(page: Any) -> bool:
    return not page.evaluate("document.getElementById('audio').paused")


def test_keys_work_after_clicking_a_chapter_or_a_word(outdir: Path) -> None:
    chapters = json.loads((outdir / "sample-episode.chapters.json").read_text())["chapters"]
    with browser_page() as page:
        open_page(page, outdir / "sample-episode.html")
        page.locator("#chapters .seek").nth(1).click()
        assert now(page) == chapters[1]["startTime"]
        page.keyboard.press(" ")  # plays: the focused button is not pressed again
        page.wait_for_function("!document.getElementById('audio').paused")
        page.keyboard.press(" ")
        assert not playing(page)
        page.keyboard.press("]")
        assert now(page) == chapters[2]["startTime"]
        page.locator(".cue").nth(2).locator(".w").nth(0).click()  # in the first chapter
        page.keyboard.press("]")
        assert now(page) == chapters[1]["startTime"]
        page.keyboard.press("[")
        assert now(page) == chapters[0]["startTime"]
        page.keyboard.press("]")
        assert now(page) == chapters[1]["startTime"]
        # Typing in a title is typing, not a shortcut.
        title = page.locator("#chapters .title").nth(0)
        title.click()
        page.keyboard.press("]")
        assert now(page) == chapters[1]["startTime"] and title.input_value().endswith("]")
        assert page.errors == []


def drag_by(page: Any, handle: Any, seconds: float, duration: float) -> None:
    box = handle.bounding_box()
    strip = page.locator("#strip").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    dx = seconds / duration * strip["width"]
    for step in range(1, 6):
        page.mouse.move(x + dx * step / 5, y)
    page.mouse.up()


def test_chapters_edited_in_the_page_are_written_by_exporter(outdir: Path,
                                                             tmp_path: Path) -> None:
    """Drag the third mark 10 s later, rename it, add a chapter, undo a deletion,
    save the file; ``chapters write`` puts exactly those chapters into the MP3."""
    chapters = json.loads((outdir / "sample-episode.chapters.json").read_text())["chapters"]
    with browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        open_page(page, outdir / "sample-episode.html")
        duration = float(page.evaluate("JSON.parse(document.getElementById('data')"
                                       ".textContent).duration"))
        third = page.locator("#marks .mark").nth(2)
        assert "How he started" in (third.get_attribute("title") or "")
        drag_by(page, third, 10.0, duration)
        moved = chapters[2]["startTime"] + 10
        # Still third (the fourth starts at 42 s, before it now: they swap).
        starts = [float(page.locator("#chapters .seek").nth(i).get_attribute("title")[-6:])
                  + 60 * int(page.locator("#chapters .seek").nth(i).get_attribute("title")[3:5])
                  for i in range(6)]
        index = min(range(6), key=lambda i: abs(starts[i] - moved))
        assert abs(starts[index] - moved) <= 0.25
        assert page.locator("#chapters .title").nth(index).input_value() == "How he started"
        page.locator("#chapters .title").nth(index).fill("How Anush got started")
        page.locator("#chapters .title").nth(index).press("Tab")
        page.evaluate("document.getElementById('audio').currentTime = 100")
        page.locator("#add-chapter").click()
        page.keyboard.type("A new chapter")
        page.keyboard.press("Tab")
        page.locator("#chapters li").nth(0).get_by_role("button", name="Delete chapter 1").click()
        assert page.locator("#chapters li").count() == 6
        page.locator("#undo").click()
        assert page.locator("#chapters li").count() == 7
        with page.expect_download() as download:
            page.locator("#save-chapters").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert page.errors == []
    assert saved.name == "sample-episode.edited.chapters.json"
    edited = json.loads(saved.read_text(encoding="utf-8"))["chapters"]
    titles = [c["title"] for c in edited]
    assert titles == ["Welcome", "Meet Anush", "From IoT to ML compilers",
                      "How Anush got started", "Joining AMD", "AMD's software strategy",
                      "A new chapter"]
    episode = tmp_path / "episode.mp3"
    episode.write_bytes((outdir / "sample-episode.mp3").read_bytes())
    done = invoke("-q", "chapters", "write", str(episode), "--chapters", str(saved),
                  "--replace")
    assert done.exit_code == 0, done.stderr
    probed = ffprobe_chapters(episode)
    assert [t for t, _, _ in probed] == titles
    assert [round(s, 1) for _, s, _ in probed] == [round(c["startTime"], 1) for c in edited]
    assert abs(probed[3][1] - moved) <= 0.25 and probed[6][1] == 100.0


def test_a_cue_edited_in_the_page_reads_back(outdir: Path, tmp_path: Path) -> None:
    vtt = webvtt.read(str(outdir / "sample-episode.vtt"))
    with browser_page() as page:
        open_page(page, outdir / "sample-episode.html")
        page.locator(".cue").nth(3).click()
        page.keyboard.press("e")
        editor = page.locator("#cue-text")
        assert editor.input_value() == vtt[3].text.replace("\r", "")  # its own line breaks
        editor.fill("An edited first line\nand a second, with Q&A <b>")
        for _ in range(2):
            page.get_by_role("button", name="Start 0.1 s later").click()
        page.get_by_role("button", name="End 0.1 s earlier").click()
        saved = {}
        for kind in ("vtt", "srt"):
            with page.expect_download() as download:
                page.locator(f"#save-{kind}").click()
            saved[kind] = tmp_path / download.value.suggested_filename
            download.value.save_as(saved[kind])
        assert page.errors == []
    back = webvtt.read(str(saved["vtt"]))
    assert len(back) == len(vtt)
    # webvtt-py gives the cue text as written: escaped, as exporter writes it.
    assert back[3].text == "An edited first line\nand a second, with Q&amp;A &lt;b&gt;"
    assert abs(_seconds(back[3].start) - (_seconds(vtt[3].start) + 0.2)) < 1e-6
    assert abs(_seconds(back[3].end) - (_seconds(vtt[3].end) - 0.1)) < 1e-6
    assert [(c.start, c.end) for c in back[4:]] == [(c.start, c.end) for c in vtt[4:]]
    assert [c.text for c in back[4:]] == [c.text for c in vtt[4:]]
    for path in saved.values():
        inspected = invoke("inspect", str(path), "--json")
        assert inspected.exit_code == 0, inspected.stderr
        text = " ".join(t["text"] for t in json.loads(inspected.stdout)["turns"])
        # (an SRT reader takes "<b>" for formatting, as players do)
        assert "An edited first line and a second, with Q&A" in text
    subs = list(srt.parse(saved["srt"].read_text(encoding="utf-8")))
    assert len(subs) == len(vtt)
    assert subs[3].content == "An edited first line\nand a second, with Q&A <b>"


PROBLEMS = [
    {"kind": "offset", "at": 3.0, "turn": 1, "label": "The transcript starts 3.0 s into the audio"},
    {"kind": "low", "at": 31.0, "turn": 2, "label": "Turn 2: low alignment confidence (40%)"},
    {"kind": "missing", "at": 45.0, "turn": 4, "label": "Turn 4: 3 words not found in the audio"},
    {"kind": "insertion", "at": 90.0, "turn": 5,
     "label": "5.0 s of audio not in the transcript (a break?) before turn 5"},
]


def test_n_visits_every_problem_in_order(outdir: Path, tmp_path: Path) -> None:
    html = (outdir / "sample-episode.html").read_text(encoding="utf-8")
    data = json.loads(html.split('id="data">')[1].split("</script>")[0])
    data["problems"] = PROBLEMS
    data["audio"] = "../" + outdir.name + "/sample-episode.mp3"
    data["turns"][3]["cues"][0][2][0].append(1)  # a missing word, marked
    data["turns"][3]["cues"][0][2][1].append(2)  # a word that could not be aligned
    data["turns"][3]["cues"][0][2][2].append(3)  # a word aligned by a doubtful fit
    page_path = outdir.parent / "problems" / "page.html"
    page_path.parent.mkdir(exist_ok=True)
    page_path.write_text(render_review("problems", data, (outdir / "sample-episode.vtt")
                                       .read_text(encoding="utf-8")), encoding="utf-8")
    with browser_page() as page:
        open_page(page, page_path)
        assert page.locator("#problems li").count() == 4
        assert page.locator("#marks .problem-mark").count() == 4
        assert page.locator(".problem-note").all_inner_texts() == [
            PROBLEMS[0]["label"], PROBLEMS[3]["label"]]
        assert page.locator(".w.missing").count() == 1
        assert page.locator(".w.unaligned").count() == 1
        assert page.locator(".w.unaligned").get_attribute("title") == "could not be aligned"
        assert page.locator(".w.doubtful").count() == 1
        assert "check it" in (page.locator(".w.doubtful").get_attribute("title") or "")
        assert page.locator("#turn-2.low-turn").count() == 0  # the data says it is not low
        for number, problem in enumerate(PROBLEMS, 1):
            page.keyboard.press("n")
            assert abs(now(page) - (problem["at"] - 1)) < 0.3
            assert page.locator("#problem-status").inner_text().startswith(
                f"Problem {number} of 4: ")
            assert page.locator("#problems li[aria-current]").inner_text().endswith(
                problem["label"])
            page.evaluate("document.getElementById('audio').pause()")
        page.keyboard.press("n")
        assert page.locator("#problem-status").inner_text() == "No more problems after this point."
        page.keyboard.press("p")
        assert page.locator("#problem-status").inner_text().startswith("Problem 3 of 4")
        page.locator("#prev-problem").click()
        assert page.locator("#problem-status").inner_text().startswith("Problem 2 of 4")
        assert page.errors == []


def test_accessible_in_both_themes_and_on_a_phone(outdir: Path) -> None:
    """axe-core finds nothing serious or critical (WCAG AA contrast included) at
    1280x900 and 390x844, light and dark; screenshots of each are kept."""
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    with browser_page() as page:
        for width, height in ((1280, 900), (390, 844)):
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.set_viewport_size({"width": width, "height": height})
                open_page(page, outdir / "sample-episode.html")
                page.locator(".cue").nth(2).click()
                page.keyboard.press("e")
                page.screenshot(path=str(ARTIFACTS / f"review-{width}-{scheme}.png"))
                found = Axe().run(page).response["violations"]
                serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                           for v in found if v["impact"] in ("serious", "critical")]
                assert serious == [], (width, scheme)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        # On the phone the player stays in view while the transcript scrolls.
        page.locator("#turn-5").scroll_into_view_if_needed()
        assert page.locator("#player").bounding_box()["y"] == 0
        assert page.errors == []


def _seconds(stamp: str) -> float:
    """``HH:MM:SS.mmm`` in seconds (webvtt-py's own property drops the fraction)."""
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def test_problems_are_listed_in_the_order_they_are_heard() -> None:
    """The problems of an alignment, from the model's own types: the offset, a break,
    a low turn (its missing words not listed again), a passage not found, a cut."""
    from exporter.model import Alignment, TurnAlignment, Word
    from exporter.writers.review import problems

    def words(turn: int, start: float, count: int) -> tuple[Word, ...]:
        return tuple(Word(f"w{i}", start + i, start + i + 0.5, "A", turn) for i in range(count))

    turns = [TurnAlignment(0, 10.0, words(0, 10.0, 5), "aligned", 1.0),
             TurnAlignment(1, 20.0, words(1, 20.0, 5), "interpolated", 0.4, unmatched=((1, 2),)),
             TurnAlignment(2, 60.0, words(2, 60.0, 8), "interpolated", 0.9, unmatched=((3, 4),)),
             TurnAlignment(3, 80.0, words(3, 80.0, 3), "aligned", 1.0)]
    found = problems(Alignment([w for t in turns for w in t.words], turns, 90.0, offset=10.0,
                               insertions=[(2, 25.5), (3, -12.25)]))
    assert [(p["kind"], p["at"], p["turn"]) for p in found] == [
        ("offset", 10.0, 1), ("low", 20.0, 2), ("insertion", 34.5, 3), ("missing", 63.0, 3),
        ("cut", 80.0, 4)]
    assert found[4]["label"] == "12.2 s cut from the audio before turn 4"
    assert found[2]["label"] == ("25.5 s of audio not in the transcript (a break?) before "
                                 "turn 3")
    assert found[3]["label"] == "Turn 3: 4 words not found in the audio"
    assert problems(None) == []


def test_words_that_could_not_be_aligned_are_not_called_missing() -> None:
    """Words every window failed on, with nothing saying the audio lacks them (a voice
    the model hears badly), are listed as not aligned, and marked apart from words the
    audio went on without: a producer reading "not found in the audio" looks for an
    edit."""
    from exporter.model import Alignment, TurnAlignment, Word
    from exporter.writers.review import problems

    words = tuple(Word(f"w{i}", 10.0 + i, 10.5 + i, "A", 0) for i in range(12))
    turn = TurnAlignment(0, 10.0, words, "interpolated", 0.9, unmatched=((0, 2),),
                         unaligned=((5, 6),))
    found = problems(Alignment(list(words), [turn], 30.0))
    assert [(p["kind"], p["at"], p["label"]) for p in found] == [
        ("missing", 10.0, "Turn 1: 2 words not found in the audio"),
        ("unaligned", 15.0, "Turn 1: 6 words that could not be aligned")]


def test_doubtful_words_are_marked_apart_on_the_page() -> None:
    """Words aligned by a fit poorer than their turn's bar are kept and named, so the
    producer checks those, not the whole turn; missing and unaligned words keep their
    own marks."""
    from exporter.model import Alignment, Cue, TurnAlignment, Word
    from exporter.writers.review import page_data

    words = tuple(Word(f"w{i}", 10.0 + i, 10.5 + i, "A", 0, "aligned") for i in range(6))
    turn = TurnAlignment(0, 10.0, words, "retried", 0.5, unmatched=((0, 1),),
                         doubtful=(2, 3))
    cue = Cue(10.0, 15.5, "A", ("w0 w1 w2 w3 w4 w5",), 0)
    data = page_data(list(words), [cue], [], speakers=["A"], starts=[10.0], duration=30.0,
                     audio="a.mp3", alignment=Alignment(list(words), [turn], 30.0))
    assert data["turns"][0]["cues"][0][2] == [
        ["w0", 10.0, 1], ["w1", 11.0], ["w2", 12.0, 3], ["w3", 13.0, 3], ["w4", 14.0],
        ["w5", 15.0]]
