"""WebVTT, written with webvtt-py.

webvtt-py writes text as given, so escaping is done here: ``&``, ``<`` and ``>``
become character references (which also keeps ``-->`` out of cue text).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import webvtt

from exporter import __version__
from exporter.model import Cue
from exporter.timecode import format_time
from exporter.writers.base import SubtitleWriter


def escape(text: str) -> str:
    """Escape cue text for WebVTT.

    >>> escape("Q&A <with> AT&T --> you")
    'Q&amp;A &lt;with&gt; AT&amp;T --&gt; you'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class VttWriter(SubtitleWriter):
    name = "vtt"
    extensions = (".vtt",)

    def render(self, cues: Sequence[Cue], source: str, labels: bool = True) -> str:
        captions = []
        for cue in cues:
            lines = [escape(line) for line in cue.lines]
            if labels and cue.speaker:
                lines[0] = f"<v {escape(cue.speaker)}>{lines[0]}"
            captions.append(webvtt.Caption(start=format_time(cue.start),
                                           end=format_time(cue.end), text=lines))
        # A NOTE may not contain "-->"; a file name could.
        note = (f"Subtitles for {Path(source).name} made by exporter {__version__}"
                .replace("-->", "->"))
        return str(webvtt.WebVTT(captions=captions, header_comments=[note]).content)
