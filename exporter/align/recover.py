"""Finding the way again after a window of a turn fails (runs in a worker).

A window fails when its words are not where the walk expects them: the window
before stretched its last words over speech that was not theirs (:func:`back_off`
aligns again from earlier), the transcript holds words the audio does not (a
sentence cut in the edit: :func:`back_off`'s window may jump over a run of them,
and :func:`resync` skips longer stretches), or the voice is one the model hears
badly. Then the walk goes on from where it can, and once it is over,
:func:`bridge` aligns the words it could not place between the words around them;
what still does not fit, :mod:`exporter.align.turn` spreads.
"""

from __future__ import annotations

from collections.abc import Sequence

from exporter.align import made
from exporter.align.bars import CHANCE_BAR
from exporter.align.sphinx import TokenTime, mean_score
from exporter.align.window import (
    FIRST_TRY,
    OVERLAP_WORDS,
    WindowAudio,
    align_chunk,
    aligner_for,
    chunk_end,
    flattened,
    record,
    said,
    try_window,
    window_end,
)

__all__ = ["back_off", "bridge", "jump_in", "opening", "resync"]

#: How far back (in time, over words already placed) a window that failed goes to
#: align again, once per place: about half a window.
BACK_OFF_SECONDS = 6.0
#: How far back the back-off's window that may jump opens: a sentence not in the
#: audio is forced, squeezed, onto the speech after it, so the words said after it
#: lie further back than a failed window's cursor suggests.
JUMP_BACK_SECONDS = 12.0
#: How far past a window that failed a run of words not in the audio may reach and
#: still be jumped over in the back-off's window (see _jump): longer stretches are
#: found by resync.
JUMP_SECONDS = 60.0
#: A jump lands only after a word ending in one of these: editors cut between
#: sentences and clauses, and a landing at every word made the window's search
#: 30 times slower (every word after a jump is a path to keep).
CLAUSE_ENDS = frozenset(".?!,;:")
#: A first window opened where the turn before ends may jump to any word said in
#: this many seconds from the turn's start (see jump_in).
OPENING_SECONDS = 8.0


#: A run of this many words or more that no window could align is aligned again in
#: one window between its neighbours (see bridge). Fewer are mostly words a path
#: left out (said unlike their dictionary entry), spread between neighbours a
#: second or so apart.
BRIDGE_WORDS = 4
#: The longest stretch of audio a bridge aligns in one window (seed 6 of the
#: real-speech sweep bridges 49 s, 119 words, at the normal beams: 1.6 s of a core).
BRIDGE_SECONDS = 90.0
#: The searches a bridge tries, in turn (see sphinx.SETTINGS): the wide beams only
#: where the normal ones find no path (a 22 s bridge of the speaker with a cold
#: found none at the normal beams, 0.6 s of a core, and fitted at the wide, 3 s).
BRIDGE_SETTINGS = (FIRST_TRY, "wide")
#: The longest bridge tried at the wide beams: their cost grows faster than the
#: window (3 s of a core for 22 s of that voice, 13 s for 49 s, 30 s for 79 s; the
#: normal beams 0.6, 1.6 and 3.6 s), and a long turn of a hard voice may have several.
WIDE_BRIDGE_SECONDS = 30.0
#: Another speaker's words in a bridge count as sure when a window of their own,
#: this much wider than the bridge put them at each end, starts this share of them
#: within this of where the bridge did (see _confirmed).
CONFIRM_MARGIN = 1.0
CONFIRM_SHARE, CONFIRM_AGREE = 0.9, 0.05


