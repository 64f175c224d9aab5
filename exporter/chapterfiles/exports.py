"""Write-only line formats: Podlove Simple Chapters, mp4chaps and YouTube.

(They are read back by :class:`~exporter.chapterfiles.timestamps.TimestampLines`.)
"""

from __future__ import annotations

from collections.abc import Sequence

from exporter.chapterfiles.base import ChapterFormat
from exporter.model import Chapter
from exporter.timecode import format_time


class Podlove(ChapterFormat):
    name = "podlove"
    extensions = (".txt", ".psc.txt")
    description = "Podlove Simple Chapters text: '00:00:00.000 Title <url>'"
    writable = True
    #: Whether a chapter's link follows its title, in angle brackets.
    urls = True

    def render(self, chapters: Sequence[Chapter]) -> str:
        return "".join(f"{format_time(c.start or 0)} {c.title}"
                       + (f" <{c.url}>" if c.url and self.urls else "") + "\n"
                       for c in chapters)


class Mp4Chaps(Podlove):
    """The same lines as Podlove, without links."""

    name = "mp4chaps"
    extensions = (".chapters.txt", ".txt")
    description = "mp4chaps / Nero text: '00:00:00.000 Title'"
    urls = False


class YouTube(ChapterFormat):
    name = "youtube"
    extensions = (".txt",)
    description = "YouTube description lines: '0:00 Title'"
    writable = True

    def render(self, chapters: Sequence[Chapter]) -> str:
        # YouTube wants the first at 0:00 and no zero-padded hour field.
        lines = []
        for chapter in chapters:
            stamp = format_time(chapter.start or 0, hours=False, fraction=False)
            lines.append(f"{stamp[1:] if stamp.startswith('0') else stamp} {chapter.title}")
        return "\n".join(lines) + "\n"
