"""``exporter run``: the whole job on the bundled sample, checked by readers we did
not write, and its failures."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import mutagen.id3
import pysubs2
import pytest
import srt
import webvtt

from exporter.readers import read_transcript
from exporter.writers.id3 import read_chapters
from tests.conftest import (
    EPISODE,
    EPISODE_TRANSCRIPT,
    ffmpeg_exe,
    ffprobe_chapters,
    invoke,
    temp_copy,
)

SUFFIXES = [".vtt", ".srt", ".mp3", ".chapters.json", ".transcript.json", ".words.json",
            ".html"]
TITLES = ["Introduction to AI Engineering Podcast", "Interview with Anush Ilangavan from AMD",
          "AMD's Software Strategy in AI"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``exporter run --sample`` from a fresh folder, as the README's first command."""
    here = tmp_path_factory.mktemp("run")
    cwd = Path.cwd()
    os.chdir(here)
    try:
        result = invoke("run", "--sample")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return here / "sample-episode-export", result.stdout


def test_the_sample_gives_all_seven_files(sample_run: tuple[Path, str]) -> None:
    outdir, stdout = sample_run
    assert sorted(p.name for p in outdir.iterdir()) == sorted(
        [".exporter-written.json", *(f"sample-episode{s}" for s in SUFFIXES)])
    assert stdout.startswith(f"Wrote 7 files to sample-episode-export{os.sep}\n")
    for title in TITLES:
        assert re.search(rf"^\s+\d\s+\d\d:\d\d:\d\d .* {re.escape(title)}$", stdout, re.M)
    assert re.search(r"^Done in \d+\.\d s \(00:01:56 of audio, \d+x realtime\)$", stdout, re.M)


def test_subtitles_read_by_other_parsers(sample_run: tuple[Path, str]) -> None:
    outdir, _ = sample_run
    vtt = webvtt.read(str(outdir / "sample-episode.vtt"))
    subs = list(srt.parse((outdir / "sample-episode.srt").read_text(encoding="utf-8")))
    ass = pysubs2.load(str(outdir / "sample-episode.srt"))
    assert len(vtt) == len(subs) == len(ass) > 20
    for a, b, c in zip(vtt, subs, ass, strict=True):
        hours, minutes, seconds = str(a.start).split(":")
        vtt_ms = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
        assert vtt_ms == b.start // timedelta(milliseconds=1) == c.start
        assert a.text.replace("\n", " ") in b.content.replace("\n", " ")


def test_chapters_json_matches_the_tagged_copy(sample_run: tuple[Path, str]) -> None:
    outdir, _ = sample_run
    data = json.loads((outdir / "sample-episode.chapters.json").read_text(encoding="utf-8"))
    assert data["version"] == "1.2.0"
    assert [c["title"] for c in data["chapters"]] == TITLES
    probed = ffprobe_chapters(outdir / "sample-episode.mp3")
    assert [t for t, _, _ in probed] == TITLES
    for item, (_, start, end) in zip(data["chapters"], probed, strict=True):
        assert abs(item["startTime"] - start) < 0.002
        assert abs(item["endTime"] - end) < 0.002
    # The copy's audio is the episode's, byte for byte, after the tag.
    copy = (outdir / "sample-episode.mp3").read_bytes()
    assert copy.endswith(EPISODE.read_bytes()[EPISODE.read_bytes().index(b"\xff\xfb"):])


def test_transcript_json_reads_back_as_the_same_words(sample_run: tuple[Path, str]) -> None:
    outdir, _ = sample_run
    path = outdir / "sample-episode.transcript.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == "1.0.0"
    assert {"speaker", "startTime", "endTime", "body"} == set(data["segments"][0])
    back = read_transcript(path)
    source = read_transcript(EPISODE_TRANSCRIPT)
    assert back.format == "podcast-json"
    assert [w for t in back.turns for w in t.words] == [w for t in source.turns for w in t.words]
    assert [t.speaker for t in back.turns] == [t.speaker for t in source.turns]


