"""ID3 chapters (CHAP and CTOC frames) in MP3 files, written without risk to the file.

What players need, each point from a real player's behaviour:

- one CHAP frame per chapter and one top-level, ordered CTOC listing them all in
  time order (without a CTOC, Apple Podcasts and Overcast show no list);
- the tag's own version (v2.3 with UTF-16 text for an untagged file), but v2.3 when
  a chapter sub-frame would reach 128 bytes in v2.4 (an image, a title or url over
  115 bytes), whose sizes ffmpeg and Apple Podcasts misread;
- element IDs ``chp0``, ``chp1``...; TIT2 first in each CHAP (VLC shows the first
  sub-frame), then WXXX and APIC; byte offsets 0xFFFFFFFF;
- CHAP frames stored in start-time order: mutagen orders frames by size, which
  lists chapters out of order in ffmpeg, mpv and VLC, so :class:`_OrderedID3`
  writes them in order itself.

The MP3 is the producer's master. Every other frame survives: byte for byte when
the version is kept (:func:`_raw_frames`), whether or not mutagen can parse it; mapped
to its twin, or kept and named, when it changes. The audio bytes after the tag are
copied unchanged (and checked); the new file is built next to the original, fsynced,
read back and verified, and only then renamed over it
(:class:`~exporter.fsutil.AtomicFile`).

The module is longer than most (about 590 lines) because checking the file, the
frame layout, version conversion and the safe rewrite are one job on one tag: split,
each part would need the others' internals (the raw tag, mutagen's frame classes).
"""

from __future__ import annotations

import functools
import io
import os
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    CTOC,
    ID3,
    TIT2,
    WXXX,
    CTOCFlags,
    Encoding,
    ID3NoHeaderError,
    PictureType,
)
from mutagen.id3._tags import save_frame
from mutagen.id3._util import BitPaddedInt

from exporter.audio import frame_length, mp3_length
from exporter.errors import AudioError, InputError, OutputError
from exporter.fsutil import AtomicFile, copy_tail, refuse_read_only, same_bytes
from exporter.model import Chapter, TaggedChapter, WriteReport
from exporter.report import describe_chapters
from exporter.sniff import describe, magic_format
from exporter.writers.tags import commit_write, refuse_replacing

TOC_ID = "toc"
NO_OFFSET = 0xFFFFFFFF
#: Fixed padding after the frames, so that writing the same chapters twice gives
#: the same bytes.
PADDING = 1024
_CHUNK = 1 << 20


class _OrderedID3(ID3):
    """mutagen's ID3, but with CTOC and then the CHAP frames in start-time order at
    the end of the tag, instead of wherever their size would sort them."""

    #: The other frames exactly as the file stored them, when they can be carried
    #: over as they are (see :func:`_raw_frames`): then they are, byte for byte.
    raw_rest: bytes | None = None

    def _write(self, config: Any) -> bytes:
        chapters = sorted(self.getall("CHAP"), key=lambda f: (f.start_time, f.element_id))
        tocs = self.getall("CTOC")
        saved = self._copy()
        self.delall("CHAP")
        self.delall("CTOC")
        try:
            rest = self.raw_rest if self.raw_rest is not None else bytes(super()._write(config))
        finally:
            self._restore(saved)
        return rest + b"".join(save_frame(f, config=config) for f in [*tocs, *chapters])


@dataclass
class Mp3Facts:
    """Where the parts of an MP3 file are."""

    path: str
    size: int
    audio_start: int
    tag_version: int | None  # 3 or 4, None without an ID3v2 tag
    #: The length mutagen reads from the headers: an estimate for some VBR files.
    header_length: float

    @functools.cached_property
    def duration(self) -> float:
        """The length in seconds, from the frames' own count (a VBR file without a
        Xing header, or a damaged one, can claim four times its real length). Walking
        the frames reads the whole file, so it is done only when asked, once."""
        counted = mp3_length(self.path)
        return counted if counted is not None else self.header_length


# -- checking the file -----------------------------------------------------------

