"""Chapter lists as lines of text with a timestamp on each.

Reads every common style: ``HH:MM:SS Title``, ``H:MM:SS.mmm Title``, ``MM:SS Title``,
``(MM:SS) Title``, ``[MM:SS] Title``, ``MM:SS - Title``, ``Title - MM:SS``,
``Title (MM:SS)``, bullets and numbering before them, Podlove Simple Chapters'
``00:00:00.000 Title <url>``, mp4chaps and YouTube descriptions (whose other lines
are ignored). Writing is done by the named formats (podlove, mp4chaps, youtube).
"""

from __future__ import annotations

import re

from exporter import timecode
from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter

_TS = timecode.TIMESTAMP
_BULLET = r"(?:[-*\u2022]\s*|\d{1,3}[.)]\s+)?"
_URL = r"(?:\s+<(?P<url>[^>\s]+)>)?"
_LEADING = re.compile(
    rf"^\s*{_BULLET}[(\[]?(?P<ts>{_TS})[)\]]?\s*(?:[-\u2013\u2014|:]\s+)?(?P<title>.*?){_URL}\s*$")
_TRAILING = re.compile(
    rf"^\s*{_BULLET}(?P<title>.*?\S)\s*(?:[-\u2013\u2014|:]\s*|\s)[(\[]?(?P<ts>{_TS})[)\]]?\s*$")


def parse_line(line: str) -> tuple[str, str, str | None] | None:
    """(timestamp, title, url) of a chapter line, or None.

    >>> parse_line("(12:30) Open Source and Platform Risk")
    ('12:30', 'Open Source and Platform Risk', None)
    >>> parse_line("Quantization - 1:02:03")
    ('1:02:03', 'Quantization', None)
    >>> parse_line("00:00:00.000 Intro <https://example.com>")
    ('00:00:00.000', 'Intro', 'https://example.com')
    """
    match = _LEADING.match(line) or _TRAILING.match(line)
    if match is None or not match["title"].strip():
        return None
    url = match.groupdict().get("url")
    return match["ts"], match["title"].strip(), url


class TimestampLines(ChapterFormat):
    name = "timestamps"
    extensions = (".txt", ".chapters", ".md")
    description = "lines of 'HH:MM:SS Title' in any common style (YouTube, Podlove, mp4chaps)"
    readable = True

    def sniff(self, text: str) -> bool:
        return any(parse_line(line) for line in text.split("\n"))

    def parse(self, text: str, source: str) -> list[Chapter]:
        chapters = []
        for number, line in enumerate(text.split("\n"), 1):
            found = parse_line(line)
            if found is None:
                continue
            stamp, title, url = found
            try:
                start = timecode.parse(stamp)
            except ValueError as exc:
                raise InputError(str(exc), source, number) from None
            chapters.append(Chapter(title, start, url=url))
        return chapters
