from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exporter.readers import read_transcript


def test_otter_with_hours(write_text: Callable[..., Path]) -> None:
    path = write_text("Unknown Speaker  59:58\nStill going.\n\nJane Doe  1:00:02\nYes.\n")
    t = read_transcript(path)
    assert t.format == "otter"
    assert [(x.start, x.speaker) for x in t.turns] == [
        (3598.0, "Unknown Speaker"), (3602.0, "Jane Doe")]


def test_a_sentence_ending_in_a_clock_time_is_speech(write_text: Callable[..., Path]) -> None:
    path = write_text("Jane  0:01\nWe met at 10:30\nand talked.\n")
    assert read_transcript(path).turns[0].text == "We met at 10:30 and talked."
