"""SubRip (.srt): numbered cues; speakers as a ``Name:`` prefix or ``<v Name>``."""

from __future__ import annotations

import re

from exporter.model import Transcript
from exporter.readers.base import Reader, assemble
from exporter.readers.segments import TIMING, read_cue_blocks


class SrtReader(Reader):
    name = "srt"
    extensions = (".srt",)
    description = "SubRip subtitles"
    _first_cue = re.compile(r"\A\s*(?:\d+\s*\n)?" + TIMING.pattern.lstrip("^"), re.M)

    def sniff(self, text: str) -> bool:
        return not text.lstrip().startswith("WEBVTT") and bool(self._first_cue.match(text))

    def read(self, text: str, source: str) -> Transcript:
        return assemble(read_cue_blocks(text, source, skip_first=False), source, self.name)
