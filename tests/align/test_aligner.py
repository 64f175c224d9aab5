"""Alignment to real audio: the bundled sample episode, spoken by espeak-ng."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
from pathlib import Path

import pytest

from exporter.align.aligner import align
from exporter.align.measure import sentence_starts, summary
from exporter.errors import AudioError
from exporter.model import Word
from exporter.pipeline import make_subtitles
from exporter.readers import read_transcript
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, SAMPLES, ffmpeg_exe, invoke
from tests.style_checker import read_vtt

TRUTH = json.loads((SAMPLES / "sample-episode.truth.json").read_text())["sentences"]
SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")


def errors_against_truth(starts: list[float]) -> list[float]:
    assert len(starts) == len(TRUTH)
    return sorted(abs(s - t["start"]) for s, t in zip(starts, TRUTH, strict=True))


def assert_targets(errors: list[float]) -> None:
    figures = summary(errors)
    assert figures["median"] <= 0.050
    assert figures["within_150ms"] >= 0.90
    assert figures["within_500ms"] >= 0.98
    assert figures["worst"] <= 2.0


@pytest.fixture(scope="module")
def aligned() -> list[Word]:
    return align(read_transcript(EPISODE_TRANSCRIPT), EPISODE, jobs=2).words


def test_every_word_is_aligned_in_order(aligned: list[Word]) -> None:
    transcript = read_transcript(EPISODE_TRANSCRIPT)
    assert [w.text for w in aligned] == [w for t in transcript.turns for w in t.words]
    assert all(w.method == "aligned" for w in aligned)
    starts = [w.start for w in aligned]
    assert starts == sorted(starts)


def test_sentence_starts_meet_the_accuracy_targets(aligned: list[Word]) -> None:
    assert_targets(errors_against_truth(sentence_starts(aligned)))


def test_the_result_does_not_depend_on_the_number_of_workers(aligned: list[Word]) -> None:
    assert align(read_transcript(EPISODE_TRANSCRIPT), EPISODE, jobs=1).words == aligned


def test_subtitle_cues_that_start_a_sentence_start_when_it_is_spoken(tmp_path: Path) -> None:
    out = tmp_path / "x.vtt"
    make_subtitles(EPISODE_TRANSCRIPT, [out], audio=EPISODE, jobs=2)
    cues = read_vtt(out)
    # Cues that begin a sentence: the first of a turn, or after a sentence end.
    starts, previous_ended = [], True
    truth_texts = [t["text"] for t in TRUTH]
    for cue in cues:
        text = " ".join(cue.lines)
        if previous_ended or any(t.startswith(text.split()[0]) for t in truth_texts[:0]):
            starts.append(cue.start)
        previous_ended = bool(SENTENCE_END.search(text))
    matched = []
    for truth in TRUTH:
        # The cue that starts at this sentence's first word, if one does.
        near = min(starts, key=lambda s: abs(s - truth["start"]))
        matched.append(abs(near - truth["start"]))
    starting = [e for e in matched if e <= 2.0]
    assert len(starting) >= len(TRUTH) // 2
    assert statistics.median(starting) <= 0.050


def test_align_command_writes_the_word_document(tmp_path: Path) -> None:
    out = tmp_path / "words.json"
    result = invoke("-q", "align", EPISODE_TRANSCRIPT, EPISODE, "-o", out, "--jobs", "2")
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert set(data) == {"offset", "insertions", "words", "turns"}
    assert data["insertions"] == []
    assert set(data["words"][0]) == {"word", "start", "end", "speaker", "turn", "method"}
    assert len(data["turns"]) == 5
    assert all(t["method"] == "aligned" and t["confidence"] == 1.0 for t in data["turns"])


@pytest.mark.parametrize("content", [b"not audio at all\n" * 100, b""])
def test_audio_that_is_not_audio(tmp_path: Path, content: bytes) -> None:
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(content)
    with pytest.raises(AudioError, match="not audio that ffmpeg can decode"):
        align(read_transcript(EPISODE_TRANSCRIPT), fake)
    result = invoke("align", EPISODE_TRANSCRIPT, fake)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {fake}: not audio that ffmpeg can decode")


def test_an_intro_added_before_the_episode_is_found(tmp_path: Path) -> None:
    """20 s of tones and noise put before the sample: the offset is found from the
    audio, and the words land where they are spoken."""
    shifted = tmp_path / "shifted.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:duration=20:sample_rate=22050", "-i", str(EPISODE),
                    "-filter_complex", "[0:a]volume=0.2[a];[a][1:a]concat=n=2:v=0:a=1",
                    "-ac", "1", "-b:a", "48k", str(shifted)], check=True)
    result = align(read_transcript(EPISODE_TRANSCRIPT), shifted, jobs=2)
    assert abs(result.offset - 20.0) <= 0.5 + 0.6  # the first word comes after its stamp
    errors = errors_against_truth([s - 20.0 for s in sentence_starts(result.words)])
    assert statistics.median(errors) <= 0.050
    trusted = align(read_transcript(EPISODE_TRANSCRIPT), shifted, jobs=2, repair=False)
    assert trusted.offset == 0.0