def _tail_tags_size(handle: BinaryIO, size: int) -> int:
    """Bytes at the end taken by an ID3v1 and/or APE tag."""
    tail = 0
    if size >= 128:
        handle.seek(size - 128)
        if handle.read(3) == b"TAG":
            tail = 128
    if size - tail >= 32:
        handle.seek(size - tail - 32)
        footer = handle.read(32)
        if footer[:8] == b"APETAGEX":
            ape_size = struct.unpack("<I", footer[12:16])[0]
            flags = struct.unpack("<I", footer[20:24])[0]
            tail += ape_size + (32 if flags & (1 << 31) else 0)
    return tail


def _check_stream(handle: BinaryIO, start: int, end: int, source: str) -> None:
    """Refuse a stream cut short: the last frame must be whole, and a Xing/Info
    header's byte count, when there is one, must be there."""
    handle.seek(start)
    head = handle.read(4096)
    first = head.find(b"\xff")
    while first >= 0 and frame_length(head[first:first + 4]) is None:
        first = head.find(b"\xff", first + 1)
    if first < 0:
        raise AudioError("no MPEG audio frame at the start of the audio", source)
    for marker in (b"Xing", b"Info"):
        at = head.find(marker, first, first + 64)
        if at >= 0 and len(head) >= at + 16:
            flags = struct.unpack(">I", head[at + 4:at + 8])[0]
            offset = at + 8 + (4 if flags & 1 else 0)
            if flags & 2:
                expected = struct.unpack(">I", head[offset:offset + 4])[0]
                if end - start - first < expected - 4:  # encoders differ by a few bytes
                    raise AudioError(f"the MP3 is truncated ({end - start - first} of "
                                     f"{expected} audio bytes)", source)
    # Walk the last frames: find a run of three frames in the tail and follow it.
    window = min(end - start, 32 * 1441)
    handle.seek(end - window)
    tail = handle.read(window)
    position = 0
    while position < len(tail) - 4:
        length = frame_length(tail[position:position + 4])
        if length and _chain(tail, position, 3):
            break
        position += 1
    else:
        return  # too little audio to tell; mutagen already found frames
    while position < len(tail):
        length = frame_length(tail[position:position + 4])
        if length is None:
            return  # trailing data that is not audio; not a cut-off frame
        if position + length > len(tail):
            raise AudioError("the MP3 is truncated (its last audio frame is cut off)",
                             source)
        position += length


def _chain(data: bytes, position: int, count: int) -> bool:
    for _ in range(count):
        length = frame_length(data[position:position + 4])
        if length is None:
            return False
        position += length
        if position >= len(data):
            return True
    return True


def inspect_mp3(path: str | os.PathLike[str]) -> Mp3Facts:
    """Check that ``path`` is a whole MP3 and find its parts.

    :raises AudioError: for a missing, unreadable, non-MP3 or truncated file.
    """
    from mutagen.mp3 import MP3

    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            magic = handle.read(16)
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise AudioError("the file is empty, not an MP3", source)
            found = magic_format(magic)
            if found not in (None, "mp3"):
                raise AudioError(f"{describe(found)}, not an MP3", source)
            try:
                length = float(getattr(MP3(handle).info, "length", 0.0))
            except MutagenError as exc:
                raise AudioError(f"not an MP3 ({exc})", source) from None
            version: int | None = None
            audio_start = 0
            try:
                handle.seek(0)
                tags = ID3(handle, load_v1=False, translate=False)
                version = tags.version[1]
                audio_start = tags.size
            except ID3NoHeaderError:
                pass
            except MutagenError as exc:
                raise AudioError(f"its ID3 tag is damaged ({exc})", source) from None
            if audio_start >= size:
                raise AudioError("the ID3 tag claims more bytes than the file has", source)
            end = size - _tail_tags_size(handle, size)
            _check_stream(handle, audio_start, end, source)
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror})", source) from None
    return Mp3Facts(source, size, audio_start, version if version in (3, 4) else None,
                    length)


