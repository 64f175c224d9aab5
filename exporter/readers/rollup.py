"""YouTube's automatic captions, as downloaded (yt-dlp, youtube-dl): roll-up cues.

Each cue shows the line before it again with the new words after it, and times the
new words inline (``this<00:05:04.199><c> will</c>``). Read as cues, every line
would be said twice; here the words already said are dropped from the start of each
cue, and the inline times become anchors for the words after them.
"""

from __future__ import annotations

import html
import re

from exporter.readers.base import Paragraph, parse_stamp

_INLINE_TIME = re.compile(r"<(\d{1,2}:\d{2}:\d{2}[.,]\d{3})>")
_TAG = re.compile(r"</?[^>]*>")
#: How far back the words already said are compared with a cue's start.
MEMORY = 100


def is_rollup(text: str) -> bool:
    """Whether a WebVTT file is YouTube's roll-up captions (inline word times).

    >>> is_rollup("WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\nthis<00:00:01.500><c> will</c>")
    True
    """
    return bool(_INLINE_TIME.search(text))


def _key(word: str) -> str:
    return word.lower().strip(".,;:!?\"'")


class Unroller:
    """Turns roll-up cues, in order, into the words each adds."""

    def __init__(self) -> None:
        self._said: list[str] = []

    def paragraphs(self, body: str, start_ms: int, end_ms: int, source: str,
                   line: int) -> list[Paragraph]:
        """The new words of one cue, a paragraph per inline time (the first at the
        cue's start, or at the time of its first new word).

        >>> u = Unroller()
        >>> [p.text for p in u.paragraphs("yeah", 0, 400, "x", 1)]
        ['yeah']
        >>> [(p.text, p.start_ms) for p in u.paragraphs(
        ...     "yeah\\nthis<00:00:01.200><c> will</c><00:00:01.500><c> go</c>", 400, 2000, "x", 5)]
        [('this', 400), ('will', 1200), ('go', 1500)]
        >>> u.paragraphs("this will go", 2000, 2500, "x", 9)
        []
        """
        words: list[tuple[str, int, bool]] = []  # word, time, whether the time is its own
        time = start_ms
        for index, part in enumerate(_INLINE_TIME.split(body)):
            if index % 2:
                time = parse_stamp(part, source, line)
                continue
            for position, word in enumerate(html.unescape(_TAG.sub("", part)).split()):
                words.append((word, time, position == 0))
        keys = [_key(w) for w, _, _ in words]
        repeat = next((k for k in range(min(len(keys), len(self._said)), 0, -1)
                       if self._said[-k:] == keys[:k]), 0)
        self._said = (self._said + keys[repeat:])[-MEMORY:]
        out: list[Paragraph] = []
        for word, at, own in words[repeat:]:
            if not out or own:
                out.append(Paragraph(line, word, at))
            else:
                out[-1].text += " " + word
        if out:
            out[-1].end_ms = end_ms
        return out
