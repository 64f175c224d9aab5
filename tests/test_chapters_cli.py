"""``exporter chapters``: exact exit codes and output, and a master file left alone."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import webvtt

from exporter import timecode
from tests.conftest import (
    EPISODE,
    EPISODE_TRANSCRIPT,
    SAMPLE,
    ffmpeg_exe,
    invoke,
    temp_copy,
)
from tests.test_chapters import HUMAN_MAPPING


def test_preview_shows_the_placed_titles() -> None:
    result = invoke("-q", "chapters", "preview", SAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "start", "end", "length", "title", "opens", "with"]
    assert len(lines) == 15
    for line, (title, _) in zip(lines[1:], HUMAN_MAPPING, strict=True):
        assert title in line
    assert lines[3].startswith("  3  00:01:35  00:03:32  00:01:57  AMD's Software Strategy")
    assert '"And so in terms of your work at AMD, obviously, ..." (turn 5)' in lines[3]


def test_preview_json_shape() -> None:
    result = invoke("-q", "chapters", "preview", SAMPLE, "--json")
    data = json.loads(result.stdout)
    assert list(data) == ["chapters"]
    assert data["chapters"][4] == {"start": 274.0, "end": 616.0,
                                   "title": "Transition and Adoption in AI Hardware",
                                   "url": None}


def test_write_show_export_remove(tmp_path: Path) -> None:
    episode = temp_copy(EPISODE, tmp_path)
    result = invoke("chapters", "write", episode, "--transcript", EPISODE_TRANSCRIPT)
    assert result.exit_code == 0
    assert result.stderr == f"{episode}: wrote 3 chapters\n"
    shown = json.loads(invoke("chapters", "show", episode, "--json").stdout)["chapters"]
    assert [(c["title"], c["start"]) for c in shown] == [
        ("Introduction to AI Engineering Podcast", 0.0),
        ("Interview with Anush Ilangavan from AMD", 30.0),
        ("AMD's Software Strategy in AI", 95.0)]
    # The decoded length (encoder padding left out), as `run` ends it; the header
    # says 116.767.
    assert shown[-1]["end"] == pytest.approx(116.694, abs=0.001)
    again = invoke("chapters", "write", episode, "--transcript", EPISODE_TRANSCRIPT)
    assert again.stderr == f"{episode}: unchanged, already had 3 chapters\n"
    exported = invoke("chapters", "export", episode, "--format", "youtube")
    assert exported.stdout == ("0:00 Introduction to AI Engineering Podcast\n"
                               "0:30 Interview with Anush Ilangavan from AMD\n"
                               "1:35 AMD's Software Strategy in AI\n")
    removed = invoke("chapters", "remove", episode)
    assert removed.stderr == f"{episode}: removed 3 chapters\n"
    assert invoke("chapters", "show", episode).stdout == f"{episode}: no chapters\n"


def test_export_from_a_transcript_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "chapters.json"
    result = invoke("-q", "chapters", "export", SAMPLE, "--format", "podcast-json", "-o", out)
    assert result.exit_code == 0
    data = json.loads(out.read_text())
    assert data["version"] == "1.2.0"
    assert [c["startTime"] for c in data["chapters"]][:3] == [0.0, 30.0, 95.0]


def test_write_needs_a_source(tmp_path: Path) -> None:
    result = invoke("chapters", "write", temp_copy(EPISODE, tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: give --transcript or --chapters"


def bad_cases(tmp: Path) -> list[tuple[list[str], Path, str]]:
    wav = tmp / "wav.mp3"
    wav.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 300)
    text = tmp / "text.mp3"
    text.write_text("hello\n" * 50)
    png = tmp / "png.mp3"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 300)
    cut = tmp / "cut.mp3"
    cut.write_bytes(EPISODE.read_bytes()[:200_000])
    ok = temp_copy(EPISODE, tmp)
    late = tmp / "late.txt"
    late.write_text("00:00 Intro\n05:00 After the end\n")
    same = tmp / "same.txt"
    same.write_text("00:00 Intro\n00:30 One\n00:30 Two\n")
    empty = tmp / "empty.txt"
    empty.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=5\ntitle=\n")
    nomatch = tmp / "nomatch.txt"
    nomatch.write_text("x" * 500 + "\n")
    return [
        # Named by its content, whatever its name says.
        (["--chapters", str(late)], wav, f"{wav}: a WAV (RIFF) file: exporter cannot write "
                                         "chapters into it yet"),
        (["--chapters", str(late)], text, f"{text}: not an MP3"),
        (["--chapters", str(late)], png, f"{png}: a PNG image, not an MP3"),
        (["--chapters", str(late)], cut, f"{cut}: the MP3 is truncated"),
        (["--chapters", str(late)], ok, f"{late}: chapter 'After the end' starts at "
                                        "00:05:00.000, after the audio ends"),
        (["--chapters", str(same)], ok, f"{same}: two chapters start at the same time"),
        (["--chapters", str(empty)], ok, f"{empty}: a chapter has an empty title"),
        (["--chapters", str(nomatch)], ok, f"{nomatch}: not a chapter list"),
    ]


@pytest.mark.parametrize("case", range(8))
def test_bad_input_leaves_the_mp3_byte_identical(tmp_path: Path, case: int) -> None:
    args, episode, message = bad_cases(tmp_path)[case]
    before = episode.read_bytes()
    result = invoke("chapters", "write", episode, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert episode.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_read_only_file_and_directory(readonly_episode: Path) -> None:
    before = readonly_episode.read_bytes()
    result = invoke("chapters", "write", readonly_episode, "--transcript", EPISODE_TRANSCRIPT)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {readonly_episode}: the file is read-only")
    # Forced, it is the folder that stops the write.
    result = invoke("chapters", "write", readonly_episode, "--transcript", EPISODE_TRANSCRIPT,
                    "--force")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {readonly_episode}: cannot write in ")
    assert readonly_episode.read_bytes() == before


def test_untimed_titles_need_a_transcript(write_text: Callable[..., Path],
                                          tmp_path: Path) -> None:
    titles = write_text("Intro\nMiddle\n", "titles.txt")
    result = invoke("chapters", "write", temp_copy(EPISODE, tmp_path), "--chapters", titles)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {titles}: these chapter titles have no times; give "
                             "the transcript (--transcript) to place them\n")


@pytest.fixture(scope="module")
def shifted_episode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with 20 s of tone before it: an intro added after transcription."""
    shifted = tmp_path_factory.mktemp("shifted") / "shifted.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:duration=20:sample_rate=22050", "-i", str(EPISODE),
                    "-filter_complex", "[0:a]volume=0.3[a];[1:a]aformat=sample_rates=22050:"
                    "channel_layouts=mono[b];[a][b]concat=n=2:v=0:a=1", "-b:a", "32k",
                    str(shifted)], check=True)
    return shifted


