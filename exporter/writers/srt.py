"""SubRip: numbered cues, comma milliseconds, UTF-8.

The speaker's name is a ``Name: `` prefix on the cues that carry a label (the first
of each turn, or every cue with ``--speaker-labels always``).
"""

from __future__ import annotations

from collections.abc import Sequence

from exporter.model import Cue
from exporter.timecode import format_time
from exporter.writers.base import SubtitleWriter

#: "-->" in text would read as a timing line; a word joiner keeps it visibly the same.
_ARROW, _SAFE_ARROW = "-->", "--\u2060>"


class SrtWriter(SubtitleWriter):
    name = "srt"
    extensions = (".srt",)

    def render(self, cues: Sequence[Cue], source: str, labels: bool = True) -> str:
        blocks = []
        for number, cue in enumerate(cues, 1):
            labelled = labels and cue.label and bool(cue.speaker)
            lines = [line.replace(_ARROW, _SAFE_ARROW)
                     for line in (cue.labelled_lines if labelled else cue.lines)]
            if labelled:
                lines[0] = f"{cue.speaker}: {lines[0]}"
            timing = (f"{format_time(cue.start, separator=',')} --> "
                      f"{format_time(cue.end, separator=',')}")
            blocks.append("\n".join([str(number), timing, *lines]))
        return "\n\n".join(blocks) + "\n"
