"""The master's ID3 version is kept, and a conversion loses nothing a reader shows
(issue 14): v2.4 masters stay v2.4 when the chapters fit; otherwise the frames with
a v2.3 twin are mapped to it, and the others are kept and named."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3, TDOR, TDRC, TDRL, TIT2, Encoding

from exporter.model import Chapter
from exporter.writers.id3 import write_chapters
from tests.conftest import EPISODE, ffmpeg_exe, temp_copy

SHORT = [Chapter("Intro", 0.0, 30.0), Chapter("Talk", 30.0, 116.694)]
#: A title past what a v2.4 sub-frame of under 128 bytes holds.
LONG = [Chapter("Intro", 0.0, 30.0), Chapter("A" * 116, 30.0, 116.694)]


def ffprobe_tags(path: Path) -> dict[str, str]:
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        pytest.skip("ffprobe is not installed (apt-get install ffmpeg)")
    probe = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format_tags", "-of",
                            "json", str(path)], capture_output=True, text=True, check=True)
    tags: dict[str, str] = json.loads(probe.stdout)["format"].get("tags", {})
    return tags


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """A v2.4 master with a recording date and time, an original release year and a
    release date (TDRL, which v2.3 does not have)."""
    path = temp_copy(EPISODE, tmp_path)
    tags = ID3(path)
    tags.add(TIT2(encoding=Encoding.UTF8, text=["Episode 42"]))
    tags.add(TDRC(encoding=Encoding.UTF8, text=["2024-05-03T10:20"]))
    tags.add(TDOR(encoding=Encoding.UTF8, text=["2020"]))
    tags.add(TDRL(encoding=Encoding.UTF8, text=["2024-05-10"]))
    tags.save(path, v2_version=4)
    return path


def frames(path: Path) -> dict[str, str]:
    return {key: str(frame) for key, frame in ID3(path).items()
            if not key.startswith(("CHAP", "CTOC"))}


def test_a_v24_master_stays_v24_with_every_frame(master: Path) -> None:
    before, shown = frames(master), ffprobe_tags(master)
    report = write_chapters(master, SHORT)
    assert ID3(master).version == (2, 4, 0)
    assert frames(master) == before
    assert ffprobe_tags(master) == shown  # the date a player shows did not change
    assert report.notes == []


def test_chapters_v24_cannot_carry_make_it_v23_mapped_and_said(master: Path) -> None:
    report = write_chapters(master, LONG)
    tags = ID3(master, translate=False)  # the frames as stored, not mutagen's v2.4 view
    assert tags.version == (2, 3, 0)
    assert (str(tags["TYER"]), str(tags["TDAT"]), str(tags["TIME"]), str(tags["TORY"])) == (
        "2024", "0305", "1020", "2020")
    assert "TDRC" not in tags and "TDOR" not in tags  # mapped, not carried twice
    assert str(tags["TDRL"]) == "2024-05-10"  # no twin: kept, and named
    assert report.notes == [
        "its ID3v2.4 tag was written as v2.3: a chapter's image, or a title or url over 115 "
        "bytes, makes v2.4 chapter frames that ffmpeg-based players and Apple Podcasts "
        "misread",
        "ID3v2.3 readers ignore its v2.4-only TDRL (release date): kept as they were (keep "
        "the tag's version to have them read)"]


def test_an_untagged_file_gets_v23_and_a_v23_master_keeps_it(tmp_path: Path) -> None:
    bare = tmp_path / "bare.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(EPISODE), "-map_metadata", "-1",
                    "-id3v2_version", "0", "-c", "copy", str(bare)], check=True)
    write_chapters(bare, SHORT)
    assert ID3(bare).version == (2, 3, 0)
    (tmp_path / "v23").mkdir()
    v23 = temp_copy(EPISODE, tmp_path / "v23")
    ID3(v23).save(v23, v2_version=3)
    write_chapters(v23, LONG)
    assert ID3(v23).version == (2, 3, 0)


def _frame(frame_id: bytes, body: bytes, version: int = 3) -> bytes:
    if version == 2:
        return frame_id + len(body).to_bytes(3, "big") + body
    return frame_id + len(body).to_bytes(4, "big") + b"\x00\x00" + body


def _tagged(tmp_path: Path, frames: bytes, version: int = 3) -> Path:
    """The sample's audio behind a hand-built tag (sizes under 128: v2.3 = syncsafe)."""
    audio = EPISODE.read_bytes()[ID3(EPISODE).size:]
    body = frames + b"\x00" * 64
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    path = tmp_path / "odd.mp3"
    path.write_bytes(b"ID3" + bytes([version, 0, 0]) + syncsafe + body + audio)
    return path


#: Frames the corpus showed lost: an iTunes WFED written as a text frame, an OWNE, a
#: TXXX whose description lacks its NUL, a TDRC that is no date, a frame no one knows.
ODD = [(b"WFED", b"\x00https://example.com/feed.xml"),
       (b"OWNE", b"\x00USD9.99\x0020240101Seller"),
       (b"TXXX", b"\x00no separator here"),
       (b"TDRC", b"\x00sometime in May"),
       (b"XQZW", b"\x01\x02\x03")]


def test_frames_mutagen_cannot_parse_survive_byte_for_byte(tmp_path: Path) -> None:
    from exporter.writers.id3 import _raw_frames

    stored = [_frame(i, b) for i, b in ODD]
    master = _tagged(tmp_path, b"".join(stored))
    report = write_chapters(master, SHORT)
    tag = master.read_bytes()[:ID3(master).size]
    frames = _raw_frames(tag)
    assert frames is not None
    assert [f for i, f in frames if i not in ("CHAP", "CTOC")] == stored
    assert [t.chapter.title for t in report.after] == ["Intro", "Talk"]
    assert report.notes == []


def test_unknown_v22_frames_that_cannot_move_are_named(tmp_path: Path) -> None:
    master = _tagged(tmp_path, _frame(b"TT2", b"\x00Episode 42", 2)
                     + _frame(b"TOY", b"\x00something", 2), version=2)
    report = write_chapters(master, SHORT)
    assert str(ID3(master)["TIT2"]) == "Episode 42"
    assert report.notes == ["its ID3v2.2 tag was written as v2.3, which has no place for its "
                            "unknown v2.2 frames TOY: they were dropped (--backup keeps the "
                            "original)"]
