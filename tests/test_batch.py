"""``exporter run --batch``: a back catalogue with one broken pair."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from exporter.batch import Episode, read_manifest
from exporter.errors import InputError
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, invoke, run_exporter

SUFFIXES = [".vtt", ".srt", ".mp3", ".chapters.json", ".transcript.json", ".words.json",
            ".html"]


def pair(folder: Path, name: str) -> None:
    shutil.copyfile(EPISODE_TRANSCRIPT, folder / f"{name}.txt")
    shutil.copyfile(EPISODE, folder / f"{name}.mp3")


def table(stdout: str) -> dict[str, str]:
    """episode name -> status, from the final table."""
    rows = re.findall(r"^(done|skipped|failed)\s+\d+\.\ds\s+(\S+)", stdout, re.M)
    return {name: status for status, name in rows}


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    folder = tmp_path / "shows"
    folder.mkdir()
    pair(folder, "ep1")
    pair(folder, "ep2")
    shutil.copyfile(EPISODE_TRANSCRIPT, folder / "broken.txt")
    (folder / "broken.mp3").write_bytes(EPISODE.read_bytes()[:3000])  # cut inside the tag
    return folder


def test_a_broken_pair_is_reported_and_the_others_complete(catalogue: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = (catalogue / "broken.mp3").read_bytes()
    result = invoke("run", "--batch", catalogue, "-o", out, "--jobs", "2")
    assert result.exit_code == 1
    assert table(result.stdout) == {"broken.mp3": "failed", "ep1.mp3": "done",
                                    "ep2.mp3": "done"}
    assert re.search(r"^failed .* broken\.mp3\s+.*broken\.mp3: ", result.stdout, re.M)
    assert result.stdout.rstrip().endswith("2 done, 0 review, 0 skipped, 1 failed")
    for name in ("ep1", "ep2"):
        assert sorted(p.name for p in (out / f"{name}-export").iterdir()) == sorted(
            [".exporter-written.json", *(f"{name}{s}" for s in SUFFIXES)])
    assert not (out / "broken-export").exists()
    assert (catalogue / "broken.mp3").read_bytes() == broken
    assert "Traceback" not in result.stderr

    # A re-run skips what is up to date; a changed input is redone; --force redoes all.
    again = invoke("run", "--batch", catalogue, "-o", out)
    assert table(again.stdout) == {"broken.mp3": "failed", "ep1.mp3": "skipped",
                                   "ep2.mp3": "skipped"}
    later = (out / "ep2-export" / "ep2.vtt").stat().st_mtime + 10
    os.utime(catalogue / "ep2.txt", (later, later))
    third = invoke("run", "--batch", catalogue, "-o", out)
    assert table(third.stdout)["ep2.mp3"] == "done"
    assert table(third.stdout)["ep1.mp3"] == "skipped"
    forced = invoke("run", "--batch", catalogue, "-o", out, "--force", "--jobs", "1")
    assert table(forced.stdout) == {"broken.mp3": "failed", "ep1.mp3": "done",
                                    "ep2.mp3": "done"}


def test_one_and_two_jobs_give_the_same_files(catalogue: Path, tmp_path: Path) -> None:
    (catalogue / "broken.mp3").unlink()
    (catalogue / "broken.txt").unlink()
    one = invoke("-q", "run", "--batch", catalogue, "-o", tmp_path / "one", "--jobs", "1")
    two = invoke("-q", "run", "--batch", catalogue, "-o", tmp_path / "two", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    for name in ("ep1", "ep2"):
        for suffix in SUFFIXES:
            a = tmp_path / "one" / f"{name}-export" / f"{name}{suffix}"
            b = tmp_path / "two" / f"{name}-export" / f"{name}{suffix}"
            assert a.read_bytes() == b.read_bytes(), a.name


def test_csv_manifest(tmp_path: Path) -> None:
    pair(tmp_path, "a")
    (tmp_path / "titles.txt").write_text("00:00 Start\n00:42 The story\n", encoding="utf-8")
    manifest = tmp_path / "list.csv"
    manifest.write_text("transcript,audio,chapters,outdir\n"
                        "a.txt,a.mp3,titles.txt,published/a\n"
                        "# a comment line\n"
                        "a.txt,missing.mp3,,published/missing\n", encoding="utf-8")
    result = invoke("run", "--batch", manifest, "--json")
    assert result.exit_code == 1
    episodes = json.loads(result.stdout)["episodes"]
    assert [e["status"] for e in episodes] == ["done", "failed"]
    assert episodes[1]["message"] == (f"{tmp_path / 'missing.mp3'}: cannot read the file "
                                     "(No such file or directory)")
    chapters = json.loads((tmp_path / "published" / "a" / "a.chapters.json").read_text())
    assert [c["title"] for c in chapters["chapters"]] == ["Start", "The story"]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("transcript,audio,colour\na.txt,a.mp3,red\n", 1, "the header must name the columns"),
    ("transcript,audio\na.txt\n", 2, "each row needs a transcript and an audio file"),
    ("a.txt,a.mp3,c.txt,out,extra\n", 1, "5 columns; expected at most 4"),
    ("a.txt,a.mp3,,same\nb.txt,b.mp3,,same\n", 2, "two episodes would write to"),
])
def test_bad_manifests(tmp_path: Path, text: str, line: int, message: str) -> None:
    manifest = tmp_path / "list.csv"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_manifest(manifest)
    assert caught.value.line == line and caught.value.path == str(manifest)
    assert message in caught.value.message
    result = invoke("run", "--batch", manifest)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {manifest}, line {line}: ")


def test_folder_pairs_any_transcript_extension(tmp_path: Path) -> None:
    (tmp_path / "x.mp3").write_bytes(b"")
    (tmp_path / "x.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    (tmp_path / "y.mp3").write_bytes(b"")
    (tmp_path / "x.chapters.txt").write_text("0:00 Intro\n")
    (tmp_path / "z.vtt").write_text("WEBVTT\n")
    (tmp_path / "x.vtt").write_text("WEBVTT\n")
    (tmp_path / "notes.md").write_text("# notes\n")
    (tmp_path / "w.flac").write_bytes(b"")  # any container, named by its suffix here
    (tmp_path / "w.txt").write_text("[00:00:01] A: hi\n")
    episodes = read_manifest(tmp_path)
    looked = "y.txt, y.md, y.docx.txt, y.log, y.srt, y.vtt, y.json, y.html, y.htm"
    assert episodes == [
        Episode(tmp_path / "w.txt", tmp_path / "w.flac"),
        Episode(tmp_path / "x.srt", tmp_path / "x.mp3", tmp_path / "x.chapters.txt"),
        Episode(tmp_path / "y.txt", tmp_path / "y.mp3",
                problem=("failed", f"no transcript beside y.mp3 (looked for {looked})")),
        Episode(tmp_path / "notes.md", tmp_path / "notes.mp3",
                problem=("skipped", "no notes.mp3 (nor .flac, .opus, .ogg...) beside "
                                     "notes.md; not run")),
        Episode(tmp_path / "x.vtt", tmp_path / "x.mp3",
                problem=("skipped", "x.mp3 is paired with x.srt; x.vtt not used")),
        Episode(tmp_path / "z.vtt", tmp_path / "z.mp3",
                problem=("skipped", "no z.mp3 (nor .flac, .opus, .ogg...) beside z.vtt; "
                                     "not run"))]


def test_every_unpaired_file_is_reported_by_a_real_run(tmp_path: Path) -> None:
    pair(tmp_path, "ep1")
    shutil.copyfile(EPISODE, tmp_path / "lonely.mp3")
    shutil.copyfile(EPISODE_TRANSCRIPT, tmp_path / "orphan.txt")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_exporter(tmp_path, "run", "--batch", ".", "-o", "out", "--jobs", "1")
    assert result.returncode == 1, result.stderr
    assert table(result.stdout) == {"ep1.mp3": "done", "lonely.mp3": "failed",
                                    "orphan.mp3": "skipped"}
    assert "no transcript beside lonely.mp3 (looked for lonely.txt, " in result.stdout
    assert "no orphan.mp3 (nor .flac, .opus, .ogg...) beside orphan.txt; not run" in (
        result.stdout)
    assert result.stdout.rstrip().endswith("1 done, 0 review, 1 skipped, 1 failed")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_manifests_as_spreadsheets_write_them(tmp_path: Path, separator: str) -> None:
    manifest = tmp_path / "list.csv"
    manifest.write_text(separator.join(["transcript", "audio", "chapters", "outdir"]) + "\n"
                        + separator.join(["a.txt", "a.mp3", "", "out/a"]) + "\n",
                        encoding="utf-8")
    assert read_manifest(manifest) == [Episode(tmp_path / "a.txt", tmp_path / "a.mp3",
                                               None, tmp_path / "out" / "a", 2)]


def test_empty_folder_and_missing_manifest(tmp_path: Path) -> None:
    result = invoke("run", "--batch", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path}: no audio files (.mp3, .flac, .opus, .ogg, "
                             ".oga, .m4a, .m4b, .wav) in this folder\n")
    result = invoke("run", "--batch", tmp_path / "nope.csv")
    assert result.stderr == f"Error: {tmp_path / 'nope.csv'}: no such file or folder\n"


def test_per_episode_options_are_refused_with_batch(tmp_path: Path) -> None:
    result = invoke("run", "--batch", tmp_path, "--in-place")
    assert result.exit_code == 2
    assert "--in-place" in result.stderr
