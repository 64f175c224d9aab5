"""The Podcasting 2.0 JSON transcript: ``segments[].speaker/startTime/endTime/body``."""

from __future__ import annotations

from exporter.model import Transcript
from exporter.readers.base import Reader, assemble
from exporter.readers.segments import first_keys, load_json, read_json_segments


class PodcastJsonReader(Reader):
    name = "podcast-json"
    extensions = (".json",)
    description = "Podcasting 2.0 JSON transcript"

    def sniff(self, text: str) -> bool:
        data = load_json(text)
        return isinstance(data, dict) and {"startTime", "body"} <= first_keys(text)

    def read(self, text: str, source: str) -> Transcript:
        turns = read_json_segments(text, source, start="startTime", end="endTime", body="body")
        return assemble(turns, source, self.name)
