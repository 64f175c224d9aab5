"""The atoms (boxes) of an MP4/QuickTime file, as much of them as chapters need.

The top level is scanned without reading it (an ``mdat`` may be gigabytes); the
``moov`` is read whole and parsed into a tree down to the sample tables, every
other atom kept as its bytes. A :class:`Box` encodes back to exactly the bytes it
was read from unless it was changed.

>>> tree = parse(Box(b"udta", children=[Box(b"chpl", b"xy")]).encode())
>>> tree[0].kind, tree[0].find(b"chpl").data
(b'udta', b'xy')
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

#: The atoms whose payload is a list of atoms, on the way to what chapters touch.
CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"tref",
                        b"edts"})


class Damaged(ValueError):
    """The file's atoms do not add up; the message says where."""


@dataclass
class Box:
    """One atom: a leaf holds its payload in ``data``, a container its ``children``."""

    kind: bytes
    data: bytes = b""
    children: list[Box] | None = None

    def encode(self) -> bytes:
        body = (b"".join(c.encode() for c in self.children) if self.children is not None
                else self.data)
        if len(body) + 8 > 0xFFFFFFFF:
            return struct.pack(">I4sQ", 1, self.kind, len(body) + 16) + body
        return struct.pack(">I4s", len(body) + 8, self.kind) + body

    def find(self, *path: bytes) -> Box | None:
        """The first atom down ``path`` (kinds, one per level), or None."""
        here: Box | None = self
        for kind in path:
            if here is None or here.children is None:
                return None
            here = next((c for c in here.children if c.kind == kind), None)
        return here

    def all(self, kind: bytes) -> list[Box]:
        return [c for c in self.children or [] if c.kind == kind]


def parse(data: bytes, depth: int = 0) -> list[Box]:
    """The atoms in ``data``, containers parsed down.

    :raises Damaged: when an atom's size runs past its parent's end.
    """
    boxes = []
    at = 0
    while at < len(data):
        if len(data) - at < 8:
            raise Damaged(f"{len(data) - at} stray bytes where an atom should start")
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            if len(data) - at < 16:
                raise Damaged(f"the '{kind.decode('latin-1')}' atom is cut short")
            size, header = struct.unpack_from(">Q", data, at + 8)[0], 16
        elif size == 0:
            size = len(data) - at
        if size < header or at + size > len(data):
            raise Damaged(f"the '{kind.decode('latin-1')}' atom runs past its parent's end")
        payload = data[at + header:at + size]
        if kind in CONTAINERS and depth < 8:
            boxes.append(Box(kind, children=parse(payload, depth + 1)))
        else:
            boxes.append(Box(kind, payload))
        at += size
    return boxes


@dataclass(frozen=True)
class Top:
    """A top-level atom: where it is in the file and how long, header included."""

    kind: bytes
    start: int
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


def scan(handle: BinaryIO, size: int) -> list[Top]:
    """The file's top-level atoms, from their headers only.

    :raises Damaged: when an atom runs past the end of the file.
    """
    tops = []
    at = 0
    while at < size:
        handle.seek(at)
        head = handle.read(16)
        if len(head) < 8:
            raise Damaged(f"{size - at} stray bytes at the end of the file")
        length, kind = struct.unpack_from(">I4s", head)
        header = 8
        if length == 1 and len(head) == 16:
            length, header = struct.unpack_from(">Q", head, 8)[0], 16
        elif length == 0:
            length = size - at
        name = kind.decode("latin-1")
        if length < header:
            raise Damaged(f"the '{name}' atom at byte {at} has an impossible size")
        if at + length > size:
            raise Damaged(f"the '{name}' atom at byte {at} runs past the end of the file "
                          f"({at + length - size} bytes are missing)")
        tops.append(Top(kind, at, length))
        at += length
    return tops


def full_box(box: Box) -> tuple[int, bytes]:
    """A full box's version and the payload after its version and flags."""
    return box.data[0] if box.data else 0, box.data[4:]


def u32s(data: bytes, count: int, at: int = 0) -> list[int]:
    return list(struct.unpack_from(f">{count}I", data, at)) if count else []


@dataclass
class SampleTable:
    """Where a track's samples are, and when."""

    durations: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # each sample's, in the file


def chunk_offsets(stbl: Box) -> tuple[Box | None, list[int]]:
    """The ``stco``/``co64`` atom and the chunk offsets it lists."""
    for kind, width in ((b"stco", "I"), (b"co64", "Q")):
        box = stbl.find(kind)
        if box is not None:
            count = struct.unpack_from(">I", box.data, 4)[0]
            if 8 + count * struct.calcsize(width) > len(box.data):
                raise Damaged(f"the '{kind.decode()}' table is cut short")
            return box, list(struct.unpack_from(f">{count}{width}", box.data, 8))
    return None, []


