"""What a file is: the one place that decides whether an input is audio, a chapter
list or a transcript, and in which format.

As mutagen's ``File()`` does, each kind is scored from the content and the best
wins; the extension only breaks a tie, and a file that nothing claims, or that two
transcript formats claim equally, is refused by name rather than guessed at
(:func:`exporter.readers.detect` says which). Commands ask here instead of trying
one reader after another, so ``chapters export ep.txt`` and ``run ep.txt ep.mp3``
take the same file for the same thing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import InputError
from exporter.model import Transcript
from exporter.readers.base import title_like
from exporter.readers.text import read_text

#: The first bytes of the containers and files people hand in by mistake, and how
#: to name each in a message.
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"ID3", "mp3", "an MP3 file"),
    (b"RIFF", "wav", "a WAV (RIFF) file"),
    (b"FORM", "aiff", "an AIFF file"),
    (b"fLaC", "flac", "a FLAC file"),
    (b"OggS", "ogg", "an Ogg file"),
    (b"\x89PNG", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"%PDF", "pdf", "a PDF"),
    (b"PK\x03\x04", "zip", "a ZIP archive"),
)
#: What each audio format is called in a message.
AUDIO_NAMES = {"mp3": "an MP3 file", "mp4": "an MP4/M4A file", "wav": "a WAV (RIFF) file",
               "aiff": "an AIFF file", "flac": "a FLAC file", "ogg": "an Ogg file"}


@dataclass(frozen=True)
class Identified:
    """What :func:`identify` found.

    :param kind: ``audio``, ``chapters`` or ``transcript``; ``other`` for a file
        that is none of them (an image, a PDF).
    :param format: the audio container (``mp3``, ``mp4``, ``flac``…), or the
        chapter list's or transcript's format name; None for a transcript whose
        format the readers will settle (or refuse) when they read it.
    """

    kind: str
    format: str | None


def magic_format(head: bytes) -> str | None:
    """The format the first bytes of a file announce.

    >>> magic_format(b"ID3\\x03"), magic_format(b"\\x00\\x00\\x00\\x20ftypM4A "), magic_format(b"x")
    ('mp3', 'mp4', None)
    >>> magic_format(bytes([0xFF, 0xFB, 0x90, 0x00]))  # an MPEG audio frame header
    'mp3'
    """
    for prefix, name, _ in MAGIC:
        if head.startswith(prefix):
            return name
    if head[4:8] == b"ftyp":
        return "mp4"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"
    return None


def describe(fmt: str) -> str:
    """How a message names a format found by :func:`magic_format`.

    >>> describe("wav"), describe("mp4")
    ('a WAV (RIFF) file', 'an MP4/M4A file')
    """
    return AUDIO_NAMES.get(fmt) or next((what for _, name, what in MAGIC if name == fmt),
                                        f"a {fmt} file")


def _head(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(16)
    except OSError:
        return b""


def audio_format(path: str | os.PathLike[str]) -> str | None:
    """The audio container ``path`` holds, from its content; the extension counts only
    when the content says nothing (an unreadable or empty file named ``.mp3``), so
    that the MP3 reader can say what is wrong with it."""
    found = magic_format(_head(path))
    if found in AUDIO_NAMES:
        return found
    if found is None and Path(path).suffix.lower() == ".mp3":
        return "mp3"
    return None


#: The share of a timed file's lines that must read as titles for it to be a
#: chapter list rather than a transcript.
TITLE_SHARE = 0.8


def chapter_detect_soft(text: str) -> str | None:
    """The chapter format of ``text`` when it is clearly a chapter list, not a
    transcript: a structured format, or timestamp lines that no transcript reader
    takes (or takes as one 'speaker' per line, which is a list of titles)."""
    from exporter.chapterfiles import FORMATS
    from exporter.readers import parse_transcript

    for fmt in FORMATS:
        if not fmt.readable or not fmt.sniff(text):
            continue
        if fmt.name not in ("timestamps", "titles"):
            return fmt.name
        try:
            data = parse_transcript(text)
        except InputError:
            return fmt.name if fmt.name == "timestamps" else None
        speakers = len(data.speakers)
        if speakers > 3 and speakers > len(data.turns) / 2:
            return fmt.name  # one "speaker" per line: "Chapter One: Things Get Worse"
        # Short lines without a sentence's end ("00:00:13 Prologue: The Minder") are
        # titles; a transcript's lines are speech.
        said = [f"{t.speaker}: {t.text}" if t.speaker else t.text for t in data.turns]
        titles = sum(1 for line in said if title_like(line))
        return fmt.name if titles >= TITLE_SHARE * len(said) else None
    return None


def identify(path: str | os.PathLike[str]) -> Identified:
    """What the file at ``path`` is (see the module's docstring).

    A file that cannot be read is called a transcript: reading it as one reports
    the error with the file's name.
    """
    audio = audio_format(path)
    if audio is not None:
        return Identified("audio", audio)
    found = magic_format(_head(path))
    if found is not None:
        return Identified("other", found)
    try:
        text, _ = read_text(path)
    except InputError:
        return Identified("transcript", None)
    chapters = chapter_detect_soft(text)
    return Identified("chapters", chapters) if chapters else Identified("transcript", None)


def is_chapter_list(source: str | os.PathLike[str] | Transcript | None) -> bool:
    """Whether ``source`` is a file that is clearly a chapter list, not a transcript."""
    if source is None or isinstance(source, Transcript):
        return False
    return identify(source).kind == "chapters"
