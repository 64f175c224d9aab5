"""The chapter atoms of an MP4 file: a QuickTime chapter track and a Nero chapter
list, made from chapters and read back into them (see :mod:`exporter.writers.mp4`
for what each is and who reads it).

>>> decode_sample(encode_sample(Chapter("Intro — 日本", 0.0, None, "https://x.org")))
('Intro — 日本', 'https://x.org')
>>> [t.chapter.title for t in nero_chapters(nero_box([Chapter("A", 0.0, None)]).data, 9.0)]
['A']
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import BinaryIO

from exporter.model import Chapter, TaggedChapter
from exporter.writers import mp4box
from exporter.writers.mp4box import Box, Damaged

#: The chapter track's clock: milliseconds, as chapter times are kept.
SCALE = 1000
_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
#: The text sample description ffmpeg writes for a chapter track (display flags,
#: justification, colours, a default text box and style, a font table with font 1).
_TEXT_ENTRY = bytes.fromhex("0000000000000001000000010000000000000000000000000000000000000000"
                            "00010000000000000000000d667461620001000100")
#: A ``gmhd`` with its ``gmin`` and ``text`` atoms, as QuickTime expects for text.
_GMHD = bytes.fromhex("00000018676d696e000000000040800080008000000000000000002c74657874"
                      "000100000000000000000000000000000001000000000000000000000000000040"
                      "000000")
#: An ``encd`` box saying the sample's text is UTF-8.
_ENCD = struct.pack(">I4sI", 12, b"encd", 0x100)
#: The handlers of the tracks a ``chap`` reference may name for titles.
CHAPTER_HANDLERS = (b"text", b"sbtl")


def timeline(entries: Sequence[tuple[float, str, str | None]], total: float,
             label: str) -> list[TaggedChapter]:
    """Chapters from (start, title, url), each ending where the next starts."""
    ordered = sorted(((round(s, 3), t, u) for s, t, u in entries), key=lambda e: e[0])
    out = []
    for index, (start, title, url) in enumerate(ordered):
        end = ordered[index + 1][0] if index + 1 < len(ordered) else max(start, round(total, 3))
        out.append(TaggedChapter(Chapter(title, start, end, url or None),
                                 f"{label} {index + 1}", False))
    return out


def track_chapters(trak: Box, handle: BinaryIO, timescale: int, duration: int,
                   file_size: int) -> list[TaggedChapter]:
    """The chapters in a chapter track, whose samples are read through ``handle``;
    ``timescale`` and ``duration`` are the movie's.

    :raises Damaged: when its tables or samples do not add up.
    """
    mdhd, stbl = trak.find(b"mdia", b"mdhd"), trak.find(b"mdia", b"minf", b"stbl")
    if mdhd is None or stbl is None:
        raise Damaged("the chapter track has no media header")
    scale = mp4box.header_time(mdhd)[0] or 1
    table = mp4box.sample_table(stbl)
    time = empty_edit(trak) / timescale * scale
    entries = []
    for length, size, offset in zip(table.durations, table.sizes, table.offsets,
                                    strict=False):
        if offset + size > file_size:
            raise Damaged("a chapter title lies past the end of the file")
        handle.seek(offset)
        title, url = decode_sample(handle.read(size))
        entries.append((time / scale, title, url))
        time += length
    return timeline(entries, duration / timescale, "sample")


def empty_edit(trak: Box) -> int:
    """How long the track's edit list keeps it silent before its first sample."""
    elst = trak.find(b"edts", b"elst")
    if elst is None or len(elst.data) < 20:
        return 0
    if elst.data[0] == 1:
        duration, media = struct.unpack_from(">Qq", elst.data, 8)
    else:
        duration, media = struct.unpack_from(">Ii", elst.data, 8)
    return int(duration) if media == -1 else 0


