"""Benchmark: alignment on real human speech (the main accuracy and speed benchmark).

Builds the episode of six real voices with bench/real_episode.py (once; needs
../shared/corpus/speech and ffmpeg), aligns each variant with the library, and prints
against the truth:

- turn starts: median error, share within 150 ms and 500 ms, worst; how many turns
  are off by more than 1 s without being flagged low-confidence (must be none);
- word starts against the reference TextGrids (the MFA recordings): median error;
- the offset and the cuts found, next to the truth;
- for ``edited``: whether the runs of words taken out of the audio (and left in the
  transcript) are the ones reported, and any other run reported;
- for ``intro`` and ``late``: how far every word lands from where the ``plain``
  variant put it (the same audio under another transcript clock); for ``intro``
  (encoded on its own, so not the same samples) also against a run with its true
  offset given: what the offset search moves, and what the encoding alone does;
- with ``--nudge S``: the plain variant again under a clock S seconds off (times
  rounded otherwise, or a clock a little off; repair off, so that only the clock
  differs), and how far every word lands from the plain run;
- with ``--parts N``: the untimed variants walked in at least N parts, as an episode
  of about 26 minutes of speech or more is (each cut searched for from the audio);
- wall time, realtime factor, and a plain ffmpeg decode of the same file in the same
  run (the floor).

Run: ``.venv/bin/python bench/align_real.py [VARIANT ...] [--jobs N] [--nudge S ...]
[--parts N]``
(variants: plain intro late cut untimed edited edited-untimed; default: all).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import decode_floor, invariance
from real_episode import INTRO_SECONDS, VARIANTS, build

from exporter.align import untimed
from exporter.align.aligner import align
from exporter.align.measure import summary
from exporter.errors import InputError
from exporter.model import Alignment, Word
from exporter.readers import read_transcript

#: Below this a turn is reported as low confidence (as the pipeline does).
LOW = 0.8


def _norm(word: str) -> str:
    return re.sub(r"[^a-z']", "", word.lower())


def matched_words(result: Alignment, truth: dict[str, object]
                  ) -> list[tuple[int, int, Word, dict[str, Any]]]:
    """Each of our words that matches a reference word, turn by turn, as (turn, its
    place in the turn, our word, the reference word)."""
    matched = []
    for index, turn in enumerate(truth["turns"]):  # type: ignore[arg-type]
        reference = turn["words"]
        if not reference:
            continue
        ours = [w for w in result.words if w.turn == index]
        a = [_norm(w.text) for w in ours]
        b = [_norm(w["text"]) for w in reference]
        for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                matched.append((index, block.a + k, ours[block.a + k], reference[block.b + k]))
    return matched


def word_errors(result: Alignment, truth: dict[str, object]) -> list[float]:
    """Start errors of the words that match the reference words, turn by turn."""
    return [abs(word.start - true["start"]) for _, _, word, true in matched_words(result, truth)]


def measure(name: str, path: Path, jobs: int | None) -> tuple[Alignment, dict[str, object]]:
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    transcript = read_transcript(path.with_suffix(".txt"))
    floor = decode_floor(path)
    start = time.perf_counter()
    result = align(transcript, path, jobs=jobs)
    wall = time.perf_counter() - start

    errors, unflagged = [], []
    for index, turn in enumerate(truth["turns"]):
        if turn["start"] is None:
            continue
        got = result.turns[index]
        error = abs(got.start - turn["start"])
        errors.append(error)
        if error > 1.0 and got.confidence >= LOW:
            unflagged.append(f"{index + 1} ({error:.1f} s)")
    figures = summary(errors)
    words = word_errors(result, truth)
    low = [f"{t.index + 1} ({t.confidence:.0%})" for t in result.turns if t.confidence < LOW]
    print(f"{name}: {result.duration / 60:.1f} min, {len(errors)} turns")
    print(f"  turn starts: median {figures['median'] * 1000:.0f} ms, "
          f"{figures['within_150ms']:.0%} within 150 ms, {figures['within_500ms']:.0%} within "
          f"500 ms, worst {figures['worst']:.2f} s (targets: <= 50 ms, >= 90%, >= 97%)")
    print(f"  over 1 s and not flagged: {', '.join(unflagged) or 'none'} (target: none)")
    if words:
        print(f"  reference words: median {statistics.median(words) * 1000:.0f} ms over "
              f"{len(words)} words, {sum(e <= 0.1 for e in words) / len(words):.0%} within "
              "100 ms (target: median <= 30 ms)")
    print(f"  low confidence: {', '.join(low) or 'none'}")
    print(f"  offset found {result.offset:+.1f} s (truth {truth['offset']:+.1f} s); "
          "insertions/cuts found: " + (", ".join(
              f"{s:+.1f} s before turn {k + 1}" for k, s in result.insertions) or "none")
          + " (truth: " + (", ".join(f"{-c['seconds']:+.1f} s before turn {c['before_turn'] + 1}"
                                    for c in truth.get("cuts", [])) or "none") + ")")
    if "missing" in truth:
        print("  " + missing_words(result, truth["missing"]))  # type: ignore[arg-type]
    for warning in result.warnings:
        print(f"  warning: {warning}")
    print(f"  wall {wall:.1f} s = {result.duration / wall:.0f}x realtime; ffmpeg decode alone "
          f"{floor:.2f} s; {wall / floor:.0f}x the floor")
    return result, truth


def missing_words(result: Alignment, missing: list[dict[str, int]]) -> str:
    """How the runs of words that are not in the audio were reported."""
    truth = {(m["turn"], m["first"], m["count"]) for m in missing}
    reported = {(t.index, first, count) for t in result.turns for first, count in t.unmatched}
    exact = truth & reported
    words = sum(m["count"] for m in missing)
    other = sum(count for _, _, count in reported - truth)
    return (f"words not in the audio: {len(truth)} runs, {words} words; reported exactly: "
            f"{len(exact)} of {len(truth)}; other runs reported: "
            + (", ".join(f"turn {k + 1}: {n} words from word {f + 1}"
                         for k, f, n in sorted(reported - truth)) or "none")
            + (f" ({other} words)" if other else "")
            + "; missed: " + (", ".join(f"turn {k + 1}: {n} words from word {f + 1}"
                                        for k, f, n in sorted(truth - reported)) or "none")
            + "; reported as not aligned (not as missing): "
            + (", ".join(f"turn {t.index + 1}: {n} words from word {f + 1}"
                         for t in result.turns for f, n in t.unaligned) or "none"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--nudge", type=float, action="append", default=[])
    parser.add_argument("--parts", type=int, default=None,
                        help="cut the untimed walks in at least this many parts, as a "
                             "longer episode's are (the library's default: "
                             f"{untimed.SPLIT_PARTS})")
    args = parser.parse_args()
    if args.parts is not None:
        untimed.SPLIT_PARTS = args.parts
    paths = build()
    results: dict[str, Alignment] = {}
    if args.nudge:
        transcript = read_transcript(paths["plain"].with_suffix(".txt"))
        plain = align(transcript, paths["plain"], jobs=args.jobs, repair=False)
        for nudge in args.nudge:
            other = align(transcript, paths["plain"], jobs=args.jobs, offset=nudge,
                          repair=False)
            low = [f"{t.index + 1} ({t.confidence:.0%})" for t in other.turns
                   if t.confidence < LOW]
            print(f"plain, clock {nudge:+.2f} s off, repair off: low confidence: "
                  f"{', '.join(low) or 'none'}")
            invariance(plain, other, 0.0, f"clock {nudge:+.2f} s against plain")
        return
    for name in args.variants:
        try:
            results[name], _ = measure(name, paths[name], args.jobs)
        except InputError as error:
            print(f"{name}: refused: {error}")
            continue
        if name in ("intro", "late") and "plain" in results:
            shift = INTRO_SECONDS if name == "intro" else 0.0
            invariance(results["plain"], results[name], shift, f"{name} against plain")
        if name == "intro":
            # The intro variant is encoded on its own, so its samples are not the
            # plain variant's: aligned with its true offset given, what moves is
            # what the encoding moves, and what the search for the offset adds is
            # the difference from the run above.
            given = align(read_transcript(paths[name].with_suffix(".txt")), paths[name],
                          jobs=args.jobs, offset=INTRO_SECONDS, repair=False)
            invariance(results[name], given, 0.0, "intro, offset found against given")
            if "plain" in results:
                invariance(results["plain"], given, INTRO_SECONDS,
                           "intro, offset given, against plain (the encoding alone)")


if __name__ == "__main__":
    main()