def test_every_command_puts_chapters_and_cues_where_run_does(
        shifted_episode: Path, tmp_path: Path) -> None:
    """One alignment path: the intro moves the chapters and cues for every command."""
    ran = invoke("run", EPISODE_TRANSCRIPT, shifted_episode, "-o", tmp_path / "out", "--json")
    assert ran.exit_code == 0, ran.stderr
    by_run = json.loads(ran.stdout)["chapters"]
    episode = temp_copy(shifted_episode, tmp_path)
    # run's chapters file names the episode: its times are the audio's, and given
    # back with the transcript they are not moved by the intro a second time.
    listing = tmp_path / "out" / "shifted.chapters.json"
    assert json.loads(listing.read_text(encoding="utf-8"))["fileName"] == "shifted.mp3"
    written = invoke("chapters", "write", episode, "--transcript", EPISODE_TRANSCRIPT,
                     "--chapters", listing)
    assert written.exit_code == 0, written.stderr
    assert "+20." in written.stderr  # the offset found is reported
    shown = json.loads(invoke("chapters", "show", episode, "--json").stdout)["chapters"]
    assert shown == by_run
    assert 49.5 < shown[1]["start"] < 51.0  # 30 s in the transcript, plus the intro
    # The review page lists the intro as the offset, its first problem to check.
    page = (tmp_path / "out" / "shifted.html").read_text(encoding="utf-8")
    first = json.loads(page.split('id="data">')[1].split("</script>")[0])["problems"][0]
    assert first["kind"] == "offset" and 19.5 < first["at"] < 21.0
    assert first["label"].startswith("The transcript starts 20.")
    previewed = invoke("chapters", "preview", EPISODE_TRANSCRIPT, "--audio", shifted_episode,
                       "--json")
    assert json.loads(previewed.stdout)["chapters"] == by_run
    exported = invoke("-q", "chapters", "export", EPISODE_TRANSCRIPT, "--audio",
                      shifted_episode, "--format", "podcast-json")
    assert exported.exit_code == 0, exported.stderr
    assert [c["startTime"] for c in json.loads(exported.stdout)["chapters"]] == [
        c["start"] for c in by_run]
    # The subtitles follow the same alignment: every cue as run timed it.
    subtitled = invoke("-q", "subtitles", EPISODE_TRANSCRIPT, "--audio", shifted_episode,
                       "-o", tmp_path / "subtitles.vtt")
    assert subtitled.exit_code == 0, subtitled.stderr
    cues = [(c.start, c.end, c.text) for c in webvtt.read(str(tmp_path / "subtitles.vtt"))]
    assert cues == [(c.start, c.end, c.text)
                    for c in webvtt.read(str(tmp_path / "out" / "shifted.vtt"))]
    assert len(cues) > 20
    # Trusting the timestamps keeps the transcript's times, moved by a given offset.
    trusted = invoke("chapters", "preview", EPISODE_TRANSCRIPT, "--audio", shifted_episode,
                     "--trust-timestamps", "--offset", "20", "--json")
    assert [c["start"] for c in json.loads(trusted.stdout)["chapters"]] == [0.0, 50.0, 115.0]
    again = invoke("chapters", "preview", listing, "--audio", shifted_episode, "--offset", "20",
                   "--json")
    assert json.loads(again.stdout)["chapters"] == by_run


