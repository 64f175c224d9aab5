"""Measuring alignment against recorded truth (tests and benchmarks share it)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from exporter.model import Word

_SENTENCE_END = re.compile(r"[.?!][\"')\]\u201d\u2019]*$")


def sentence_starts(words: Sequence[Word]) -> list[float]:
    """When each sentence starts: the first word of every turn, and every word that
    follows a sentence end."""
    starts: list[float] = []
    first, turn = True, -1
    for word in words:
        if word.turn != turn:
            first, turn = True, word.turn
        if first:
            starts.append(word.start)
        first = bool(_SENTENCE_END.search(word.text))
    return starts


def summary(errors: Sequence[float]) -> dict[str, float]:
    """Median, the shares within 150 and 500 ms, and the worst, of absolute errors."""
    ordered = sorted(errors)
    count = len(ordered)
    return {"median": statistics.median(ordered),
            "within_150ms": sum(e <= 0.150 for e in ordered) / count,
            "within_500ms": sum(e <= 0.500 for e in ordered) / count,
            "worst": ordered[-1]}
