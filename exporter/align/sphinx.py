"""Forced alignment of one window of audio with pocketsphinx.

``Decoder.set_align_text`` builds a grammar of exactly the given words; decoding a
window then says where each word starts and ends, in 10 ms frames. One decoder is
kept per process (building one takes a sixth of a second), with the pronunciations
of words the dictionary lacks added as they come.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pocketsphinx import Decoder

from exporter.align.text import Lexicon

FRAME = 0.01
#: The default beams, then wide ones for a retry: slower, but they find a path
#: through audio that the tight beams prune away.
NORMAL = {"beam": 1e-48, "wbeam": 7e-29, "pbeam": 1e-48, "cmn": "batch"}
WIDE = {"beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80, "cmn": "batch"}
_FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "<unk>"}
_VARIANT = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class TokenTime:
    token: str
    start: float
    end: float
    score: float  # acoustic score per frame (log scale, higher is better)


def mean_score(found: Sequence[TokenTime]) -> float:
    """The acoustic score of a fit, per frame: the bar between real and chance fits
    is set on this."""
    frames = sum(t.end - t.start for t in found)
    return sum(t.score * (t.end - t.start) for t in found) / frames if frames else 0.0


class WindowAligner:
    """A pocketsphinx decoder set up for forced alignment."""

    def __init__(self, wide: bool = False) -> None:
        self.decoder = Decoder(lm=None, loglevel="FATAL", **(WIDE if wide else NORMAL))
        self.lexicon = Lexicon.load()
        self.added: set[str] = set()
        # The feature state (cepstral mean and more) carries over from one utterance
        # to the next; resetting it makes a window's result independent of what the
        # process aligned before, and so of the number of workers.
        self.initial_cmn = self.decoder.get_cmn()

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

    def align(self, tokens: list[str], pcm: bytes, offset: float) -> list[TokenTime] | None:
        """Token times within ``pcm`` (which starts at ``offset`` seconds), or None
        when pocketsphinx finds no path through the window for these words."""
        if not tokens or len(pcm) < 3200:
            return None
        self._ensure(tokens)
        try:
            self.decoder.set_align_text(" ".join(tokens))
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
            out.append(TokenTime(word, offset + seg.start_frame * FRAME,
                                 offset + (seg.end_frame + 1) * FRAME,
                                 logmath.log(seg.ascore) / frames if seg.ascore > 0
                                 else -1e9))
        if [t.token for t in out] != tokens:
            return None
        return out