def test_words_json_has_every_word_aligned(sample_run: tuple[Path, str]) -> None:
    outdir, _ = sample_run
    data = json.loads((outdir / "sample-episode.words.json").read_text(encoding="utf-8"))
    source = read_transcript(EPISODE_TRANSCRIPT)
    assert [w["word"] for w in data["words"]] == [w for t in source.turns for w in t.words]
    assert all(w["method"] == "aligned" for w in data["words"])
    assert data["offset"] == 0.0 and data["insertions"] == []


def test_json_summary(tmp_path: Path) -> None:
    result = invoke("run", "--sample", "-o", tmp_path / "out", "--json", "--jobs", "1")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"outdir", "outputs", "episode", "untagged", "chapters", "offset",
                         "insertions",
                         "low_confidence", "cues", "words", "seconds", "warnings", "review"}
    assert [Path(p).name for p in data["outputs"]] == [f"sample-episode{s}" for s in SUFFIXES]
    assert data["low_confidence"] == [] and data["words"] == 278 and data["review"] == []


def test_run_takes_the_style_chapter_and_tag_options_of_the_other_commands(
        tmp_path: Path) -> None:
    # The same flags, meaning the same, as subtitles and chapters write take them.
    image = tmp_path / "art.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = invoke("-q", "run", EPISODE_TRANSCRIPT, EPISODE, "-o", tmp_path / "out", "--json",
                    "--style", "transcript", "--from-questions", "--chapter-image", image,
                    "--id3v2-version", "4")
    assert result.exit_code == 0, result.stderr
    titles = [c["title"] for c in json.loads(result.stdout)["chapters"]]
    assert titles != TITLES and len(titles) >= 2  # the host's questions, not the titles
    lines = [line for cue in webvtt.read(str(tmp_path / "out" / "sample-episode.vtt"))
             for line in cue.text.splitlines()]
    assert 42 < max(map(len, lines)) <= 65
    tagged = tmp_path / "out" / "sample-episode.mp3"
    assert mutagen.id3.ID3(tagged).version == (2, 4, 0)
    assert all(t.has_image for t in read_chapters(tagged))
    # A wrong image is refused before any alignment, naming it.
    image.write_text("not an image")
    refused = invoke("run", EPISODE_TRANSCRIPT, EPISODE, "-o", tmp_path / "again",
                     "--chapter-image", image)
    assert (refused.exit_code, refused.stderr) == (
        1, f"Error: {image}: a chapter image must be a PNG or JPEG\n")
    assert not (tmp_path / "again").exists()


def test_in_place_tags_the_episode_and_links_it(tmp_path: Path) -> None:
    episode = temp_copy(EPISODE, tmp_path)
    outdir = tmp_path / "out" / "nested"
    result = invoke("-q", "run", EPISODE_TRANSCRIPT, episode, "-o", outdir, "--in-place")
    assert result.exit_code == 0, result.output
    assert [c.chapter.title for c in read_chapters(episode)] == TITLES
    assert sorted(p.name for p in outdir.iterdir()) == sorted(
        [".exporter-written.json", *(f"sample-episode{s}" for s in SUFFIXES if s != ".mp3")])
    page = (outdir / "sample-episode.html").read_text(encoding="utf-8")
    link = re.search(r'<audio id="audio" controls preload="metadata" src="([^"]+)"', page)
    assert link and (outdir / link[1]).resolve() == episode.resolve()