def test_offset_0_is_an_answer_not_a_request_to_search(shifted_episode: Path,
                                                       tmp_path: Path) -> None:
    found = invoke("align", EPISODE_TRANSCRIPT, shifted_episode, "-o", tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text())["offset"] == 20.0
    # Before, 0 was also "not given", and the search ran anyway.
    given = invoke("align", EPISODE_TRANSCRIPT, shifted_episode, "--offset", "0",
                   "-o", tmp_path / "b.json")
    assert json.loads((tmp_path / "b.json").read_text())["offset"] == 0.0
    assert found.exit_code == 0 and given.exit_code in (0, 3)


def test_an_offset_past_the_end_drops_chapters_aloud_and_with_their_anchors() -> None:
    # A trusted offset that pushes chapters past the audio's end takes the same road
    # as an aligned one: each chapter left out is named, and the placements shown
    # beside the chapters still belong to them.
    result = invoke("chapters", "preview", EPISODE_TRANSCRIPT, "--audio", EPISODE,
                    "--trust-timestamps", "--offset", "50", "--json")
    assert result.exit_code == 0, result.stderr
    kept = json.loads(result.stdout)["chapters"]
    dropped = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(kept) == 2 and kept[1]["start"] == pytest.approx(80.0)
    assert dropped == [f"Warning: {EPISODE_TRANSCRIPT}: chapter \"AMD's Software Strategy in "
                       "AI\" would start after the audio ends; it was left out"]
    table = invoke("-q", "chapters", "preview", EPISODE_TRANSCRIPT, "--audio", EPISODE,
                   "--trust-timestamps", "--offset", "50")
    rows = table.stdout.splitlines()[1:]
    assert len(rows) == 2 and "(turn 2)" in rows[1]


