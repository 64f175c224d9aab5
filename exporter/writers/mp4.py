"""Chapters in MP4 audio: M4A, M4B, MP4 and QuickTime files.

Two chapter lists, both written, as ffmpeg and mp4v2 write them:

- a **QuickTime chapter track**: a text track that every audio and video track
  points to with a ``tref/chap`` reference, one sample per chapter holding its
  UTF-8 title (marked by an ``encd`` box) and, where it has one, its URL in a 3GPP
  timed-text ``href`` box. Apple Podcasts, iOS, QuickTime, ffmpeg and mpv read it.
- a **Nero chapter list** (``moov/udta/chpl``): each chapter's start and title (at
  most 255 bytes, cut at a character) for at most 255 chapters. mutagen and many
  Android players read it.

**Written by editing the atoms, not through ffmpeg.** A stream copy through
ffmpeg's mov muxer keeps the audio packets but rebuilds every other atom from what
it understands: iTunes freeform tags (``----``), unknown ``udta`` atoms and the
encoder's own boxes are lost, the ``moov`` may move, and timescales change. Here
only the ``moov`` is rebuilt, and in it only what chapters own: the chapter text
track, the ``chap`` references and ``chpl``. Every other atom (cover art in
``ilst/covr``, tags, other tracks) and every other top-level atom is kept as its
bytes, and the ``moov`` stays where it was. When it is in front of the audio and
changes size, every chunk offset of the other tracks moves by as much (a table
becomes ``co64`` when an offset passes 4 GiB). The chapter track's samples go in a
small ``mdat`` of their own at the end of the file, so that the next rewrite drops
them whole. A chapter image (``--chapter-image``) goes in a third track, as Apple's
enhanced podcasts carry one: a disabled video track the ``chap`` references also
name, one sample per chapter, all of them the one picture stored once (ffmpeg reads
it as the file's picture). The cover art in ``ilst/covr`` is another thing and
stays as it is.

Written without risk, as the ID3 writer does: into an
:class:`~exporter.fsutil.AtomicFile` beside the original; every top-level atom
copied by the kernel and then compared byte for byte with the original's; every
chunk offset of every other track checked to point at the same bytes it did; the
chapters read back; only then fsynced and renamed over the original.

The module is longer than most (about 450 lines) because reading the movie, planning
the new file's layout (which tracks go, which offsets move) and checking the copy
against that plan are one job on one private view of the file (``_Movie``); the
atoms themselves are in :mod:`~exporter.writers.mp4box` and the chapter atoms in
:mod:`~exporter.writers.mp4chapters`.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from exporter.errors import AudioError, OutputError
from exporter.fsutil import AtomicFile, copy_range, refuse_read_only, same_bytes
from exporter.model import Chapter, TaggedChapter, WriteReport
from exporter.sniff import audio_format, describe
from exporter.writers import mp4box, mp4chapters
from exporter.writers.mp4box import Box, Damaged, Top
from exporter.writers.tags import commit_write, refuse_replacing

#: A Nero chapter list counts its chapters in one byte.
MAX_CHAPTERS = 255


@dataclass
class _Movie:
    size: int
    tops: list[Top]
    moov_at: int  # index of the moov in ``tops``
    moov: Box
    timescale: int
    duration: int

    @property
    def seconds(self) -> float:
        return self.duration / self.timescale if self.timescale else 0.0

    def chapter_tracks(self, handlers: tuple[bytes, ...] = mp4chapters.CHAPTER_HANDLERS
                       ) -> set[int]:
        """The IDs of the tracks of ``handlers`` that a ``chap`` reference names: by
        default the chapter titles' text tracks."""
        named: set[int] = set()
        for _, _, trak in mp4box.tracks(self.moov):
            chap = trak.find(b"tref", b"chap")
            if chap is not None:
                named.update(mp4box.u32s(chap.data, len(chap.data) // 4))
        return {tid for tid, handler, _ in mp4box.tracks(self.moov)
                if tid in named and handler in handlers}

    def owned(self) -> set[int]:
        """The tracks that belong to the chapter list: its titles and its pictures."""
        return self.chapter_tracks((*mp4chapters.CHAPTER_HANDLERS, b"vide"))


def _check(path: str | os.PathLike[str]) -> None:
    fmt = audio_format(path)
    if fmt != "mp4":
        raise AudioError(f"{describe(fmt) if fmt else 'not audio'}, not an MP4/M4A file", path)


def _movie(handle: BinaryIO, source: str | os.PathLike[str]) -> _Movie:
    size = os.fstat(handle.fileno()).st_size
    try:
        tops = mp4box.scan(handle, size)
        kinds = [t.kind for t in tops]
        if b"moof" in kinds:
            raise AudioError("a fragmented MP4 (it has 'moof' atoms); exporter cannot write "
                             "chapters into one: remux it with ffmpeg -c copy first", source)
        if kinds.count(b"moov") != 1:
            raise Damaged("it has no movie atom ('moov')" if b"moov" not in kinds
                          else "it has more than one movie atom ('moov')")
        at = kinds.index(b"moov")
        handle.seek(tops[at].start)
        data = handle.read(tops[at].size)
        (moov,) = mp4box.parse(data)
        if moov.find(b"cmov") is not None:
            raise AudioError("its movie atom is compressed ('cmov'); exporter cannot edit it",
                             source)
        timescale, duration = mp4box.movie_time(moov)
        for _, _, trak in mp4box.tracks(moov):  # every track has a header, and
            stbl = trak.find(b"mdia", b"minf", b"stbl")  # whole chunk offset tables
            if stbl is not None:
                mp4box.chunk_offsets(stbl)
    except Damaged as exc:
        raise AudioError(f"a damaged MP4 file: {exc}", source) from None
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror})", source) from None
    if not timescale or not duration:
        raise AudioError("an MP4 file without a length (an empty or fragmented movie)", source)
    return _Movie(size, tops, at, moov, timescale, duration)


