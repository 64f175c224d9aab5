"""Audacity label tracks: ``start<TAB>end<TAB>label`` in seconds."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from exporter.chapterfiles.base import ChapterFormat
from exporter.errors import InputError
from exporter.model import Chapter, ChapterList

_LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)\t(\d+(?:\.\d+)?)\t(.*)$")


class AudacityLabels(ChapterFormat):
    name = "audacity"
    extensions = (".txt", ".tsv")
    description = "Audacity label track (TSV)"
    readable = True
    writable = True

    def sniff(self, text: str) -> bool:
        lines = [line for line in text.split("\n") if line.strip()]
        # Spectral-selection lines ("\t<freq>\t<freq>") follow a label in newer exports.
        labels = [line for line in lines if not line.startswith("\\")]
        return bool(labels) and all(_LINE.match(line) for line in labels)

    def parse(self, text: str, source: str) -> ChapterList:
        chapters = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip() or line.startswith("\\"):
                continue
            match = _LINE.match(line)
            if match is None:
                raise InputError("expected 'start<TAB>end<TAB>label'", source, number)
            start, end = float(match[1]), float(match[2])
            if not math.isfinite(start) or end < start:
                raise InputError("the label ends before it starts", source, number)
            chapters.append(Chapter(match[3].strip(), start, end))
        return ChapterList(tuple(chapters))

    def render(self, chapters: Sequence[Chapter]) -> str:
        return "".join(f"{c.start or 0:.6f}\t{c.end or c.start or 0:.6f}\t{c.title}\n"
                       for c in chapters)
