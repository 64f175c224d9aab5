"""``exporter subtitles``: exact exit codes and output, and safe failures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, SAMPLE, invoke


def test_writes_both_formats(tmp_path: Path) -> None:
    vtt, srt = tmp_path / "x.vtt", tmp_path / "x.srt"
    result = invoke("-q", "subtitles", SAMPLE, "-o", vtt, "-o", srt, "--json")
    assert result.exit_code == 0
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["outputs"] == [str(vtt), str(srt)]
    assert report["words"] == 7410 and report["turns"] == 41
    assert vtt.read_text().startswith("WEBVTT")
    assert srt.read_text().startswith("1\n00:00:05,000 --> ")
    assert vtt.read_text().count(" --> ") == srt.read_text().count(" --> ") == report["cues"]
    assert sorted(os.listdir(tmp_path)) == [".exporter-written.json", "x.srt", "x.vtt"]


def test_summary_and_warning_go_to_stderr(tmp_path: Path) -> None:
    result = invoke("subtitles", SAMPLE, "-o", tmp_path / "x.vtt")
    assert result.exit_code == 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Warning: ") and "repeats" in lines[0]
    assert lines[1].startswith(f"Wrote {tmp_path / 'x.vtt'}: ")


def test_stdout_and_format_override(tmp_path: Path) -> None:
    result = invoke("-q", "subtitles", SAMPLE, "-o", "-", "--format", "srt")
    assert result.exit_code == 0
    assert result.stdout.startswith("1\n00:00:05,000 --> 00:00:08,884\nTobias Macey: Hello,\n")


def test_default_output_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("-q", "subtitles", SAMPLE).exit_code == 0
    assert sorted(os.listdir(tmp_path)) == [".exporter-written.json",
                                            "ai-engineering-podcast-amd-rocm.vtt"]


def test_audio_ends_the_last_turn(tmp_path: Path) -> None:
    out = tmp_path / "e.srt"
    result = invoke("-q", "subtitles", EPISODE_TRANSCRIPT, "--audio", EPISODE, "-o", out)
    assert result.exit_code == 0
    last_end = out.read_text().strip().split("\n\n")[-1].splitlines()[1].split(" --> ")[1]
    assert "00:01:5" in last_end  # the 116.7 s audio ends the last turn, not an estimate


@pytest.mark.parametrize(("args", "message"), [
    (["--max-line-chars", "5"], "Error: --max-line-chars must be between 20 and 200, not 5"),
    (["--min-duration", "8"], "Error: --min-duration (8) is above --max-duration (7)"),
    (["-o", "x.txt"], "Error: cannot tell the subtitle format of 'x.txt' from its extension; "
                      "use --format (vtt, srt, podcast-json)"),
])
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("subtitles", SAMPLE, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Usage: exporter subtitles [OPTIONS] TRANSCRIPT"
    assert result.stderr.splitlines()[-1] == message


def test_missing_output_directory(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "x.vtt"
    result = invoke("subtitles", SAMPLE, "-o", target, "-q")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {target}: the directory '{target.parent}' "
                             "does not exist\n")


def test_read_only_directory_leaves_nothing(readonly_dir: Path) -> None:
    target = readonly_dir / "x.vtt"
    result = invoke("subtitles", SAMPLE, "-o", target, "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {target}: cannot write in '{readonly_dir}' (")
    assert os.listdir(readonly_dir) == []


def test_a_failed_second_output_keeps_the_first_whole(tmp_path: Path) -> None:
    good = tmp_path / "x.vtt"
    result = invoke("-q", "subtitles", SAMPLE, "-o", good, "-o", tmp_path / "no" / "x.srt")
    assert result.exit_code == 1
    assert good.read_text().startswith("WEBVTT")
    assert sorted(os.listdir(tmp_path)) == ["x.vtt"]


def test_audio_that_is_not_audio(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp3"
    fake.write_text("not audio at all")
    result = invoke("-q", "subtitles", SAMPLE, "--audio", fake, "-o", tmp_path / "x.vtt")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {fake}: not audio that ffmpeg can decode (")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "x.vtt").exists()
