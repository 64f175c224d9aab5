"""Our subtitle files, read by programs we did not write."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pysubs2
import pytest
import srt
import webvtt

from exporter.pipeline import make_subtitles
from tests.browser import browser_page, serve
from tests.conftest import EPISODE, SAMPLE, ffmpeg_exe

TRICKY = "Q&A <with> AT&T --> you"
MS = timedelta(milliseconds=1)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("readers")
    make_subtitles(SAMPLE, [out / "sample.vtt", out / "sample.srt"])
    tricky = out / "tricky.txt"
    tricky.write_text(f"[00:00:01] Host: {TRICKY}\n[00:00:06] Guest: Right.\n")
    make_subtitles(tricky, [out / "tricky.vtt", out / "tricky.srt"])
    shutil.copyfile(EPISODE, out / "episode.mp3")
    return {p.stem + p.suffix: p for p in out.iterdir()}


@pytest.mark.parametrize("name", ["sample.vtt", "sample.srt", "tricky.vtt"])
def test_ffmpeg_converts_without_errors_and_keeps_every_cue(files: dict[str, Path],
                                                            name: str) -> None:
    source = files[name]
    target = source.with_name(source.name + ".ass")
    proc = subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), str(target)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stderr == ""
    dialogues = [line for line in target.read_text().splitlines()
                 if line.startswith("Dialogue:")]
    written = source.read_text(encoding="utf-8").count(" --> ")
    assert len(dialogues) == written == len(pysubs2.load(str(source)))


def test_webvtt_py_srt_and_pysubs2_agree_on_the_cues(files: dict[str, Path]) -> None:
    vtt = webvtt.read(str(files["sample.vtt"]))
    subs = list(srt.parse(files["sample.srt"].read_text(encoding="utf-8")))
    assert len(vtt) == len(subs) == len(pysubs2.load(str(files["sample.vtt"]))) > 500
    for caption, sub in zip(vtt, subs, strict=True):
        assert caption.start_time.in_milliseconds() == sub.start // MS
        assert caption.end_time.in_milliseconds() == sub.end // MS


def test_vtt_header_note_hours_and_voices(files: dict[str, Path]) -> None:
    text = files["sample.vtt"].read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\nNOTE Subtitles for ai-engineering-podcast-amd-rocm.txt")
    vtt = webvtt.read(str(files["sample.vtt"]))
    assert all(c.start.count(":") == 2 and c.end.count(":") == 2 for c in vtt)
    assert all(c.raw_text.startswith("<v ") for c in vtt)
    assert vtt[0].raw_text.startswith("<v Tobias Macey>Hello,")


def test_vtt_escapes_text(files: dict[str, Path]) -> None:
    text = files["tricky.vtt"].read_text(encoding="utf-8")
    assert "Q&amp;A &lt;with&gt; AT&amp;T --&gt; you" in text
    body = text.split("\n\n", 2)[2]
    assert "-->" not in body.replace(" --> ", "")


def test_srt_numbering_commas_and_labels(files: dict[str, Path]) -> None:
    blocks = files["sample.srt"].read_text(encoding="utf-8").split("\n\n")
    assert blocks[0].splitlines()[:3] == ["1", "00:00:05,000 --> 00:00:08,884",
                                           "Tobias Macey: Hello,"]
    numbers = [int(b.splitlines()[0]) for b in blocks if b.strip()]
    assert numbers == list(range(1, len(numbers) + 1))
    tricky = list(srt.parse(files["tricky.srt"].read_text(encoding="utf-8")))
    assert tricky[0].content.replace("\u2060", "") == f"Host: {TRICKY}"


def test_chromium_track_reads_every_cue(files: dict[str, Path]) -> None:
    page_file = files["sample.vtt"].with_name("track.html")
    page_file.write_text(
        '<!doctype html><audio id="a" src="episode.mp3" preload="metadata">'
        '<track id="t" kind="subtitles" src="sample.vtt" default></audio>'
        '<audio id="b"><track id="u" kind="subtitles" src="tricky.vtt" default></audio>')
    with serve(page_file.parent) as base, browser_page() as page:
        page.goto(f"{base}/track.html", wait_until="domcontentloaded")
        page.evaluate("for (const t of document.querySelectorAll('track')) "
                      "t.track.mode = 'hidden'")
        page.wait_for_function("[...document.querySelectorAll('track')]"
                               ".every(t => t.readyState === 2)", timeout=15000)
        count = page.evaluate("document.getElementById('t').track.cues.length")
        shown = page.evaluate("document.getElementById('u').track.cues[0]"
                              ".getCueAsHTML().textContent")
        voice = page.evaluate("document.getElementById('u').track.cues[0].text")
    assert count == len(webvtt.read(str(files["sample.vtt"])))
    assert shown == TRICKY
    assert voice.startswith("<v Host>")
