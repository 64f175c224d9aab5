"""WebVTT chapters (``<track kind="chapters">``): each cue's text is a title.

A WebVTT file is also a transcript; it is taken as chapters only when its cues look
like chapters (one line each, none with a speaker's voice tag, 20 s or longer on
average), the way a producer's chapter track does and a caption track does not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from exporter import timecode
from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_TIMING = re.compile(rf"^\s*(?P<start>{timecode.TIMESTAMP})\s*-->\s*"
                     rf"(?P<end>{timecode.TIMESTAMP})(?:\s+.*)?$")
_TAG = re.compile(r"</?[^>]*>")
#: A caption track's cues last seconds; a chapter track's, minutes.
MIN_MEAN_CUE = 20.0


def _cues(text: str, source: str) -> tuple[list[tuple[int, float, float, list[str]]],
                                           list[int]]:
    """(line, start, end, text lines) of each cue, and the lines in no cue."""
    cues: list[tuple[int, float, float, list[str]]] = []
    unread: list[int] = []
    lines = text.lstrip("\ufeff").split("\n")
    number = 1
    while number <= len(lines):
        line = lines[number - 1]
        if number == 1 or not line.strip():
            number += 1
            continue
        block: list[tuple[int, str]] = []
        while number <= len(lines) and lines[number - 1].strip():
            block.append((number, lines[number - 1]))
            number += 1
        if block[0][1].startswith(("NOTE", "STYLE", "REGION")):
            continue
        at = next((k for k, (_, text_) in enumerate(block[:2]) if _TIMING.match(text_)), None)
        if at is None:
            unread.extend(n for n, _ in block)
            continue
        timing_line, timing = block[at]
        match = _TIMING.match(timing)
        assert match is not None
        try:
            start, end = timecode.parse(match["start"]), timecode.parse(match["end"])
        except ValueError as exc:
            raise InputError(str(exc), source, timing_line) from None
        cues.append((timing_line, start, end, [t for _, t in block[at + 1:]]))
    return cues, unread


class VttChapters(ChapterFormat):
    name = "webvtt"
    extensions = (".vtt",)
    description = "WebVTT chapter track: one cue per chapter, its text the title"
    readable = True
    writable = True
    needs_end = True

    def sniff(self, text: str) -> bool:
        head = text.lstrip("\ufeff")
        if not head.startswith("WEBVTT") or "<v" in head:
            return False
        try:
            cues, _ = _cues(text, "")
        except InputError:
            return False
        return bool(cues) and all(len(body) == 1 for *_, body in cues) and (
            sum(end - start for _, start, end, _ in cues) / len(cues) >= MIN_MEAN_CUE)

    def parse(self, text: str, source: str) -> ChapterList:
        cues, unread = _cues(text, source)
        chapters = []
        for line, start, end, body in cues:
            title = html.unescape(_TAG.sub("", " ".join(body))).strip()
            if not title:
                raise InputError("a chapter cue has no title", source, line)
            chapters.append(Chapter(title, start, end))
        return ChapterList(tuple(chapters), unread=tuple(unread))

    def render(self, chapters: Sequence[Chapter]) -> str:
        blocks = ["WEBVTT"]
        for number, chapter in enumerate(chapters, 1):
            start = chapter.start or 0.0
            end = chapter.end if chapter.end is not None else start
            title = (chapter.title.replace("&", "&amp;").replace("<", "&lt;")
                     .replace(">", "&gt;"))
            blocks.append(f"{number}\n{timecode.format_time(start)} --> "
                          f"{timecode.format_time(end)}\n{title}")
        return "\n\n".join(blocks) + "\n"
