"""Show-notes pages and ``[HH:MM:SS] Speaker: text`` exports.

A turn opens with a bracketed timestamp at the start of a line. The speaker follows
on the same line or alone on the next one, and the speech runs over the following
lines until the next timestamp. Text before the first timestamp (summary, links,
the list of interview questions) is not speech.
"""

from __future__ import annotations

import re

from exporter.readers.base import SPEAKER, LineReader
from exporter.timecode import TIMESTAMP


class ShowNotesReader(LineReader):
    name = "shownotes"
    extensions = (".txt", ".md")
    description = "show-notes page or [HH:MM:SS] Speaker: text"
    header = re.compile(
        rf"^\s*\[(?P<ts>{TIMESTAMP})\](?:\s*(?P<speaker>{SPEAKER})\s*:)?\s*(?P<text>.*)$"
    )