def decode_sample(sample: bytes) -> tuple[str, str | None]:
    """A chapter sample's title (UTF-8, or UTF-16 after a byte-order mark) and the
    URL of its ``href`` box, if it has one."""
    if len(sample) < 2:
        return "", None
    length = struct.unpack_from(">H", sample)[0]
    raw = sample[2:2 + length]
    title = (raw.decode("utf-16", "replace") if raw[:2] in (b"\xfe\xff", b"\xff\xfe")
             else raw.decode("utf-8", "replace"))
    url = None
    try:
        for box in mp4box.parse(sample[2 + length:]):
            if box.kind == b"href" and len(box.data) >= 5:
                size = box.data[4]
                url = box.data[5:5 + size].decode("utf-8", "replace")
    except Damaged:
        pass  # a title with trailing bytes that are not boxes: the title stands
    return title.rstrip("\x00"), url


def nero_chapters(data: bytes, total: float) -> list[TaggedChapter]:
    """The chapters in a ``chpl`` atom's payload (version 1 has 4 more bytes)."""
    at = 8 if data[:1] == b"\x01" else 4
    if len(data) <= at:
        return []
    entries = []
    count, at = data[at], at + 1
    for _ in range(count):
        if at + 9 > len(data):
            break
        start, size = struct.unpack_from(">QB", data, at)
        title = data[at + 9:at + 9 + size].decode("utf-8", "replace")
        entries.append((start / 10_000_000, title, None))
        at += 9 + size
    return timeline(entries, total, "chpl")


def _fit(text: bytes, limit: int) -> bytes:
    """``text`` cut to at most ``limit`` bytes, at a character boundary."""
    return text[:limit].decode("utf-8", "ignore").encode("utf-8")


def encode_sample(chapter: Chapter) -> bytes:
    """A chapter track's sample: the title's length and UTF-8 bytes, an ``encd`` box
    saying so, and the chapter's URL in a 3GPP ``href`` box spanning the title."""
    title = _fit(chapter.title.encode("utf-8"), 0xFFFF)
    data = struct.pack(">H", len(title)) + title + _ENCD
    if chapter.url:
        url = chapter.url.encode("utf-8")
        chars = len(title.decode("utf-8"))
        data += Box(b"href", struct.pack(">HHB", 0, min(chars, 0xFFFF), len(url)) + url
                    + b"\x00").encode()
    return data


def _full(version: int, flags: int, body: bytes) -> bytes:
    return struct.pack(">I", version << 24 | flags) + body


def chapter_trak(track_id: int, timescale: int, duration: int, starts: list[int],
                 samples: list[bytes], offset: int) -> Box:
    """The QuickTime chapter track: ``starts`` in ms, the samples stored one after the
    other from ``offset`` (one chunk)."""
    return _trak(track_id, timescale, duration, starts, [len(s) for s in samples], [offset],
                 handler=b"text", name=b"Chapters", media_header=Box(b"gmhd", _GMHD),
                 entry=Box(b"text", _TEXT_ENTRY))


