"""Chapter list formats, read and written.

Each format is one :class:`~exporter.chapterfiles.base.ChapterFormat` in
:data:`FORMATS`, holding its name and extensions; nothing else lists them.
"""

from __future__ import annotations

import os

from exporter.chapterfiles.audacity import AudacityLabels
from exporter.chapterfiles.audible_json import AudibleJson
from exporter.chapterfiles.base import ChapterFormat
from exporter.chapterfiles.exports import Mp4Chaps, Podlove, YouTube
from exporter.chapterfiles.ffmetadata import FfMetadata
from exporter.chapterfiles.ogm import OgmChapters
from exporter.chapterfiles.podcast_json import PodcastJsonChapters
from exporter.chapterfiles.psc import PodloveXml
from exporter.chapterfiles.timestamps import TimestampLines
from exporter.chapterfiles.untimed import UntimedTitles
from exporter.chapterfiles.vtt_chapters import VttChapters
from exporter.errors import InputError, UsageError, line_list
from exporter.model import ChapterList
from exporter.readers.text import read_text

FORMATS: tuple[ChapterFormat, ...] = (
    AudibleJson(),
    PodcastJsonChapters(),
    PodloveXml(),
    FfMetadata(),
    VttChapters(),
    OgmChapters(),
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
                     "mp4chaps, YouTube, Podcasting 2.0 JSON, ffmetadata, WebVTT chapters, "
                     "OGM, audiobook JSON, Audacity labels, or one title per line)", source)


def read_chapter_file(path: str | os.PathLike[str]) -> ChapterList:
    """Read a chapter list; untimed titles come back with ``start=None``.

    :raises InputError: naming the file (and line) when it cannot be used.
    """
    source = os.fspath(path)
    text, _ = read_text(path)
    return parse_chapters(text, source)


def parse_chapters(text: str, source: str = "<text>") -> ChapterList:
    """Read a chapter list from text (see :func:`read_chapter_file`).

    :raises InputError: naming ``source`` (and line) when it cannot be used.
    """
    fmt = detect(text, source)
    found = fmt.parse(text, source)
    if not found.chapters:
        raise InputError(f"no chapters in the file (read as {fmt.description})", source)
    timed = [c.start is not None for c in found.chapters]
    if any(timed) and not all(timed):
        raise InputError("some chapters have times and some do not", source)
    return found


def list_warnings(found: ChapterList, source: str) -> list[str]:
    """What a producer should know about lines of a chapter list that are not chapters.

    >>> list_warnings(ChapterList((), skipped=(1, 2), unread=(7,)), "ch.txt")
    ['ch.txt: lines 1-2 skipped (comments or headings)', \
'ch.txt: line 7 not understood; it is not a chapter']
    """
    warnings = []
    if found.skipped:
        warnings.append(f"{source}: {line_list(found.skipped)} skipped (comments or headings)")
    if found.unread:
        what = "it is not a chapter" if len(found.unread) == 1 else "they are not chapters"
        warnings.append(f"{source}: {line_list(found.unread)} not understood; {what}")
    return warnings


__all__ = ["EXPORT_FORMATS", "FORMATS", "ChapterFormat", "detect", "export_format",
           "list_warnings", "parse_chapters", "read_chapter_file"]
