"""Estimates of how long text takes to say, for timing without audio.

Words repeat a great deal in speech, so the per-word functions are cached.

The figures are calibrated on the reference sample: its turns with a known
duration are spoken at about 4.3 syllables a second including pauses.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_LETTERS = re.compile(r"[^a-z0-9]")

#: Seconds per syllable of continuous speech.
SYLLABLE_SECONDS = 0.21
#: Extra seconds after a word ending a clause (",;:") or a sentence (".?!").
CLAUSE_PAUSE = 0.15
SENTENCE_PAUSE = 0.35


@lru_cache(maxsize=1 << 16)
def syllables(word: str) -> int:
    """A rough syllable count: vowel groups, a silent final e, digits spelled out.

    >>> [syllables(w) for w in ("the", "software", "AMD", "2017", "inference")]
    [1, 2, 3, 5, 3]
    """
    clean = _LETTERS.sub("", word.lower())
    if not clean:
        return 1
    if clean.isdigit():
        # Digits are read as numbers: about 1.3 syllables per digit.
        return max(1, round(len(clean) * 1.3))
    letters = re.sub(r"\d", "", clean)
    if word.isupper() and 1 < len(letters) <= 5:
        # Acronyms are spelled out, one syllable per letter ("W" is rare enough).
        return len(letters)
    count = len(_VOWEL_GROUPS.findall(letters))
    if letters.endswith("e") and not letters.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


@lru_cache(maxsize=1 << 16)
def pause_after(word: str) -> float:
    """The pause that punctuation after ``word`` suggests, in seconds."""
    stripped = word.rstrip("\"')]\u201d\u2019")
    if stripped.endswith((".", "?", "!")):
        return SENTENCE_PAUSE
    if stripped.endswith((",", ";", ":", "\u2014", "-")):
        return CLAUSE_PAUSE
    return 0.0


@lru_cache(maxsize=1 << 16)
def word_weight(word: str) -> float:
    """Estimated seconds to say ``word`` and the pause after it."""
    return syllables(word) * SYLLABLE_SECONDS + pause_after(word)


def speaking_time(text: str) -> float:
    """Estimated seconds to say ``text``.

    >>> round(speaking_time("Thank you for having me, Tobias. Thank you."), 1)
    3.0
    """
    return sum(word_weight(word) for word in text.split())
