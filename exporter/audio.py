"""Facts about audio files: their length, read from the MPEG frames themselves where
a header may be wrong (a VBR MP3 without a Xing header, a damaged file)."""

from __future__ import annotations

import functools
import mmap
import os
import struct

import mutagen
from mutagen.mp3 import MP3

from exporter.errors import AudioError


def audio_duration(path: str | os.PathLike[str], *, exact: bool = True) -> float:
    """The audio's length in seconds: an MP3's by counting its frames (what a
    decoder plays), other files' from their headers.

    :param exact: False takes an MP3's headers at their word too (for a progress
        bar, which need not read the whole file first).

    >>> sample = "exporter/samples/sample-episode.mp3"
    >>> round(audio_duration(sample), 2), round(audio_duration(sample, exact=False), 2)
    (116.69, 116.77)

    :raises AudioError: when the file is missing or not audio.
    """
    source = os.fspath(path)
    try:
        info = mutagen.File(source)
    except (OSError, mutagen.MutagenError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise AudioError(f"cannot read the audio ({reason})", source) from None
    if info is None or getattr(info, "info", None) is None or not info.info.length:
        raise AudioError("not an audio file that exporter can read", source)
    if exact and isinstance(info, MP3):
        counted = mp3_length(source)
        if counted:
            return counted
    return float(info.info.length)


# -- MPEG audio frames -----------------------------------------------------------------

_BITRATES = {
    (1, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (1, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (1, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (2, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    (2, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_RATES = {1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 25: [11025, 12000, 8000]}


def frame_length(header: bytes) -> int | None:
    """The length of the MPEG audio frame starting with these 4 bytes, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version_bits = (header[1] >> 3) & 3
    layer_bits = (header[1] >> 1) & 3
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    padding = (header[2] >> 1) & 1
    if version_bits == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    version = {3: 1, 2: 2, 0: 25}[version_bits]
    layer = 4 - layer_bits
    key = (1, layer) if version == 1 else (2, 1 if layer == 1 else 2)
    bitrate = _BITRATES[key][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    if layer == 3 and version != 1:
        return 72 * bitrate // rate + padding
    return 144 * bitrate // rate + padding


def frame_samples(header: bytes) -> tuple[int, int] | None:
    """(samples, sample rate) of the MPEG audio frame with this header, or None.

    >>> frame_samples(bytes([0xFF, 0xFB, 0x90, 0x64]))  # MPEG-1 Layer III, 44.1 kHz
    (1152, 44100)
    """
    if frame_length(header) is None:
        return None
    version = {3: 1, 2: 2, 0: 25}[(header[1] >> 3) & 3]
    layer = 4 - ((header[1] >> 1) & 3)
    rate = _RATES[version][(header[2] >> 2) & 3]
    samples = 384 if layer == 1 else 1152 if layer == 2 or version == 1 else 576
    return samples, rate


#: A run of this many frames, each where the last one ends, is the audio (a lone
#: 0xFFE pattern inside a tag or an image is not).
_SYNC_RUN = 4


def mp3_length(path: str | os.PathLike[str]) -> float | None:
    """The length of an MP3's audio in seconds, by counting its frames: what a
    decoder plays, whatever the headers claim. None when no run of frames is found.

    An Xing/Info frame carries no audio and is not counted; the encoder's delay and
    padding from a LAME header are taken off, as decoders do. Its frame count is
    taken only when its byte count is this stream's (see :func:`_xing_frames`);
    otherwise the frames are walked, which reads the whole file, so the answer is kept
    for as long as the file is unchanged (same inode, size and modification time).
    """
    try:
        facts = os.stat(path)
    except OSError:
        return None
    return _walk_frames(os.path.realpath(path), facts.st_ino, facts.st_size,
                        facts.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _walk_frames(path: str, _inode: int, size: int, _mtime_ns: int) -> float | None:
    if size == 0:
        return None
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0,
                                               access=mmap.ACCESS_READ) as mapped:
        # Mapped, not read: the walk jumps from header to header, and a 3-hour episode
        # need not be held in this process's memory.
        return _count_frames(mapped)


def _count_frames(data: mmap.mmap) -> float | None:
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = data[6:10]
        start = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
        if data[5] & 0x10:
            start += 10  # a footer
    position = _first_run(data, start)
    if position is None:
        return None
    samples = 0
    rate = 0
    trim = 0
    first = True
    while position + 4 <= len(data):
        known = _frame_info(data[position:position + 4])
        if known is None:
            following = _first_run(data, position + 1)
            if following is None:
                break
            position = following
            continue
        length, count, frame_rate = known
        head = data[position:position + min(64, length)]
        if first and (b"Xing" in head or b"Info" in head):
            frame = data[position:position + length]
            at = frame.find(b"LAME")
            if at < 0:
                at = frame.find(b"Lavc")
            if at >= 0 and len(frame) >= at + 24:
                delay_padding = struct.unpack(">I", b"\0" + frame[at + 21:at + 24])[0]
                trim = (delay_padding >> 12) + (delay_padding & 0xFFF)
            frames = _xing_frames(frame, len(data) - _tail_size(data) - position)
            if frames is not None:
                return max(0, frames * count - trim) / frame_rate
        else:
            samples += count
            rate = frame_rate
        first = False
        position += length
    if not rate:
        return None
    return max(0, samples - trim) / rate


def _xing_frames(frame: bytes, stream_bytes: int) -> int | None:
    """The frame count an Xing/Info header gives, when it also gives the stream's size
    in bytes and that size is this file's, to within one frame: a header that
    describes this very stream (a damaged, cut or concatenated file, or one whose
    header was never finished, fails the check, and its frames are walked).

    >>> info = bytes([0xFF, 0xFB, 0x90, 0x64, *[0] * 32]) + b"Info" + (3).to_bytes(4, "big")
    >>> info += (1000).to_bytes(4, "big") + (417_000).to_bytes(4, "big")
    >>> _xing_frames(info, 417_000), _xing_frames(info, 800_000)
    (1000, None)
    """
    at = max(frame.find(b"Xing", 0, 64), frame.find(b"Info", 0, 64))
    if at < 0 or len(frame) < at + 16:
        return None
    flags = int.from_bytes(frame[at + 4:at + 8], "big")
    if flags & 3 != 3:
        return None
    frames = int.from_bytes(frame[at + 8:at + 12], "big")
    size = int.from_bytes(frame[at + 12:at + 16], "big")
    return frames if frames and abs(size - stream_bytes) <= len(frame) else None


def _tail_size(data: bytes | mmap.mmap) -> int:
    """Bytes an ID3v1 tag takes at the end (an APE or Lyrics3 tag makes the sizes
    disagree, and the frames are walked)."""
    return 128 if len(data) >= 128 and data[-128:-125] == b"TAG" else 0


@functools.lru_cache(maxsize=512)
def _frame_info(header: bytes) -> tuple[int, int, int] | None:
    """(length, samples, rate) of a frame header; a file repeats a few headers many
    thousand times, so each is worked out once."""
    length = frame_length(header)
    counted = frame_samples(header)
    return None if length is None or counted is None else (length, *counted)


#: What may follow the last frame: an ID3v1, APE, Lyrics3 or appended ID3v2 tag.
_AFTER_AUDIO = (b"TAG", b"APE", b"LYR", b"ID3")


def _first_run(data: bytes | mmap.mmap, position: int) -> int | None:
    """Where the first run of frames at or after ``position`` starts."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 4 > len(data):
            return None
        at, count = position, 0
        while count < _SYNC_RUN:
            length = frame_length(data[at:at + 4])
            if length is None:
                break
            at += length
            count += 1
            if at >= len(data) or data[at:at + 3] in _AFTER_AUDIO:
                count = _SYNC_RUN  # a short file: its frames run to the end or a tag
        if count >= _SYNC_RUN:
            return position
        position += 1
