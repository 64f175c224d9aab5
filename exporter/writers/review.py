"""The review page: one self-contained HTML file to check an episode by eye and ear.

It plays the episode (a relative link to the MP3 beside it) with the subtitles as a
``<track>``, lists the chapters, shows the transcript cue by cue, and draws the
episode's loudness with chapter starts and low-confidence stretches marked. The
subtitles, the data and the page's own CSS and JavaScript are all inside the file,
so it works offline from disk: browsers refuse ``<track>`` files from ``file://``
pages, but not a ``data:`` URL.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from exporter.model import Alignment, Chapter, Cue, Word

#: Turns below this confidence are marked on the page.
LOW_CONFIDENCE = 0.8
#: The loudness strip needs no more points than a wide screen has pixels.
MAX_PEAKS = 3000


def _asset(name: str) -> str:
    return files("exporter.writers").joinpath("assets", name).read_text(encoding="utf-8")


def _pool_peaks(peaks: Sequence[float], limit: int = MAX_PEAKS) -> list[float]:
    """At most ``limit`` peaks, each the loudest of the ones it stands for.

    >>> _pool_peaks([0.1, 0.5, 0.2, 0.9, 0.3], 2)
    [0.5, 0.9]
    """
    if len(peaks) <= limit:
        return list(peaks)
    size = -(-len(peaks) // limit)
    return [max(peaks[i:i + size]) for i in range(0, len(peaks), size)]


def _turns(words: Sequence[Word], cues: Sequence[Cue], speakers: Sequence[str],
           starts: Sequence[float], alignment: Alignment | None) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for index, speaker in enumerate(speakers):
        info = alignment.turns[index] if alignment is not None else None
        turns.append({"speaker": speaker, "start": info.start if info else starts[index],
                      "confidence": info.confidence if info else 1.0,
                      "method": info.method if info else "estimated", "cues": []})
    bounds = [c.first_word for c in cues] + [len(words)]
    for number, cue in enumerate(cues):
        spoken = [[w.text, round(w.start, 3)] for w in words[bounds[number]:bounds[number + 1]]]
        turns[cue.turn]["cues"].append([round(cue.start, 3), round(cue.end, 3), spoken])
    return turns


def page_data(words: Sequence[Word], cues: Sequence[Cue], chapters: Sequence[Chapter], *,
              speakers: Sequence[str], starts: Sequence[float], duration: float,
              audio: str, alignment: Alignment | None = None) -> dict[str, Any]:
    """Everything the page's script shows, as plain JSON data.

    :param speakers: the speaker of each transcript turn.
    :param starts: each turn's start, used when there is no alignment.
    :param audio: the episode's URL relative to the page.
    """
    low: list[list[float]] = []
    if alignment is not None:
        for turn in alignment.turns:
            if turn.confidence < LOW_CONFIDENCE and turn.words:
                low.append([turn.words[0].start, turn.words[-1].end])
    peaks = alignment.peaks if alignment is not None else []
    return {
        "duration": round(duration, 3),
        "audio": audio,
        "offset": alignment.offset if alignment is not None else 0.0,
        "insertions": alignment.insertions if alignment is not None else [],
        "lowBelow": LOW_CONFIDENCE,
        "low": low,
        "peaks": _pool_peaks(peaks),
        "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in chapters],
        "turns": _turns(words, cues, speakers, starts, alignment),
    }


def render_review(title: str, data: dict[str, Any], vtt: str) -> str:
    """The page's HTML.

    :param title: the episode's name, for the heading.
    :param data: from :func:`page_data`.
    :param vtt: the WebVTT subtitles, embedded as the ``<track>``.
    """
    # "</script>" inside the data would end the element; JSON allows "\u003c".
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    track = "data:text/vtt;base64," + base64.b64encode(vtt.encode("utf-8")).decode("ascii")
    values = {"CSS": _asset("review.css"), "JS": _asset("review.js"),
              "TITLE": html.escape(title), "AUDIO": html.escape(data["audio"], quote=True),
              "TRACK": track, "DATA": payload}
    # One pass, so that a title holding "__DATA__" stays text.
    return re.sub(r"__([A-Z]+)__", lambda m: values.get(m[1], m[0]), _asset("review.html"))
