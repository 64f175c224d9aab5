from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers import read_transcript

SRT = """1
00:00:01,000 --> 00:00:02,500
Jane Doe: Hello there,

2
00:00:02,600 --> 00:00:04,000
<i>how are</i> you?

3
00:00:04,100 --> 00:00:05,000
John: Fine.
"""


def test_prefix_speaker_carries_over_and_cues_merge(write_text: Callable[..., Path]) -> None:
    t = read_transcript(write_text(SRT, "x.srt"))
    assert t.format == "srt"
    assert [(x.start, x.speaker, x.text, x.end) for x in t.turns] == [
        (1.0, "Jane Doe", "Hello there, how are you?", 4.0), (4.1, "John", "Fine.", 5.0)]
    assert [(a.word_index, a.time) for a in t.turns[0].anchors] == [(2, 2.6)]


def test_cues_without_speakers(write_text: Callable[..., Path]) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:03,000 --> 00:00:04,000\nBye.\n"
    t = read_transcript(write_text(text, "x.srt"))
    assert [(x.speaker, x.text) for x in t.turns] == [("", "Hello. Bye.")]


def test_a_block_without_timing_names_its_line(write_text: Callable[..., Path]) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\nno timing here\n"
    with pytest.raises(InputError, match=r"x.srt, line 5: expected a cue timing line"):
        read_transcript(write_text(text, "x.srt"))


def test_a_cue_that_ends_before_it_starts(write_text: Callable[..., Path]) -> None:
    text = "1\n00:00:05,000 --> 00:00:02,000\nHello.\n"
    with pytest.raises(InputError, match=r"line 2: the cue ends before it starts"):
        read_transcript(write_text(text, "x.srt"))
