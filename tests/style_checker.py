"""An independent check of subtitle files against the style rules of issue 3.

It reads the files back with readers we did not write (webvtt-py, srt) and compares
them with the timed words they were made from. Its word lists are its own, smaller
than the segmenter's, so a shared mistake cannot hide.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt

from exporter.model import Word
from exporter.style import Style

NO_CUT_AFTER = frozenset(
    "a an the my your our their i we they he she is are was were am will would can could "
    "should do does did don't doesn't didn't can't won't not has have had".split())
TOLERANCE = 0.0015  # files keep milliseconds


@dataclass
class FileCue:
    start: float
    end: float
    lines: list[str]  # as displayed, label included
    label: str | None  # the speaker label shown in the text, if any


def read_vtt(path: Path) -> list[FileCue]:
    out = []
    for caption in webvtt.read(str(path)):
        lines = [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in caption.lines]
        out.append(FileCue(caption.start_time.in_milliseconds() / 1000,
                           caption.end_time.in_milliseconds() / 1000, lines, None))
    return out


def read_srt(path: Path, speakers: Sequence[str]) -> list[FileCue]:
    out = []
    for sub in srt.parse(path.read_text(encoding="utf-8")):
        lines = sub.content.split("\n")
        label = next((s for s in speakers if lines[0].startswith(f"{s}: ")), None)
        out.append(FileCue(sub.start.total_seconds(), sub.end.total_seconds(), lines, label))
    return out


def bare(word: str) -> str:
    return word.strip(".,;:!?\"'()").lower().replace("\u2019", "'")


def check(cues: Sequence[FileCue], words: Sequence[Word], style: Style) -> dict[str, list[str]]:
    """Every rule broken, by rule name, with the cues that break it.

    ``fast`` lists cues over the reading-speed limit that are already shown as long
    as they can be (until 83 ms before the next cue): the speech itself is faster
    than the limit, and only rewording could help. Other fast cues are ``cps``.
    """
    found: dict[str, list[str]] = {}

    def report(rule: str, index: int, detail: str = "") -> None:
        cue = cues[index]
        found.setdefault(rule, []).append(f"#{index + 1} {cue.start:.3f} {cue.lines} {detail}")

    position = 0
    for index, cue in enumerate(cues):
        spoken_lines = list(cue.lines)
        if cue.label:
            spoken_lines[0] = spoken_lines[0][len(cue.label) + 2:]
        tokens = [t for line in spoken_lines for t in line.split()]
        mine = words[position:position + len(tokens)]
        if [w.text for w in mine] != tokens:
            report("words", index, f"expected {[w.text for w in mine]}")
            return found
        position += len(tokens)
        if len({w.turn for w in mine}) != 1:
            report("one-speaker", index)
        if abs(cue.start - mine[0].start) > TOLERANCE:
            report("start-at-first-word", index, f"first word at {mine[0].start}")
        if len(cue.lines) > style.max_lines:
            report("max-lines", index)
        for line in cue.lines:
            if len(line) > style.max_line_chars and len(line.split()) > 1:
                report("line-length", index, f"{len(line)} chars")
        whole = " ".join(cue.lines)
        if len(cue.lines) > 1 and len(whole) <= style.max_line_chars:
            report("one-line-when-it-fits", index)
        duration = cue.end - cue.start
        if not style.min_duration - TOLERANCE <= duration <= style.max_duration + TOLERANCE:
            report("duration", index, f"{duration:.3f} s")
        nxt = cues[index + 1].start if index + 1 < len(cues) else None
        cps = len(" ".join(spoken_lines)) / duration
        if cps > style.max_cps + 0.05:
            longest = nxt is not None and abs(nxt - style.min_gap - cue.end) <= TOLERANCE
            report("fast" if longest else "cps", index, f"{cps:.1f} cps")
        # Cuts inside the cue (line breaks) and after it (when the turn goes on).
        counts = [len(line.split()) for line in spoken_lines]
        cut_after = [sum(counts[:k]) - 1 for k in range(1, len(counts))]
        if position < len(words) and words[position].turn == mine[-1].turn:
            cut_after.append(len(tokens) - 1)
        for k in cut_after:
            left = mine[k].text
            right = mine[k + 1].text if k + 1 < len(mine) else words[position].text
            if bare(left) in NO_CUT_AFTER and not re.search(r"[.?!,;:]$", left):
                report("never-split", index, f"after {left!r}")
            if (left[:1].isupper() and right[:1].isupper() and bare(left) != "i"
                    and not re.search(r"[.?!,;:]$", left)):
                report("never-split-name", index, f"{left!r} | {right!r}")
        if nxt is not None:
            gap = nxt - cue.end
            if gap < style.min_gap - TOLERANCE:
                report("overlap-or-gap", index, f"gap {gap:.3f}")
            elif gap < style.close_gap - TOLERANCE and abs(gap - style.min_gap) > TOLERANCE:
                report("gap-not-closed", index, f"gap {gap:.3f}")
            if (cue.end > mine[-1].end + style.linger + TOLERANCE
                    and abs(gap - style.min_gap) > TOLERANCE
                    and abs(duration - style.min_duration) > TOLERANCE):
                report("linger", index, f"ends {cue.end - mine[-1].end:.3f} s after speech")
    if position != len(words):
        found.setdefault("words", []).append(f"{len(words) - position} words missing at end")
    return found