def _open(path: str | os.PathLike[str], *, picture: bool = False
          ) -> tuple[_Movie, list[TaggedChapter], bytes | None]:
    """The movie, its chapters and (when asked) its chapter picture, in one pass."""
    _check(path)
    try:
        with open(path, "rb") as handle:
            movie = _movie(handle, path)
            return (movie, _chapters(movie, handle, path),
                    _picture(movie, handle) if picture else None)
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror})", path) from None


def length(path: str | os.PathLike[str]) -> float:
    """The movie's length in seconds, from its header.

    :raises AudioError: when the file is not a readable MP4 file.
    """
    _check(path)
    try:
        with open(path, "rb") as handle:
            return _movie(handle, path).seconds
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror})", path) from None


def read_chapters(path: str | os.PathLike[str]) -> list[TaggedChapter]:
    """The chapters as players read them: the QuickTime chapter track's, or, in a file
    without one, the Nero list's.

    :raises AudioError: when the file is not a readable MP4 file.
    """
    return _open(path)[1]


def _chapters(movie: _Movie, handle: BinaryIO,
              source: str | os.PathLike[str]) -> list[TaggedChapter]:
    ids = movie.chapter_tracks()
    for tid, _, trak in mp4box.tracks(movie.moov):
        if tid in ids:
            try:
                found = mp4chapters.track_chapters(trak, handle, movie.timescale,
                                                   movie.duration, movie.size)
            except (Damaged, struct.error) as exc:
                raise AudioError(f"a damaged MP4 chapter track: {exc}", source) from None
            pictured = bool(movie.chapter_tracks((b"vide",)))
            return [replace(t, has_image=pictured) for t in found]
    chpl = movie.moov.find(b"udta", b"chpl")
    return mp4chapters.nero_chapters(chpl.data, movie.seconds) if chpl is not None else []


@dataclass
class _Layout:
    """The new file: the old top-level atoms kept (in order), the new ``moov`` in
    place of the old one, and the chapter samples' ``mdat`` at the end."""

    kept: list[Top]
    moov: bytes
    tail: bytes