# -- reading ---------------------------------------------------------------------


def _text(frames: Any, key: str) -> str | None:
    found = frames.getall(key) if frames else []
    return str(found[0]) if found else None


def chapters_in(tags: ID3) -> list[TaggedChapter]:
    """The chapters as a player sees them: in the top-level CTOC's order, or by start
    time when there is no CTOC."""
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    order: list[str] = []
    for toc in tags.getall("CTOC"):
        if toc.flags & CTOCFlags.TOP_LEVEL:
            order = [e for e in toc.child_element_ids if e in chaps]
            break
    if not order:
        order = sorted(chaps, key=lambda e: (chaps[e].start_time, e))
    out = []
    for element_id in order:
        frame = chaps[element_id]
        urls = frame.sub_frames.getall("WXXX") if frame.sub_frames else []
        out.append(TaggedChapter(
            Chapter(_text(frame.sub_frames, "TIT2") or "", frame.start_time / 1000,
                    frame.end_time / 1000, urls[0].url if urls else None),
            element_id, bool(frame.sub_frames and frame.sub_frames.getall("APIC"))))
    return out


def _load(handle: str | BinaryIO) -> _OrderedID3:
    try:
        return _OrderedID3(handle, load_v1=False, translate=False)
    except ID3NoHeaderError:
        return _OrderedID3()


def length(path: str | os.PathLike[str]) -> float:
    """The MP3's length in seconds (as every chapter writer module answers it).

    :raises AudioError: when the file is not a whole MP3.
    """
    return float(inspect_mp3(path).duration)


def read_chapters(path: str | os.PathLike[str]) -> list[TaggedChapter]:
    """The chapters in an MP3's ID3 tag.

    :raises AudioError: when the file is not a readable MP3.
    """
    inspect_mp3(path)
    try:
        return chapters_in(_load(os.fspath(path)))
    except MutagenError as exc:
        raise AudioError(f"cannot read its ID3 tag ({exc})", path) from None


# -- writing ---------------------------------------------------------------------


def _reheader(frame: bytes, source: int, target: int) -> bytes | None:
    """A raw frame mutagen does not know, with its header converted between v2.3 and
    v2.4, or None when its flags (compression, encryption...) make that unsafe."""
    name, body = frame[:4], frame[10:]
    flags = frame[8:10]
    format_flags = flags[1] & (0x4F if source == 4 else 0xE0)
    if format_flags:
        return None
    size = (BitPaddedInt.to_str(len(body), width=4) if target == 4
            else struct.pack(">I", len(body)))
    return name + size + b"\x00\x00" + body


#: Frames ID3v2.3 does not have and mutagen cannot map to a v2.3 twin.
_V24_ONLY = {"TDRL": "release date", "TDTG": "tagging date", "TSOA": "album sort order",
             "TSOP": "performer sort order", "TSOT": "title sort order",
             "TSST": "set subtitle", "TMOO": "mood", "TPRO": "produced notice",
             "TDEN": "encoding date", "RVA2": "volume adjustment", "EQU2": "equalisation",
             "ASPI": "seek index", "SEEK": "seek frame", "SIGN": "signature"}


