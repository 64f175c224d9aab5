"""Chapters in the episode's own container: one module per format behind this
registry, which picks by content, not by the file's name.

- MP3: ID3 CHAP and CTOC frames (:mod:`exporter.writers.id3`);
- FLAC, Ogg Opus and Ogg Vorbis: Vorbis comments (:mod:`exporter.writers.vorbis`);
- M4A, M4B, MP4 and QuickTime: a chapter track and a Nero chapter list
  (:mod:`exporter.writers.mp4`).

Any other audio (WAV, AIFF…) is refused here with a message that says
what it is and what can carry chapters; ``run`` then writes every other output.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from exporter.errors import AudioError, OutputError
from exporter.fsutil import AtomicFile, keep_backup
from exporter.model import Chapter, TaggedChapter, TagOptions, WriteReport
from exporter.report import describe_chapters
from exporter.sniff import audio_format, describe

#: The writer module for each container :func:`exporter.sniff.audio_format` names.
WRITERS = {"mp3": "exporter.writers.id3", "flac": "exporter.writers.vorbis",
           "ogg": "exporter.writers.vorbis", "mp4": "exporter.writers.mp4"}
#: The containers chapters can be written into, for messages.
TAGGABLE = "MP3, M4A, FLAC, Opus or Ogg Vorbis"


def refuse_replacing(before: Sequence[TaggedChapter], after: Sequence[TaggedChapter],
                     source: str | os.PathLike[str]) -> None:
    """Refuse to replace chapters a file already has with different ones: they may be
    the producer's own, with links and art (every writer asks ``--replace`` first).

    :raises OutputError: naming the file and the chapters it has.
    """
    if before and list(before) != list(after):
        raise OutputError(f"it has {describe_chapters(before)}, which differ from the new "
                          "ones; give --replace to replace them (--dry-run shows both, "
                          "--backup keeps the original)", source)


def commit_write(out: AtomicFile, report: WriteReport, source: Path, *, intact: bool,
                 backup: bool) -> WriteReport:
    """The last steps every writer shares: refuse a copy whose audio differs from the
    original's, keep the backup if asked, then rename the new file into place."""
    if not intact:
        raise OutputError("the audio did not copy intact", out.target)
    if backup:
        report.backup = keep_backup(source)
    out.commit()
    report.written = True
    return report


def can_tag(path: str | os.PathLike[str]) -> bool:
    """Whether chapters can be written into the file at ``path``."""
    return audio_format(path) in WRITERS


def writer_for(path: str | os.PathLike[str]) -> ModuleType:
    """The module that reads and writes chapters in ``path``'s container.

    :raises AudioError: for a container exporter cannot tag, or a file that is not
        audio; an MP3 is checked by its own writer, which says what is wrong.
    """
    import importlib

    fmt = audio_format(path)
    if fmt is None:
        fmt = "mp3"  # not audio at all: the MP3 checks name what it is instead
    if fmt not in WRITERS:
        raise AudioError(f"{describe(fmt)}: exporter cannot write chapters into it yet; "
                         f"convert it to {TAGGABLE} to tag it", path)
    return importlib.import_module(WRITERS[fmt])


def check_episode(path: str | os.PathLike[str]) -> float:
    """Check that ``path`` is a whole file chapters can be written into, and return
    its length in seconds.

    :raises AudioError: naming the file when it is not.
    """
    return float(writer_for(path).length(path))


def read_chapters(path: str | os.PathLike[str]) -> list[TaggedChapter]:
    """The chapters as a player reads them from the file."""
    found: list[TaggedChapter] = writer_for(path).read_chapters(path)
    return found


def write_chapters(path: str | os.PathLike[str], chapters: Sequence[Chapter], *,
                   tag: TagOptions | None = None,
                   output: str | os.PathLike[str] | None = None, backup: bool = False,
                   dry_run: bool = False, force: bool = False,
                   replace: bool = False) -> WriteReport:
    """Write ``chapters`` into the file (see :func:`exporter.writers.id3.write_chapters`
    for the parameters). ``tag``'s ID3 version applies to MP3s; its image goes into
    MP3s and MP4 files, and is left out of Vorbis comments with a note."""
    tag = tag or TagOptions()
    writer = writer_for(path)
    if writer.__name__.endswith(".id3"):
        report: WriteReport = writer.write_chapters(
            path, chapters, version=tag.version, image=tag.image, output=output,
            backup=backup, dry_run=dry_run, force=force, replace=replace)
        return report
    report = writer.write_chapters(path, chapters, output=output, backup=backup,
                                   dry_run=dry_run, force=force, replace=replace,
                                   image=tag.image)
    if tag.version is not None:
        report.notes.append("--id3v2-version applies to MP3s only")
    return report


def remove_chapters(path: str | os.PathLike[str], *,
                    output: str | os.PathLike[str] | None = None, backup: bool = False,
                    dry_run: bool = False, force: bool = False) -> WriteReport:
    """Take every chapter out of the file; everything else stays."""
    report: WriteReport = writer_for(path).remove_chapters(
        path, output=output, backup=backup, dry_run=dry_run, force=force)
    return report
