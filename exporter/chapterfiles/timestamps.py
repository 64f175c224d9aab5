"""Chapter lists as lines of text with a timestamp on each.

Reads every common style: ``HH:MM:SS Title``, ``H:MM:SS.mmm Title``, ``MM:SS Title``,
``(MM:SS) Title``, ``[MM:SS] Title``, ``MM:SS - Title``, ``Title - MM:SS``,
``Title (MM:SS)``, bullets and numbering before them, Markdown show notes
(``* **[00:28](#t=00:28)** Title``, or a time alone on its line above the title),
Podlove Simple Chapters' ``00:00:00.000 Title <url>``, mp4chaps, and YouTube
descriptions. Comment and heading lines (``#``, ``;``, ``//``) are skipped, an
mp4chaps ``## total-duration::`` header ends the last chapter, and every other
line is reported as not understood, never made into a chapter. Writing is done by
the named formats (podlove, mp4chaps, youtube).
"""

from __future__ import annotations

import re

from exporter import timecode
from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_TS = timecode.TIMESTAMP
_BULLET = r"(?:[-*\u2022]\s*|\d{1,3}[.)]\s+)?"
_URL = r"(?:\s+<(?P<url>[^>\s]+)>)?"
_LEADING = re.compile(
    rf"^\s*{_BULLET}[(\[]?(?P<ts>{_TS})[)\]]?\s*(?:[-\u2013\u2014|:]\s+)?(?P<title>.*?){_URL}\s*$")
_TRAILING = re.compile(
    rf"^\s*{_BULLET}(?P<title>.*?\S)\s*(?:[-\u2013\u2014|:]\s*|\s)[(\[]?(?P<ts>{_TS})[)\]]?\s*$")
_ALONE = re.compile(rf"^\s*{_BULLET}[(\[]?(?P<ts>{_TS})[)\]]?\s*$")
#: ``[00:28](#t=00:28)``, a Markdown link whose text is the time: the time.
_LINKED = re.compile(rf"\[({_TS})\]\([^)\s]*\)")
#: Bold or italic markers around a time, the way show notes set it off.
_EMPHASIS = re.compile(rf"(\*\*|__|\*|_)({_TS})\1")
#: A subtitle cue's timing line: the file is captions, and the line is never a title.
_CUE_TIMING = re.compile(rf"{_TS}\s*-->")
_COMMENT = re.compile(r"^\s*(?:#|;|//)")
_TOTAL = re.compile(rf"^\s*##\s*total-duration::?\s*(?P<ts>{_TS})")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_UNTITLED = re.compile(r"^\s*(?:[-*\u2022]\s+|\d{1,3}[.)]\s+)?(?P<title>.*?)\s*$")


def _plain(line: str) -> str:
    return _EMPHASIS.sub(r"\2", _LINKED.sub(r"\1", line))


def parse_line(line: str) -> tuple[str, str, str | None] | None:
    """(timestamp, title, url) of a chapter line, or None.

    >>> parse_line("(12:30) Open Source and Platform Risk")
    ('12:30', 'Open Source and Platform Risk', None)
    >>> parse_line("Quantization - 1:02:03")
    ('1:02:03', 'Quantization', None)
    >>> parse_line("00:00:00.000 Intro <https://example.com>")
    ('00:00:00.000', 'Intro', 'https://example.com')
    >>> parse_line("* **[01:40](#t=01:40)** Brought to you by Sentry")
    ('01:40', 'Brought to you by Sentry', None)
    >>> parse_line("* **[01:40](#t=01:40)** Brought to you by [Sentry](https://sentry.io)")
    ('01:40', 'Brought to you by Sentry', 'https://sentry.io')
    >>> parse_line("## total-duration:: 00:00:01.500") is None
    True
    """
    if _COMMENT.match(line):
        return None
    plain = _plain(line)
    match = _LEADING.match(plain) or _TRAILING.match(plain)
    if match is None or not match["title"].strip():
        return None
    url = match.groupdict().get("url")
    if plain == line:  # not Markdown: the title is as written
        return match["ts"], match["title"].strip(), url
    return match["ts"], *_title(match["title"], url)


def _title(text: str, url: str | None) -> tuple[str, str | None]:
    """A Markdown title as text: a link becomes its text (and the chapter's link,
    when it is the only one), emphasis markers go."""
    links = _LINK.findall(text)
    if len(links) == 1 and url is None:
        url = links[0][1]
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return text.strip(), url


class TimestampLines(ChapterFormat):
    name = "timestamps"
    extensions = (".txt", ".chapters", ".md")
    description = "lines of 'HH:MM:SS Title' in any common style (YouTube, Podlove, mp4chaps)"
    readable = True

    def sniff(self, text: str) -> bool:
        lines = text.split("\n")
        if any(_CUE_TIMING.search(line) for line in lines):
            return False  # subtitles: a chapter track is read as WebVTT chapters
        return any(parse_line(line) for line in lines) or any(
            _ALONE.match(_plain(line)) for line in lines)

    def parse(self, text: str, source: str) -> ChapterList:
        chapters: list[Chapter] = []
        skipped: list[int] = []
        unread: list[int] = []
        end: float | None = None
        waiting: tuple[int, float] | None = None  # a time alone, whose title is below

        def start_of(stamp: str, number: int) -> float:
            try:
                return timecode.parse(stamp)
            except ValueError as exc:
                raise InputError(str(exc), source, number) from None

        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            total = _TOTAL.match(line)
            if total:
                end = start_of(total["ts"], number)
                continue
            if _COMMENT.match(line):
                skipped.append(number)
                continue
            if _CUE_TIMING.search(line):
                unread.append(number)
                continue
            alone = _ALONE.match(_plain(line))
            if alone:
                if waiting is not None:
                    unread.append(waiting[0])
                waiting = (number, start_of(alone["ts"], number))
                continue
            found = parse_line(line)
            if found is not None:
                if waiting is not None:
                    unread.append(waiting[0])
                    waiting = None
                stamp, title, url = found
                chapters.append(Chapter(title, start_of(stamp, number), url=url))
            elif waiting is not None:
                below = _UNTITLED.match(line)
                title, url = _title(below["title"] if below else line, None)
                chapters.append(Chapter(title, waiting[1], url=url))
                waiting = None
            else:
                unread.append(number)
        if waiting is not None:
            unread.append(waiting[0])
        return ChapterList(tuple(chapters), end, tuple(skipped), tuple(sorted(unread)))
