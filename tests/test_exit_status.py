"""Exit status 3: the command finished, but a person should check its results
(issue 14). Each case runs the real command as a process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe, run_exporter, temp_copy

TRANSCRIPT = """[00:00:01] Ann:
Welcome to the show. Today we talk about gardens and the weather in spring.
[00:00:09] Bob:
Thank you for having me. I have been growing tomatoes for twenty years now.
"""
REVIEW = "Review needed: low alignment confidence in 2 of 2 turns (1, 2)\n"


@pytest.fixture
def wrong_pair(tmp_path: Path) -> Path:
    """talk.txt with talk.mp3, 18 s of a tone: audio that is not the transcript's."""
    (tmp_path / "talk.txt").write_text(TRANSCRIPT, encoding="utf-8")
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:duration=18", "-b:a", "32k",
                    str(tmp_path / "talk.mp3")], check=True)
    return tmp_path


def test_a_wrong_pairing_finishes_with_status_3_even_when_quiet(wrong_pair: Path) -> None:
    result = run_exporter(wrong_pair, "-q", "run", "talk.txt", "talk.mp3", "-o", "out")
    assert result.returncode == 3
    assert result.stderr == REVIEW  # -q hides the warnings, not the need to review
    assert result.stdout == ""
    words = json.loads((wrong_pair / "out" / "talk.words.json").read_text())
    assert words["review"] == [REVIEW.split(": ", 1)[1].strip()]


def test_subtitles_with_audio_report_review_in_json_and_status(wrong_pair: Path) -> None:
    result = run_exporter(wrong_pair, "subtitles", "talk.txt", "--audio", "talk.mp3", "-o",
                       "talk.vtt", "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["review"] == [
        "low alignment confidence in 2 of 2 turns (1, 2)"]
    assert "is this the episode the transcript belongs to?" in result.stderr
    assert result.stderr.endswith(REVIEW)


def test_a_batch_reports_review_and_says_it_again_on_a_rerun(wrong_pair: Path) -> None:
    temp_copy(EPISODE, wrong_pair).rename(wrong_pair / "good.mp3")
    temp_copy(EPISODE_TRANSCRIPT, wrong_pair).rename(wrong_pair / "good.txt")
    (wrong_pair / "out").mkdir()
    first = run_exporter(wrong_pair, "run", "--batch", ".", "-o", "out")
    assert first.returncode == 3, first.stderr
    rows = {line.split()[2]: line.split()[0]
            for line in first.stdout.splitlines()[1:-1]}
    assert rows == {"talk.mp3": "review", "good.mp3": "done"}
    assert first.stdout.splitlines()[-1] == "1 done, 1 review, 0 skipped, 0 failed"
    assert first.stderr.endswith("Review needed: 1 of 2 episodes (talk.mp3)\n")
    again = run_exporter(wrong_pair, "run", "--batch", ".", "-o", "out")
    assert again.returncode == 3
    assert "review    " in again.stdout and "up to date, still to review: low alignment " \
        "confidence in 2 of 2 turns (1, 2)" in again.stdout
    assert again.stdout.splitlines()[-1] == "0 done, 1 review, 1 skipped, 0 failed"


def test_a_good_pair_exits_0_with_nothing_to_review(tmp_path: Path) -> None:
    result = run_exporter(tmp_path, "align", str(EPISODE_TRANSCRIPT), str(EPISODE), "-o",
                       "words.json")
    assert result.returncode == 0, result.stderr
    assert "Review needed" not in result.stderr
    assert json.loads((tmp_path / "words.json").read_text())["review"] == []


def test_audio_shorter_than_the_transcript_still_gives_every_file(tmp_path: Path) -> None:
    """The outro trimmed after transcription: before, run aligned everything, then
    stopped on the last chapter with an error and wrote nothing."""
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), "-t", "80", "-c", "copy",
                    str(tmp_path / "short.mp3")], check=True)
    result = run_exporter(tmp_path, "run", str(EPISODE_TRANSCRIPT), "short.mp3", "-o", "out",
                       "--json")
    assert result.returncode == 3, result.stderr
    assert len([p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]) == 7
    assert ("chapter \"AMD's Software Strategy in AI\" would start after the audio ends; "
            "it was left out") in result.stderr
    chapters = json.loads(result.stdout)["chapters"]
    assert [c["title"] for c in chapters] == ["Introduction to AI Engineering Podcast",
                                              "Interview with Anush Ilangavan from AMD"]
    assert chapters[-1]["end"] == pytest.approx(80.0, abs=0.1)
