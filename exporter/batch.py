"""``exporter run --batch``: a back catalogue, episode by episode, in a process pool.

The manifest is a CSV file with the columns ``transcript,audio[,chapters][,outdir]``
(a header row naming them is optional; relative paths are relative to the CSV), or a
folder holding pairs such as ``X.txt`` and ``X.mp3``. A failing episode is reported
and the others go on; an episode whose outputs are all newer than its inputs is
skipped unless forced.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from exporter.errors import ExporterError, InputError
from exporter.model import AlignOptions, RunOptions
from exporter.pipeline import default_outdir, run_episode, run_outputs
from exporter.readers import READERS
from exporter.readers.text import read_text
from exporter.workers import pool as worker_pool

COLUMNS = ("transcript", "audio", "chapters", "outdir")


@dataclass(frozen=True)
class Episode:
    """One row of the manifest.

    :param line: the manifest line it came from (None for a folder).
    """

    transcript: Path
    audio: Path
    chapters: Path | None = None
    outdir: Path | None = None
    line: int | None = None
    #: Why the episode cannot run (a file without its partner in a folder), and the
    #: outcome that gives: ``failed`` for an MP3 without a transcript, ``skipped``
    #: for a transcript without an MP3.
    problem: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return self.audio.name

    @property
    def folder(self) -> Path:
        return self.outdir if self.outdir is not None else default_outdir(self.audio)

    def inputs(self) -> list[Path]:
        return [p for p in (self.transcript, self.audio, self.chapters) if p is not None]


@dataclass
class Outcome:
    """How one episode went: ``done``, ``review`` (done, but a person should check
    it: the message says why), ``skipped`` (up to date) or ``failed``."""

    episode: Episode
    status: str
    message: str = ""
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_manifest(manifest: str | os.PathLike[str],
                  base: str | os.PathLike[str] | None = None) -> list[Episode]:
    """The episodes of a CSV manifest or a folder of transcript/MP3 pairs.

    :param base: the folder the default output folders go in (``<stem>-export``
        each); the current folder by default.
    :raises InputError: naming the manifest (and line) for a row that cannot be used,
        two episodes with the same output folder, or a folder with no MP3 in it.
    """
    path = Path(manifest)
    if path.is_dir():
        episodes = list(_from_folder(path))
        if not any(e.audio.is_file() for e in episodes):
            raise InputError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) in this folder",
                             path)
    elif path.is_file():
        episodes = list(_from_csv(path))
        if not episodes:
            raise InputError("the manifest lists no episodes", path)
    else:
        raise InputError("no such file or folder", path)
    if base is not None:
        episodes = [e if e.outdir is not None else
                    replace(e, outdir=Path(base) / default_outdir(e.audio)) for e in episodes]
    seen: dict[Path, Episode] = {}
    for episode in episodes:
        if episode.problem is not None:
            continue  # it writes nothing
        key = Path(os.path.abspath(episode.folder))
        if key in seen:
            raise InputError(f"two episodes would write to {str(episode.folder)!r}: "
                             f"{seen[key].name} and {episode.name}; give each an outdir",
                             path, episode.line)
        seen[key] = episode
    return episodes


#: A chapter list beside an episode in a folder: ``NAME.chapters.txt`` for ``NAME.mp3``.
CHAPTERS_SUFFIX = ".chapters"
#: The episodes a folder's pairs may have: those chapters can be written into, and
#: those that get every other output (the summary says why there is no tagged copy).
AUDIO_SUFFIXES = (".mp3", ".flac", ".opus", ".ogg", ".oga", ".m4a", ".m4b", ".wav")


def _from_folder(folder: Path) -> Iterator[Episode]:
    """Each episode (MP3, FLAC, Opus...) with the transcript of the same name (and
    ``NAME.chapters.*``); an episode without a transcript, or a transcript without
    an episode, is reported, not lost."""
    extensions = [ext for reader in READERS for ext in reader.extensions]
    order = [".txt", *dict.fromkeys(e for e in extensions if e != ".txt")]
    paired: set[Path] = set()
    partner: dict[str, tuple[Path, Path]] = {}
    audios = sorted(p for p in folder.iterdir()
                    if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
    for audio in audios:
        candidates = [audio.with_suffix(ext) for ext in order]
        transcript = next((c for c in candidates if c.is_file()), None)
        chapters = next((c for c in (audio.with_suffix(CHAPTERS_SUFFIX + ext) for ext in order)
                         if c.is_file()), None)
        paired.update(p for p in (transcript, chapters) if p is not None)
        if transcript is None:
            looked = ", ".join(c.name for c in candidates)
            yield Episode(candidates[0], audio, problem=(
                "failed", f"no transcript beside {audio.name} (looked for {looked})"))
        else:
            partner[audio.stem] = (audio, transcript)
            yield Episode(transcript, audio, chapters)
    for path in sorted(folder.iterdir()):
        if (path.suffix.lower() in order and path.is_file() and path not in paired
                and not path.name.startswith(".")):
            stem = path.stem[:-len(CHAPTERS_SUFFIX)] if path.stem.endswith(
                CHAPTERS_SUFFIX) else path.stem
            if stem in partner:
                audio, transcript = partner[stem]
                why = f"{audio.name} is paired with {transcript.name}; {path.name} not used"
            else:
                audio = path.with_name(stem + ".mp3")
                why = (f"no {audio.name} (nor .flac, .opus, .ogg...) beside {path.name}; "
                       "not run")
            yield Episode(path, audio, problem=("skipped", why))


def _from_csv(path: Path) -> Iterator[Episode]:
    text, _ = read_text(path)
    rows = list(csv.reader(text.splitlines(), delimiter=_delimiter(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header and header[0] == "transcript":
        unknown = [c for c in header if c not in COLUMNS]
        if unknown or "audio" not in header:
            raise InputError(f"the header must name the columns {', '.join(COLUMNS)} "
                             f"(transcript and audio needed); found {', '.join(header)}",
                             path, 1)
        columns, first = header, 1
    else:
        columns, first = list(COLUMNS), 0
    here = path.parent
    for number, row in enumerate(rows[first:], first + 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) > len(columns):
            raise InputError(f"{len(cells)} columns; expected at most {len(columns)} "
                             f"({', '.join(columns)})", path, number)
        values = dict(zip(columns, cells, strict=False))
        if not values.get("transcript") or not values.get("audio"):
            raise InputError("each row needs a transcript and an audio file", path, number)
        chapters, outdir = values.get("chapters"), values.get("outdir")
        yield Episode(here / values["transcript"], here / values["audio"],
                      here / chapters if chapters else None,
                      here / outdir if outdir else None, number)


def _delimiter(text: str) -> str:
    """The manifest's separator: a comma, or the semicolon or tab that spreadsheets
    write in many locales, whichever the first row uses most.

    >>> _delimiter("transcript;audio\\nep1.txt;ep1.mp3"), _delimiter("a.txt,b.mp3")
    (';', ',')
    """
    first = next((line for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    return max((",", ";", "\t"), key=first.count)


def up_to_date(episode: Episode) -> bool:
    """Whether every output exists and is newer than every input."""
    try:
        newest_input = max(p.stat().st_mtime for p in episode.inputs())
        oldest_output = min(p.stat().st_mtime for p in run_outputs(episode.audio, episode.folder))
    except OSError:
        return False
    return oldest_output >= newest_input


def earlier_review(episode: Episode) -> list[str]:
    """Why the last run of this episode needed review, from its word timings file."""
    words = next(p for p in run_outputs(episode.audio, episode.folder)
                 if p.name.endswith(".words.json"))
    try:
        review = json.loads(words.read_text(encoding="utf-8")).get("review", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [str(r) for r in review] if isinstance(review, list) else []


def run_one(episode: Episode, force: bool = False, options: AlignOptions | None = None,
            run_options: RunOptions | None = None) -> Outcome:
    """Run one episode, turning its failure into an outcome (runs in a worker).

    An episode that is up to date is skipped, unless its last run needed review:
    that is said again, so that a re-run does not hide it.
    """
    if episode.problem is not None:
        return Outcome(episode, *episode.problem)
    if not force and up_to_date(episode):
        if review := earlier_review(episode):
            return Outcome(episode, "review", "up to date, still to review: "
                           + "; ".join(review))
        return Outcome(episode, "skipped", "outputs are newer than the inputs")
    began = time.perf_counter()
    try:
        result = run_episode(episode.transcript, episode.audio, episode.folder,
                             chapters_file=episode.chapters, force=force,
                             options=replace(options or AlignOptions(), jobs=1),
                             run_options=run_options)
    except ExporterError as exc:
        return Outcome(episode, "failed", str(exc), time.perf_counter() - began)
    except Exception as exc:
        return Outcome(episode, "failed", f"internal error: {type(exc).__name__}: {exc}",
                       time.perf_counter() - began)
    message = f"{len(result.outputs)} files in {result.outdir}"
    if result.review:
        return Outcome(episode, "review", f"{message}; to review: {'; '.join(result.review)}",
                       result.seconds, [str(p) for p in result.outputs], result.warnings)
    return Outcome(episode, "done", message, result.seconds, [str(p) for p in result.outputs],
                   result.warnings)


def run_batch(episodes: list[Episode], *, jobs: int | None = None, force: bool = False,
              options: AlignOptions | None = None, run_options: RunOptions | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every episode, ``jobs`` at a time; outcomes in manifest order.

    Each episode is aligned on one core, so that ``jobs`` episodes share the machine
    without nested pools.
    """
    workers = max(1, min(jobs or os.cpu_count() or 1, len(episodes)))
    outcomes: dict[int, Outcome] = {}
    if workers == 1:
        for index, episode in enumerate(episodes):
            outcomes[index] = run_one(episode, force, options, run_options)
            if on_done:
                on_done(outcomes[index])
    else:
        with worker_pool(workers) as pool:
            pending: dict[Future[Outcome], int] = {
                pool.submit(run_one, episode, force, options, run_options): index
                for index, episode in enumerate(episodes)}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    outcomes[index] = future.result()
                    if on_done:
                        on_done(outcomes[index])
    return [outcomes[i] for i in range(len(episodes))]
