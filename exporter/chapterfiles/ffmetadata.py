"""ffmpeg's metadata file: ``;FFMETADATA1`` and ``[CHAPTER]`` blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_SPECIAL = re.compile(r"([=;#\\\n])")


def escape(value: str) -> str:
    r"""Escape a value as ffmetadata requires.

    >>> escape("a=b; c#d\\e")
    'a\\=b\\; c\\#d\\\\e'
    """
    return _SPECIAL.sub(r"\\\1", value)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value, flags=re.S)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, stripped text) of each line, a value continued past an
    escaped newline (a line ending in an odd number of backslashes) joined up."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        pending = (pending[0], pending[1] + "\n" + raw) if pending else (number, raw)
        trailing = len(pending[1]) - len(pending[1].rstrip("\\"))
        if trailing % 2 == 0:
            out.append((pending[0], pending[1].strip()))
            pending = None
    if pending is not None:
        out.append((pending[0], pending[1].strip()))
    return out


class FfMetadata(ChapterFormat):
    name = "ffmetadata"
    extensions = (".ffmetadata", ".ini", ".txt")
    description = "ffmpeg metadata ([CHAPTER] blocks)"
    readable = True
    writable = True
    needs_end = True

    def sniff(self, text: str) -> bool:
        return text.lstrip("\ufeff").startswith(";FFMETADATA1")

    def parse(self, text: str, source: str) -> ChapterList:
        chapters: list[Chapter] = []
        unread: list[int] = []
        block: dict[str, str] | None = None
        block_line = 0

        def close() -> None:
            if block is None:
                return
            try:
                base = Fraction(block.get("timebase", "1/1000"))
                start = float(int(block["start"]) * base)
                end = float(int(block["end"]) * base) if "end" in block else None
            except (KeyError, ValueError, ZeroDivisionError):
                raise InputError("a [CHAPTER] needs a TIMEBASE, START and END that are "
                                 "numbers", source, block_line) from None
            if start < 0:
                raise InputError("a chapter starts before 0", source, block_line)
            chapters.append(Chapter(block.get("title", ""), start, end))

        for number, line in _logical_lines(text):
            if not line or line.startswith((";", "#")):
                continue
            if line.startswith("["):
                close()
                block = {} if line.upper() == "[CHAPTER]" else None
                block_line = number
                continue
            if "=" not in line:
                unread.append(number)
            elif block is not None:
                key, _, value = line.partition("=")
                block[key.strip().lower()] = _unescape(value)
        close()
        return ChapterList(tuple(chapters), unread=tuple(unread))

    def render(self, chapters: Sequence[Chapter]) -> str:
        lines = [";FFMETADATA1"]
        for chapter in chapters:
            lines += ["", "[CHAPTER]", "TIMEBASE=1/1000",
                      f"START={round((chapter.start or 0) * 1000)}",
                      f"END={round((chapter.end or chapter.start or 0) * 1000)}",
                      f"title={escape(chapter.title)}"]
        return "\n".join(lines) + "\n"
