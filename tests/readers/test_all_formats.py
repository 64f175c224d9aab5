"""Every format holding the same transcript reads into the same turns."""

from __future__ import annotations

import pytest

from exporter.readers import read_transcript
from tests.conftest import DATA, SAMPLE

EXPECTED_FORMAT = {
    "rev.txt": "rev", "descript.txt": "rev", "otter.txt": "otter", "stamped.txt": "stamped",
    "bracketed.txt": "shownotes", "subtitles.srt": "srt", "subtitles.vtt": "vtt",
    "podcast.json": "podcast-json", "whisperx.json": "whisper-json",
    "shownotes-crlf.txt": "shownotes", "shownotes-cr.txt": "shownotes",
    "shownotes-bom.txt": "shownotes", "shownotes-utf16.txt": "shownotes",
}


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in (DATA / "formats").iterdir() if p.suffix != ".py") == sorted(
        EXPECTED_FORMAT)


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMAT))
def test_same_turns_in_every_format(name: str) -> None:
    expected = [(t.start, t.speaker, t.text) for t in read_transcript(SAMPLE).turns[:6]]
    transcript = read_transcript(DATA / "formats" / name)
    assert transcript.format == EXPECTED_FORMAT[name]
    assert [(t.start, t.speaker, t.text) for t in transcript.turns] == expected
    assert transcript.warnings == ()


@pytest.mark.parametrize("name", ["subtitles.srt", "subtitles.vtt", "podcast.json",
                                  "whisperx.json"])
def test_segment_starts_become_anchors(name: str) -> None:
    turn = read_transcript(DATA / "formats" / name).turns[0]
    # The first turn was written as three sentence segments.
    assert len(turn.anchors) == 2
    assert turn.words[turn.anchors[0].word_index] == "Your"
    assert turn.anchors[0].time == pytest.approx(15.084)
