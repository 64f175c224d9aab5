"""Whisper and WhisperX JSON: ``segments[].start/end/text``, with an optional ``speaker``."""

from __future__ import annotations

from exporter.model import Transcript
from exporter.readers.base import Reader, assemble
from exporter.readers.segments import first_keys, read_json_segments


class WhisperJsonReader(Reader):
    name = "whisper-json"
    extensions = (".json",)
    description = "Whisper / WhisperX JSON"

    def sniff(self, text: str) -> bool:
        return {"start", "text"} <= first_keys(text)

    def read(self, text: str, source: str) -> Transcript:
        turns = read_json_segments(text, source, start="start", end="end", body="text")
        return assemble(turns, source, self.name)
