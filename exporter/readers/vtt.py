"""WebVTT (.vtt): speakers from ``<v Name>`` or a ``Name:`` prefix."""

from __future__ import annotations

from exporter.model import Transcript
from exporter.readers.base import Reader, assemble
from exporter.readers.segments import read_cue_blocks


class VttReader(Reader):
    name = "vtt"
    extensions = (".vtt",)
    description = "WebVTT subtitles"

    def sniff(self, text: str) -> bool:
        head = text.lstrip("\ufeff")
        return head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t\n")

    def read(self, text: str, source: str) -> Transcript:
        return assemble(read_cue_blocks(text.lstrip("\ufeff"), source, skip_first=True),
                        source, self.name)