def _trak(track_id: int, timescale: int, duration: int, starts: list[int], sizes: list[int],
          chunks: list[int], *, handler: bytes, name: bytes, media_header: Box, entry: Box,
          size: tuple[int, int] = (0, 0)) -> Box:
    """A disabled track of one sample per chapter, timed by ``starts`` (in ms) over a
    movie of ``duration`` in ``timescale``; the samples fill ``chunks`` (at their
    offsets) evenly: all in one, or one in each."""
    total = max(round(duration / timescale * SCALE), starts[-1] + 1)
    durations = [b - a for a, b in zip(starts, [*starts[1:], total], strict=True)]
    wide = duration > 0xFFFFFFFF
    tkhd = (_full(1, 2, struct.pack(">QQII Q", 0, 0, track_id, 0, duration)) if wide
            else _full(0, 2, struct.pack(">IIIII", 0, 0, track_id, 0, duration)))
    tkhd += (bytes(8) + struct.pack(">hhhH", 0, 0, 0, 0) + _MATRIX
             + struct.pack(">II", size[0] << 16, size[1] << 16))
    lead = round(starts[0] / SCALE * timescale)
    edits = ([(lead, -1), (duration - lead, 0)] if lead else [(duration, 0)])
    elst = (_full(1, 0, struct.pack(">I", len(edits)) + b"".join(
        struct.pack(">QqI", d, m, 0x10000) for d, m in edits)) if wide
            else _full(0, 0, struct.pack(">I", len(edits)) + b"".join(
                struct.pack(">IiI", d, m, 0x10000) for d, m in edits)))
    mdhd = _full(0, 0, struct.pack(">IIIIHH", 0, 0, SCALE, total - starts[0], 0x55C4, 0))
    hdlr = _full(0, 0, struct.pack(">I4s12s", 0, handler, bytes(12)) + name + b"\x00")
    stsd = _full(0, 0, struct.pack(">I", 1) + entry.encode())
    stts = _full(0, 0, struct.pack(f">I{2 * len(durations)}I", len(durations),
                                   *[v for d in durations for v in (1, d)]))
    stsc = _full(0, 0, struct.pack(">IIII", 1, 1, len(sizes) // len(chunks), 1))
    stsz = _full(0, 0, struct.pack(f">II{len(sizes)}I", 0, len(sizes), *sizes))
    stbl = Box(b"stbl", children=[Box(b"stsd", stsd), Box(b"stts", stts), Box(b"stsc", stsc),
                                  Box(b"stsz", stsz)])
    mp4box.set_chunk_offsets(stbl, chunks)
    dref = Box(b"dref", _full(0, 0, struct.pack(">I", 1) + Box(b"url ", _full(0, 1, b""))
                              .encode()))
    minf = Box(b"minf", children=[media_header, Box(b"dinf", children=[dref]), stbl])
    mdia = Box(b"mdia", children=[Box(b"mdhd", mdhd), Box(b"hdlr", hdlr), minf])
    return Box(b"trak", children=[Box(b"tkhd", tkhd), Box(b"edts", children=[
        Box(b"elst", elst)]), mdia])


def nero_box(chapters: Sequence[Chapter]) -> Box:
    """A version 1 ``chpl`` atom, as ffmpeg writes it: starts in 100 ns units,
    titles cut to 255 bytes at a character."""
    body = bytearray(_full(1, 0, bytes(4)) + bytes([len(chapters)]))
    for chapter in chapters:
        title = _fit(chapter.title.encode("utf-8"), 255)
        body += struct.pack(">QB", round((chapter.start or 0.0) * 10_000_000), len(title))
        body += title
    return Box(b"chpl", bytes(body))


def image_size(data: bytes) -> tuple[int, int]:
    """A PNG's or JPEG's width and height, from its header (0, 0 when not found).

    >>> header = b"\\x89PNG\\r\\n\\x1a\\n" + bytes(4) + b"IHDR"
    >>> image_size(header + bytes.fromhex("0000004000000030"))
    (64, 48)
    """
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        width, height = struct.unpack_from(">II", data, 16)
        return int(width), int(height)
    at = 2
    while at + 9 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], struct.unpack_from(">H", data, at + 2)[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack_from(">HH", data, at + 5)
            return int(width), int(height)
        at += 2 + length
    return 0, 0


def image_trak(track_id: int, timescale: int, duration: int, starts: list[int], image: bytes,
               mime: str, offset: int) -> Box:
    """A chapter image track, as Apple's enhanced podcasts carry one: a disabled video
    track with one sample per chapter, every sample the same picture, stored once at
    ``offset``. ffmpeg shows it as the file's picture; Apple's players per chapter."""
    width, height = image_size(image)
    kind = b"png " if mime == "image/png" else b"jpeg"
    entry = (bytes(6) + struct.pack(">HHH3IHHIIIH", 1, 0, 0, 0, 0, 0, width, height,
                                    0x00480000, 0x00480000, 0, 1)
             + bytes([6]) + b"images".ljust(31, b"\0") + struct.pack(">Hh", 0x18, -1))
    # One chunk per sample, every chunk the one picture.
    return _trak(track_id, timescale, duration, starts, [len(image)] * len(starts),
                 [offset] * len(starts), handler=b"vide", name=b"Chapter images",
                 media_header=Box(b"vmhd", _full(0, 1, bytes(8))), entry=Box(kind, entry),
                 size=(width, height))
