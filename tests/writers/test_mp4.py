"""Chapters in M4A/M4B files, checked by ffprobe, mpv and mutagen, on masters made
here with ffmpeg from the sample (tags, cover art and an iTunes freeform atom added
by mutagen), with the movie atom after the audio (ffmpeg's default) and before it
(``-movflags +faststart``, as podcast hosts serve them)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.mp4 import MP4, MP4Cover

from exporter.errors import AudioError, OutputError
from exporter.model import Chapter, TagOptions
from exporter.writers import mp4box
from exporter.writers.tags import read_chapters, remove_chapters, write_chapters
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe, ffprobe_chapters, invoke
from tests.fuzzing import examples
from tests.writers.test_id3 import mpv_chapter_list
from tests.writers.test_vorbis import CHAPTERS, CODECS, packets_md5, run_tags_a_copy

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
FREEFORM = "----:com.apple.iTunes:PODCAST-GUID"
LAYOUTS = {"moov-last": [], "moov-first": ["-movflags", "+faststart"]}


@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """20 s of the sample as AAC in M4A, once per layout, with a title, an artist, a
    cover and a freeform atom ffmpeg would not keep."""
    folder = tmp_path_factory.mktemp("m4a")
    made = {}
    for name, flags in LAYOUTS.items():
        path = folder / f"{name}.m4a"
        subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "20", "-i", str(EPISODE), "-c:a",
                        "aac", "-b:a", "32k", *flags, str(path)], check=True)
        tags = MP4(path)
        tags["\xa9nam"], tags["\xa9ART"] = ["Episode 1"], ["The Host"]
        tags["covr"] = [MP4Cover(PNG, imageformat=MP4Cover.FORMAT_PNG)]
        tags[FREEFORM] = [b"a1b2c3"]
        tags.save()
        made[name] = path
    return made


def copy_of(masters: dict[str, Path], name: str, tmp_path: Path, suffix: str = ".m4a") -> Path:
    target = tmp_path / f"episode{suffix}"
    shutil.copyfile(masters[name], target)
    return target


def top_level(path: Path) -> list[bytes]:
    with path.open("rb") as handle:
        return [t.kind for t in mp4box.scan(handle, path.stat().st_size)]


def chapter_tracks(path: Path) -> int:
    with path.open("rb") as handle:
        tops = mp4box.scan(handle, path.stat().st_size)
        moov = next(t for t in tops if t.kind == b"moov")
        handle.seek(moov.start)
        (tree,) = mp4box.parse(handle.read(moov.size))
    return sum(1 for _, handler, _ in mp4box.tracks(tree) if handler == b"text")


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_players_read_the_chapters_and_nothing_else_changes(
        masters: dict[str, Path], layout: str, tmp_path: Path) -> None:
    episode = copy_of(masters, layout, tmp_path)
    audio = packets_md5(episode)
    order = top_level(episode)
    report = write_chapters(episode, CHAPTERS)
    assert report.written and report.changed
    assert ffprobe_chapters(episode) == [(c.title, c.start, c.end) for c in CHAPTERS]
    assert [c.chapter for c in read_chapters(episode)] == CHAPTERS  # URLs included
    nero = MP4(episode)
    assert [(round(c.start, 3), c.title) for c in nero.chapters] == [
        (c.start, c.title) for c in CHAPTERS]
    assert packets_md5(episode) == audio
    assert nero.tags is not None
    assert nero.tags["\xa9ART"] == ["The Host"] and nero.tags["\xa9nam"] == ["Episode 1"]
    assert bytes(nero.tags["covr"][0]) == PNG and nero.tags[FREEFORM] == [b"a1b2c3"]
    # The movie atom stays where it was; the chapter titles follow at the end.
    assert top_level(episode) == [*order, b"mdat"]
    assert chapter_tracks(episode) == 1
    before = hashlib.sha256(episode.read_bytes()).hexdigest()
    again = write_chapters(episode, CHAPTERS)
    assert (again.changed, again.written) == (False, False)
    assert hashlib.sha256(episode.read_bytes()).hexdigest() == before


def test_mpv_lists_the_chapters_of_an_m4a_file(masters: dict[str, Path],
                                               tmp_path: Path) -> None:
    episode = copy_of(masters, "moov-first", tmp_path)
    write_chapters(episode, CHAPTERS)
    listed = mpv_chapter_list(episode, tmp_path)
    assert [(c["title"], round(float(str(c["time"])), 3)) for c in listed] == [
        (c.title, c.start) for c in CHAPTERS]


def test_chapters_another_tool_wrote_are_replaced_only_when_asked(tmp_path: Path) -> None:
    meta = tmp_path / "meta.txt"
    meta.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=9000\n"
                    "title=Theirs\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=9000\nEND=20000\n"
                    "title=Also theirs\n", encoding="utf-8")
    episode = tmp_path / "book.m4b"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "20", "-i", str(EPISODE), "-i",
                    str(meta), "-map", "0:a", "-map_chapters", "1", "-c:a", "aac", "-b:a", "32k",
                    "-f", "ipod", str(episode)], check=True)
    theirs = [(c.chapter.title, c.chapter.start) for c in read_chapters(episode)]
    assert theirs == [("Theirs", 0.0), ("Also theirs", 9.0)]
    original = episode.read_bytes()
    audio = packets_md5(episode)
    with pytest.raises(OutputError, match="give --replace"):
        write_chapters(episode, CHAPTERS)
    dry = write_chapters(episode, CHAPTERS, replace=True, dry_run=True)
    assert dry.changed and not dry.written and episode.read_bytes() == original
    copy = tmp_path / "copy.m4b"
    write_chapters(episode, CHAPTERS, output=copy)
    assert episode.read_bytes() == original  # a tagged copy leaves the master alone
    report = write_chapters(episode, CHAPTERS, replace=True, backup=True)
    assert report.backup and Path(report.backup).read_bytes() == original
    assert [t for t, _, _ in ffprobe_chapters(episode)] == [c.title for c in CHAPTERS]
    assert chapter_tracks(episode) == 1 and packets_md5(episode) == audio
    removed = remove_chapters(episode)
    assert removed.written and read_chapters(episode) == [] and ffprobe_chapters(episode) == []
    assert chapter_tracks(episode) == 0 and MP4(episode).chapters is None
    assert packets_md5(episode) == audio


def test_255_long_non_latin_titles_and_a_late_first_chapter(masters: dict[str, Path],
                                                             tmp_path: Path) -> None:
    episode = copy_of(masters, "moov-first", tmp_path)
    title = "Глава — 章節 " * 25  # 400 bytes of UTF-8: more than a Nero entry holds
    many = [Chapter(f"{i} {title}", 2.0 + i * 0.07, None) for i in range(255)]
    report = write_chapters(episode, many)
    assert report.written and any("255 bytes" in n for n in report.notes)
    probed = ffprobe_chapters(episode)
    assert len(probed) == 255 and probed[0][1] == 2.0
    assert [t for t, _, _ in probed] == [c.title for c in many]  # whole, from the track
    nero = MP4(episode).chapters
    assert nero is not None and len(nero) == 255
    first = nero[0].title.encode("utf-8")
    assert len(first) <= 255 and many[0].title.encode("utf-8").startswith(first)
    with pytest.raises(OutputError, match="at most 255"):
        write_chapters(episode, [*many, Chapter("one more", 19.9, None)], replace=True)


def test_damaged_and_fragmented_files_are_refused_unchanged(masters: dict[str, Path],
                                                            tmp_path: Path) -> None:
    cut = copy_of(masters, "moov-first", tmp_path)
    data = cut.read_bytes()
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(AudioError, match=r"episode\.m4a: a damaged MP4 file: the 'mdat' atom"
                                         r" at byte \d+ runs past the end of the file"):
        write_chapters(cut, CHAPTERS)
    assert cut.read_bytes() == data[:len(data) // 2]
    ran = invoke("chapters", "write", str(cut), "--chapters", str(EPISODE_TRANSCRIPT))
    assert ran.exit_code != 0 and "Traceback" not in ran.output
    assert ran.stderr.startswith(f"Error: {cut}: a damaged MP4 file")
    fragmented = tmp_path / "live.m4a"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(masters["moov-last"]), "-map", "0:a",
                    "-c", "copy", "-movflags", "+frag_keyframe+empty_moov", str(fragmented)],
                   check=True)
    with pytest.raises(AudioError, match="a fragmented MP4"):
        write_chapters(fragmented, CHAPTERS)


@pytest.mark.parametrize("container", ["m4a", "flac", "opus"])
def test_mp3_chapters_exported_and_written_into_another_container_read_the_same(
        masters: dict[str, Path], container: str, tmp_path: Path) -> None:
    """MP3 chapters, exported as Podcasting 2.0 JSON, written into an M4A, FLAC or
    Opus file, exported from it again: the same chapters."""
    mp3 = tmp_path / "episode.mp3"
    shutil.copyfile(EPISODE, mp3)
    listing = tmp_path / "chapters.txt"
    listing.write_text("0:00 Intro\n0:06 Middle — Ünïcode\n0:14 Last\n", encoding="utf-8")
    assert invoke("-q", "chapters", "write", str(mp3), "--chapters", str(listing)).exit_code == 0
    exported = tmp_path / "chapters.json"
    done = invoke("-q", "chapters", "export", str(mp3), "--format", "podcast-json", "-o",
                  str(exported))
    assert done.exit_code == 0, done.stderr
    if container == "m4a":
        target = copy_of(masters, "moov-last", tmp_path)
    else:
        target = tmp_path / f"episode.{container}"
        subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "20", "-i", str(EPISODE),
                        *CODECS[container], str(target)], check=True)
    done = invoke("-q", "chapters", "write", str(target), "--chapters", str(exported))
    assert done.exit_code == 0, done.stderr
    shown = json.loads(invoke("chapters", "show", str(target), "--json").stdout)["chapters"]
    assert [(c["title"], c["start"]) for c in shown] == [
        ("Intro", 0.0), ("Middle — Ünïcode", 6.0), ("Last", 14.0)]
    again = tmp_path / "again.json"
    assert invoke("-q", "chapters", "export", str(target), "--format", "podcast-json", "-o",
                  str(again)).exit_code == 0
    assert (json.loads(again.read_text())["chapters"][:2]
            == json.loads(exported.read_text())["chapters"][:2])


def test_run_tags_a_copy_of_an_m4a_episode(tmp_path: Path) -> None:
    m4a = tmp_path / "episode.m4a"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), "-c:a", "aac", "-b:a",
                    "32k", str(m4a)], check=True)
    copy = run_tags_a_copy(m4a, tmp_path / "o")
    assert copy.suffix == ".m4a" and packets_md5(copy) == packets_md5(m4a)


def test_offsets_past_4_gib_make_a_co64_table() -> None:
    stbl = mp4box.Box(b"stbl", children=[mp4box.Box(b"stco", bytes(8))])
    mp4box.set_chunk_offsets(stbl, [8, 1 << 33])
    box, offsets = mp4box.chunk_offsets(stbl)
    assert box is not None and box.kind == b"co64" and offsets == [8, 1 << 33]
    mp4box.set_chunk_offsets(stbl, [8, 16])
    box, offsets = mp4box.chunk_offsets(stbl)
    assert box is not None and box.kind == b"stco" and offsets == [8, 16]


@pytest.fixture(scope="module")
def small_chaptered(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Two seconds of AAC with its movie atom in front and two chapters."""
    path = tmp_path_factory.mktemp("small") / "small.m4a"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-t", "2", "-i", str(EPISODE), "-c:a", "aac",
                    "-b:a", "16k", "-movflags", "+faststart", str(path)], check=True)
    write_chapters(path, [Chapter("One", 0.0, None, "https://e.org"), Chapter("Two", 1.0, None)])
    return path.read_bytes()


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), min_size=1, max_size=6),
       st.integers(0, 4000))
