"""Transcript readers and the registry that picks one.

Each format is one :class:`~exporter.readers.base.Reader` instance in :data:`READERS`,
which carries its name, file extensions and sniffing; nothing else lists formats.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from exporter.errors import InputError
from exporter.model import Transcript
from exporter.readers.base import Reader
from exporter.readers.html_transcript import HtmlTranscriptReader
from exporter.readers.otter import OtterReader
from exporter.readers.podcast_json import PodcastJsonReader
from exporter.readers.rev import RevReader
from exporter.readers.service_json import AssemblyAIReader, DeepgramReader, WhisperCppReader
from exporter.readers.shownotes import ShowNotesReader
from exporter.readers.srt import SrtReader
from exporter.readers.stamped import StampedLineReader
from exporter.readers.text import read_text
from exporter.readers.untimed import UntimedReader
from exporter.readers.vtt import VttReader
from exporter.readers.whisper_json import WhisperJsonReader

READERS: tuple[Reader, ...] = (
    ShowNotesReader(),
    RevReader(),
    OtterReader(),
    StampedLineReader(),
    SrtReader(),
    VttReader(),
    PodcastJsonReader(),
    WhisperJsonReader(),
    DeepgramReader(),
    AssemblyAIReader(),
    WhisperCppReader(),
    HtmlTranscriptReader(),
    UntimedReader(),
)

#: Names accepted by ``--input-format``.
FORMAT_NAMES: tuple[str, ...] = tuple(reader.name for reader in READERS)


def get_reader(name: str) -> Reader:
    """The reader called ``name``.

    :raises InputError: for an unknown name.
    """
    for reader in READERS:
        if reader.name == name:
            return reader
    raise InputError(f"unknown transcript format {name!r} (known: {', '.join(FORMAT_NAMES)})")


def detect(text: str, source: str) -> Reader:
    """Pick the reader for ``text`` by its content.

    When the content fits several formats, the file's extension may settle it. A
    fallback reader (speech with no times) is tried only when no other fits.

    :raises InputError: when no format, or several, fit.
    """
    matches = [reader for reader in READERS if not reader.fallback and reader.sniff(text)]
    if not matches and not _chapter_list(text):
        # Text with no times at all: read only when no timed format claims it.
        matches = [reader for reader in READERS if reader.fallback and reader.sniff(text)]
    if len(matches) > 1:
        suffix = Path(source).suffix.lower()
        by_suffix = [reader for reader in matches if suffix in reader.extensions]
        if len(by_suffix) == 1:
            return by_suffix[0]
        names = ", ".join(reader.name for reader in matches)
        raise InputError(f"the transcript fits several formats ({names}); "
                         "choose one with --input-format", source)
    if not matches:
        raise InputError("no timestamped transcript found (no known format matches; "
                         "see --input-format for the formats read)", source)
    return matches[0]


def _chapter_list(text: str) -> bool:
    """Whether a structured chapter format (ffmetadata, Audacity labels, OGM...) fits
    ``text``: one is never a transcript without times. (A list of plain titles is
    told from speech by the untimed reader itself.)"""
    # On use: the chapter formats read their files with this package's decoder.
    from exporter.chapterfiles import FORMATS

    return any(fmt.readable and fmt.name != "titles" and fmt.sniff(text) for fmt in FORMATS)


def parse_transcript(text: str, source: str = "<text>", input_format: str | None = None
                     ) -> Transcript:
    """Read a transcript from decoded text.

    :param input_format: a name from :data:`FORMAT_NAMES`; detected when ``None``.
    :raises InputError: when the text is not a usable transcript.
    """
    reader = get_reader(input_format) if input_format else detect(text, source)
    return reader.read(text, source)


def read_transcript(path: str | os.PathLike[str], input_format: str | None = None
                    ) -> Transcript:
    """Read a transcript file in any supported format.

    :param path: the file.
    :param input_format: a name from :data:`FORMAT_NAMES`; detected when ``None``.
    :raises InputError: when the file cannot be read or is not a usable transcript.

    >>> t = read_transcript("samples/ai-engineering-podcast-amd-rocm.txt")
    >>> len(t.turns), t.turns[0].speaker, len(t.chapters)
    (41, 'Tobias Macey', 14)
    """
    source = os.fspath(path)
    text, warnings = read_text(path)
    transcript = parse_transcript(text, source, input_format)
    if warnings:
        transcript = replace(transcript, warnings=(*warnings, *transcript.warnings))
    return transcript


__all__ = ["FORMAT_NAMES", "READERS", "Reader", "detect", "get_reader", "parse_transcript",
           "read_transcript"]
