from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript


def doc(*segments: dict[str, object]) -> str:
    return json.dumps({"version": "1.0.0", "segments": list(segments)})


def test_segments_merge_by_speaker(write_text: Callable[..., Path]) -> None:
    path = write_text(doc({"speaker": "Jane", "startTime": 0.5, "endTime": 1, "body": "Hi"},
                          {"speaker": "Jane", "startTime": 1.2, "endTime": 2, "body": "there."},
                          {"speaker": "John", "startTime": 2.5, "endTime": 3, "body": "Yo."}),
                      "t.json")
    t = read_transcript(path)
    assert [(x.start, x.speaker, x.text, x.end) for x in t.turns] == [
        (0.5, "Jane", "Hi there.", 2.0), (2.5, "John", "Yo.", 3.0)]


@pytest.mark.parametrize(("segment", "message"), [
    ({"startTime": "0:01", "body": "x"}, "segment 1: 'startTime' must be a time in seconds"),
    ({"startTime": -1, "body": "x"}, "segment 1: 'startTime' must be a time in seconds"),
    ({"startTime": 1, "body": 5}, "segment 1: 'body' must be text"),
    ({"startTime": 3, "endTime": 1, "body": "x"}, "segment 1 ends before it starts"),
])
def test_bad_segments(write_text: Callable[..., Path], segment: dict[str, object],
                      message: str) -> None:
    path = write_text(doc(segment), "t.json")
    with pytest.raises(InputError) as info:
        read_transcript(path, "podcast-json")
    assert str(info.value) == f"{path}: {message}"


def test_broken_json_names_the_line(write_text: Callable[..., Path]) -> None:
    path = write_text('{"segments": [\n{"startTime": 1,\n "body": }]}', "t.json")
    with pytest.raises(InputError, match=r"t.json, line 3: not valid JSON"):
        read_transcript(path, "podcast-json")
