"""Output formats.

Subtitle formats are :class:`SubtitleWriter` instances in :data:`SUBTITLE_WRITERS`,
each holding its name and extensions; nothing else lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

from exporter.errors import UsageError
from exporter.writers.base import SubtitleWriter
from exporter.writers.podcast_json import PodcastJsonWriter
from exporter.writers.srt import SrtWriter
from exporter.writers.vtt import VttWriter

SUBTITLE_WRITERS: tuple[SubtitleWriter, ...] = (VttWriter(), SrtWriter(),
                                                     PodcastJsonWriter())
SUBTITLE_FORMATS: tuple[str, ...] = tuple(w.name for w in SUBTITLE_WRITERS)


def subtitle_writer(path: str | os.PathLike[str], fmt: str | None = None) -> SubtitleWriter:
    """The writer for an output path: ``fmt`` if given, else the path's extension.

    :raises UsageError: when neither names a known subtitle format.
    """
    if fmt is None:
        suffix = Path(path).suffix.lower()
        for writer in SUBTITLE_WRITERS:
            if suffix in writer.extensions:
                return writer
        raise UsageError(f"cannot tell the subtitle format of {os.fspath(path)!r} from its "
                         f"extension; use --format ({', '.join(SUBTITLE_FORMATS)})")
    for writer in SUBTITLE_WRITERS:
        if writer.name == fmt:
            return writer
    raise UsageError(f"unknown subtitle format {fmt!r}")


__all__ = ["SUBTITLE_FORMATS", "SUBTITLE_WRITERS", "SubtitleWriter", "subtitle_writer"]
