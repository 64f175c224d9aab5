"""Any text given to the readers (transcripts and chapter lists) parses or raises
InputError, never anything else; any chapter list survives an ID3 round trip, read
back by mutagen and by ffprobe."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.chapterfiles import parse_chapters
from exporter.errors import InputError
from exporter.model import Chapter
from exporter.readers import FORMAT_NAMES, parse_transcript
from exporter.readers.text import decode
from exporter.writers.id3 import read_chapters, write_chapters
from tests.conftest import EPISODE, ffprobe_chapters, temp_copy
from tests.fuzzing import examples

stamps = st.one_of(
    st.builds(lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}", st.integers(0, 120),
              st.integers(0, 99), st.integers(0, 99)),
    st.builds(lambda m, s, f: f"{m}:{s:02d}.{f}", st.integers(0, 200), st.integers(0, 70),
              st.integers(0, 9999)),
)
speakers = st.sampled_from(["Jane", "John Roe", "", "Dr. X", "ä b", "12", "A" * 70])
speech = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                 max_size=40)


@st.composite
def transcript_like(draw: st.DrawFn) -> str:
    """Lines shaped like every supported format, mixed with noise."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        ts, who, words = draw(stamps), draw(speakers), draw(speech)
        lines.append(draw(st.sampled_from([
            f"[{ts}] {who}: {words}", f"[{ts}]", f"{who}:", f"{who} ({ts}): {words}",
            f"{who}  {ts}", f"{ts} {who}: {words}", f"{ts} --> {draw(stamps)}",
            f"<v {who}>{words}", "WEBVTT", "", words, f"{words} [{ts}] {words}", "1",
        ])))
    return "\n".join(lines)


@st.composite
def json_like(draw: st.DrawFn) -> str:
    values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**7),
                       st.floats(allow_nan=True, allow_infinity=True), speech)
    segment = st.dictionaries(
        st.sampled_from(["start", "end", "text", "startTime", "endTime", "body", "speaker"]),
        values)
    doc = draw(st.dictionaries(st.sampled_from(["segments", "version", "text"]),
                               st.one_of(st.lists(st.one_of(segment, values), max_size=6),
                                         values)))
    return json.dumps(doc)


def parses_or_input_error(text: str, fmt: str | None) -> None:
    try:
        transcript = parse_transcript(text, "fuzz.txt", fmt)
    except InputError:
        return
    assert transcript.turns
    starts = [turn.start for turn in transcript.turns]
    assert starts == sorted(starts)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), transcript_like(), json_like()),
       st.sampled_from([None, *FORMAT_NAMES]))
def test_any_text_parses_or_raises_input_error(text: str, fmt: str | None) -> None:
    parses_or_input_error(text, fmt)


@settings(max_examples=examples(200))
@given(st.binary())
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text, _ = decode(data, "fuzz.txt")
    except InputError:
        return
    parses_or_input_error(text, None)


@st.composite
def chapter_list_like(draw: st.DrawFn) -> str:
    """Lines shaped like the chapter formats (timestamp lines in every style, Podlove,
    ffmetadata, Audacity labels, titles), mixed with noise."""
    lines = []
    for _ in range(draw(st.integers(0, 10))):
        ts, title = draw(stamps), draw(speech)
        seconds = draw(st.floats(allow_nan=True, allow_infinity=True))
        lines.append(draw(st.sampled_from([
            f"{ts} {title}", f"{ts} - {title}", f"({ts}) {title}", f"{title} - {ts}",
            f"{ts}.000 {title}", "[CHAPTER]", "TIMEBASE=1/1000", f"START={draw(stamps)}",
            f"END={ts}", f"title={title}", ";FFMETADATA1", f"{seconds}\t{seconds}\t{title}",
            title, "", f"{ts}",
        ])))
    return "\n".join(lines)


@st.composite
def chapters_json_like(draw: st.DrawFn) -> str:
    values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**7),
                       st.floats(allow_nan=True, allow_infinity=True), speech)
    chapter = st.dictionaries(st.sampled_from(["startTime", "endTime", "title", "url", "img",
                                               "toc"]), values)
    return json.dumps({"version": "1.2.0",
                       "chapters": draw(st.lists(st.one_of(chapter, values), max_size=6))})


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), chapter_list_like(), chapters_json_like()))
def test_any_text_is_a_chapter_list_or_an_input_error(text: str) -> None:
    try:
        chapters = parse_chapters(text, "fuzz.txt").chapters
    except InputError:
        return
    assert chapters
    timed = [c.start is not None for c in chapters]
    assert all(timed) or not any(timed)
    for chapter in chapters:
        assert isinstance(chapter.title, str)
        assert chapter.start is None or (math.isfinite(chapter.start) and chapter.start >= 0)


# ID3 round trip: any chapter list, written, then read back by mutagen and ffprobe.

#: Titles from every corner of Unicode a producer might type: emoji (with joiners
#: and skin tones), right-to-left scripts, combining marks, CJK. Control characters
#: are not titles.
title_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Co", "Cn"]),
        st.sampled_from(["\U0001F3A7", "\U0001F469\u200D\U0001F4BB", "\U0001F44D\U0001F3FD",
                         "\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627",
                         "e\u0301", "\u0915\u094D\u0937", "\u4E2D\u6587", "\u200F"])),
    max_size=500).map(lambda pieces: "".join(pieces)[:500])
urls = st.one_of(st.none(), st.builds(lambda path: f"https://example.com/{path}",
                                      st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/",
                                              max_size=80)))


@st.composite
def chapter_lists(draw: st.DrawFn) -> list[Chapter]:
    count = draw(st.one_of(st.integers(1, 8), st.integers(1, 255)))
    # Start times in whole milliseconds (ID3's unit) inside the sample episode.
    starts = sorted(draw(st.sets(st.integers(1, 116_000), min_size=count - 1,
                                 max_size=count - 1)))
    starts = [0, *starts]
    ends = [*starts[1:], 116_600]
    return [Chapter(draw(title_text), s / 1000, e / 1000, draw(urls))
            for s, e in zip(starts, ends, strict=True)]


@settings(max_examples=examples(12), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chapter_lists(), st.sampled_from([3, 4]))
def test_id3_round_trip_through_mutagen_and_ffprobe(chapters: list[Chapter],
                                                   version: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        episode = temp_copy(EPISODE, Path(tmp))
        write_chapters(episode, chapters, version=version)
        back = [t.chapter for t in read_chapters(episode)]
        assert [(c.title, c.start, c.end, c.url) for c in back] == [
            (c.title, c.start, c.end, c.url) for c in chapters]
        if version == 4 and any(len(c.title.encode()) > 120 or len(c.url or "") > 120
                                for c in chapters):
            return  # ffmpeg misreads v2.4 sub-frames past 127 bytes (README, chapters)
        probed = ffprobe_chapters(episode)
        # ffmpeg shows a chapter without a title by its element ID.
        assert [(t, round(s, 3), round(e, 3)) for t, s, e in probed] == [
            (c.title or f"chp{i}", c.start, c.end) for i, c in enumerate(chapters)]