def _convert(tags: _OrderedID3, source: int | None, target: int, notes: list[str]) -> None:
    """Bring the tag to ID3v2.``target`` without losing what it holds.

    mutagen's v2.3 conversion deletes frames that v2.3 lacks; they are put back (a
    v2.3 reader skips what it does not know, and the producer keeps the data).
    """
    if source is None:
        if tags.unknown_frames and getattr(tags, "_unknown_v2_version", None) == 2:
            # An ID3v2.2 tag (mutagen cannot write v2.2): the frames mutagen does not
            # know have no v2.3 name to take, and go; say which.
            names = ", ".join(dict.fromkeys(f[:3].decode("latin-1") for f in
                                            tags.unknown_frames))
            notes.append(f"its ID3v2.2 tag was written as v2.{target}, which has no place "
                         f"for its unknown v2.2 frames {names}: they were dropped (--backup "
                         "keeps the original)")
            tags.unknown_frames = []
        return
    if source == target:
        return
    if target == 3:
        # mutagen maps the frames with a v2.3 twin (TDRC to TYER/TDAT/TIME, TDOR to
        # TORY, TIPL and TMCL to IPLS) and deletes the others; those are put back, so
        # nothing is lost, and named, as v2.3 readers ignore them.
        kept = [f for key in _V24_ONLY for f in tags.getall(key)]
        tags.update_to_v23()
        for frame in kept:
            if frame.HashKey not in tags:
                tags.add(frame)
        if kept:
            names = ", ".join(dict.fromkeys(
                f"{f.FrameID} ({_V24_ONLY[f.FrameID]})" for f in kept))
            notes.append(f"ID3v2.3 readers ignore its v2.4-only {names}: kept as they were "
                         "(keep the tag's version to have them read)")
    else:
        tags.update_to_v24()
    converted = []
    for raw in tags.unknown_frames:
        new = _reheader(raw, source, target)
        if new is None:
            notes.append(f"an unknown {raw[:4].decode('latin-1')} frame with compression "
                         f"or encryption cannot be moved to ID3v2.{target}; it was dropped")
        else:
            converted.append(new)
    tags.unknown_frames = converted
    tags._unknown_v2_version = target


_FRAME_ID = re.compile(rb"[A-Z0-9]{4}")


def _raw_frames(tag: bytes) -> list[tuple[str, bytes]] | None:
    """(id, whole frame) of each frame of a v2.3 or v2.4 tag as stored; None for a
    tag whose frames cannot be carried over verbatim (v2.2, tag-wide
    unsynchronisation, an extended header, or frames that do not add up).

    >>> frame = b"TIT2\\x00\\x00\\x00\\x02\\x00\\x00\\x00A"
    >>> _raw_frames(b"ID3\\x03\\x00\\x00\\x00\\x00\\x00\\x14" + frame + b"\\x00" * 8)
    [('TIT2', b'TIT2\\x00\\x00\\x00\\x02\\x00\\x00\\x00A')]
    """
    if len(tag) < 10 or tag[:3] != b"ID3" or tag[3] not in (3, 4) or tag[5] & 0xC0:
        return None
    end = 10 + _syncsafe(tag[6:10])
    if end > len(tag):
        return None
    frames: list[tuple[str, bytes]] = []
    position = 10
    while position + 10 <= end and tag[position] != 0:
        frame_id = tag[position:position + 4]
        size = (_syncsafe(tag[position + 4:position + 8]) if tag[3] == 4
                else struct.unpack(">I", tag[position + 4:position + 8])[0])
        if not _FRAME_ID.fullmatch(frame_id) or position + 10 + size > end:
            return None
        frames.append((frame_id.decode("ascii"), tag[position:position + 10 + size]))
        position += 10 + size
    if any(tag[position:end]):
        return None  # not padding after the last frame: something this walk missed
    return frames


def _syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def render_tag(tags: _OrderedID3, version: int) -> bytes:
    """The complete ID3v2 tag as bytes, padding included."""
    buffer = io.BytesIO()
    tags.save(buffer, v1=0, v2_version=version, v23_sep="/", padding=lambda _info: PADDING)
    return buffer.getvalue()


def _chapter_frames(chapters: Sequence[Chapter], version: int,
                    image: tuple[bytes, str] | None) -> list[Any]:
    encoding = Encoding.UTF16 if version == 3 else Encoding.UTF8
    frames: list[Any] = []
    ids = [f"chp{i}" for i in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters, strict=True):
        subs: list[Any] = [TIT2(encoding=encoding, text=[chapter.title])]
        if chapter.url:
            subs.append(WXXX(encoding=encoding, desc="", url=chapter.url))
        if image is not None:
            subs.append(APIC(encoding=encoding, mime=image[1], type=PictureType.OTHER,
                             desc="", data=image[0]))
        frames.append(CHAP(element_id=element_id,
                           start_time=round((chapter.start or 0.0) * 1000),
                           end_time=round((chapter.end or 0.0) * 1000),
                           start_offset=NO_OFFSET, end_offset=NO_OFFSET, sub_frames=subs))
    frames.append(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                       child_element_ids=ids, sub_frames=[]))
    return frames


