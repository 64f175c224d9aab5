"""OGM / Matroska simple chapters: ``CHAPTER01=00:00:00.000`` then
``CHAPTER01NAME=Title`` (mkvmerge, MKVToolNix, many audiobook tools)."""

from __future__ import annotations

import re

from exporter import timecode
from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_LINE = re.compile(r"^\s*CHAPTER(?P<n>\d+)(?P<name>NAME)?\s*=(?P<value>.*)$", re.I)


class OgmChapters(ChapterFormat):
    name = "ogm"
    extensions = (".txt", ".ogm")
    description = "OGM simple chapters (CHAPTER01=… / CHAPTER01NAME=…)"
    readable = True

    def sniff(self, text: str) -> bool:
        first = next((line for line in text.lstrip("\ufeff").split("\n") if line.strip()), "")
        match = _LINE.match(first)
        return match is not None and not match["name"]

    def parse(self, text: str, source: str) -> ChapterList:
        starts: dict[str, tuple[int, float]] = {}
        names: dict[str, str] = {}
        unread: list[int] = []
        for number, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            if not line.strip():
                continue
            match = _LINE.match(line)
            if match is None:
                unread.append(number)
            elif match["name"]:
                names[match["n"]] = match["value"].strip()
            else:
                try:
                    starts[match["n"]] = (number, timecode.parse(match["value"]))
                except ValueError as exc:
                    raise InputError(str(exc), source, number) from None
        chapters = []
        for key, (number, start) in starts.items():
            if key not in names:
                raise InputError(f"CHAPTER{key} has no CHAPTER{key}NAME line", source, number)
            chapters.append(Chapter(names[key], start))
        return ChapterList(tuple(chapters), unread=tuple(unread))