def test_any_damage_to_the_atoms_is_an_audio_error_never_a_crash(
        small_chaptered: bytes, tmp_path: Path, flips: list[tuple[int, int]], cut: int) -> None:
    """Bytes changed in the first 4 kB (the movie atom and the chapter track), and the
    file cut short: reading and writing either work or raise the package's errors."""
    data = bytearray(small_chaptered)
    for at, value in flips:
        data[at % len(data)] = value
    damaged = tmp_path / "damaged.m4a"
    damaged.write_bytes(bytes(data[:len(data) - cut]))
    try:
        read_chapters(damaged)
        write_chapters(damaged, CHAPTERS[:1], replace=True)
    except (AudioError, OutputError) as exc:
        assert str(exc).startswith(str(damaged))


def test_a_chapter_image_goes_in_a_picture_track_ffmpeg_reads(masters: dict[str, Path],
                                                               tmp_path: Path) -> None:
    """--chapter-image on an M4A: a disabled video track of the picture that every
    chapter shows (as Apple's enhanced podcasts carry one); ffmpeg reads it as the
    file's picture, the audio and the cover stay, and removal takes it out."""
    jpeg = tmp_path / "art.jpg"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=red:s=96x64",
                    "-frames:v", "1", str(jpeg)], check=True)
    episode = copy_of(masters, "moov-first", tmp_path)
    audio = packets_md5(episode)
    report = write_chapters(episode, CHAPTERS, tag=TagOptions(image=str(jpeg)))
    assert report.written and report.notes == []
    assert [t.has_image for t in read_chapters(episode)] == [True, True, True]
    assert ffprobe_chapters(episode) == [(c.title, c.start, c.end) for c in CHAPTERS]
    video = [s for s in video_streams(episode) if s["codec_name"] == "mjpeg"]
    assert [(s["width"], s["height"]) for s in video] == [(96, 64)]
    picture = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(episode), "-map",
                              f"0:{video[0]['index']}", "-frames:v", "1", "-c", "copy",
                              "-f", "image2", "-"],
                             capture_output=True, check=True).stdout
    assert picture == jpeg.read_bytes()  # the picture, byte for byte
    assert packets_md5(episode) == audio
    assert bytes(MP4(episode).tags["covr"][0]) == PNG  # the cover is another thing
    same = write_chapters(episode, CHAPTERS, tag=TagOptions(image=str(jpeg)))
    assert (same.changed, same.written) == (False, False)
    assert remove_chapters(episode).written
    assert chapter_tracks(episode) == 0 and packets_md5(episode) == audio
    # Only the cover is left (ffmpeg shows the cover art as a picture stream too).
    assert [s["codec_name"] for s in video_streams(episode)] == ["png"]


def video_streams(path: Path) -> list[dict[str, Any]]:
    streams = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True, text=True, check=True).stdout)["streams"]
    return [s for s in streams if s["codec_type"] == "video"]
