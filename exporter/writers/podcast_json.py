"""The Podcasting 2.0 JSON transcript (``application/json`` in ``<podcast:transcript>``).

One segment per cue, so a player that shows segments shows subtitle-sized pieces,
each with its speaker, as the Podcasting 2.0 transcript spec describes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from exporter.model import Cue
from exporter.writers.base import SubtitleWriter

VERSION = "1.0.0"


class PodcastJsonWriter(SubtitleWriter):
    name = "podcast-json"
    extensions = (".json",)

    def render(self, cues: Sequence[Cue], source: str, labels: bool = True) -> str:
        segments: list[dict[str, Any]] = []
        for cue in cues:
            segment: dict[str, Any] = {"startTime": round(cue.start, 3),
                                       "endTime": round(cue.end, 3), "body": cue.text}
            if labels:
                segment = {"speaker": cue.speaker, **segment}
            segments.append(segment)
        return json.dumps({"version": VERSION, "segments": segments}, indent=1,
                          ensure_ascii=False) + "\n"
