from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from exporter.readers import read_transcript


def test_whisper_without_speakers(write_text: Callable[..., Path]) -> None:
    data = {"text": "Hi there.", "segments": [
        {"id": 0, "start": 0.0, "end": 1.0, "text": " Hi"},
        {"id": 1, "start": 1.0, "end": 2.0, "text": " there."}]}
    t = read_transcript(write_text(json.dumps(data), "w.json"))
    assert t.format == "whisper-json"
    assert [(x.start, x.speaker, x.text) for x in t.turns] == [(0.0, "", "Hi there.")]
