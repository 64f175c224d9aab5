"""Chapters in FLAC and Ogg (Opus, Vorbis) files, as Vorbis comments.

Xiph's chapter extension: ``CHAPTERxxx=HH:MM:SS.mmm`` with ``CHAPTERxxxNAME`` (the
title, UTF-8) and ``CHAPTERxxxURL``, numbered from 000 as ffmpeg writes them. ffmpeg
(and so mpv, VLC and most Android players) reads them into chapters. Only the
``CHAPTER*`` comments change; every other comment, the vendor string and pictures
(FLAC picture blocks, ``METADATA_BLOCK_PICTURE``) stay as they are.

Written without risk, as the ID3 writer does: the file is copied into an
:class:`~exporter.fsutil.AtomicFile` beside the original, mutagen rewrites the copy's
comment header, the copy's chapters are read back and its audio compared with the
original's (a FLAC file's frames byte for byte; an Ogg file's packets through
ffmpeg's stream copy, since the pages after the comment header are renumbered),
and only then is it fsynced and renamed over the original.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
from mutagen import MutagenError

from exporter.errors import AudioError, OutputError
from exporter.fsutil import AtomicFile, copy_tail, refuse_read_only, same_bytes
from exporter.model import Chapter, TaggedChapter, WriteReport
from exporter.sniff import audio_format, describe
from exporter.timecode import format_time
from exporter.writers.tags import commit_write, refuse_replacing

#: A chapter comment's key: its number, and NAME or URL (the start has neither).
_KEY = re.compile(r"^chapter(\d{1,3})(name|url)?$", re.I)
#: ``HH:MM:SS.mmm``, and an end after ``-->`` or ``-`` in the extension's first drafts.
_TIME = re.compile(r"^\s*(\d{1,3}):(\d{2}):(\d{2}(?:\.\d{1,9})?)")
#: At most this many chapters: the extension numbers them 000 to 999.
MAX_CHAPTERS = 1000


def _load(handle: BinaryIO, source: str | os.PathLike[str]) -> Any:
    handle.seek(0)
    try:
        found = mutagen.File(handle)
    except MutagenError as exc:
        raise AudioError(f"cannot read it ({exc})", source) from None
    if found is None or getattr(found, "info", None) is None:
        raise AudioError("not a FLAC or Ogg file that exporter can read", source)
    if found.tags is None:
        found.add_tags()
    return found


def _check(path: str | os.PathLike[str]) -> str:
    fmt = audio_format(path)
    if fmt not in ("flac", "ogg"):
        raise AudioError(f"{describe(fmt) if fmt else 'not audio'}, not a FLAC or Ogg file",
                         path)
    return fmt


def chapters_in(tags: Any, duration: float) -> list[TaggedChapter]:
    """The chapters in Vorbis comments, by start time; each ends where the next
    starts, and the last at the audio's end."""
    found: dict[int, dict[str, str]] = {}
    for key, value in tags.items() if tags is not None else []:
        match = _KEY.match(key)
        if match and value:
            found.setdefault(int(match[1]), {})[(match[2] or "start").lower()] = value[0]
    timed = []
    for number, fields in found.items():
        time = _TIME.match(fields.get("start", ""))
        if time is None:
            continue
        start = int(time[1]) * 3600 + int(time[2]) * 60 + float(time[3])
        timed.append((round(start, 3), number, fields))
    timed.sort()
    out = []
    for index, (start, number, fields) in enumerate(timed):
        end = timed[index + 1][0] if index + 1 < len(timed) else max(start, round(duration, 3))
        out.append(TaggedChapter(Chapter(fields.get("name", ""), start, end,
                                         fields.get("url")), f"CHAPTER{number:03d}", False))
    return out


def _chapter_keys(tags: Any) -> list[str]:
    # keys(), not iteration: mutagen's comment dict is a list of (key, value) pairs.
    return [key for key in tags.keys() if _KEY.match(key)]  # noqa: SIM118


def _read(path: str | os.PathLike[str]) -> Any:
    _check(path)
    try:
        with open(path, "rb") as handle:
            return _load(handle, path)
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror})", path) from None


def length(path: str | os.PathLike[str]) -> float:
    """The audio's length in seconds, from the stream's own headers.

    :raises AudioError: when the file is not a readable FLAC or Ogg file.
    """
    return float(_read(path).info.length)


def read_chapters(path: str | os.PathLike[str]) -> list[TaggedChapter]:
    """The chapters in a FLAC or Ogg file's comments.

    :raises AudioError: when the file is not a readable FLAC or Ogg file.
    """
    found = _read(path)
    return chapters_in(found.tags, float(found.info.length))


def _flac_audio_start(handle: io.BufferedIOBase) -> int:
    """Where a FLAC file's frames begin: after ``fLaC`` and the metadata blocks."""
    handle.seek(4)
    position = 4
    while True:
        header = handle.read(4)
        if len(header) < 4:
            return position
        position += 4 + int.from_bytes(header[1:4], "big")
        handle.seek(position)
        if header[0] & 0x80:
            return position


def _ogg_audio_start(handle: io.BufferedIOBase) -> int | None:
    """Where an Ogg file's first audio page begins: the first page with a granule
    position, after the header pages (which have none)."""
    from mutagen.ogg import OggPage

    handle.seek(0)
    try:
        for _ in range(4096):  # header pages: a 16 MB picture in the comments is ~250
            at = handle.tell()
            if OggPage(handle).position > 0:
                return at
    except (MutagenError, EOFError, OSError):
        return None
    return None


def _packets_digest(path: str) -> str:
    """The audio packets' MD5, as ffmpeg's stream copy reads them."""
    from exporter.align.audio import ffmpeg_exe

    done = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", path, "-map", "0:a", "-c",
                           "copy", "-f", "md5", "-"], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        return f"unreadable: {done.stderr.strip()[-200:]}"
    return done.stdout.strip()


