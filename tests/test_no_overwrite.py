"""No command writes over one of its inputs: each case runs the real command as a
process and compares the inputs' bytes before and after (issue 14)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe, run_exporter, temp_copy


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def episode_dir(tmp_path: Path) -> Path:
    """A folder holding ep.mp3, ep.txt and ep.vtt (a VTT transcript of the same talk)."""
    temp_copy(EPISODE, tmp_path).rename(tmp_path / "ep.mp3")
    temp_copy(EPISODE_TRANSCRIPT, tmp_path).rename(tmp_path / "ep.txt")
    made = run_exporter(tmp_path, "subtitles", "ep.txt", "-o", "ep.vtt", "-q")
    assert made.returncode == 0, made.stderr
    return tmp_path


CASES = {
    # The default output of a VTT transcript is its own name.
    "subtitles of a VTT, default output": ["subtitles", "ep.vtt"],
    "subtitles, output is the audio": ["subtitles", "ep.txt", "--audio", "ep.mp3",
                                       "-o", "ep.mp3", "--format", "vtt"],
    "run with the VTT transcript, into its folder": ["run", "ep.vtt", "ep.mp3", "-o", "."],
    "run into the master's folder": ["run", "ep.txt", "ep.mp3", "-o", "."],
    "run into the master's folder, spelled another way": ["run", "ep.txt", "ep.mp3",
                                                          "-o", "sub/.."],
    "align, output is the episode": ["align", "ep.txt", "ep.mp3", "-o", "./ep.mp3"],
    "chapters export over its source": ["chapters", "export", "ep.txt", "--format",
                                        "podcast-json", "-o", "ep.txt"],
    "chapters write, output is the transcript": ["chapters", "write", "ep.mp3",
                                                 "--transcript", "ep.txt", "--output", "ep.txt"],
}


@pytest.mark.parametrize("args", CASES.values(), ids=CASES.keys())
def test_an_output_that_is_an_input_is_an_error_and_nothing_changes(
        episode_dir: Path, args: list[str]) -> None:
    (episode_dir / "sub").mkdir()
    inputs = ["ep.mp3", "ep.txt", "ep.vtt"]
    before = {name: _digest(episode_dir / name) for name in inputs}
    result = run_exporter(episode_dir, *args)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "this command reads; it would be written over" in lines[0]
    assert {name: _digest(episode_dir / name) for name in inputs} == before
    # (The record is the fixture's: it wrote ep.vtt.)
    assert sorted(p.name for p in episode_dir.iterdir()) == [
        ".exporter-written.json", "ep.mp3", "ep.txt", "ep.vtt", "sub"]


def test_an_output_linked_to_an_input_is_refused(episode_dir: Path) -> None:
    (episode_dir / "out.vtt").symlink_to("ep.vtt")
    before = _digest(episode_dir / "ep.vtt")
    result = run_exporter(episode_dir, "subtitles", "ep.vtt", "-o", "out.vtt")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: out.vtt: this output is the transcript")
    assert _digest(episode_dir / "ep.vtt") == before


def test_a_hard_link_to_an_input_is_refused(episode_dir: Path) -> None:
    (episode_dir / "copy.txt").hardlink_to(episode_dir / "ep.txt")
    result = run_exporter(episode_dir, "chapters", "export", "ep.txt", "--format",
                       "podcast-json", "-o", "copy.txt")
    assert result.returncode == 1
    assert "this output is the source" in result.stderr


def test_outputs_beside_the_inputs_are_still_written(episode_dir: Path) -> None:
    # The guard refuses only real collisions: a new name in the same folder is fine.
    result = run_exporter(episode_dir, "subtitles", "ep.vtt", "-o", "ep.srt")
    assert result.returncode == 0, result.stderr
    assert (episode_dir / "ep.srt").read_text().startswith("1\n")


def test_a_read_only_master_is_refused_unless_forced(episode_dir: Path) -> None:
    master = episode_dir / "ep.mp3"
    master.chmod(0o444)
    before = _digest(master)
    for args in (["chapters", "write", "ep.mp3", "--transcript", "ep.txt"],
                 ["chapters", "remove", "ep.mp3"],
                 ["run", "ep.txt", "ep.mp3", "--in-place", "-o", "out"]):
        result = run_exporter(episode_dir, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr == ("Error: ep.mp3: the file is read-only (its permissions say "
                                 "it is to be kept as it is); give --force to change it all "
                                 "the same\n")
        assert _digest(master) == before
    assert not (episode_dir / "out").exists()  # refused before any work
    forced = run_exporter(episode_dir, "chapters", "write", "ep.mp3", "--transcript", "ep.txt",
                       "--force")
    assert forced.returncode == 0, forced.stderr
    assert _digest(master) != before
    assert master.stat().st_mode & 0o777 == 0o444  # still read-only afterwards


def test_a_tagged_copy_of_a_read_only_master_needs_no_force(episode_dir: Path) -> None:
    (episode_dir / "ep.mp3").chmod(0o444)
    result = run_exporter(episode_dir, "chapters", "write", "ep.mp3", "--transcript", "ep.txt",
                       "--output", "tagged.mp3")
    assert result.returncode == 0, result.stderr


def test_removing_chapters_from_a_file_without_any_changes_nothing(tmp_path: Path) -> None:
    # ffmpeg without its own ID3 tag: an untagged MP3, which must not gain an empty tag.
    untagged = tmp_path / "untagged.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=3", "-b:a", "32k", "-id3v2_version", "0",
                    "-write_xing", "0", str(untagged)], check=True)
    assert not untagged.read_bytes().startswith(b"ID3")
    before, mtime = _digest(untagged), untagged.stat().st_mtime_ns
    result = run_exporter(tmp_path, "chapters", "remove", "untagged.mp3", "--json")
    assert result.returncode == 0, result.stderr
    assert '"changed": false' in result.stdout and '"written": false' in result.stdout
    assert _digest(untagged) == before and untagged.stat().st_mtime_ns == mtime


MINE = "WEBVTT\n\nNOTE the producer's own file\n"


@pytest.mark.parametrize("args", [
    ["subtitles", "ep.txt", "-o", "theirs.vtt"],
    ["align", "ep.txt", "ep.mp3", "-o", "theirs.vtt", "--trust-timestamps"],
    ["chapters", "export", "ep.txt", "--format", "podlove", "-o", "theirs.vtt"],
    ["chapters", "write", "ep.mp3", "--chapters", "chapters.txt", "--output", "theirs.vtt"],
])
def test_a_file_exporter_did_not_write_is_kept_unless_forced(episode_dir: Path,
                                                             args: list[str]) -> None:
    (episode_dir / "chapters.txt").write_text("0:00 Intro\n0:30 Talk\n", encoding="utf-8")
    theirs = episode_dir / "theirs.vtt"
    theirs.write_text(MINE, encoding="utf-8")
    refused = run_exporter(episode_dir, *args)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-1] == (
        "Error: theirs.vtt: the file is there and exporter did not write it (or it was "
        "edited since): it is kept; give --force to replace it")
    assert theirs.read_text(encoding="utf-8") == MINE
    forced = run_exporter(episode_dir, *args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert theirs.read_text(encoding="utf-8", errors="replace") != MINE
    again = run_exporter(episode_dir, *args)  # its own output, unchanged: no flag needed
    assert again.returncode == 0, again.stderr


def test_run_keeps_hand_edited_outputs_and_names_them(episode_dir: Path) -> None:
    first = run_exporter(episode_dir, "-q", "run", "ep.txt", "ep.mp3", "-o", "out")
    assert first.returncode == 0, first.stderr
    assert run_exporter(episode_dir, "-q", "run", "ep.txt", "ep.mp3", "-o",
                        "out").returncode == 0  # a re-run over its own outputs
    srt, vtt = episode_dir / "out" / "ep.srt", episode_dir / "out" / "ep.vtt"
    srt.write_text(srt.read_text(encoding="utf-8").replace("AMD", "A.M.D."), encoding="utf-8")
    vtt.write_text(vtt.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = {p: p.read_bytes() for p in (srt, vtt)}
    refused = run_exporter(episode_dir, "run", "ep.txt", "ep.mp3", "-o", "out")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-1] == (
        "Error: 2 files are there that exporter did not write (or that were edited "
        "since): out/ep.vtt, out/ep.srt; they are kept; give --force to replace them")
    assert {p: p.read_bytes() for p in edited} == edited
    batch = run_exporter(episode_dir, "run", "--batch", ".", "-o", "batch")
    assert batch.returncode == 0, batch.stdout  # other folders are not concerned
    forced = run_exporter(episode_dir, "-q", "run", "ep.txt", "ep.mp3", "-o", "out",
                          "--force")
    assert forced.returncode == 0, forced.stderr
    assert srt.read_bytes() != edited[srt]


def test_chapters_a_master_has_are_replaced_only_with_replace(episode_dir: Path) -> None:
    (episode_dir / "mine.txt").write_text(
        "00:00:00.000 Cold open <https://example.com/a>\n00:00:40.000 Interview\n",
        encoding="utf-8")
    (episode_dir / "new.txt").write_text("0:00 Intro\n0:30 Talk\n", encoding="utf-8")
    made = run_exporter(episode_dir, "-q", "chapters", "write", "ep.mp3", "--chapters",
                        "mine.txt")
    assert made.returncode == 0, made.stderr
    master = (episode_dir / "ep.mp3").read_bytes()
    for args in (["chapters", "write", "ep.mp3", "--chapters", "new.txt"],
                 ["run", "ep.txt", "ep.mp3", "-o", "out", "--in-place", "--chapters",
                  "new.txt", "--trust-timestamps"]):
        refused = run_exporter(episode_dir, *args)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr.splitlines()[-1] == (
            "Error: ep.mp3: it has 2 chapters (1 with urls): 'Cold open', 'Interview', "
            "which differ from the new ones; give --replace to replace them (--dry-run "
            "shows both, --backup keeps the original)")
        assert (episode_dir / "ep.mp3").read_bytes() == master
    assert not (episode_dir / "out").exists()  # run wrote nothing at all
    same = run_exporter(episode_dir, "chapters", "write", "ep.mp3", "--chapters", "mine.txt")
    assert same.returncode == 0 and "unchanged" in same.stderr  # the same: no flag needed
    copy = run_exporter(episode_dir, "-q", "chapters", "write", "ep.mp3", "--chapters",
                        "new.txt", "--output", "copy.mp3")
    assert copy.returncode == 0, copy.stderr  # a tagged copy: the master keeps its own
    replaced = run_exporter(episode_dir, "chapters", "write", "ep.mp3", "--chapters",
                            "new.txt", "--replace", "--backup")
    assert replaced.returncode == 0, replaced.stderr
    assert "replaced the 2 chapters it had (1 with urls): 'Cold open', 'Interview'; the " \
           "backup keeps them" in replaced.stderr
    assert (episode_dir / "ep.mp3.bak").read_bytes() == master


def test_a_v24_master_keeps_its_version_and_every_frame_as_a_process(tmp_path: Path) -> None:
    from mutagen.id3 import ID3, TDRL, Encoding

    from exporter.writers.id3 import _raw_frames

    master = temp_copy(EPISODE, tmp_path)
    tags = ID3(master)
    tags.add(TDRL(encoding=Encoding.UTF8, text=["2024-05-10"]))
    tags.save(master, v2_version=4)
    (tmp_path / "short.txt").write_text("0:00 Intro\n0:30 Talk\n", encoding="utf-8")
    (tmp_path / "long.txt").write_text(f"0:00 Intro\n0:30 {'A' * 116}\n", encoding="utf-8")

    def others(path: Path) -> list[bytes]:
        frames = _raw_frames(path.read_bytes()[:ID3(path).size])
        assert frames is not None
        return [f for i, f in frames if i not in ("CHAP", "CTOC")]

    before = others(master)
    kept = run_exporter(tmp_path, "chapters", "write", master.name, "--chapters", "short.txt")
    assert kept.returncode == 0, kept.stderr
    assert ID3(master).version == (2, 4, 0) and others(master) == before
    assert kept.stderr == f"{master.name}: wrote 2 chapters\n"
    converted = run_exporter(tmp_path, "chapters", "write", master.name, "--chapters",
                             "long.txt", "--replace")
    assert converted.returncode == 0, converted.stderr
    assert ID3(master).version == (2, 3, 0)
    assert "its ID3v2.4 tag was written as v2.3" in converted.stderr
    assert "ID3v2.3 readers ignore its v2.4-only TDRL (release date)" in converted.stderr
