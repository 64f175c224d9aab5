"""Chapter list formats, read and written.

Each format is one :class:`~exporter.chapterfiles.base.ChapterFormat` in
:data:`FORMATS`, holding its name and extensions; nothing else lists them.
"""

from __future__ import annotations

import os

from exporter.chapterfiles.audacity import AudacityLabels
from exporter.chapterfiles.base import ChapterFormat
from exporter.chapterfiles.exports import Mp4Chaps, Podlove, YouTube
from exporter.chapterfiles.ffmetadata import FfMetadata
from exporter.chapterfiles.podcast_json import PodcastJsonChapters
from exporter.chapterfiles.timestamps import TimestampLines
from exporter.chapterfiles.untimed import UntimedTitles
from exporter.errors import InputError, UsageError
from exporter.model import Chapter
from exporter.readers.base import read_text

FORMATS: tuple[ChapterFormat, ...] = (
    PodcastJsonChapters(),
    FfMetadata(),
    AudacityLabels(),
    TimestampLines(),
    UntimedTitles(),
    Podlove(),
    Mp4Chaps(),
    YouTube(),
)
EXPORT_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS if f.writable)


def export_format(name: str) -> ChapterFormat:
    """The writable format called ``name``.

    :raises UsageError: for a name that is not one.
    """
    for fmt in FORMATS:
        if fmt.name == name and fmt.writable:
            return fmt
    raise UsageError(f"unknown chapter format {name!r} (known: {', '.join(EXPORT_FORMATS)})")


def detect(text: str, source: str) -> ChapterFormat:
    """The readable format of ``text``.

    The sniffers are ordered from the most specific; a file that is neither a known
    structured format nor timestamp lines nor plain titles matches none.

    :raises InputError: when no format matches.
    """
    for fmt in FORMATS:
        if fmt.readable and fmt.sniff(text):
            return fmt
    raise InputError("not a chapter list in any known format (timestamp lines, Podlove, "
                     "mp4chaps, YouTube, Podcasting 2.0 JSON, ffmetadata, Audacity labels, "
                     "or one title per line)", source)


def read_chapter_file(path: str | os.PathLike[str]) -> list[Chapter]:
    """Read a chapter list; untimed titles come back with ``start=None``.

    :raises InputError: naming the file (and line) when it cannot be used.
    """
    source = os.fspath(path)
    text, _ = read_text(path)
    return parse_chapters(text, source)


def parse_chapters(text: str, source: str = "<text>") -> list[Chapter]:
    """Read a chapter list from text (see :func:`read_chapter_file`).

    :raises InputError: naming ``source`` (and line) when it cannot be used.
    """
    chapters = detect(text, source).parse(text, source)
    if not chapters:
        raise InputError("no chapters in the file", source)
    timed = [c.start is not None for c in chapters]
    if any(timed) and not all(timed):
        raise InputError("some chapters have times and some do not", source)
    return chapters


__all__ = ["EXPORT_FORMATS", "FORMATS", "ChapterFormat", "detect", "export_format",
           "parse_chapters", "read_chapter_file"]
