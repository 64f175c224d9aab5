"""The review page: one self-contained HTML file where a producer checks and fixes
an episode.

It plays the episode (a relative link to the audio beside it) with the subtitles as
a ``<track>``, lists the problems (:func:`problems`) and the chapters, shows the
transcript cue by cue, and draws the episode's loudness with chapter starts,
problems and low-confidence stretches marked. Chapters can be moved, renamed, added
and deleted, and cues corrected; the page saves the results as a Podcasting 2.0
chapters file and as VTT/SRT, which ``exporter`` reads as it reads its own. The
subtitles, the data and the page's own CSS and JavaScript (``assets/``) are all
inside the file, so it works offline from disk: browsers refuse ``<track>`` files
from ``file://`` pages, but not a ``data:`` URL, and a download made in the page
needs no server.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from exporter.model import LOW_CONFIDENCE, Alignment, Chapter, Cue, Word

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
    missing: set[tuple[int, float]] = set()
    unaligned: set[tuple[int, float]] = set()
    doubtful: set[tuple[int, float]] = set()
    for index, speaker in enumerate(speakers):
        info = alignment.turns[index] if alignment is not None else None
        turns.append({"speaker": speaker, "start": info.start if info else starts[index],
                      "confidence": info.confidence if info else 1.0,
                      "method": info.method if info else "estimated", "cues": []})
        if info is not None:
            for first, count, absent in info.spread():
                (missing if absent else unaligned).update(
                    (index, round(w.start, 3)) for w in info.words[first:first + count])
            doubtful.update((index, round(info.words[k].start, 3)) for k in info.doubtful)
    bounds = [c.first_word for c in cues] + [len(words)]
    for number, cue in enumerate(cues):
        spoken: list[list[Any]] = []
        for w in words[bounds[number]:bounds[number + 1]]:
            at = round(w.start, 3)
            mark = 1 if (w.turn, at) in missing else 2 if (w.turn, at) in unaligned \
                else 3 if (w.turn, at) in doubtful else 0
            spoken.append([w.text, at, mark] if mark else [w.text, at])
        turns[cue.turn]["cues"].append([round(cue.start, 3), round(cue.end, 3), spoken])
    return turns


def problems(alignment: Alignment | None) -> list[dict[str, Any]]:
    """What the producer should check, in the order it is heard: the offset, each
    inserted break and cut, each low-confidence turn and each passage not found in
    the audio, with the time to play it from and a label that says what it is.

    >>> from exporter.model import Alignment
    >>> problems(Alignment([], [], 60.0, offset=12.0))
    [{'kind': 'offset', 'at': 12.0, 'turn': 1, 'label': 'The transcript starts 12.0 s into \
the audio (its times were moved by as much)'}]
    """
    if alignment is None:
        return []
    found: list[dict[str, Any]] = []
    if abs(alignment.offset) >= 0.05:
        found.append({"kind": "offset", "at": round(max(0.0, alignment.offset), 3), "turn": 1,
                      "label": f"The transcript starts {alignment.offset:.1f} s into the audio "
                               "(its times were moved by as much)"})
    starts = {t.index: t.start for t in alignment.turns}
    for after, seconds in alignment.insertions:
        if seconds < 0:  # audio removed after transcription
            found.append({"kind": "cut", "at": round(starts.get(after, 0.0), 3),
                          "turn": after + 1, "label": f"{-seconds:.1f} s cut from the audio "
                                                      f"before turn {after + 1}"})
            continue
        at = max(0.0, starts.get(after, 0.0) - seconds)
        found.append({"kind": "insertion", "at": round(at, 3), "turn": after + 1,
                      "label": f"{seconds:.1f} s of audio not in the transcript (a break?) "
                               f"before turn {after + 1}"})
    for turn in alignment.turns:
        if turn.confidence < LOW_CONFIDENCE and turn.words:
            found.append({"kind": "low", "at": round(turn.words[0].start, 3),
                          "turn": turn.index + 1,
                          "label": f"Turn {turn.index + 1}: low alignment confidence "
                                   f"({round(turn.confidence * 100)}%)"})
            continue  # its missing words are part of the same doubt
        for first, count, absent in turn.spread():
            spoken = turn.words[first:first + count]
            what = "not found in the audio" if absent else "that could not be aligned"
            if spoken:
                found.append({"kind": "missing" if absent else "unaligned",
                              "at": round(spoken[0].start, 3),
                              "turn": turn.index + 1,
                              "label": f"Turn {turn.index + 1}: {count} "
                                       f"word{'s' if count != 1 else ''} {what}"})
    return sorted(found, key=lambda p: (p["at"], p["turn"]))


def page_data(words: Sequence[Word], cues: Sequence[Cue], chapters: Sequence[Chapter], *,
              speakers: Sequence[str], starts: Sequence[float], duration: float,
              audio: str, alignment: Alignment | None = None,
              name: str = "episode") -> dict[str, Any]:
    """Everything the page's script shows, as plain JSON data.

    :param speakers: the speaker of each transcript turn.
    :param starts: each turn's start, used when there is no alignment.
    :param audio: the episode's URL relative to the page.
    :param name: the episode's file stem, for the names of the files the page saves.
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
        "name": name,
        "lowBelow": LOW_CONFIDENCE,
        "low": low,
        "problems": problems(alignment),
        "peaks": _pool_peaks(peaks),
        "chapters": [{"title": c.title, "start": c.start, "end": c.end, "url": c.url}
                     for c in chapters],
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