def bridge(words: Sequence[str], tokens: list[list[str]], audio: WindowAudio,
           times: list[tuple[float, float] | None], limit: float, opening: float) -> int:
    """Align each run of a turn's words that no window could align again, in one
    window from the word before it to the word after it (or, at the turn's end, to
    its limit, with the next turn's first words optional; at its start, from where
    its first window opened, ``opening``, with the turn before's last words
    optional), single words allowed to be left out. Returns how many runs were so
    aligned.

    A window is cut from the cursor to where its words should end at the speaker's
    pace: where a voice the model hears badly (a cold, a poor line) fits only with a
    word or two left out, or not below the bar that pace's windows are held to, the
    walk runs out of windows and spreads the rest of the turn (45-112 words of the
    real-speech sweep's speaker with a cold, in turns that open in his clean
    recording). Between two words that are placed, the run's audio is known at
    both ends, and a path held at both ends has far less room to go astray than one
    free to end anywhere. A run a path jumped over (the audio says it is missing) is
    left alone, and so is a bridge that fits as poorly as the turn's refusal bar (a
    rule leaving alone the runs their neighbours squeeze, as an edit does, changed
    nothing measured: the edited variants report their missing runs exactly without
    it). The words a bridge places count as doubtful (see bars.DOUBT_RATIO), whatever
    its score: every window over them failed, and a path held at both ends fits
    where a window's would not, right or not (the real-speech benchmark's speaker
    with a cold, untimed: 15 of his 63 words more than 0.5 s off after the bridge, in
    a turn that scored 82% when they counted as sure). The turn is aligned, and
    still reported.
    """
    bridged = 0
    k = audio.lead
    while k < audio.own_end:
        if (times[k] is not None and k not in audio.doubtful) or not tokens[k]:
            k += 1
            continue
        # The run takes in the words placed by doubtful windows next to it: such a
        # window, free to end anywhere, may have stretched them over the speech of
        # the words after them (which is why those could not be aligned).
        a = k
        while k < audio.own_end and (times[k] is None or k in audio.doubtful):
            k += 1
        b = k
        # A run from the turn's first word (its first window fitted doubtfully, and
        # every window after it failed: held-out sweep seeds 24 and 27 lost 104 and
        # 71 of 127 words so) is held where that window opened, the turn before's
        # words optional ahead of it, as they were there.
        h = a if a > audio.lead else 0
        previous = times[a - 1] if a > audio.lead else None
        begin = previous[1] if previous is not None else opening if a == audio.lead else None
        if begin is None or sum(times[n] is None and bool(tokens[n]) for n in range(a, b)) \
                < BRIDGE_WORDS or any(n in audio.absent for n in range(a, b)):
            continue
        after = times[b] if b < audio.own_end else None
        end = after[0] if after is not None else limit
        if end - begin > BRIDGE_SECONDS:
            continue
        j = b if after is not None else len(words)
        flat, bounds = flattened(tokens, h, j)
        starts = sorted(set(bounds[:a - h + 1]))
        ends = [len(flat)] if after is not None else sorted(set(bounds[audio.own_end - h:]))
        pcm, offset = audio.read(begin, end)
        for settings in BRIDGE_SETTINGS:
            if settings != FIRST_TRY and end - begin > WIDE_BRIDGE_SECONDS:
                break
            found = made.decode(aligner_for(settings), flat, pcm, offset, starts, ends, True)
            if found is not None:
                break
        if found is None or _refused(found, audio):
            continue
        audio.weak = True  # every window over them failed: placed, but in doubt
        theirs = times[b:j]  # the next turn's words: that turn places them
        times[h:b] = [None] * (b - h)
        record(found, tokens, h, j, times, audio)
        times[b:j] = theirs
        for first in (n for n in audio.breaks if a < n < b):
            last = min(b, next((n for n in audio.breaks if n > first), b))
            if _confirmed(tokens, first, last, audio, times):
                audio.doubtful.difference_update(range(first, last))
        bridged += 1
    return bridged


def _refused(found: Sequence[TokenTime | None], audio: WindowAudio) -> bool:
    """Whether a fit is as poor as the turn's refusal bar (the chance bar where the
    turn has none)."""
    return mean_score(found) < (CHANCE_BAR if audio.bar is None else audio.bar)


def _confirmed(tokens: list[list[str]], i: int, j: int, audio: WindowAudio,
               times: list[tuple[float, float] | None]) -> bool:
    """Whether another speaker's words i:j, placed by a bridge, are placed again
    where the bridge put them by a window of their own: those words alone, in the
    audio from a second before the first to a second after the last, neither end
    held by a neighbour's word.

    A bridge's words are in doubt because every window over them failed; but where
    the bridge crosses a change of speaker, the windows over the next speaker's
    words failed because the walk reached them lost in the turn before (a voice the
    model hears badly stretched over their first seconds), not because of them. A
    window of their own, opened a second before where the bridge starts them and
    closed a second after, finds the same path only where the words decide it.
    """
    placed = [k for k in range(i, j) if times[k] is not None and tokens[k]]
    if len(placed) < BRIDGE_WORDS:
        return False
    first, last = times[placed[0]], times[placed[-1]]
    assert first is not None and last is not None
    flat, bounds = flattened(tokens, i, j)
    pcm, offset = audio.read(max(0.0, first[0] - CONFIRM_MARGIN), last[1] + CONFIRM_MARGIN)
    found = made.decode(aligner_for(FIRST_TRY), flat, pcm, offset, [0], [len(flat)])
    if found is None or _refused(found, audio):
        return False
    agree = [False] * len(placed)
    for n, k in enumerate(placed):
        token, span = found[bounds[k - i]], times[k]
        agree[n] = token is not None and span is not None \
            and abs(token.start - span[0]) <= CONFIRM_AGREE
    # The first word is where the turn starts: it must agree whatever the rest do.
    return agree[0] and sum(agree) >= CONFIRM_SHARE * len(placed)