def _rewrite(path: str | os.PathLike[str], change: Callable[[_OrderedID3, int], None],
             version: int | None, *, output: str | os.PathLike[str] | None,
             backup: bool, dry_run: bool, force: bool = False,
             keep_chapters: bool = False, v24_safe: bool = True) -> WriteReport:
    source = Path(path)
    facts = inspect_mp3(source)
    target = Path(output) if output is not None else source
    if output is None and not dry_run and not force:
        refuse_read_only(source)
    try:
        with open(source, "rb") as handle:
            tags = _load(handle)
            handle.seek(0)
            old_tag = handle.read(facts.audio_start)
    except (OSError, MutagenError) as exc:
        raise AudioError(f"cannot read its ID3 tag ({exc})", source) from None
    before = chapters_in(tags)
    notes: list[str] = []
    if version is None:
        # The master's own version: a conversion nobody asked for changes what its
        # readers show. Only chapters v2.4 cannot carry safely make it v2.3.
        version = facts.tag_version or 3
        if version == 4 and not v24_safe:
            version = 3
            notes.append("its ID3v2.4 tag was written as v2.3: a chapter's image, or a title "
                         "or url over 115 bytes, makes v2.4 chapter frames that ffmpeg-based "
                         "players and Apple Podcasts misread")
    _convert(tags, facts.tag_version, version, notes)
    change(tags, version)
    raw = _raw_frames(old_tag) if version == facts.tag_version else None
    if raw is not None:
        # Same version: every frame but the chapters stays as stored, byte for byte,
        # whether or not mutagen can parse it (an OWNE, a TXXX without its NUL).
        tags.raw_rest = b"".join(frame for frame_id, frame in raw
                                 if frame_id not in ("CHAP", "CTOC"))
    new_tag = render_tag(tags, version)
    after = chapters_in(tags)
    # Chapters already as asked: a tag converted for nothing is a change nobody wanted.
    changed = new_tag != old_tag and (before != after or output is not None)
    report = WriteReport(str(target), before, after, changed, written=False, notes=notes)
    if dry_run or (not changed and output is None):
        return report
    if keep_chapters and output is None:
        refuse_replacing(before, after, source)
    with AtomicFile(target, like=source) as out, open(source, "rb") as handle:
        try:
            out.file.write(new_tag)
            copied = copy_tail(handle, facts.audio_start, out.file)
            out.sync_soon()
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
        _verify(out.file, after, target)
        intact = same_bytes(handle, facts.audio_start, out.file, len(new_tag), copied)
        return commit_write(out, report, source, intact=intact, backup=backup and not output)


def _verify(handle: BinaryIO, expected: list[TaggedChapter], target: Path) -> None:
    """Read the new tag back before it replaces anything."""
    handle.seek(0)
    try:
        found = chapters_in(_load(handle))
    except MutagenError as exc:
        raise OutputError(f"the new tag did not read back ({exc})", target) from None
    if found != expected:
        raise OutputError("the new tag did not read back as written", target)


