"""Rev and Descript exports: ``Speaker (HH:MM:SS):`` or ``Speaker (MM:SS):``.

The speech follows on the same line after the colon, or on the lines below.
"""

from __future__ import annotations

import re

from exporter.readers.base import SPEAKER, LineReader
from exporter.timecode import TIMESTAMP


class RevReader(LineReader):
    name = "rev"
    extensions = (".txt", ".docx.txt")
    description = "Speaker (HH:MM:SS): text (Rev, Descript)"
    # Without the colon, "we spoke (00:05)" in a sentence would open a turn; a bare
    # header line ending at the parenthesis is the other form Rev writes.
    header = re.compile(
        rf"^\s*(?P<speaker>{SPEAKER})\s*\((?P<ts>{TIMESTAMP})\)(?::\s*(?P<text>.*)|\s*$)"
    )
