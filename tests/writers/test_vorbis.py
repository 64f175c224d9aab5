"""Chapters in FLAC, Opus and Ogg Vorbis files, checked by ffprobe, mpv and mutagen,
on masters made here with ffmpeg from the sample (with tags and cover art)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import mutagen
import pytest
from mutagen.flac import FLAC, Picture

from exporter.errors import AudioError, OutputError
from exporter.model import Chapter
from exporter.writers.tags import read_chapters, remove_chapters, write_chapters
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe, ffprobe_chapters, invoke
from tests.writers.test_id3 import mpv_chapter_list

CHAPTERS = [Chapter("Intro", 0.0, 6.5), Chapter("Ünïcode — 日本語 title", 6.5, 14.0,
                                                "https://example.com/two"),
            Chapter("Last", 14.0, 20.0)]
CODECS = {"flac": ["-c:a", "flac"], "opus": ["-c:a", "libopus", "-b:a", "24k"],
          "ogg": ["-c:a", "libvorbis", "-q:a", "2"]}


@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """20 s of the sample in each container, with an artist and a title; the FLAC
    also with cover art."""
    folder = tmp_path_factory.mktemp("masters")
    made = {}
    for suffix, codec in CODECS.items():
        path = folder / f"master.{suffix}"
        subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "20", "-i", str(EPISODE), *codec,
                        "-metadata", "artist=The Host", "-metadata", "title=Episode 1",
                        str(path)], check=True)
        made[suffix] = path
    art = Picture()
    art.type, art.mime, art.data = 3, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(40)
    flac = FLAC(made["flac"])
    flac.add_picture(art)
    flac.save()
    return made


def copy_of(masters: dict[str, Path], suffix: str, tmp_path: Path) -> Path:
    target = tmp_path / f"episode.{suffix}"
    shutil.copyfile(masters[suffix], target)
    return target


def packets_md5(path: Path) -> str:
    return subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a", "-c",
                           "copy", "-f", "md5", "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("suffix", list(CODECS))
def test_players_read_the_chapters_and_nothing_else_changes(
        masters: dict[str, Path], suffix: str, tmp_path: Path) -> None:
    episode = copy_of(masters, suffix, tmp_path)
    audio = packets_md5(episode)
    report = write_chapters(episode, CHAPTERS)
    assert report.written and report.changed
    probed = ffprobe_chapters(episode)
    assert [(t, round(s, 3)) for t, s, _ in probed] == [(c.title, c.start) for c in CHAPTERS]
    assert [c.chapter for c in read_chapters(episode)] == CHAPTERS
    assert packets_md5(episode) == audio  # the audio packets, untouched
    tags = mutagen.File(episode).tags
    assert tags["artist"] == ["The Host"] and tags["title"] == ["Episode 1"]
    assert tags["CHAPTER001URL"] == ["https://example.com/two"]
    if suffix == "flac":
        assert FLAC(episode).pictures[0].data.startswith(b"\x89PNG")
    # The same chapters again: the file is left exactly as it is.
    before = hashlib.sha256(episode.read_bytes()).hexdigest()
    again = write_chapters(episode, CHAPTERS)
    assert (again.changed, again.written) == (False, False)
    assert hashlib.sha256(episode.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("suffix", list(CODECS))
def test_mpv_lists_the_chapters(masters: dict[str, Path], suffix: str, tmp_path: Path) -> None:
    episode = copy_of(masters, suffix, tmp_path)
    write_chapters(episode, CHAPTERS)
    listed = mpv_chapter_list(episode, tmp_path)
    assert [(c["title"], round(float(str(c["time"])), 3)) for c in listed] == [
        (c.title, c.start) for c in CHAPTERS]


@pytest.mark.parametrize("suffix", ["flac", "opus"])
def test_255_long_non_latin_titles(masters: dict[str, Path], suffix: str,
                                   tmp_path: Path) -> None:
    """An audiobook's worth of chapters with 400-byte Cyrillic and CJK titles, the
    first at 2 s: every reader gets every title whole."""
    episode = copy_of(masters, suffix, tmp_path)
    title = "Глава — 章節 " * 25
    many = [Chapter(f"{i} {title}", round(2.0 + i * 0.07, 3), None) for i in range(255)]
    audio = packets_md5(episode)
    assert write_chapters(episode, many).written
    probed = ffprobe_chapters(episode)
    assert [(t, round(s, 3)) for t, s, _ in probed] == [(c.title, c.start) for c in many]
    assert [c.chapter.title for c in read_chapters(episode)] == [c.title for c in many]
    assert packets_md5(episode) == audio


def test_other_chapters_are_kept_unless_replaced_and_removal_keeps_the_rest(
        masters: dict[str, Path], tmp_path: Path) -> None:
    episode = copy_of(masters, "flac", tmp_path)
    write_chapters(episode, CHAPTERS)
    before = episode.read_bytes()
    other = [Chapter("Only", 0.0, 20.0)]
    with pytest.raises(OutputError, match="give --replace"):
        write_chapters(episode, other)
    assert episode.read_bytes() == before
    dry = write_chapters(episode, other, replace=True, dry_run=True)
    assert dry.changed and not dry.written and episode.read_bytes() == before
    copy = tmp_path / "copy.flac"
    write_chapters(episode, other, output=copy)
    assert episode.read_bytes() == before  # a tagged copy leaves the master alone
    assert [c.chapter.title for c in read_chapters(copy)] == ["Only"]
    report = write_chapters(episode, other, replace=True, backup=True)
    assert report.backup and Path(report.backup).read_bytes() == before
    removed = remove_chapters(episode)
    assert removed.written and read_chapters(episode) == [] and ffprobe_chapters(episode) == []
    assert mutagen.File(episode).tags["artist"] == ["The Host"]
    assert FLAC(episode).pictures  # the cover stays


def test_what_cannot_carry_chapters_is_named(tmp_path: Path) -> None:
    wav = tmp_path / "episode.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "2", "-i", str(EPISODE), str(wav)],
                   check=True)
    with pytest.raises(AudioError, match=r"a WAV \(RIFF\) file: exporter cannot write chapters"):
        write_chapters(wav, CHAPTERS)
    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"fLaC" + bytes(10))
    with pytest.raises(AudioError, match=r"broken\.flac"):
        read_chapters(broken)


def test_write_show_export_and_write_again_round_trip(masters: dict[str, Path],
                                                      tmp_path: Path) -> None:
    episode = copy_of(masters, "opus", tmp_path)
    listing = tmp_path / "chapters.txt"
    listing.write_text("0:00 Intro\n0:06 Middle part\n0:14 Last\n", encoding="utf-8")
    written = invoke("-q", "chapters", "write", str(episode), "--chapters", str(listing))
    assert written.exit_code == 0, written.stderr
    shown = json.loads(invoke("chapters", "show", str(episode), "--json").stdout)["chapters"]
    assert [(c["title"], c["start"]) for c in shown] == [
        ("Intro", 0.0), ("Middle part", 6.0), ("Last", 14.0)]
    exported = invoke("-q", "chapters", "export", str(episode), "--format", "ffmetadata",
                      "-o", str(tmp_path / "meta.txt"))
    assert exported.exit_code == 0, exported.stderr
    second = copy_of(masters, "flac", tmp_path)
    again = invoke("-q", "chapters", "write", str(second), "--chapters",
                   str(tmp_path / "meta.txt"))
    assert again.exit_code == 0, again.stderr
    assert json.loads(invoke("chapters", "show", str(second), "--json").stdout)[
        "chapters"][:2] == shown[:2]


def run_tags_a_copy(episode: Path, outdir: Path) -> Path:
    """``run`` on the sample's transcript and ``episode``: the tagged copy it writes in
    the episode's own container, whose chapters ffprobe reads as run reports them."""
    ran = invoke("-q", "run", str(EPISODE_TRANSCRIPT), str(episode), "-o", str(outdir),
                 "--json")
    assert ran.exit_code == 0, ran.stderr
    data = json.loads(ran.stdout)
    copy = outdir / episode.name
    assert str(copy) in data["outputs"] and data["untagged"] is None
    assert [t for t, _, _ in ffprobe_chapters(copy)] == [c["title"] for c in data["chapters"]]
    return copy


def test_run_tags_a_copy_of_an_opus_episode_and_explains_a_wav(tmp_path: Path) -> None:
    opus = tmp_path / "episode.opus"
    wav = tmp_path / "talk.wav"
    for path, codec in ((opus, CODECS["opus"]), (wav, [])):
        subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), *codec, str(path)],
                       check=True)
    run_tags_a_copy(opus, tmp_path / "o")
    ran = invoke("run", str(EPISODE_TRANSCRIPT), str(wav), "-o", str(tmp_path / "w"))
    assert ran.exit_code == 0, ran.stderr
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == sorted(
        [".exporter-written.json", "talk.vtt", "talk.srt", "talk.chapters.json",
         "talk.transcript.json", "talk.words.json", "talk.html"])
    assert f"No tagged copy: {wav} is a WAV (RIFF) file, which cannot carry chapters" in (
        ran.stdout)
    page = (tmp_path / "w" / "talk.html").read_text(encoding="utf-8")
    assert 'src="../talk.wav"' in page
