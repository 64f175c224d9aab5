from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exporter.readers import read_transcript

VTT = """WEBVTT - a header comment

NOTE written by hand

intro
00:01.000 --> 00:02.000 align:start
<v.loud Jane Doe>Q&amp;A &lt;with&gt; AT&amp;T

00:00:02.500 --> 00:00:03.000
<v Jane Doe>now.

00:00:03.500 --> 00:00:04.000
<v John>Yes.
"""


def test_voices_entities_settings_and_notes(write_text: Callable[..., Path]) -> None:
    t = read_transcript(write_text(VTT, "x.vtt"))
    assert t.format == "vtt"
    assert [(x.start, x.speaker, x.text) for x in t.turns] == [
        (1.0, "Jane Doe", "Q&A <with> AT&T now."), (3.5, "John", "Yes.")]
