"""Chapter list formats: reading each style, and writing then reading back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.chapterfiles import FORMATS, detect, export_format, read_chapter_file
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
])
def test_reads_each_style(write_text: Callable[..., Path], text: str, fmt: str,
                          expected: list[tuple[str, float | None]]) -> None:
    path = write_text(text, "chapters.txt")
    assert detect(text, str(path)).name == fmt
    assert [(c.title, c.start) for c in read_chapter_file(path)] == expected


def test_urls_are_kept(write_text: Callable[..., Path]) -> None:
    path = write_text("00:00:00.000 Intro <https://a.example>\n00:01:00.000 B\n")
    assert [c.url for c in read_chapter_file(path)] == ["https://a.example", None]


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
    assert [(c.title, c.start) for c in back] == [(c.title, c.start) for c in chapters]


def test_youtube_export() -> None:
    text = export_format("youtube").render([Chapter("Intro", 0, 65), Chapter("B", 65, 3725),
                                            Chapter("C", 3725, 4000)])
    assert text == "0:00 Intro\n1:05 B\n1:02:05 C\n"


def test_every_format_is_listed_once() -> None:
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    assert all(f.readable or f.writable for f in FORMATS)