def test_a_list_of_start_times_alone_needs_no_audio(write_text: Callable[..., Path]) -> None:
    path = write_text("# exported by a tool\n0:00 Intro\n5:30 Topic\n1:02:03 Later\n",
                      "list.txt")
    shown = invoke("chapters", "preview", path)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.splitlines()[1:] == [
        "  1  00:00:00  00:05:30  00:05:30  Intro",
        "  2  00:05:30  01:02:03  00:56:33  Topic",
        "  3  01:02:03                      Later"]
    assert shown.stderr == (
        f"Warning: {path}: line 1 skipped (comments or headings)\n"
        f"Warning: {path}: nothing gives the last chapter's end (give --audio); it is left "
        "open\n")
    podlove = invoke("-q", "chapters", "export", path, "--format", "podlove")
    assert (podlove.exit_code, podlove.stdout) == (0, "00:00:00.000 Intro\n"
                                                      "00:05:30.000 Topic\n"
                                                      "01:02:03.000 Later\n")
    as_json = json.loads(invoke("-q", "chapters", "export", path, "--format",
                                "podcast-json").stdout)
    assert "endTime" not in as_json["chapters"][-1]
    ffmetadata = invoke("-q", "chapters", "export", path, "--format", "ffmetadata")
    assert ffmetadata.exit_code == 2
    assert ffmetadata.stderr.splitlines()[-1] == (
        "Error: ffmpeg metadata ([CHAPTER] blocks) needs the last chapter's end, and "
        "nothing gives it; give the episode with --audio")
    ended = invoke("-q", "chapters", "export", path, "--format", "ffmetadata", "--audio",
                   EPISODE)
    assert ended.exit_code == 1 and "after the audio ends" in ended.stderr


def test_more_than_255_chapters_are_counted_as_chapters(tmp_path: Path) -> None:
    lines = ["## total-duration:: 10:00:00.000", "# a second comment"]
    lines += [f"{timecode.format_time(i * 0.3)} Part {i}" for i in range(300)]
    chapters = tmp_path / "book.chapters.txt"
    chapters.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exported = invoke("-q", "chapters", "export", chapters, "--format", "podlove")
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == 300
    episode = temp_copy(EPISODE, tmp_path)
    before = episode.read_bytes()
    written = invoke("chapters", "write", episode, "--chapters", chapters, "--trust-timestamps")
    assert written.exit_code == 1
    assert written.stderr.splitlines()[-1] == (
        f"Error: {chapters}: 300 chapters; an ID3 table of contents holds at most 255")
    assert episode.read_bytes() == before


def test_a_webvtt_chapter_track_reads_in_webvtt_py(tmp_path: Path) -> None:
    webvtt = pytest.importorskip("webvtt")
    out = tmp_path / "chapters.vtt"
    result = invoke("-q", "chapters", "export", SAMPLE, "--format", "webvtt", "-o", out)
    assert result.exit_code == 0, result.stderr
    cues = webvtt.read(str(out))
    expected = json.loads(invoke("-q", "chapters", "preview", SAMPLE, "--json").stdout)
    assert [(c.text, c.start_in_seconds, c.end_in_seconds) for c in cues] == [
        (c["title"], int(c["start"]), int(c["end"])) for c in expected["chapters"]]


@pytest.fixture(scope="module")
def vbr_without_xing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of VBR audio (2 s of silence, then noise) with no Xing header: mutagen
    estimates its length from the first, quiet frame's bit rate as about 33 s."""
    path = tmp_path_factory.mktemp("vbr") / "vbr.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=44100:cl=mono:d=2", "-f", "lavfi", "-i",
                    "anoisesrc=d=8:c=pink:r=44100", "-filter_complex",
                    "[0][1]concat=n=2:v=0:a=1", "-c:a", "libmp3lame", "-q:a", "0",
                    "-write_xing", "0", str(path)], check=True)
    return path


def test_a_chapter_after_the_real_end_is_refused(vbr_without_xing: Path,
                                                 tmp_path: Path) -> None:
    import mutagen

    assert mutagen.File(vbr_without_xing).info.length > 25  # the header's guess
    episode = temp_copy(vbr_without_xing, tmp_path)
    before = episode.read_bytes()
    listed = tmp_path / "chapters.txt"
    listed.write_text("0:00 Intro\n0:15 After the end\n", encoding="utf-8")
    written = invoke("chapters", "write", episode, "--chapters", listed)
    assert written.exit_code == 1
    assert written.stderr.splitlines()[-1] == (
        f"Error: {listed}: chapter 'After the end' starts at 00:00:15.000, after the audio "
        "ends (00:00:10.031)")
    assert episode.read_bytes() == before
    listed.write_text("0:00 Intro\n0:05 Noise\n", encoding="utf-8")
    assert invoke("-q", "chapters", "write", episode, "--chapters", listed).exit_code == 0
    shown = json.loads(invoke("chapters", "show", episode, "--json").stdout)["chapters"]
    assert shown[-1]["end"] == pytest.approx(10.031, abs=0.001)
