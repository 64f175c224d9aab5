"""Lines of ``HH:MM:SS Speaker: text``: the timestamp first, then the speaker."""

from __future__ import annotations

import re

from exporter.readers.base import SPEAKER, LineReader
from exporter.timecode import TIMESTAMP


class StampedLineReader(LineReader):
    name = "stamped"
    extensions = (".txt", ".log")
    description = "HH:MM:SS Speaker: text"
    header = re.compile(
        rf"^\s*(?P<ts>{TIMESTAMP})\s+(?:[-\u2013|]\s+)?(?P<speaker>{SPEAKER})\s*:\s*(?P<text>.*)$"
    )
