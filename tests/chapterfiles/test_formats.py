"""Chapter list formats: reading each style, and writing then reading back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.chapterfiles import (
    FORMATS,
    detect,
    export_format,
    list_warnings,
    read_chapter_file,
)
from exporter.errors import InputError
from exporter.model import Chapter


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("00:00:00 Intro\n00:05:30 Topic\n1:02:03 Later\n", "timestamps",
     [("Intro", 0.0), ("Topic", 330.0), ("Later", 3723.0)]),
    ("0:00.000 Intro\n5:30.500 Topic\n", "timestamps", [("Intro", 0.0), ("Topic", 330.5)]),
    ("(00:00) Intro\n(05:30) Topic\n", "timestamps", [("Intro", 0.0), ("Topic", 330.0)]),
    ("Intro - 00:00\nTopic - 5:30\n", "timestamps", [("Intro", 0.0), ("Topic", 330.0)]),
    ("Watch more!\n\nChapters:\n0:00 Intro\n5:30 - Topic\nSubscribe!\n", "timestamps",
     [("Intro", 0.0), ("Topic", 330.0)]),
    ("00:00:00.000 Intro <https://a.example>\n00:05:30.000 Topic\n", "timestamps",
     [("Intro", 0.0), ("Topic", 330.0)]),
    ('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, '
     '{"startTime": 330.5, "title": "Topic", "url": "https://b.example"}]}', "podcast-json",
     [("Intro", 0.0), ("Topic", 330.5)]),
    (";FFMETADATA1\ntitle=Show\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=330000\n"
     "title=Intro\n[CHAPTER]\nTIMEBASE=1/10\nSTART=3300\nEND=4000\ntitle=A\\=B\n",
     "ffmetadata", [("Intro", 0.0), ("A=B", 330.0)]),
    ("0.000000\t330.000000\tIntro\n330.000000\t400.000000\tTopic\n", "audacity",
     [("Intro", 0.0), ("Topic", 330.0)]),
    ("Intro\n- Topic one\n2. Topic two\n", "titles",
     [("Intro", None), ("Topic one", None), ("Topic two", None)]),
    # Seen in the wild: comment headers, chapter tracks, Podlove XML, OGM, audiobook
    # JSON, Markdown show notes.
    ("# made by a tool\n## total-duration:: 00:10:00.000\n00:00:00.000 A\n00:05:00.000 B\n",
     "timestamps", [("A", 0.0), ("B", 300.0)]),
    ("WEBVTT\n\n00:00:00.000 --> 00:02:20.000\nIntro\n\nchapter-2\n"
     "00:02:20.000 --> 00:05:30.000\nStart &amp; origin\n", "webvtt",
     [("Intro", 0.0), ("Start & origin", 140.0)]),
    ('<?xml version="1.0"?>\n<psc:chapters version="1.2" '
     'xmlns:psc="http://podlove.org/simple-chapters">\n'
     '  <psc:chapter start="0" title="Intro"/>\n'
     '  <psc:chapter start="00:02:20.500" title="Topic" href="https://a.example"/>\n'
     '</psc:chapters>\n', "psc", [("Intro", 0.0), ("Topic", 140.5)]),
    ("CHAPTER01=00:00:00.000\nCHAPTER01NAME=Intro\nCHAPTER02=00:02:20.000\n"
     "CHAPTER02NAME=Topic\n", "ogm", [("Intro", 0.0), ("Topic", 140.0)]),
    ('{"chapters": [{"lengthMs": 140000, "startOffsetMs": 0, "title": "Intro"}, '
     '{"lengthMs": 60000, "startOffsetMs": 140000, "title": "Topic"}], '
     '"runtimeLengthMs": 200000}', "audible-json", [("Intro", 0.0), ("Topic", 140.0)]),
    ("---\ntitle: Show\n---\n\n### Show Notes\n\n* **[00:00](#t=00:00)** Welcome\n"
     "* **[01:40](#t=01:40)** Brought to you by [Sentry](https://sentry.io).\n", "timestamps",
     [("Welcome", 0.0), ("Brought to you by Sentry.", 100.0)]),
    ("## Show Notes\n\n5:23\n\n* Components\n\n12:30\n\n* JSX\n", "timestamps",
     [("Components", 323.0), ("JSX", 750.0)]),
])
def test_reads_each_style(write_text: Callable[..., Path], text: str, fmt: str,
                          expected: list[tuple[str, float | None]]) -> None:
    path = write_text(text, "chapters.txt")
    assert detect(text, str(path)).name == fmt
    assert [(c.title, c.start) for c in read_chapter_file(path).chapters] == expected


def test_urls_are_kept(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:00.000 Intro <https://a.example>\n00:01:00.000 B\n")
    assert [c.url for c in read_chapter_file(path).chapters] == ["https://a.example", None]


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
    (b"x" * 400 + b"\n", "not a chapter list in any known format"),
    (b'{"something": "else"}', "not a chapter list in any known format"),
    (b"0:00 Intro\nTopic without a time\n0:61 Bad\n", "line 3: impossible timestamp"),
    (b'{"chapters": [{"startTime": "soon", "title": "x"}]}', "'startTime' must be seconds"),
])
def test_bad_chapter_files(write_text: Callable[..., Path], data: bytes, message: str) -> None:
    path = write_text(data, "chapters.txt")
    with pytest.raises(InputError, match=message):
        read_chapter_file(path)


titles = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl",
                                                                         "Zp"]),
                 min_size=1, max_size=60).map(str.strip).filter(
    lambda t: bool(t) and "<" not in t and t[0] not in "-*(" and not t[0].isdigit())


@st.composite
def chapter_lists(draw: st.DrawFn) -> list[Chapter]:
    count = draw(st.integers(1, 20))
    starts = sorted(draw(st.sets(st.integers(0, 10_000_000), min_size=count, max_size=count)))
    starts[0] = 0
    names = draw(st.lists(titles, min_size=count, max_size=count))
    ends = [*starts[1:], starts[-1] + 5000]
    return [Chapter(n, s / 1000, e / 1000) for n, s, e in zip(names, starts, ends,
                                                               strict=True)]


@pytest.mark.parametrize("name", ["podcast-json", "ffmetadata", "audacity", "podlove",
                                  "mp4chaps"])
@given(chapters=chapter_lists())
def test_write_then_read_back(name: str, chapters: list[Chapter]) -> None:
    if name == "audacity":
        chapters = [c for c in chapters if "\t" not in c.title]
    text = export_format(name).render(chapters)
    fmt = detect(text, "x")
    back = fmt.parse(text, "x")
    assert [(c.title, c.start) for c in back.chapters] == [(c.title, c.start)
                                                           for c in chapters]
    assert not back.unread


@given(chapters=chapter_lists())
def test_webvtt_chapters_write_then_read_back(chapters: list[Chapter]) -> None:
    # Parsed directly: detection wants chapter-long cues, and these may be 1 ms long.
    fmt = export_format("webvtt")
    back = fmt.parse(fmt.render(chapters), "x")
    assert [(c.title, c.start, c.end) for c in back.chapters] == [
        (c.title, c.start, c.end) for c in chapters]


def test_what_is_not_a_chapter_is_reported_by_line(write_text: Callable[..., Path]) -> None:
    path = write_text("# Chapters for episode 12\nIn this episode we talk.\n\n0:00 Intro\n"
                      "// generated\n5:30 Topic\nSubscribe!\n", "notes.txt")
    found = read_chapter_file(path)
    assert [c.title for c in found.chapters] == ["Intro", "Topic"]
    assert list_warnings(found, "notes.txt") == [
        "notes.txt: lines 1 and 5 skipped (comments or headings)",
        "notes.txt: lines 2 and 7 not understood; they are not chapters"]


def test_the_files_own_end_is_kept(write_text: Callable[..., Path]) -> None:
    header = read_chapter_file(write_text("## total-duration:: 00:10:00.5\n0:00 A\n5:00 B\n"))
    assert header.end == 600.5 and not header.skipped
    book = read_chapter_file(write_text(
        '{"chapters": [{"startOffsetMs": 0, "lengthMs": 5, "title": "A"}], '
        '"runtimeLengthMs": 9000}', "book.json"))
    assert book.end == 9.0


def test_an_ffmetadata_value_may_run_over_lines(write_text: Callable[..., Path]) -> None:
    path = write_text(";FFMETADATA1\ndescription=two \\\nlines\n[CHAPTER]\nTIMEBASE=1/1000\n"
                      "START=0\nEND=5000\ntitle=A \\\nB\n", "x.ffmetadata")
    found = read_chapter_file(path)
    assert [c.title for c in found.chapters] == ["A \nB"] and not found.unread


def test_a_caption_track_is_not_a_chapter_track() -> None:
    captions = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nHello there.\n\n" \
               "00:00:03.000 --> 00:00:06.000\nHow are you?\n"
    with pytest.raises(InputError, match="not a chapter list"):
        detect(captions, "x")  # nor timestamp lines: a timing line is never a title


def test_youtube_export() -> None:
    text = export_format("youtube").render([Chapter("Intro", 0, 65), Chapter("B", 65, 3725),
                                            Chapter("C", 3725, 4000)])
    assert text == "0:00 Intro\n1:05 B\n1:02:05 C\n"


def test_every_format_is_listed_once() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    assert all(f.readable or f.writable for f in FORMATS)
