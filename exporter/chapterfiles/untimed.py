"""A list of chapter titles without times, one per line, to be placed from the
transcript. Blank lines, bullets and numbering are ignored."""

from __future__ import annotations

import re

from exporter.chapterfiles.base import ChapterFormat
from exporter.chapterfiles.timestamps import parse_line
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_BULLET = re.compile(r"^\s*(?:[-*\u2022]\s+|\d{1,3}[.)]\s+)")
#: A longer line is prose, not a title.
MAX_TITLE = 150


class UntimedTitles(ChapterFormat):
    name = "titles"
    extensions = (".txt",)
    description = "one chapter title per line, without times"
    readable = True

    def sniff(self, text: str) -> bool:
        lines = [line for line in text.split("\n") if line.strip()]
        return bool(lines) and not text.lstrip().startswith(("{", "[", ";FFMETADATA")) and all(
            len(line) <= MAX_TITLE and parse_line(line) is None and "\t" not in line
            for line in lines)

    def parse(self, text: str, source: str) -> ChapterList:
        chapters = []
        for number, line in enumerate(text.split("\n"), 1):
            title = _BULLET.sub("", line).strip()
            if not title:
                continue
            if len(title) > MAX_TITLE:
                raise InputError(f"a chapter title of {len(title)} characters "
                                 f"(at most {MAX_TITLE})", source, number)
            chapters.append(Chapter(title))
        return ChapterList(tuple(chapters))