def write_chapters(path: str | os.PathLike[str], chapters: Sequence[Chapter], *,
                   version: int | None = None, image: str | os.PathLike[str] | None = None,
                   output: str | os.PathLike[str] | None = None, backup: bool = False,
                   dry_run: bool = False, force: bool = False,
                   replace: bool = False) -> WriteReport:
    """Replace the chapters in an MP3's ID3 tag.

    :param chapters: finished chapters (timed and contiguous, see
        :func:`exporter.chapters.finish`).
    :param version: 3 or 4; by default the version the file's tag has (3 for a file
        without one), made 3 when the chapters do not fit v2.4 safely (see
        :func:`v24_safe`).
    :param image: a PNG or JPEG shown with every chapter.
    :param output: write a tagged copy there instead of changing ``path``.
    :param backup: keep the original as ``NAME.mp3.bak``.
    :param dry_run: work out the change but write nothing.
    :param force: rewrite ``path`` even when it is read-only.
    :param replace: replace chapters ``path`` already has that differ from these
        (refused otherwise: they may be the producer's own, with links and art). A
        tagged copy (``output``) needs no leave: ``path`` keeps its chapters.
    :raises AudioError: when ``path`` is not a whole MP3.
    :raises InputError: for an unreadable or unknown image.
    :raises OutputError: when the result cannot be written, ``path`` is read-only
        (without ``force``) or has other chapters (without ``replace``); ``path`` is
        unchanged.
    """
    picture = read_image(image) if image is not None else None

    def change(tags: _OrderedID3, chosen: int) -> None:
        tags.delall("CHAP")
        tags.delall("CTOC")
        for frame in _chapter_frames(chapters, chosen, picture):
            tags.add(frame)

    safe = v24_safe(chapters, picture is not None)
    report = _rewrite(path, change, version, output=output, backup=backup, dry_run=dry_run,
                      force=force, keep_chapters=not replace, v24_safe=safe)
    old = [t.chapter for t in report.before]
    if old and old != [t.chapter for t in report.after]:
        # The producer's own chapters (perhaps with links and art made by hand) go:
        # say which, so that it is never a surprise.
        report.notes.append(f"{'would replace' if dry_run else 'replaced'} "
                            f"{describe_chapters(report.before, 'the ')}"
                            + ("; the backup keeps them" if report.backup else ""))
    if version == 4 and not safe:
        # v2.4 sizes are "syncsafe"; past 127 bytes they differ from v2.3's, and
        # ffmpeg (so mpv and VLC) and Apple Podcasts read chapter sub-frames wrongly.
        report.notes.append("ID3v2.4 chapter sub-frames over 127 bytes (an image, or a long "
                            "title or url) are misread by ffmpeg-based players and Apple "
                            "Podcasts; ID3v2.3 (--id3v2-version 3) has no such problem")
    return report


def v24_safe(chapters: Sequence[Chapter], image: bool = False) -> bool:
    """Whether every chapter's sub-frames stay under 128 bytes, where ID3v2.4's
    "syncsafe" sizes equal v2.3's and every reader gets them right.

    >>> v24_safe([Chapter("x" * 115, 0.0, 5.0)]), v24_safe([Chapter("x" * 116, 0.0, 5.0)])
    (True, False)
    """
    # A sub-frame is a 10-byte header, an encoding byte, the text and a terminator.
    return not image and not any(len(c.title.encode("utf-8")) > _V24_TEXT
                                 or len((c.url or "").encode("utf-8")) > _V24_TEXT
                                 for c in chapters)


#: The longest title or url (in UTF-8 bytes) whose v2.4 sub-frame stays under 128 bytes.
_V24_TEXT = 128 - 10 - 1 - 1 - 1


def remove_chapters(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None = None,
                    backup: bool = False, dry_run: bool = False,
                    force: bool = False) -> WriteReport:
    """Take every CHAP and CTOC frame out of an MP3's tag; the rest stays. A file
    with no chapters is left as it is.

    :raises AudioError: when ``path`` is not a whole MP3.
    :raises OutputError: when the result cannot be written, or ``path`` is read-only
        (without ``force``); ``path`` is unchanged.
    """
    facts = inspect_mp3(path)

    def change(tags: _OrderedID3, _version: int) -> None:
        tags.delall("CHAP")
        tags.delall("CTOC")

    return _rewrite(path, change, facts.tag_version, output=output, backup=backup,
                    dry_run=dry_run, force=force)


def read_image(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """A chapter image's bytes and MIME type.

    :raises InputError: naming the file when it cannot be read or is not a PNG or JPEG.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the image ({exc.strerror})", path) from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data, "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return data, "image/jpeg"
    raise InputError("a chapter image must be a PNG or JPEG", path)
