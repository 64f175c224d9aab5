"""The word timings document written by ``exporter align`` and ``exporter run``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from exporter.model import Alignment


def words_document(alignment: Alignment, review: Sequence[str] = ()) -> dict[str, Any]:
    """The offset, any insertions, every word, each turn's confidence, and why the
    alignment needs a person's review (empty when it does not)."""
    return {
        "review": list(review),
        "offset": alignment.offset,
        "insertions": [{"turn": turn, "seconds": seconds}
                       for turn, seconds in alignment.insertions],
        "words": [{"word": w.text, "start": w.start, "end": w.end, "speaker": w.speaker,
                   "turn": w.turn, "method": w.method} for w in alignment.words],
        "turns": [{"start": t.start, "confidence": t.confidence, "method": t.method}
                  for t in alignment.turns],
    }


def render_words(alignment: Alignment, review: Sequence[str] = ()) -> str:
    return json.dumps(words_document(alignment, review), indent=1, ensure_ascii=False) + "\n"
