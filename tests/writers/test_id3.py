"""ID3 chapters, checked by readers we did not write: ffprobe, eyeD3 and mpv."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

import eyed3
import pytest
from mutagen.id3 import APIC, COMM, ID3, TIT2, TPE1, TXXX, Encoding

from exporter.errors import AudioError, OutputError
from exporter.model import Chapter
from exporter.writers.id3 import inspect_mp3, read_chapters, remove_chapters, write_chapters
from tests.conftest import EPISODE, ffmpeg_exe, ffprobe_chapters, temp_copy

COVER = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20  # stands in for cover art bytes
UNKNOWN = b"XQZW" + b"\x00\x00\x00\x05" + b"\x00\x00" + b"hello"  # a v2.4 frame mutagen lacks
# Long first title: mutagen's own size ordering would put this chapter last.
CHAPTERS = [
    Chapter("An introduction that is long enough to sort last by size", 0.0, 30.0),
    Chapter("Interview", 30.0, 95.0, url="https://example.com/anush"),
    Chapter("Strategy — ünïcödé ✓", 95.0, 116.767),
]


@pytest.fixture
def episode(tmp_path: Path) -> Path:
    """A temporary copy of the sample episode with v2.4 tags and cover art added."""
    path = temp_copy(EPISODE, tmp_path)
    tags = ID3(path)
    tags.add(TIT2(encoding=Encoding.UTF8, text=["Episode 42"]))
    tags.add(TPE1(encoding=Encoding.UTF8, text=["AI Engineering Podcast"]))
    tags.add(COMM(encoding=Encoding.UTF8, lang="eng", desc="", text=["A comment"]))
    tags.add(TXXX(encoding=Encoding.UTF8, desc="custom", text=["kept"]))
    tags.add(APIC(encoding=Encoding.UTF8, mime="image/png", type=3, desc="cover", data=COVER))
    tags.unknown_frames = [UNKNOWN]
    tags._unknown_v2_version = 4
    tags.save(path, v2_version=4)
    return path


def audio_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()[inspect_mp3(path).audio_start:]).hexdigest()


def test_ffprobe_lists_every_chapter_in_order(episode: Path) -> None:
    write_chapters(episode, CHAPTERS)
    assert ffprobe_chapters(episode) == [(c.title, c.start, c.end) for c in CHAPTERS]


def test_ffmpeg_ffmetadata_lists_them_too(episode: Path, tmp_path: Path) -> None:
    write_chapters(episode, CHAPTERS)
    out = tmp_path / "meta.txt"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(episode), "-f", "ffmetadata",
                    str(out)], check=True)
    text = out.read_text(encoding="utf-8")
    assert text.count("[CHAPTER]") == 3
    assert [line[6:] for line in text.splitlines() if line.startswith("title=")][-3:] == [
        c.title for c in CHAPTERS]


def test_eyed3_reads_chapters_and_table_of_contents(episode: Path) -> None:
    write_chapters(episode, CHAPTERS)
    tag = eyed3.load(str(episode)).tag
    assert tag.version == (2, 4, 0)  # the sample's own
    chapters = {c.element_id: c for c in tag.chapters}
    toc = list(tag.table_of_contents)
    assert len(toc) == 1 and toc[0].toplevel and toc[0].ordered
    assert toc[0].child_ids == [b"chp0", b"chp1", b"chp2"]
    got = [(chapters[e].title, chapters[e].times) for e in toc[0].child_ids]
    assert got == [(c.title, (round(c.start * 1000), round(c.end * 1000))) for c in CHAPTERS]
    # mutagen ends the url with a NUL terminator; eyeD3 hands it back as is.
    assert chapters[b"chp1"].user_url.rstrip("\x00") == "https://example.com/anush"


def mpv_chapter_list(path: Path, tmp_path: Path) -> list[dict[str, object]]:
    mpv = shutil.which("mpv")
    if mpv is None:
        pytest.skip("mpv is not installed (apt-get install mpv)")
    sock_path = tmp_path / "mpv.sock"
    proc = subprocess.Popen([mpv, "--no-config", "--ao=null", "--vo=null", "--pause",
                             "--idle=no", f"--input-ipc-server={sock_path}", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                client = socket.socket(socket.AF_UNIX)
                client.connect(str(sock_path))
                break
            except OSError:
                client.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with client:
            client.settimeout(10)
            for _ in range(100):
                client.sendall(b'{"command": ["get_property", "chapter-list"]}\n')
                buffer = b""
                while b"\n" not in buffer:
                    buffer += client.recv(65536)
                for line in buffer.split(b"\n"):
                    reply = json.loads(line) if line.strip() else {}
                    if reply.get("error") == "success" and reply.get("data"):
                        return list(reply["data"])
                time.sleep(0.1)
        return []
    finally:
        proc.kill()
        proc.wait()


def test_mpv_shows_the_chapter_list_in_order(episode: Path, tmp_path: Path) -> None:
    write_chapters(episode, CHAPTERS)
    chapters = mpv_chapter_list(episode, tmp_path)
    assert [c["title"] for c in chapters] == [c.title for c in CHAPTERS]
    # mpv counts from the first audio sample, which this MP3's encoder delay puts
    # 50 ms in (ffprobe: "start: 0.050113"), so its times are 50 ms early.
    for shown, chapter in zip(chapters, CHAPTERS, strict=True):
        assert abs(float(str(shown["time"])) - chapter.start) <= 0.051


def frames_in_order(path: Path) -> list[tuple[bytes, bytes]]:
    """(frame id, element id) of top-level CHAP/CTOC frames, as stored (v2.3 sizes)."""
    data = path.read_bytes()
    size = ID3(path).size
    position, found = 10, []
    while position + 10 <= size:
        frame_id = data[position:position + 4]
        if frame_id == b"\x00\x00\x00\x00":
            break
        length = struct.unpack(">I", data[position + 4:position + 8])[0]
        if frame_id in (b"CHAP", b"CTOC"):
            body = data[position + 10:position + 10 + length]
            found.append((frame_id, body[:body.index(b"\x00")]))
        position += 10 + length
    return found


def test_raw_bytes_store_chap_frames_in_start_time_order(episode: Path) -> None:
    write_chapters(episode, CHAPTERS, version=3)
    data = episode.read_bytes()
    assert data[:4] == b"ID3\x03"
    assert frames_in_order(episode) == [(b"CTOC", b"toc"), (b"CHAP", b"chp0"),
                                        (b"CHAP", b"chp1"), (b"CHAP", b"chp2")]
    chap0 = data.index(b"CHAP\x00")
    # TIT2 is the first sub-frame, in UTF-16 with a BOM; offsets are 0xFFFFFFFF.
    body = data[chap0 + 10:]
    assert body[5:21] == b"\x00" * 4 + struct.pack(">I", 30000) + b"\xff" * 8
    assert body[21:25] == b"TIT2"
    assert body[31:34] == b"\x01\xff\xfe"


def test_everything_else_survives(episode: Path) -> None:
    before_audio = audio_hash(episode)
    write_chapters(episode, CHAPTERS)
    tags = ID3(episode)
    assert str(tags["TIT2"]) == "Episode 42"
    assert str(tags["TPE1"]) == "AI Engineering Podcast"
    assert tags.getall("COMM")[0].text == ["A comment"]
    assert tags.getall("TXXX:custom")[0].text == ["kept"]
    assert tags.getall("APIC")[0].data == COVER
    assert b"XQZW\x00\x00\x00\x05\x00\x00hello" in episode.read_bytes()
    assert audio_hash(episode) == before_audio


def test_second_identical_run_is_byte_identical(episode: Path) -> None:
    write_chapters(episode, CHAPTERS)
    first = episode.read_bytes()
    report = write_chapters(episode, CHAPTERS)
    assert (report.changed, report.written) == (False, False)
    assert episode.read_bytes() == first
    # Read through a different path too: a fresh copy written from the result.
    copy = episode.with_name("copy.mp3")
    write_chapters(episode, CHAPTERS, output=copy)
    assert copy.read_bytes() == first


def test_writing_again_replaces_the_chapters(episode: Path) -> None:
    write_chapters(episode, CHAPTERS)
    with pytest.raises(OutputError, match=r"it has 3 chapters .*give --replace"):
        write_chapters(episode, [Chapter("Only", 0.0, 116.767)])  # they are the producer's
    write_chapters(episode, [Chapter("Only", 0.0, 116.767)], replace=True)
    assert [t.chapter.title for t in read_chapters(episode)] == ["Only"]
    assert ffprobe_chapters(episode) == [("Only", 0.0, 116.767)]


def test_remove_keeps_other_tags(episode: Path) -> None:
    write_chapters(episode, CHAPTERS)
    report = remove_chapters(episode)
    assert len(report.before) == 3 and report.written
    tags = ID3(episode)
    assert tags.getall("CHAP") == [] and tags.getall("CTOC") == []
    assert tags.getall("APIC")[0].data == COVER


def test_version_4_opt_in(episode: Path) -> None:
    report = write_chapters(episode, CHAPTERS, version=4)
    assert episode.read_bytes()[:4] == b"ID3\x04"
    assert report.notes == []
    assert [c[0] for c in ffprobe_chapters(episode)] == [c.title for c in CHAPTERS]


def test_chapter_image(episode: Path, tmp_path: Path) -> None:
    image = tmp_path / "art.png"
    image.write_bytes(COVER)
    write_chapters(episode, CHAPTERS, image=image)
    assert all(t.has_image for t in read_chapters(episode))
    assert [c[0] for c in ffprobe_chapters(episode)] == [c.title for c in CHAPTERS]
    chapter = eyed3.load(str(episode)).tag.chapters.get(b"chp0")
    assert chapter.sub_frames[b"APIC"][0].image_data == COVER


def test_version_4_with_an_image_warns(episode: Path, tmp_path: Path) -> None:
    image = tmp_path / "art.png"
    image.write_bytes(COVER)
    report = write_chapters(episode, CHAPTERS, version=4, image=image)
    assert any("misread by ffmpeg-based players" in note for note in report.notes)
    assert [t.chapter.title for t in read_chapters(episode)] == [c.title for c in CHAPTERS]


def test_backup_output_and_dry_run(episode: Path, tmp_path: Path) -> None:
    original = episode.read_bytes()
    report = write_chapters(episode, CHAPTERS, dry_run=True)
    assert report.changed and not report.written and episode.read_bytes() == original
    copy = tmp_path / "copy.mp3"
    write_chapters(episode, CHAPTERS, output=copy)
    assert episode.read_bytes() == original
    assert len(read_chapters(copy)) == 3
    report = write_chapters(episode, CHAPTERS, backup=True)
    assert Path(report.backup or "").read_bytes() == original
    assert len(read_chapters(episode)) == 3


def test_permissions_are_kept(episode: Path) -> None:
    episode.chmod(0o640)
    write_chapters(episode, CHAPTERS)
    assert episode.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in episode.parent.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(("content", "message"), [
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 200, "a WAV (RIFF) file, not an MP3"),
    (b"just some text\n" * 20, "not an MP3"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image, not an MP3"),
    (b"", "the file is empty"),
])
def test_not_an_mp3(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "fake.mp3"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=re.escape(message)):
        write_chapters(path, CHAPTERS)
    assert path.read_bytes() == content


def test_truncated_mp3(episode: Path) -> None:
    data = episode.read_bytes()
    episode.write_bytes(data[: len(data) * 2 // 3 + 7])
    cut = episode.read_bytes()
    with pytest.raises(AudioError, match="truncated"):
        write_chapters(episode, CHAPTERS)
    assert episode.read_bytes() == cut


def test_read_only_directory_leaves_the_file_alone(readonly_dir: Path) -> None:
    if os.geteuid() == 0:
        # The read-only mount is empty; give it the episode by a fresh read-only
        # remount would need more privileges than a test should take.
        target = readonly_dir / "e.mp3"
        with pytest.raises(OutputError):
            write_chapters(EPISODE, CHAPTERS, output=target)
        assert not target.exists()
        return
    copy = readonly_dir.parent / "e.mp3"
    shutil.copyfile(EPISODE, copy)
    before = copy.read_bytes()
    with pytest.raises(OutputError):
        write_chapters(copy, CHAPTERS, output=readonly_dir / "e.mp3")
    assert copy.read_bytes() == before
