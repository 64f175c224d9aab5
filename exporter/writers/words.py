"""The word timings document written by ``exporter align`` and ``exporter run``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from exporter.model import Alignment


def words_document(alignment: Alignment, review: Sequence[str] = ()) -> dict[str, Any]:
    """The offset, any insertions, every word, each turn's confidence, and why the
    alignment needs a person's review (empty when it does not). A word aligned by a
    fit poorer than its turn's bar says ``"doubtful": true``."""
    doubtful = {(t.index, k) for t in alignment.turns for k in t.doubtful}
    seen: dict[int, int] = {}
    words = []
    for w in alignment.words:
        at = seen[w.turn] = seen.get(w.turn, -1) + 1  # the word's place in its turn
        words.append({"word": w.text, "start": w.start, "end": w.end, "speaker": w.speaker,
                      "turn": w.turn, "method": w.method}
                     | ({"doubtful": True} if (w.turn, at) in doubtful else {}))
    return {
        "review": list(review),
        "offset": alignment.offset,
        "insertions": [{"turn": turn, "seconds": seconds}
                       for turn, seconds in alignment.insertions],
        "words": words,
        "turns": [{"start": t.start, "confidence": t.confidence, "method": t.method}
                  for t in alignment.turns],
    }


def render_words(alignment: Alignment, review: Sequence[str] = ()) -> str:
    """The document as JSON with one word (and one turn) a line: readable, diffable,
    and made by the C encoder item by item (an ``indent`` sends the whole document
    through the pure-Python one, 19 s for the 100,000 turns of a long catalogue).

    >>> from exporter.model import Alignment, Word
    >>> word = Word("Hi", 0.5, 0.8, "A", 0, method="aligned")
    >>> print(render_words(Alignment([word], [], 2.0)), end="")
    {
     "review": [],
     "offset": 0.0,
     "insertions": [],
     "words": [
      {"word": "Hi", "start": 0.5, "end": 0.8, "speaker": "A", "turn": 0, "method": "aligned"}
     ],
     "turns": []
    }
    >>> from exporter.model import TurnAlignment
    >>> pair = [word, Word("there", 0.9, 1.2, "A", 0, method="aligned")]
    >>> turn = TurnAlignment(0, 0.5, tuple(pair), "retried", 0.5, doubtful=(1,))
    >>> print(render_words(Alignment(pair, [turn], 2.0)).splitlines()[6][-38:])
    "method": "aligned", "doubtful": true}
    """
    parts = []
    for key, value in words_document(alignment, review).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f" {json.dumps(key)}: [\n  {items}\n ]")
        else:
            parts.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