def resync(words: Sequence[str], tokens: list[list[str]], i: int, cursor: float,
           limit: float, audio: WindowAudio, times: list[tuple[float, float] | None],
           rate: float) -> int | None:
    """Find the first word after ``i`` that is spoken at the cursor.

    ``words[i]`` could not be aligned even alone: perhaps a stretch of the
    transcript is not in the audio (cut in the edit). Windows starting 1, 2, 4, ...
    words further on are tried from the cursor, then the gap is narrowed down, so
    the missing stretch is skipped (and reported) instead of being failed word by
    word. Returns the index up to which words are trusted, or None.
    """
    def attempt(skip: int) -> tuple[int, int, list[TokenTime | None]] | None:
        k = i + skip
        end_k = chunk_end(words, k, audio.cap)
        if not any(tokens[k:end_k]):
            return None
        last = end_k >= len(words)
        end = limit if last else window_end(cursor, words[k:end_k], rate, limit)
        found = try_window(tokens, k, end_k, audio, cursor, end, FIRST_TRY)
        if found is None:
            return None
        trusted = end_k if (last or end >= limit) else max(k + 1, end_k - OVERLAP_WORDS)
        return k, trusted, found

    failed, skip = 0, 1
    best = None
    while i + skip < len(words) and not audio.hopeless():
        best = attempt(skip)
        if best is not None:
            break
        failed, skip = skip, skip * 2
    if best is None:
        return None
    while skip - failed > 1 and not audio.hopeless():
        middle = (failed + skip) // 2
        got = attempt(middle)
        if got is None:
            failed = middle
        else:
            skip, best = middle, got
    k, trusted, found = best
    record(found, tokens, k, chunk_end(words, k, audio.cap), times, audio)
    audio.absent.update(range(i, k))
    return trusted


def back_off(words: Sequence[str], tokens: list[list[str]], i: int, cursor: float,
              limit: float, audio: WindowAudio, times: list[tuple[float, float] | None],
              rate: float) -> tuple[int, str, float] | None:
    """Align again from BACK_OFF_SECONDS of words before ``i``, after a window at ``i`` failed.

    A window holding more speech than its words (a speaker slower than the pace
    so far, a word said unlike its dictionary entry) stretches its words over the
    speech after them. When that reaches past the few words that are aligned again
    anyway, the cursor ends up past words not yet aligned, and every window from it
    fails. Going back once to words that were placed earlier in that window, and
    aligning from there, finds the way again. The same happens when the transcript
    holds a sentence the audio does not: so the window from there first may jump
    over a run of words (see _jump), and is aligned as it is only when that fails.
    Returns (trusted, how, new cursor).
    """
    if i in audio.backed_off:
        return None
    audio.backed_off.add(i)

    def back(seconds: float) -> int:
        b = i
        while b - 1 > audio.lead and (earlier := times[b - 1]) is not None \
                and earlier[0] > cursor - seconds:
            b -= 1
        return b

    b, far = back(BACK_OFF_SECONDS), back(JUMP_BACK_SECONDS)
    if b == i or times[b - 1] is None:
        return None
    if times[far - 1] is None:
        far = b
    placed = times[far:i]
    # The window reaches a window's worth of speech past the one that failed: the
    # speech after words not in the audio must be in it for the jump to pay.
    end = window_end(cursor, words[i:chunk_end(words, i)], rate, limit)
    start = opening(times, far)
    times[far:i] = [None] * (i - far)
    jumped = _jump(words, tokens, far, i, start, end, limit, audio, times)
    if jumped is not None:
        trusted = jumped
    else:
        times[far:b] = placed[:b - far]
        start = opening(times, b)
        trusted, how = align_chunk(words, tokens, b, chunk_end(words, b, audio.cap), start,
                                   limit, audio, times, rate, halve=False, judged=i)
        if how == "failed":
            times[far:i] = placed
            return None
    return _rescued(times, trusted, start)