def _same_audio(original: io.BufferedIOBase, copy: io.BufferedIOBase, fmt: str) -> bool:
    """Whether the copy's audio is the original's: the bytes after the header, or,
    for an Ogg file whose header changed its number of pages (so that every page
    after it was renumbered), its packets as ffmpeg's stream copy reads them."""
    starts: tuple[int | None, int | None]
    if fmt == "flac":
        starts = _flac_audio_start(original), _flac_audio_start(copy)
    else:
        copy.flush()
        starts = _ogg_audio_start(original), _ogg_audio_start(copy)
    first, second = starts
    if first is not None and second is not None:
        length = os.fstat(original.fileno()).st_size - first
        if (os.fstat(copy.fileno()).st_size - second == length
                and same_bytes(original, first, copy, second, length)):
            return True
    if fmt == "flac":
        return False
    # The copy may have no name yet (O_TMPFILE); ffmpeg reads it through our fd.
    return (_packets_digest(f"/proc/{os.getpid()}/fd/{copy.fileno()}")
            == _packets_digest(f"/proc/{os.getpid()}/fd/{original.fileno()}"))


def _no_padding(info: object) -> int:
    return 0


def _rewrite(path: str | os.PathLike[str], chapters: Sequence[Chapter] | None, *,
             output: str | os.PathLike[str] | None, backup: bool, dry_run: bool,
             force: bool, keep_chapters: bool = False) -> WriteReport:
    """Set (or, with ``chapters`` None, remove) the chapter comments."""
    fmt = _check(path)
    source = Path(path)
    target = Path(output) if output is not None else source
    if output is None and not dry_run and not force:
        refuse_read_only(source)
    found = _read(source)
    duration = float(found.info.length)
    before = chapters_in(found.tags, duration)
    after = [TaggedChapter(Chapter(c.title, c.start or 0.0, c.end, c.url),
                           f"CHAPTER{i:03d}", False) for i, c in enumerate(chapters or [])]
    after = chapters_in(_as_comments(after), duration) if after else []
    changed = before != after or output is not None
    notes: list[str] = []
    report = WriteReport(str(target), before, after, changed, written=False, notes=notes)
    if dry_run or not changed:
        return report
    if keep_chapters and output is None:
        refuse_replacing(before, after, source)
    with AtomicFile(target, like=source) as out, open(source, "rb") as handle:
        try:
            copy_tail(handle, 0, out.file)
            copy = _load(out.file, target)
            for key in _chapter_keys(copy.tags):
                del copy.tags[key]
            for key, value in _as_comments(after).items():
                copy.tags[key] = value
            out.file.seek(0)
            # mutagen pads Ogg comments by 0.1% of the file (400 kB in a 400 MB
            # episode), so the header spans more pages and every page after it is
            # renumbered: the audio is then no longer the same bytes and must be
            # checked through ffmpeg (25x slower). A header that stays on its pages
            # leaves every audio byte where it was. FLAC keeps mutagen's padding: its
            # blocks hold no page numbers.
            copy.save(out.file, **({"padding": _no_padding} if fmt == "ogg" else {}))
            out.sync_soon()
        except OSError as exc:
            raise OutputError(f"cannot write the file ({exc.strerror})", target) from None
        except MutagenError as exc:
            raise OutputError(f"cannot write its comments ({exc})", target) from None
        if chapters_in(_load(out.file, target).tags, duration) != after:
            raise OutputError("the new comments did not read back as written", target)
        intact = _same_audio(handle, out.file, fmt)
        return commit_write(out, report, source, intact=intact, backup=backup and not output)


def _as_comments(tagged: Sequence[TaggedChapter]) -> dict[str, list[str]]:
    comments: dict[str, list[str]] = {}
    for index, item in enumerate(tagged):
        key = f"CHAPTER{index:03d}"
        comments[key] = [format_time(item.chapter.start or 0.0)]
        comments[f"{key}NAME"] = [item.chapter.title]
        if item.chapter.url:
            comments[f"{key}URL"] = [item.chapter.url]
    return comments


def write_chapters(path: str | os.PathLike[str], chapters: Sequence[Chapter], *,
                   output: str | os.PathLike[str] | None = None, backup: bool = False,
                   dry_run: bool = False, force: bool = False,
                   replace: bool = False,
                   image: str | os.PathLike[str] | None = None) -> WriteReport:
    """Replace the chapters in a FLAC or Ogg file's comments (see the module's
    docstring); the parameters are those of :func:`exporter.writers.id3.write_chapters`.
    Vorbis comments hold no per-chapter picture: an ``image`` is left out, with a note.

    :raises AudioError: when ``path`` is not a readable FLAC or Ogg file.
    :raises OutputError: as the ID3 writer; ``path`` is unchanged.
    """
    if len(chapters) > MAX_CHAPTERS:
        raise OutputError(f"{len(chapters)} chapters; Vorbis comments number at most "
                          f"{MAX_CHAPTERS}", path)
    report = _rewrite(path, chapters, output=output, backup=backup, dry_run=dry_run,
                      force=force, keep_chapters=not replace)
    if image is not None:
        report.notes.append("the chapter image was not written: Vorbis comments have no "
                            "per-chapter picture")
    return report


def remove_chapters(path: str | os.PathLike[str], *, output: str | os.PathLike[str] | None = None,
                    backup: bool = False, dry_run: bool = False,
                    force: bool = False) -> WriteReport:
    """Take every chapter comment out; the rest stays. A file without chapters is
    left as it is."""
    return _rewrite(path, None, output=output, backup=backup, dry_run=dry_run, force=force)