def _ours(movie: _Movie, top: Top) -> bool:
    """Whether ``top`` is an ``mdat`` holding only old chapter samples (the last
    rewrite's), which the new file leaves out."""
    if top.kind != b"mdat":
        return False
    old = movie.owned()
    inside = False
    for tid, _, trak in mp4box.tracks(movie.moov):
        stbl = trak.find(b"mdia", b"minf", b"stbl")
        offsets = mp4box.chunk_offsets(stbl)[1] if stbl is not None else []
        hits = any(top.start <= o < top.end for o in offsets)
        if hits and tid not in old:
            return False
        inside = inside or hits
    return inside


def _layout(movie: _Movie, chapters: Sequence[Chapter],
            image: tuple[bytes, str] | None = None) -> _Layout:
    import copy

    moov = copy.deepcopy(movie.moov)
    old = movie.owned()
    kept = list(movie.tops)
    if kept[-1] is not kept[movie.moov_at] and _ours(movie, kept[-1]):
        kept.pop()
    assert moov.children is not None
    moov.children = [c for c in moov.children
                     if c.kind != b"trak" or mp4box.track_id(c) not in old]
    for _, _, trak in mp4box.tracks(moov):
        tref = trak.find(b"tref")
        chap = trak.find(b"tref", b"chap")
        if tref is None or chap is None or tref.children is None:
            continue
        ids = [i for i in mp4box.u32s(chap.data, len(chap.data) // 4) if i not in old]
        chap.data = struct.pack(f">{len(ids)}I", *ids)
        tref.children = [c for c in tref.children if c.kind != b"chap" or c.data]
        if not tref.children:
            assert trak.children is not None
            trak.children.remove(tref)
    udta = moov.find(b"udta")
    if udta is not None and udta.children is not None:
        udta.children = [c for c in udta.children if c.kind != b"chpl"]
    chapter_trak = picture_trak = None
    samples = [mp4chapters.encode_sample(c) for c in chapters]
    picture = image[0] if image is not None and chapters else b""
    if chapters:
        ids = [t for t, _, _ in mp4box.tracks(moov)]
        new_id = max([mp4box.next_track_id(moov), *(i + 1 for i in ids)])
        for _, handler, trak in mp4box.tracks(moov):
            if handler in (b"soun", b"vide"):
                _refer(trak, new_id)
                if picture:
                    _refer(trak, new_id + 1)
        mp4box.set_next_track_id(moov, new_id + (2 if picture else 1))
        if udta is None:
            udta = Box(b"udta", children=[])
            moov.children.append(udta)
        assert udta.children is not None
        udta.children.append(mp4chapters.nero_box(chapters[:MAX_CHAPTERS]))
        starts = [round((c.start or 0.0) * mp4chapters.SCALE) for c in chapters]
        chapter_trak = mp4chapters.chapter_trak(new_id, movie.timescale, movie.duration, starts,
                                                    samples, 0)
        last = max(i for i, c in enumerate(moov.children) if c.kind == b"trak")
        moov.children.insert(last + 1, chapter_trak)
        if image is not None:
            picture_trak = mp4chapters.image_trak(new_id + 1, movie.timescale, movie.duration,
                                                  starts, picture, image[1], 0)
            moov.children.insert(last + 2, picture_trak)
    moov_top = movie.tops[movie.moov_at]
    offsets = {tid: mp4box.chunk_offsets(stbl)[1]
               for tid, _, trak in mp4box.tracks(moov)
               if trak is not chapter_trak and trak is not picture_trak
               and (stbl := trak.find(b"mdia", b"minf", b"stbl")) is not None}
    stored = b"".join(samples) + picture
    tail = Box(b"mdat", stored).encode() if stored else b""
    delta = 0
    for _ in range(4):  # a table turned into co64 grows the moov once more at most
        # The titles follow the tail's header, after everything kept; the picture
        # follows the titles.
        titles_at = sum(t.size for t in kept) + delta + len(tail) - len(stored)
        for tid, _, trak in mp4box.tracks(moov):
            stbl = trak.find(b"mdia", b"minf", b"stbl")
            if stbl is None:
                continue
            if trak is chapter_trak:
                mp4box.set_chunk_offsets(stbl, [titles_at])
            elif trak is picture_trak:
                at = titles_at + sum(map(len, samples))
                mp4box.set_chunk_offsets(stbl, [at] * len(chapters))
            else:
                mp4box.set_chunk_offsets(stbl, [o + delta if o >= moov_top.end else o
                                                for o in offsets[tid]])
        encoded = moov.encode()
        if len(encoded) - moov_top.size == delta:
            return _Layout(kept, encoded, tail)
        delta = len(encoded) - moov_top.size
    raise OutputError("the movie atom's size would not settle", None)


def _refer(trak: Box, track_id: int) -> None:
    """Add a ``chap`` reference to ``track_id`` in ``trak``'s ``tref``."""
    assert trak.children is not None
    tref = trak.find(b"tref")
    if tref is None:
        tref = Box(b"tref", children=[])
        trak.children.insert(1, tref)
    chap = tref.find(b"chap")
    if chap is None:
        chap = Box(b"chap", b"")
        assert tref.children is not None
        tref.children.append(chap)
    chap.data += struct.pack(">I", track_id)


def _locate(offset: int, tops: Sequence[Top]) -> tuple[int, int]:
    """Which top-level atom ``offset`` lies in, and where in it."""
    import bisect

    index = bisect.bisect_right([t.start for t in tops], offset) - 1
    return index, offset - tops[index].start if index >= 0 else offset


def _intact(movie: _Movie, kept: list[Top], new: _Movie, original: BinaryIO,
            copy: BinaryIO) -> bool:
    """Whether every kept atom is in the copy byte for byte, and every other track's
    chunks still point at the same bytes within them."""
    tops = new.tops[:len(kept)]
    if [t.kind for t in tops] != [t.kind for t in kept]:
        return False
    for index, (old, now) in enumerate(zip(kept, tops, strict=True)):
        if index == movie.moov_at:
            continue
        if old.size != now.size or not same_bytes(
                original, old.start, copy, now.start, old.size, to_end=False):  # type: ignore[arg-type]
            return False
    owned = movie.owned()
    before = {tid: trak for tid, _, trak in mp4box.tracks(movie.moov) if tid not in owned}
    after = {tid: trak for tid, _, trak in mp4box.tracks(new.moov)}
    for tid, trak in before.items():
        if tid not in after:
            return False
        old_stbl, new_stbl = (trak.find(b"mdia", b"minf", b"stbl"),
                              after[tid].find(b"mdia", b"minf", b"stbl"))
        if old_stbl is None or new_stbl is None:
            if old_stbl is not new_stbl:
                return False
            continue
        for kind in (b"stts", b"stsz", b"stsc", b"stsd"):
            if old_stbl.find(kind) != new_stbl.find(kind):
                return False
        old_offsets = mp4box.chunk_offsets(old_stbl)[1]
        new_offsets = mp4box.chunk_offsets(new_stbl)[1]
        if len(old_offsets) != len(new_offsets) or any(
                _locate(a, kept) != _locate(b, tops)
                for a, b in zip(old_offsets, new_offsets, strict=True)):
            return False
    return True


def _picture(movie: _Movie, handle: BinaryIO) -> bytes | None:
    """The chapter picture the file has (its chapter image track's first sample)."""
    pictured = movie.chapter_tracks((b"vide",))
    for tid, _, trak in mp4box.tracks(movie.moov):
        stbl = trak.find(b"mdia", b"minf", b"stbl")
        if tid in pictured and stbl is not None:
            try:
                table = mp4box.sample_table(stbl)
            except Damaged:
                return None
            if table.sizes and table.offsets[0] + table.sizes[0] <= movie.size:
                handle.seek(table.offsets[0])
                return handle.read(table.sizes[0])
    return None


def _rewrite(path: str | os.PathLike[str], chapters: Sequence[Chapter] | None, *,
             output: str | os.PathLike[str] | None, backup: bool, dry_run: bool,
             force: bool, keep_chapters: bool = False,
             image: str | os.PathLike[str] | None = None) -> WriteReport:
    """Set (or, with ``chapters`` None, remove) the chapter track and list, and the
    chapter picture when ``image`` is given."""
    source = Path(path)
    target = Path(output) if output is not None else source
    if output is None and not dry_run and not force:
        refuse_read_only(source)
    movie, before, old_picture = _open(source, picture=image is not None)
    notes: list[str] = []
    wanted = []
    for chapter in chapters or []:
        if chapter.url and len(chapter.url.encode("utf-8")) > 255:
            notes.append(f"the URL of chapter {chapter.title!r} was left out: an MP4 chapter "
                         "link holds 255 bytes")
            chapter = Chapter(chapter.title, chapter.start, chapter.end, None)
        if (chapter.start or 0.0) >= movie.seconds:
            raise OutputError(f"chapter {chapter.title!r} starts at {chapter.start:.3f} s, "
                              f"after the audio ends ({movie.seconds:.3f} s)", path)
        wanted.append(chapter)
    after = mp4chapters.timeline([(c.start or 0.0, c.title, c.url) for c in wanted],
                                 movie.seconds, "sample")
    if any(len(c.title.encode("utf-8")) > 255 for c in wanted):
        notes.append("titles longer than 255 bytes are whole in the chapter track and cut "
                     "in the Nero list, which some Android players read")
    picture = None
    if image is not None and after:
        from exporter.writers.id3 import read_image

        picture = read_image(image)
        after = [replace(t, has_image=True) for t in after]
    changed = (before != after or output is not None
               or (picture is not None and picture[0] != old_picture))
    report = WriteReport(str(target), before, after, changed, written=False, notes=notes)
    if dry_run or not changed:
        return report
    if keep_chapters and output is None:
        refuse_replacing(before, after, source)
    ordered = [t.chapter for t in after]
    layout = _layout(movie, ordered, picture)
    with AtomicFile(target, like=source) as out, open(source, "rb") as handle:
        try:
            for index, top in enumerate(layout.kept):
                if index == movie.moov_at:
                    out.file.write(layout.moov)
                elif copy_range(handle, top.start, top.size, out.file) != top.size:
                    raise OutputError("the file changed while it was being copied", source)
            out.file.write(layout.tail)
            out.sync_soon()
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
        try:
            new = _movie(out.file, target)
            readback = _chapters(new, out.file, target)
        except AudioError as exc:
            raise OutputError(f"the new file did not read back ({exc.message})",
                              target) from None
        if readback != after or (picture is not None
                                 and _picture(new, out.file) != picture[0]):
            raise OutputError("the new chapters did not read back as written", target)
        intact = _intact(movie, layout.kept, new, handle, out.file)
        return commit_write(out, report, source, intact=intact, backup=backup and not output)


def write_chapters(path: str | os.PathLike[str], chapters: Sequence[Chapter], *,
                   output: str | os.PathLike[str] | None = None, backup: bool = False,
                   dry_run: bool = False, force: bool = False,
                   replace: bool = False,
                   image: str | os.PathLike[str] | None = None) -> WriteReport:
    """Replace the chapters in an MP4 file (see the module's docstring); the
    parameters are those of :func:`exporter.writers.id3.write_chapters`; ``image``
    (a PNG or JPEG) is shown with every chapter, from a chapter image track.

    :raises AudioError: when ``path`` is not a readable MP4 file.
    :raises OutputError: as the ID3 writer; ``path`` is unchanged.
    """
    if len(chapters) > MAX_CHAPTERS:
        raise OutputError(f"{len(chapters)} chapters; an MP4 Nero chapter list holds at most "
                          f"{MAX_CHAPTERS}", path)
    return _rewrite(path, chapters, output=output, backup=backup, dry_run=dry_run,
                    force=force, keep_chapters=not replace, image=image)


def remove_chapters(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None = None,
                    backup: bool = False, dry_run: bool = False,
                    force: bool = False) -> WriteReport:
    """Take the chapter track, its picture track, their references and the Nero list
    out; the rest stays. A file without chapters is left as it is."""
    return _rewrite(path, None, output=output, backup=backup, dry_run=dry_run, force=force)
