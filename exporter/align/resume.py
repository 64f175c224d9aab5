"""Where an untimed walk stops, and takes up again, around a speaker's turn it could
not align.

A part of an untimed transcript is walked in a worker (see
:mod:`exporter.align.untimed`). When a speaker's turn cannot be found (a voice the
model hears badly, crosstalk), the turn after it is searched for around where the
pace so far puts it: a search of dozens of probes. Made in the worker, it ran one
probe at a time while the other workers, their parts done, waited; so the walk
stops there (:class:`Lost`), the search runs in the pool, and the walk is taken up
again at the hand-over to the turn after (:class:`Resume`, given to the part's job),
the same walk as one that searches itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resume:
    """Where an untimed walk stopped at a speaker's turn it could not align takes up
    again, once the turn after it was searched for (see Lost): the walk's
    times so far, and the hand-over to the turn after, at ``cursor``."""

    times: tuple[tuple[float, float] | None, ...]
    method: str
    #: Searches in a row that did not find the turn after a lost one.
    unfound: int
    #: Where the lost speaker's turn begins, and the turn after it (word indexes).
    previous: int
    handed: int
    #: Where the turn after was found, or is guessed to start.
    cursor: float
    #: Where the last window ended when it reached the turn after's first words:
    #: the hand-over opens from there, whatever the search found.
    reached: float | None = None
    backed_off: frozenset[int] = frozenset()
    #: The words so far that windows placed doubtfully, and that a path went on
    #: without (see window.WindowAudio): what the turns' confidence and reports are
    #: judged from at the end of the walk. Not carried, a part walked in the pool
    #: lost them at every stop (the phone-line variant of the real-speech episode,
    #: untimed: a turn at 42% with one worker came out at 100% with two).
    doubtful: frozenset[int] = frozenset()
    absent: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Lost:
    """An untimed walk stopped where a speaker's turn could not be aligned (see
    :func:`exporter.align.turn.walk`): the turn after it is searched for from
    ``guess``, not before ``floor``, and the walk is taken up again there (see
    :func:`exporter.align.turn.resumed`)."""

    words: tuple[str, ...]
    guess: float
    floor: float
    #: How many of ``words`` are the turn's own (the rest are the turns after it).
    own: int
    state: Resume
