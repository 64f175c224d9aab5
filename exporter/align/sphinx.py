"""Forced alignment of one window of audio with pocketsphinx.

``Decoder.set_align_text`` builds a grammar of exactly the given words; decoding a
window then says where each word starts and ends, in 10 ms frames. One decoder is
kept per process (building one takes a sixth of a second), with the pronunciations
of words the dictionary lacks added as they come.

A window may also carry words that are only possibly in it: the neighbouring turn's
words before and after a turn's own. They are given as a grammar in which the path
may start at any of the leading words and end after any of the trailing ones, so
that speech of the neighbour is taken by the neighbour's words, however much of it
the window holds, and never forced onto the turn's own words. A window aligned
again after a failure may also jump once over a run of its words (ones the audio
does not hold), in a grammar of two copies of the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pocketsphinx import Decoder

from exporter.align.audio import RATE
from exporter.align.text import Lexicon

FRAME = 0.01
#: Search settings by name: the default beams, then wide ones for a retry (slower,
#: but they find a path through audio that the tight beams prune away). Scoring the
#: acoustic model on every other frame and the two best Gaussians (``ds=2``,
#: ``topn=2``) was 2.3x faster, but its coarser scores failed the chance bars and
#: lost the way in grammars with optional words (measured on both benchmarks).
#: ``topn=2`` alone made every timed benchmark 12-55% faster (real speech 41x to
#: 56x) and real word starts closer (57 ms to 37 ms), but the search for a 12 s cut
#: in the espeak sample then found nothing, and untimed real speech lost two more
#: turns: not used until repair's bars are measured again under it.
#:
#: A search reads its beams from the decoder's settings when it is made, and each
#: window makes its own: so one decoder serves every setting (a second decoder for
#: the wide beams cost a worker 0.13 s and 26 MB the first time a window was
#: retried, with the same results).
SETTINGS: dict[str, dict[str, float]] = {
    "normal": {"beam": 1e-48, "wbeam": 7e-29, "pbeam": 1e-48},
    "wide": {"beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80},
}
#: What every search shares: the features' cepstral mean is the window's own.
DECODER: dict[str, str] = {"cmn": "batch"}
#: The weight of leaving a token out of a path (see WindowAligner.align's ``skips``):
#: scaled by the language weight, it costs about as much as a few frames of speech
#: that fits badly. Its value hardly changed the paths found (measured 0.1 to 1e-5).
SKIP = 1e-3
#: The share of tokens a path that may skip them must keep, and how many at each
#: edge of the window's own tokens it must keep.
SKIPS_KEPT = 0.6
SKIP_EDGE = 2
#: The weight of the one jump over a run of tokens that a path may take (see
#: WindowAligner.align's ``jump``). Scaled by the language weight it costs about a
#: second of speech fitting as badly as chance does: more than a word or two that
#: are said but fit badly, less than a missing sentence forced onto the speech
#: after it (each of its phones takes at least three frames). Measured with a
#: 14-word sentence not in the audio: 1e-10 also jumped over two words that are
#: said ("IoT, and") in the espeak sample; 1e-30 did not jump over the sentence
#: there nor in a real reader's turn (tests/align/test_real_speech.py). On the
#: real-speech benchmark, plain is the same from 1e-10 to 1e-30; untimed words
#: are 37 ms off at 1e-10 and 1e-20, 43 ms at 1e-30. Measured again when the path
#: came from the search rather than the lattice (see WindowAligner._jump): 1e-10
#: and 1.0 jumped over said words in the espeak sample, 1e-30 failed 12 of the 19
#: tests of missing words and cuts, 1e-20 none.
JUMP = 1e-20
#: The search's backtrace names the grammar's empty transitions "(NULL)".
_FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "<unk>", "(NULL)"}
_VARIANT = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class TokenTime:
    token: str
    start: float
    end: float
    score: float  # acoustic score per frame (log scale, higher is better)


def mean_score(times: Sequence[TokenTime | None]) -> float:
    """The acoustic score of a fit, per frame: the bar between real and chance fits
    is set on this."""
    found = [t for t in times if t is not None]
    frames = sum(t.end - t.start for t in found)
    return sum(t.score * (t.end - t.start) for t in found) / frames if frames else 0.0


class _Engine:
    """The process's decoder and the pronunciations added to it (one per process:
    building one takes a sixth of a second and 26 MB)."""

    made: _Engine | None = None

    def __init__(self) -> None:
        self.decoder = Decoder(lm=None, loglevel="FATAL", **DECODER, **SETTINGS["normal"])
        self.lexicon = Lexicon.load()
        self.added: set[str] = set()
        # The feature state (cepstral mean and more) carries over from one utterance
        # to the next; resetting it makes a window's result independent of what the
        # process aligned before, and so of the number of workers.
        self.initial_cmn = self.decoder.get_cmn()

    @classmethod
    def get(cls) -> _Engine:
        if cls.made is None:
            cls.made = cls()
        return cls.made


class WindowAligner:
    """Forced alignment with pocketsphinx, under the named search settings."""

    def __init__(self, settings: str = "normal") -> None:
        self.settings = settings
        self.beams = SETTINGS[settings]
        engine = _Engine.get()
        self.decoder = engine.decoder
        self.lexicon = engine.lexicon
        self.added = engine.added
        self.initial_cmn = engine.initial_cmn

    def reset(self) -> None:
        self.decoder.reinit_feat()
        self.decoder.set_cmn(self.initial_cmn)

    def _ensure(self, tokens: list[str]) -> None:
        missing = [t for t in dict.fromkeys(tokens) if t not in self.lexicon.words
                   and t not in self.added]
        for index, token in enumerate(missing):
            variants = self.lexicon.pronunciations(token)
            for number, phones in enumerate(variants):
                name = token if number == 0 else f"{token}({number + 1})"
                # Rebuilding the search once, after the last new word, is enough.
                last = index == len(missing) - 1 and number == len(variants) - 1
                self.decoder.add_word(name, phones, last)
            self.added.add(token)

    def align(self, tokens: list[str], pcm: bytes, offset: float,
              starts: Sequence[int] = (0,), ends: Sequence[int] | None = None,
              skips: bool = False, jump: tuple[int, Sequence[int]] | None = None
              ) -> list[TokenTime | None] | None:
        """Token times within ``pcm`` (which starts at ``offset`` seconds), or None
        when pocketsphinx finds no path through the window for these words.

        :param starts: the token indexes the path may start at (the tokens before it
            are then not in the window, and come back as None).
        :param ends: the indexes (exclusive) the path may end at; default: the end.
        :param skips: any token may be left out (it comes back as None): for speech
            the model hears badly, where one word said unlike its dictionary entry
            (an "I" swallowed in fast speech) leaves no path at all. At least
            SKIPS_KEPT of the tokens, and SKIP_EDGE at each end, must be found.
        :param jump: (lo, landings): the path may leave out one run of tokens that
            starts at or after ``lo`` and ends at one of ``landings`` (words in the
            transcript that are not in the audio). Those left out come back as None.
        """
        if not tokens or len(pcm) < 3200:
            return None
        ends = ends if ends is not None else (len(tokens),)
        self._ensure(tokens)
        pcm = dithered(pcm, offset)
        if jump is not None:
            return self._jump(tokens, pcm, offset, starts, ends, jump)
        if tuple(starts) == (0,) and tuple(ends) == (len(tokens),) and not skips:
            out = self._decode(pcm, offset, tokens)
        else:
            out = self._decode(pcm, offset, (tokens, starts, ends, skips, None))
        if out is None:
            return None
        if skips:
            return _placed(tokens, out, max(starts), min(ends))
        found = [t.token for t in out]
        for first in starts:
            last = first + len(found)
            if last in ends and tokens[first:last] == found:
                return [None] * first + list(out) + [None] * (len(tokens) - last)
        return None

    def _decode(self, pcm: bytes, offset: float,
                grammar: list[str] | tuple[list[str], Sequence[int], Sequence[int], bool,
                                          tuple[int, Sequence[int]] | None],
                lattice: bool = True) -> list[TokenTime] | None:
        """The words (no fillers) on the best path through ``pcm`` in ``grammar``:
        exactly these tokens, or the arguments of :meth:`_set_grammar`. None: no path.

        :param lattice: take the path from the word lattice (``bestpath``), as every
            window does; off, straight from the search, and the scores are then
            not comparable (the search's are normalised frame by frame).
        """
        # Read when the search is made (each window makes its own).
        for key, value in self.beams.items():
            self.decoder.config[key] = value
        self.decoder.config["bestpath"] = lattice
        try:
            if isinstance(grammar, list):
                self.decoder.set_align_text(" ".join(grammar))
            else:
                self._set_grammar(*grammar)
            self.reset()
            self.decoder.start_utt()
            self.decoder.process_raw(pcm, no_search=False, full_utt=True)
            self.decoder.end_utt()
        except RuntimeError:
            return None
        if self.decoder.hyp() is None:
            return None
        logmath = self.decoder.get_logmath()
        out = []
        for seg in self.decoder.seg():
            word = _VARIANT.sub("", seg.word)
            if word in _FILLERS:
                continue
            frames = max(1, seg.end_frame - seg.start_frame + 1)
            # The binding gives the score as a probability, 0 where the log score is
            # below about -745 in natural logs (a word held for two seconds at
            # -38,000 a frame): such a word scores as the worst there is, and its
            # window is refused. The true score can be read from the word lattice,
            # but that let a window through that held a word of a voice with a cold
            # over four seconds (docs/performance.md, the sweep's row): the lost
            # score is, by accident, the refusal of a word held for seconds.
            out.append(TokenTime(word, offset + seg.start_frame * FRAME,
                                 offset + (seg.end_frame + 1) * FRAME,
                                 logmath.log(seg.ascore) / frames if seg.ascore > 0
                                 else -1e9))
        return out

    def _jump(self, tokens: list[str], pcm: bytes, offset: float, starts: Sequence[int],
              ends: Sequence[int], jump: tuple[int, Sequence[int]]
              ) -> list[TokenTime | None] | None:
        """A window that may jump over one run of its tokens (see :meth:`align`).

        The search decides which tokens the path keeps; the kept tokens are then
        aligned again on their own for their times and scores. The path taken
        straight from the search spares the word lattice, which in a grammar with a
        jump has an entry for every landing at every word's end: building it took
        time that grew with the square of the window (one window of the synthetic
        untimed benchmark: 12.4 s with the lattice, 1.0 s for the search and the
        alignment of the kept words). The kept words' scores are then those any
        window's words get (the lattice of a grammar with a jump gave the same words
        poorer scores: by 4% to 50% on the real-speech benchmark).
        """
        out = self._decode(pcm, offset, (tokens, starts, ends, False, jump), lattice=False)
        placed = _jumped(tokens, out, starts, jump, ends) if out is not None else None
        if placed is None:
            return None
        kept = [k for k, t in enumerate(placed) if t is not None]
        # The kept tokens may still end after any of them that the window may end
        # after: the lattice's path can end a word or two before the search's.
        closing = [n + 1 for n, k in enumerate(kept) if k + 1 in ends]
        if not closing:
            return None  # the search kept no word the window may end after
        again = self._decode(pcm, offset, ([tokens[k] for k in kept], [0], closing, False,
                                           None))
        return _jumped(tokens, again, starts, jump, ends) if again is not None else None

    def _set_grammar(self, tokens: list[str], starts: Sequence[int], ends: Sequence[int],
                     skips: bool = False, jump: tuple[int, Sequence[int]] | None = None
                     ) -> None:
        """The tokens in order, entered at any of ``starts`` and left at any of ``ends``
        (alternative pronunciations are added by the search itself); with ``skips``,
        each may be left out.

        With ``jump`` (see align), the tokens from ``lo`` on have a second copy, and
        the jump leads from the first copy to the second, so that it is taken at most
        once. Only the landings open a word after it: a landing at every word made a
        window's search 30 times slower. (Each jump is one empty transition:
        pocketsphinx follows one of those at a time, so a chain of them would not be
        crossed.)
        """
        n = len(tokens)
        second = n + 2  # with a jump, the state of boundary k after it is second + k
        final = n + 1 if jump is None else second + n + 1
        # State 0 leads into every allowed start; every allowed end leads to the final
        # state, so that a longer path is not penalised for its extra transition.
        transitions: list[tuple[int, int, float] | tuple[int, int, float, str]] = [
            (k + 1, k + 2, 1.0, token) for k, token in enumerate(tokens)]
        transitions += [(0, k + 1, 1.0) for k in starts]
        transitions += [(k + 1, final, 1.0) for k in ends]
        if skips:
            # Never the first or last of the window's own tokens: a path that may
            # skip those can put the neighbour's words on this speaker's speech.
            transitions += [(k + 1, k + 2, SKIP)
                            for k in range(max(starts) + SKIP_EDGE, min(ends) - SKIP_EDGE)]
        if jump is not None:
            lo, landings = jump
            transitions += [(second + k, second + k + 1, 1.0, tokens[k])
                            for k in range(lo + 1, n)]
            transitions += [(p + 1, second + q, JUMP)
                            for p in range(lo, max(landings)) for q in landings if q > p]
            transitions += [(second + k, final, 1.0) for k in ends if k > lo]
        fsg = self.decoder.create_fsg("window", 0, final, transitions)
        self.decoder.add_fsg("window", fsg)
        self.decoder.activate_search("window")


#: A run of this many zero samples (10 ms) is digital silence, not a quiet recording:
#: the room noise of real recordings crosses zero now and then, never for long (at
#: most 3 samples in a row on every benchmark episode and the sample).
SILENT_RUN = 160


def dithered(pcm: bytes, offset: float) -> bytes:
    """The PCM with digital silence (SILENT_RUN zero samples or more in a row) made
    one step of noise, the same noise for the same samples of the episode.

    Over digital silence every frame's features are the same, the acoustic model's
    top Gaussians tie, and pocketsphinx breaks the ties by the Gaussians it kept from
    the last frame it scored, in whatever it aligned before: two minutes of
    silence came out with two words aligned in a process that had aligned another
    episode, and none in a fresh one. Noise, a function of each sample's place in
    the episode, breaks the ties the same way in every process. Recordings with a
    noise floor are left as they are.

    >>> silence = bytes(2 * SILENT_RUN)
    >>> dithered(silence, 1.0) == dithered(silence, 1.0) != silence
    True
    >>> quiet = bytes(2 * (SILENT_RUN - 1)) + (5).to_bytes(2, "little")
    >>> dithered(quiet, 0.0) == quiet
    True
    """
    samples = np.frombuffer(pcm, dtype="<i2")
    zero = samples == 0
    if np.count_nonzero(zero) < SILENT_RUN:
        return pcm
    edges = np.diff(np.concatenate(([0], zero.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    runs = [(a, b) for a, b in zip(starts, ends, strict=True) if b - a >= SILENT_RUN]
    if not runs:
        return pcm
    out = samples.copy()
    first = int(offset * RATE)  # where the window starts, as DecodedAudio.read cuts
    for a, b in runs:
        index = np.arange(first + a, first + b, dtype=np.int64)
        # A multiplicative hash of the place: +1 or -1, with no period to be heard.
        out[a:b] = (((index * 2654435761) >> 16) & 1) * 2 - 1
    return out.astype("<i2").tobytes()


def _placed(tokens: Sequence[str], out: Sequence[TokenTime], first: int = 0,
            last: int | None = None) -> list[TokenTime | None] | None:
    """The tokens found, in their places (the first place each fits, in order); None
    when fewer than SKIPS_KEPT of tokens[first:last] (those the window must hold; the
    others are optional context) were found.

    >>> t = lambda w: TokenTime(w, 0.0, 0.1, -1.0)
    >>> [x and x.token for x in _placed(["a", "b", "a", "c"], [t("a"), t("a"), t("c")])]
    ['a', None, 'a', 'c']
    >>> _placed(["a", "b", "c", "d"], [t("d")]) is None
    True
    """
    placed: list[TokenTime | None] = [None] * len(tokens)
    k = 0
    for found in out:
        while k < len(tokens) and tokens[k] != found.token:
            k += 1
        if k == len(tokens):
            return None
        placed[k] = found
        k += 1
    own = placed[first:last]
    return placed if sum(t is not None for t in own) >= SKIPS_KEPT * len(own) else None


def _jumped(tokens: Sequence[str], out: Sequence[TokenTime], starts: Sequence[int],
            jump: tuple[int, Sequence[int]], ends: Sequence[int]
            ) -> list[TokenTime | None] | None:
    """The tokens found, in their places, when the path may have jumped over one run
    (see WindowAligner.align): from the first start that fits, the longest run of
    tokens before the jump, then the rest where they match (a word said both
    before and after the jump is taken as said before it).

    >>> t = lambda w: TokenTime(w, 0.0, 0.1, -1.0)
    >>> found = _jumped(["a", "b", "x", "y", "b", "c"], [t("a"), t("b"), t("c")], [0],
    ...                 (0, [5]), [6])
    >>> [x and x.token for x in found]
    ['a', 'b', None, None, None, 'c']
    >>> [x and x.token for x in _jumped(["z", "a", "b", "c"], [t("b"), t("c")], [0, 1],
    ...                                  (0, [2]), [4])]
    [None, None, 'b', 'c']
    >>> _jumped(["a", "b", "c"], [t("a"), t("c")], [0], (2, [3]), [3]) is None
    True
    """
    found = [t.token for t in out]
    lo, landings = jump
    for first in starts:
        for p in range(min(first + len(found), max(landings)), first - 1, -1):
            if list(tokens[first:p]) != found[:p - first]:
                continue
            rest = found[p - first:]
            for q in [p, *(q for q in landings if q > p >= lo)]:
                end = q + len(rest)
                if end in ends and list(tokens[q:end]) == rest:
                    placed: list[TokenTime | None] = [None] * len(tokens)
                    placed[first:p] = out[:p - first]
                    placed[q:end] = out[p - first:]
                    return placed
    return None
