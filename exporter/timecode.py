"""Parsing and formatting of timestamps.

Accepted forms are ``H:MM:SS``, ``HH:MM:SS``, ``MM:SS`` and ``M:SS``, each with an
optional fraction after ``.`` or ``,`` (one to three digits, as milliseconds).
"""

from __future__ import annotations

import re

#: A timestamp inside a larger pattern. Deliberately loose on the field values
#: (``00:61:00`` matches) so that impossible times are reported, not skipped.
TIMESTAMP = r"\d{1,3}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"

# Seconds always have two digits; minutes too when an hour field precedes them.
_PARTS = re.compile(
    r"^(?:(?P<h>\d{1,3}):(?P<hm>\d{2})|(?P<m>\d{1,3})):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?$"
)


def parse_ms(text: str) -> int:
    """Parse a timestamp into whole milliseconds.

    :param text: e.g. ``"01:02:03.5"`` or ``"2:03,250"``.
    :raises ValueError: if ``text`` is not a timestamp or a field is out of range.

    >>> parse_ms("1:02:03,5")
    3723500
    """
    match = _PARTS.match(text.strip())
    if not match:
        raise ValueError(f"not a timestamp: {text!r}")
    hours = int(match["h"] or 0)
    minutes = int(match["hm"] if match["h"] is not None else match["m"])
    seconds = int(match["s"])
    # Without an hour field, "75:00" is a plausible 75-minute mark; with one it is not.
    if seconds > 59 or (match["h"] is not None and minutes > 59):
        raise ValueError(f"impossible timestamp {text.strip()!r}")
    fraction = int((match["f"] or "0").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction


def parse(text: str) -> float:
    """Parse a timestamp into seconds.

    :raises ValueError: as :func:`parse_ms`.

    >>> parse("00:00:30")
    30.0
    >>> parse("1:05.25")
    65.25
    """
    return parse_ms(text) / 1000


def to_ms(seconds: float) -> int:
    """Round seconds to whole milliseconds, the precision of every output format."""
    return round(seconds * 1000)


def format_time(seconds: float, *, separator: str = ".", hours: bool = True,
                fraction: bool = True) -> str:
    """Format seconds as ``HH:MM:SS.mmm``.

    :param separator: ``"."`` for WebVTT, ``","`` for SRT.
    :param hours: always print the hour field (otherwise only when non-zero).
    :param fraction: print milliseconds.
    :raises ValueError: for negative times.

    >>> format_time(62.345)
    '00:01:02.345'
    >>> format_time(62.345, separator=",")
    '00:01:02,345'
    >>> format_time(3725, hours=False, fraction=False)
    '1:02:05'
    """
    total = to_ms(seconds)
    if total < 0:
        raise ValueError(f"negative time {seconds!r}")
    whole, ms = divmod(total, 1000)
    minutes, secs = divmod(whole, 60)
    hrs, minutes = divmod(minutes, 60)
    if hours or hrs:
        text = f"{hrs:02d}:{minutes:02d}:{secs:02d}" if hours else f"{hrs}:{minutes:02d}:{secs:02d}"
    else:
        text = f"{minutes:02d}:{secs:02d}"
    return f"{text}{separator}{ms:03d}" if fraction else text