def opening(times: list[tuple[float, float] | None], b: int) -> float:
    """Where a window from word ``b`` opens: as the word before it ends."""
    previous = times[b - 1]
    assert previous is not None
    return previous[1] - 0.05


def jump_in(words: Sequence[str], tokens: list[list[str]], i: int, cursor: float,
            limit: float, audio: WindowAudio, times: list[tuple[float, float] | None],
            rate: float) -> tuple[int, str, float] | None:
    """A turn's first window again, after it failed, with one jump allowed (see _jump).

    The turn's first words may be missing from the audio, or the last words of the
    turn before it (given at the window's start): either way the words the window
    must hold are forced onto speech that is not theirs. The jump may land at the
    turn's first word, or at a sentence or clause inside it. Returns (trusted, how,
    new cursor), as back_off does.
    """
    own = max(i, audio.lead, audio.head)
    end = window_end(cursor + audio.lead_in, words[own:chunk_end(words, own)], rate, limit)
    # Opened where the turn before ends, the window starts with whatever an edit
    # left of this turn: its first words may have been cut anywhere, not at a
    # clause, so the jump may land at any word said in its first OPENING_SECONDS (a
    # landing at every word costs seconds on a hard voice: only here).
    landings = range(own, own + len(said(words[own:audio.own_end], OPENING_SECONDS)) + 1) \
        if audio.opened else [own]
    trusted = _jump(words, tokens, i, own, cursor, end, limit, audio, times, landings)
    return None if trusted is None else _rescued(times, trusted, cursor)


def _rescued(times: list[tuple[float, float] | None], trusted: int, fallback: float
             ) -> tuple[int, str, float]:
    """What a rescue gives the walk: where words are trusted up to, how, and the
    cursor (where a window after the last trusted word opens, or ``fallback``)."""
    return trusted, "retried", \
        opening(times, trusted) if times[trusted - 1] is not None else fallback


def _jump(words: Sequence[str], tokens: list[list[str]], b: int, i: int, start: float,
          end: float, limit: float, audio: WindowAudio,
          times: list[tuple[float, float] | None], landings: Sequence[int] = ()
          ) -> int | None:
    """Align words from ``b`` again, once, with a run of them allowed to be left out.

    A sentence in the transcript that is not in the audio (cut in the edit) is
    forced onto the speech after it, and the window that does so can fit well
    enough with the words before it; every window after it then fails. Aligned
    from before it with one jump allowed over words up to JUMP_SECONDS past ``i``,
    landing after a sentence or clause (or at one of ``landings``), the path takes
    the jump where the words are not said: they are then spread and reported, and
    the words after them aligned. Returns the index up to which words are trusted,
    past ``i``, or None.
    """
    reach = min(audio.own_end, i + len(said(words[i:audio.own_end], JUMP_SECONDS)))
    j = chunk_end(words, reach)
    landings = sorted({*landings, *(k for k in range(b + 1, reach + 1)
                                    if words[k - 1][-1:] in CLAUSE_ENDS)})
    if not landings:
        return None
    found = try_window(tokens, b, j, audio, start, end, FIRST_TRY, jump=(b, landings, i),
                       judged=i)
    if found is None:
        return None
    record(found, tokens, b, j, times, audio)
    placed = [k for k in range(b, j) if times[k] is not None]
    reached = placed[-1] + 1 if placed else b
    trusted = reached if end >= limit else reached - OVERLAP_WORDS
    jumped = [k for k in range(placed[0], reached) if times[k] is None and tokens[k]] \
        if placed else []
    # The end of one speaker's turn and the start of the next, jumped over together,
    # is refused: where a hard voice's windows fail, the next speaker's words fit its
    # speech by chance, and that turn then started tens of seconds early with its
    # first sentences spread. The walk loses the turn instead, and the next is
    # searched for (and confirmed) where it is said.
    across = bool(jumped) and any(jumped[0] < k <= jumped[-1] for k in audio.breaks)
    if jumped and reached - jumped[-1] - 1 <= OVERLAP_WORDS:
        # A jump to a landing among the window's last words is a cheap way to end a
        # path (in the middle of a word; on silence, where one word took 19 s after
        # two were laid at the start): the jump is where the path really ends, and
        # the last few words before it are not trusted, as at any window's end that
        # is not the turn's.
        trusted = min(trusted, jumped[0] - (0 if end >= limit else OVERLAP_WORDS))
    if across or trusted <= i:
        for k in range(b, j):
            times[k] = None
        return None
    for k in range(trusted, j):
        times[k] = None
    audio.absent.update(k for k in jumped if k < trusted)
    return trusted