def test_chapters_follow_an_intro_added_before_the_speech(tmp_path: Path) -> None:
    """20 s of tone before the sample: the offset is found, and every chapter after
    the first moves by it, in the MP3 and in the JSON."""
    shifted = tmp_path / "shifted.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:duration=20:sample_rate=22050", "-i", str(EPISODE),
                    "-filter_complex", "[0:a]volume=0.3[a];[1:a]aformat=sample_rates=22050:"
                    "channel_layouts=mono[b];[a][b]concat=n=2:v=0:a=1", "-b:a", "32k",
                    str(shifted)], check=True)
    result = invoke("run", EPISODE_TRANSCRIPT, shifted, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert abs(data["offset"] - 20.0) <= 0.5
    starts = [c["start"] for c in data["chapters"]]
    assert starts[0] == 0.0
    assert abs(starts[1] - (30 + data["offset"])) < 0.01
    assert abs(starts[2] - (95 + data["offset"])) < 0.01
    probed = ffprobe_chapters(tmp_path / "out" / "shifted.mp3")
    assert [round(s, 2) for _, s, _ in probed] == [round(s, 2) for s in starts]


# Bad input: one line naming the file, exit 1, nothing left behind.

def error_line(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if not line.startswith("Warning:")]
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


def test_missing_transcript(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "nope.txt", EPISODE, "-o", tmp_path / "out")
    assert error_line(result) == (f"Error: {tmp_path / 'nope.txt'}: cannot read the file "
                                  "(No such file or directory)")
    assert not (tmp_path / "out").exists()


def test_missing_audio(tmp_path: Path) -> None:
    result = invoke("run", EPISODE_TRANSCRIPT, tmp_path / "nope.mp3", "-o", tmp_path / "out")
    assert error_line(result).startswith(f"Error: {tmp_path / 'nope.mp3'}: ")
    assert not (tmp_path / "out").exists()


def test_not_an_mp3(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(b"this is text, not audio\n" * 50)
    result = invoke("run", EPISODE_TRANSCRIPT, fake, "-o", tmp_path / "out")
    assert error_line(result).startswith(f"Error: {fake}: ")
    assert not (tmp_path / "out").exists()
    assert fake.read_bytes() == b"this is text, not audio\n" * 50


def test_unwritable_outdir(readonly_dir: Path) -> None:
    result = invoke("run", EPISODE_TRANSCRIPT, EPISODE, "-o", readonly_dir / "out")
    assert error_line(result).startswith(f"Error: {readonly_dir / 'out'}: cannot write")


def test_a_late_failure_leaves_nothing_half_written(tmp_path: Path) -> None:
    """A chapter list that only fails once the audio's length is known (after the
    alignment, with files already built): the producer's own file in OUTDIR stays,
    and nothing else is there."""
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "notes.txt").write_text("mine\n")
    chapters = tmp_path / "chapters.txt"
    chapters.write_text("00:10:00 After the end\n", encoding="utf-8")
    result = invoke("run", EPISODE_TRANSCRIPT, EPISODE, "-o", outdir, "--chapters", chapters)
    assert error_line(result).startswith(f"Error: {chapters}: ")
    assert [p.name for p in outdir.iterdir()] == ["notes.txt"]


def test_audio_of_another_episode_still_completes(tmp_path: Path) -> None:
    """The sample's turn times with other words: every file is written, with a
    warning naming the turns."""
    other = ["The weather in the mountains was cold and windy all week long.",
             "Bread rises slowly when the kitchen is cool in winter."]
    lines = [line if line.startswith("[") else other[i % 2] * 3 for i, line in
             enumerate(EPISODE_TRANSCRIPT.read_text(encoding="utf-8").splitlines()[:10])]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("run", wrong, EPISODE, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 3  # done, but to be reviewed
    assert re.search(r"^Warning: .*low alignment confidence in [45] of 5 turns",
                     result.stderr, re.M)
    assert len([p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]) == 7
    assert len(json.loads(result.stdout)["low_confidence"]) >= 4


@pytest.mark.parametrize("args", [[], ["--sample", EPISODE_TRANSCRIPT, EPISODE],
                                  [EPISODE_TRANSCRIPT], ["--sample", "--replace"]])
def test_usage_errors(args: list[str | Path]) -> None:
    result = invoke("run", *args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "Traceback" not in result.stderr


def test_in_place_names_the_chapters_it_replaces_and_keeps_a_backup(
        tmp_path: Path, write_text: Callable[..., Path]) -> None:
    master = temp_copy(EPISODE, tmp_path)
    own = write_text("0:00 Opening <https://example.com/a>\n0:40 Middle\n1:20 End\n",
                     "own.txt")
    assert invoke("chapters", "write", master, "--chapters", own).exit_code == 0
    tagged = master.read_bytes()
    result = invoke("run", EPISODE_TRANSCRIPT, master, "--in-place", "--backup", "--replace",
                    "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert (f"Warning: {master}: replaced the 3 chapters it had (1 with urls): 'Opening', "
            "'Middle', 'End'; the backup keeps them") in result.stderr
    backup = master.with_name(master.name + ".bak")
    assert backup.read_bytes() == tagged
    assert invoke("run", EPISODE_TRANSCRIPT, master, "--backup").exit_code == 2
