"""Window decodes made once and used again.

A turn's first window is run early, as repair's opening probe of the turn (see
:func:`exporter.align.jobs.first_window`): it tells whether the turn's first words
are where its time puts them, as a probe of those words alone would. When the
turn's walk later asks for that very decode, it is taken from here instead of
scoring the same seconds of audio a second time (the opening probes were 11-14% of
the CPU of an alignment).

Inside a turn's walk every decode is kept for the walk's duration too: a window
cut at the end of its turn is the same window at the second attempt as at the
first (the longer stretch reaches past the end), and was decoded twice.

A decode is known by everything its result depends on: the settings, the tokens,
where the path may start and end, what it may skip or jump over, where the audio
starts, and the audio itself. So a result found here is the one pocketsphinx
would give, and the alignment is the same with or without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from exporter.align.sphinx import TokenTime, WindowAligner

Key = tuple[object, ...]
Found = list[TokenTime | None] | None
#: A decode made, as a job carries it to the process that needs it.
Made = tuple[Key, Found]

_known: dict[Key, Found] = {}
_remembering = False
_made: list[Made] | None = None


def decode(aligner: WindowAligner, tokens: list[str], pcm: bytes, offset: float,
           starts: Sequence[int], ends: Sequence[int], skips: bool = False,
           jump: tuple[int, Sequence[int]] | None = None) -> Found:
    """``aligner.align`` of these arguments, or its result when this process was
    given that decode or made it already (see :func:`remembered`)."""
    if not _remembering and _made is None:
        return aligner.align(tokens, pcm, offset, starts, ends, skips, jump)
    key: Key = (aligner.settings, tuple(tokens), offset, tuple(starts), tuple(ends), skips,
                None if jump is None else (jump[0], tuple(jump[1])),
                hashlib.blake2b(pcm, digest_size=16).digest())
    if key in _known:
        found = _known[key]
        return list(found) if found is not None else None
    found = aligner.align(tokens, pcm, offset, starts, ends, skips, jump)
    # A copy is kept: whoever is handed the result may change it.
    kept = list(found) if found is not None else None
    if _remembering:
        _known[key] = kept
    if _made is not None:
        _made.append((key, kept))
    return found


@contextmanager
def remembered(made: Sequence[Made]) -> Iterator[None]:
    """Decodes made elsewhere, and every decode made here, known for the duration."""
    global _remembering
    _known.update(made)
    _remembering = True
    try:
        yield
    finally:
        _remembering = False
        _known.clear()


@contextmanager
def recording() -> Iterator[list[Made]]:
    """Every decode made for the duration, in order."""
    global _made
    out: list[Made] = []
    _made = out
    try:
        yield out
    finally:
        _made = None
