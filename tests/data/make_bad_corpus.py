"""Make the corpus of damaged and hostile inputs in tests/data/bad/.

Run from the project root: ``.venv/bin/python tests/data/make_bad_corpus.py``
(needs ffmpeg). The output is committed, except the two big transcripts (a 10 MB
line, 100,000 turns), which :func:`big_cases` writes where a test asks.

Every file is a real damaged or disguised input a producer could hand us:
MP3s cut at many points, ID3 tags whose size lies, several tags or none, other
containers renamed ``.mp3``; transcripts with NUL bytes, mixed encodings and
impossible times; chapter lists likewise.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from exporter.align.audio import ffmpeg_exe  # noqa: E402

OUT = Path(__file__).resolve().parent / "bad"
SAMPLE_MP3 = ROOT / "exporter" / "samples" / "sample-episode.mp3"
SAMPLE_TXT = ROOT / "exporter" / "samples" / "sample-episode.txt"


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def syncsafe(size: int) -> bytes:
    return bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])


def id3_tag(frames: bytes, padding: int = 0, size: int | None = None) -> bytes:
    """An ID3v2.3 tag; ``size`` makes its size field lie."""
    body = frames + b"\x00" * padding
    return b"ID3\x03\x00\x00" + syncsafe(len(body) if size is None else size) + body


def text_frame(name: bytes, text: str) -> bytes:
    data = b"\x01" + text.encode("utf-16")  # UTF-16 with its byte order mark
    return name + struct.pack(">I", len(data)) + b"\x00\x00" + data


def make_mp3s() -> None:
    base = OUT / ".base.mp3"
    # Ten seconds of the sample, without its tag: small, and a real LAME stream.
    ffmpeg("-i", str(SAMPLE_MP3), "-t", "10", "-map_metadata", "-1", "-c:a", "libmp3lame",
           "-b:a", "32k", "-write_xing", "0", "-id3v2_version", "0", str(base))
    audio = base.read_bytes()
    tag = id3_tag(text_frame(b"TIT2", "Damaged episode") + text_frame(b"TPE1", "exporter"),
                  padding=256)
    whole = tag + audio
    cases = {
        "cut-in-id3-header.mp3": whole[:6],
        "cut-in-id3-body.mp3": whole[: len(tag) // 2],
        "cut-in-first-frame.mp3": whole[: len(tag) + 60],
        "cut-after-first-frame.mp3": whole[: len(tag) + 300],
        "cut-mid-stream.mp3": whole[: len(tag) + len(audio) // 2],
        "cut-in-last-frame.mp3": whole[:-50],
        "id3-size-too-big.mp3": id3_tag(tag[10:], size=50_000_000)[: len(tag)] + audio,
        "id3-size-too-small.mp3": id3_tag(tag[10:], size=12)[: len(tag)] + audio,
        "id3-size-not-syncsafe.mp3": tag[:6] + b"\x00\x00\x81\xff" + tag[10:] + audio,
        "two-id3-tags.mp3": tag + tag + audio,
        "id3v1-only.mp3": audio + b"TAG" + b"Only ID3v1".ljust(30, b"\x00") + b"\x00" * 95,
        "ape-tag.mp3": audio + _ape_tag(),
        "id3v2-and-v1-and-ape.mp3": tag + audio + _ape_tag() + b"TAG" + b"\x00" * 125,
        "huge-padding.mp3": id3_tag(tag[10:], padding=1_000_000) + audio,
        "zero-length.mp3": b"",
        "only-an-id3-tag.mp3": tag,
        "random-bytes.mp3": bytes((i * 7919 + 13) % 256 for i in range(20_000)),
        "text-renamed.mp3": SAMPLE_TXT.read_bytes(),
        "id3-garbage-frames.mp3": id3_tag(b"CHAP\x00\x00\x00\x10\x00\x00" + b"\xff" * 16
                                          + b"CTOC\x00\x00\xff\xff\x00\x00" + b"\x00" * 8)
                                  + audio,
    }
    for name, data in cases.items():
        (OUT / name).write_bytes(data)
    ffmpeg("-i", str(base), "-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "1",
           str(OUT / "xing-lame-header.mp3"))
    ffmpeg("-i", str(base), "-ac", "1", "-ar", "8000", "-f", "wav", str(OUT / "wav-renamed.mp3"))
    ffmpeg("-i", str(base), "-c:a", "aac", "-b:a", "24k", "-f", "mp4",
           str(OUT / "mp4-renamed.mp3"))
    base.unlink()


def _ape_tag() -> bytes:
    item = struct.pack("<II", 5, 0) + b"Title\x00" + b"Hello"
    footer = (b"APETAGEX" + struct.pack("<IIII", 2000, len(item) + 32, 1, 0x80000000)
              + b"\x00" * 8)
    return item + footer


def make_transcripts() -> None:
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    cases: dict[str, bytes] = {
        "nul-bytes.txt": text.replace(" ", " \x00", 40).encode("utf-8"),
        "mixed-encodings.txt": (text[:400].encode("utf-8") + "café naïve ".encode("cp1252")
                                + text[400:800].encode("utf-16") + text[800:].encode("utf-8")),
        "impossible-times.txt": (b"[99:99:99] Tobias Macey:\nHello there.\n"
                                 b"[00:61:00] Anush:\nHi.\n"),
        "times-backwards.txt": b"[00:01:00] A:\nOne.\n[00:00:30] B:\nTwo.\n",
        "times-huge.txt": b"[999999999:00:00] A:\nFar away.\n",
        "bom-only.txt": b"\xef\xbb\xbf",
        "whitespace-only.txt": b" \n\t\r\n  \n",
        "empty.txt": b"",
        "binary-junk.txt": bytes(range(256)) * 40,
        "utf16-no-bom.txt": text.encode("utf-16-le"),
        "cr-only-newlines.txt": text.replace("\n", "\r").encode(),
        "speaker-without-text.txt": b"[00:00:05] A:\n[00:00:10] B:\n",
        "very-long-speaker.txt": f"[00:00:05] {'X' * 5000}:\nHello.\n".encode(),
        "deep-json.json": ("[" * 100_000 + "]" * 100_000).encode(),
        "json-huge-numbers.json": (b'{"segments": [{"start": 1e308, "end": 1e309, "text": "x"},'
                                   b' {"start": -5, "end": "soon", "text": 3}]}'),
        "json-not-segments.json": b'{"version": "1.0.0", "segments": "none"}',
        "srt-broken-arrows.srt": b"1\n00:00:01,000 -> 00:00:02,000\nHi\n\n2\n00:00:03,000\n",
        "vtt-header-only.vtt": b"WEBVTT\n\n",
        "vtt-overlapping.vtt": (b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n\n"
                                b"00:00:02.000 --> 00:00:09.000\n<v A>one\n"),
        "chapters-impossible.txt": b"00:00 Start\n99:99:99 Never\n",
        "chapters-nul.txt": b"00:00 Start\x00\n01:00 Next\x00\x00\n",
        "chapters-300.txt": "".join(f"{i // 60:02d}:{i % 60:02d} Chapter {i}\n"
                                     for i in range(300)).encode(),
        "chapters-json-bad.json": b'{"version": "1.2.0", "chapters": [{"startTime": "x"}]}',
        "chapters-same-time.txt": b"00:00 One\n00:10 Two\n00:10 Three\n",
    }
    for name, data in cases.items():
        (OUT / name).write_bytes(data)


def big_cases(folder: Path) -> list[Path]:
    """The two transcripts too big to commit: one 10 MB line, and 100,000 turns."""
    line = folder / "ten-megabyte-line.txt"
    line.write_bytes(b"[00:00:05] A: " + b"word " * 2_000_000 + b"\n")
    turns = folder / "hundred-thousand-turns.txt"
    with turns.open("w", encoding="utf-8") as out:
        for i in range(100_000):
            out.write(f"[{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}] "
                      f"{'AB'[i % 2]}: Turn number {i}.\n")
    return [line, turns]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    make_mp3s()
    make_transcripts()
    print(f"{len(list(OUT.iterdir()))} files in {OUT}")


if __name__ == "__main__":
    main()