def set_chunk_offsets(stbl: Box, offsets: list[int]) -> None:
    """Write ``offsets`` into the track's ``stco``, or ``co64`` when one is past 4 GiB."""
    wide = any(o > 0xFFFFFFFF for o in offsets)
    kind, width = (b"co64", "Q") if wide else (b"stco", "I")
    box = Box(kind, struct.pack(f">II{len(offsets)}{width}", 0, len(offsets), *offsets))
    assert stbl.children is not None
    for index, child in enumerate(stbl.children):
        if child.kind in (b"stco", b"co64"):
            stbl.children[index] = box
            return
    stbl.children.append(box)


def sample_table(stbl: Box) -> SampleTable:
    """Every sample's duration, size and offset, from ``stts``, ``stsz``, ``stsc`` and
    the chunk offsets.

    :raises Damaged: when the tables are cut short or disagree.
    """
    try:
        return _sample_table(stbl)
    except struct.error:
        raise Damaged("a sample table is cut short") from None


#: More samples than any track could hold (a day of 48 kHz AAC is 4 million): a
#: count past it is damage, not a list to build.
_MAX_SAMPLES = 1 << 26


def _sample_table(stbl: Box) -> SampleTable:
    table = SampleTable()
    stts, stsz, stsc = stbl.find(b"stts"), stbl.find(b"stsz"), stbl.find(b"stsc")
    if stts is None or stsz is None or stsc is None:
        raise Damaged("a track has no sample table")
    _, body = full_box(stsz)
    fixed, count = struct.unpack_from(">II", body)
    if count > _MAX_SAMPLES:
        raise Damaged(f"a track lists {count} samples")
    table.sizes = [fixed] * count if fixed else u32s(body, count, 8)
    _, body = full_box(stts)
    count = struct.unpack_from(">I", body)[0]
    pairs = u32s(body, 2 * count, 4)
    for index in range(count):
        room = len(table.sizes) - len(table.durations)
        table.durations += [pairs[2 * index + 1]] * min(pairs[2 * index], room)
    _, chunks = chunk_offsets(stbl)
    _, body = full_box(stsc)
    count = struct.unpack_from(">I", body)[0]
    runs = u32s(body, 3 * count, 4)
    sample = 0
    for index in range(count):
        first, per_chunk = runs[3 * index], runs[3 * index + 1]
        last = runs[3 * (index + 1)] - 1 if index + 1 < count else len(chunks)
        for chunk in range(max(first, 1) - 1, min(last, len(chunks))):
            at = chunks[chunk]
            for _ in range(min(per_chunk, len(table.sizes) - sample)):
                table.offsets.append(at)
                at += table.sizes[sample]
                sample += 1
    if len(table.offsets) != len(table.sizes):
        raise Damaged("a track's chunks hold fewer samples than its table lists")
    return table


def tracks(moov: Box) -> Iterator[tuple[int, bytes, Box]]:
    """Each track's ID, handler (``soun``, ``text``…) and ``trak`` atom."""
    for trak in moov.all(b"trak"):
        hdlr = trak.find(b"mdia", b"hdlr")
        yield track_id(trak), hdlr.data[8:12] if hdlr is not None else b"", trak


def track_id(trak: Box) -> int:
    """The ID in a track's header.

    :raises Damaged: when it has none.
    """
    tkhd = trak.find(b"tkhd")
    if tkhd is None or len(tkhd.data) < 24:
        raise Damaged("a track has no header")
    return int(struct.unpack_from(">I", tkhd.data, 20 if tkhd.data[0] == 1 else 12)[0])


def header_time(header: Box) -> tuple[int, int]:
    """The timescale and duration of a movie or media header (``mvhd``, ``mdhd``: both
    lay them out alike, 32-bit times in version 0 and 64-bit in version 1).

    :raises Damaged: when the header is cut short.
    """
    if len(header.data) < (32 if header.data[:1] == b"\x01" else 20):
        raise Damaged(f"the '{header.kind.decode('latin-1')}' header is cut short")
    if header.data[0] == 1:
        timescale, duration = struct.unpack_from(">IQ", header.data, 20)
    else:
        timescale, duration = struct.unpack_from(">II", header.data, 12)
    return int(timescale), int(duration)


def movie_time(moov: Box) -> tuple[int, int]:
    """The movie's timescale and duration, from ``mvhd``."""
    mvhd = moov.find(b"mvhd")
    if mvhd is None or len(mvhd.data) < 32:
        raise Damaged("it has no movie header")
    return header_time(mvhd)


def set_next_track_id(moov: Box, next_id: int) -> None:
    mvhd = moov.find(b"mvhd")
    assert mvhd is not None
    mvhd.data = mvhd.data[:-4] + struct.pack(">I", next_id)


def next_track_id(moov: Box) -> int:
    mvhd = moov.find(b"mvhd")
    assert mvhd is not None
    return int(struct.unpack_from(">I", mvhd.data, len(mvhd.data) - 4)[0])
