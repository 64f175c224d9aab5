"""What the commands print about their results: tables for people, JSON for programs.

The library's results carry everything; this module only words and lays them out,
so the command line stays parse → one call → print, and a program using the library
can print the same tables. Turn numbers here are 1-based, as people count them,
in the tables and in the JSON alike.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from exporter import timecode
from exporter.model import Chapter, TaggedChapter

if TYPE_CHECKING:  # the results' modules import the aligner, which a table does not need
    from exporter.batch import Outcome
    from exporter.pipeline import RunResult

#: Turns listed one by one in a summary; --json has them all.
LISTED = 20
#: The order of batch statuses in the summary line.
STATUSES = ("done", "review", "skipped", "failed")


def clock(seconds: float | None) -> str:
    """``HH:MM:SS``, whole seconds.

    >>> clock(3725.4), clock(None)
    ('01:02:05', '00:00:00')
    """
    return timecode.format_time(seconds or 0.0, fraction=False)


def chapters_json(chapters: Sequence[Chapter]) -> dict[str, Any]:
    """The JSON shape every command that shows chapters shares.

    >>> chapters_json([Chapter(title="Intro", start=0.0, end=5.0)])
    {'chapters': [{'start': 0.0, 'end': 5.0, 'title': 'Intro', 'url': None}]}
    """
    return {"chapters": [{"start": c.start, "end": c.end, "title": c.title, "url": c.url}
                         for c in chapters]}


def chapter_table(chapters: Sequence[Chapter], notes: Sequence[str] | None = None,
                  note_heading: str = "") -> list[str]:
    """One line per chapter: number, start, end, length and title (and a note).

    An open last chapter (no audio to end it) shows no end and no length.

    >>> for line in chapter_table([Chapter("Intro", 0.0, 65.0), Chapter("Outro", 65.0)]):
    ...     print(line)
      #  start     end       length    title
      1  00:00:00  00:01:05  00:01:05  Intro
      2  00:01:05                      Outro
    """
    width = max([len(c.title) for c in chapters] + [5])
    head = f"{'#':>3}  {'start':8}  {'end':8}  {'length':8}  {'title':<{width}}"
    lines = [(head + (f"  {note_heading}" if note_heading else "")).rstrip()]
    for number, chapter in enumerate(chapters, 1):
        end, length = ((clock(chapter.end), clock(chapter.end - (chapter.start or 0.0)))
                       if chapter.end is not None else ("", ""))
        line = f"{number:>3}  {clock(chapter.start)}  {end:8}  {length:8}  " \
               f"{chapter.title:<{width}}"
        if notes:
            line += f"  {notes[number - 1]}"
        lines.append(line.rstrip())
    return lines


def method_counts(methods: Sequence[str]) -> str:
    """How many words each alignment method placed.

    >>> method_counts(["aligned", "aligned", "interpolated"])
    '2 aligned, 1 interpolated'
    """
    return ", ".join(f"{n} {m}" for m, n in sorted(Counter(methods).items()))


def run_json(result: RunResult) -> dict[str, Any]:
    """The ``run --json`` document."""
    alignment = result.aligned.alignment
    return {
        "outdir": str(result.outdir), "outputs": [str(p) for p in result.outputs],
        "episode": str(result.episode), "untagged": result.untagged,
        **chapters_json(result.chapters),
        "offset": alignment.offset,
        "insertions": [{"turn": t + 1, "seconds": s} for t, s in alignment.insertions],
        "low_confidence": [{"turn": t.index + 1, "confidence": t.confidence}
                           for t in result.aligned.low_confidence()],
        "cues": len(result.cues), "words": len(alignment.words),
        "seconds": round(result.seconds, 2), "warnings": result.warnings,
        "review": result.review}


def run_summary(result: RunResult) -> list[str]:
    """What ``run`` prints: the files, the chapters and how the alignment went."""
    alignment = result.aligned.alignment
    lines = [f"Wrote {len(result.outputs)} files to {result.outdir}{os.sep}"]
    lines += [f"  {path.name}" for path in result.outputs]
    if result.untagged:
        lines.append(f"No tagged copy: {result.untagged}")
    elif result.episode not in result.outputs:
        lines.append(f"Tagged {result.episode} in place")
    lines.append("")
    lines += chapter_table(result.chapters) if result.chapters else ["No chapters."]
    lines.append("")
    lines.append(f"Alignment: {len(alignment.words)} words in {len(alignment.turns)} turns ("
                 + method_counts([w.method for w in alignment.words]) + ")")
    if alignment.offset:
        lines.append(f"  transcript times moved by {alignment.offset:+.1f} s")
    lines += [f"  {seconds:.1f} s of audio inserted before turn {turn + 1}"
              for turn, seconds in alignment.insertions]
    low = result.aligned.low_confidence()
    lines += [f"  low confidence: turn {t.index + 1} at {clock(t.start)} "
              f"({t.confidence:.0%}, {t.method})" for t in low[:LISTED]]
    if len(low) > LISTED:
        lines.append(f"  ... and {len(low) - LISTED} more turns with low confidence "
                     "(--json lists them all)")
    realtime = alignment.duration / result.seconds if result.seconds else 0.0
    lines.append(f"Done in {result.seconds:.1f} s ({clock(alignment.duration)} of audio, "
                 f"{realtime:.0f}x realtime)")
    return lines


def batch_json(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The ``run --batch --json`` document."""
    return {"episodes": [
        {"transcript": str(o.episode.transcript), "audio": str(o.episode.audio),
         "outdir": str(o.episode.folder), "status": o.status, "message": o.message,
         "seconds": round(o.seconds, 2), "outputs": o.outputs, "warnings": o.warnings}
        for o in outcomes]}


def batch_table(outcomes: Sequence[Outcome]) -> list[str]:
    """One line per episode, then how many ended each way."""
    width = max(len(o.episode.name) for o in outcomes)
    lines = [f"{'status':8}  {'time':>7}  {'episode':<{width}}  detail"]
    lines += [f"{o.status:8}  {o.seconds:6.1f}s  {o.episode.name:<{width}}  {o.message}"
              for o in outcomes]
    counts = Counter(o.status for o in outcomes)
    lines.append(", ".join(f"{counts[s]} {s}" for s in STATUSES))
    return lines


def describe_chapters(tagged: Sequence[TaggedChapter], article: str = "") -> str:
    """Chapters in words: ``4 chapters (2 with urls): 'Intro', 'Talk', ...``."""
    old = [t.chapter for t in tagged]
    extras = [f"{n} with {what}" for n, what in (
        (sum(1 for c in old if c.url), "urls"),
        (sum(1 for t in tagged if t.has_image), "images")) if n]
    titles = ", ".join(repr(c.title) for c in old[:6]) + (", ..." if len(old) > 6 else "")
    return (f"{article}{len(old)} chapters" + (" it had" if article else "")
            + (f" ({', '.join(extras)})" if extras else "") + f": {titles}")
