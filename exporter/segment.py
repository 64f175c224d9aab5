"""Words to subtitle cues, under a professional style guide.

The default :data:`CAPTIONS` style follows Netflix's English timed-text rules: at
most two lines of 42 characters, between 5/6 s and 7 s on screen, at most 20
characters a second (aiming for 17). Cuts go where a subtitler would put them,
best first: a sentence end, a real pause (aligned words only), clause punctuation,
before a conjunction or preposition. A cut never separates an article, determiner,
subject pronoun or auxiliary from the word after it, nor two capitalised words of a
name. A speaker change always starts a new cue.

Reading speed counts the spoken text: a speaker label is a name seen many times
and read at a glance, so it takes room on the line but not reading time.

Each turn is cut by dynamic programming over cue boundaries, so that one bad cue
cannot be traded for a chain of worse ones later; the cost of a cue adds its cut's
quality, its reading speed and its shape.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from exporter.model import Cue, Word
from exporter.style import CAPTIONS, Style

# Word classes for cutting. Lower case, punctuation stripped.
ARTICLES = frozenset("a an the this these those my your his her its our their some any no "
                     "every each another such".split())
SUBJECT_PRONOUNS = frozenset("i we they he she i'm we're they're you're he's she's it's "
                             "i've we've they've you've i'd we'd they'd i'll we'll they'll "
                             "you'll".split())
AUXILIARIES = frozenset("am is are was were be been being do does did have has had will "
                        "would shall should can could may might must not don't doesn't "
                        "didn't can't couldn't won't wouldn't shouldn't isn't aren't wasn't "
                        "weren't haven't hasn't hadn't cannot".split())
PREPOSITIONS = frozenset("of in on at by for with about against between into through during "
                         "before after above below to from up down over under across around "
                         "via without within onto upon toward towards than per".split())
CONJUNCTIONS = frozenset("and but or nor so yet because although though while whereas if "
                         "unless since when where which who whom whose that whether".split())

# Cut costs; a "never" is a large cost rather than a hard wall, so a turn that
# cannot be cut legally any other way still gets cut.
NEVER = 1000.0
CUT_SENTENCE = 0.0
CUT_PAUSE = 1.0
CUT_CLAUSE = 3.0
CUT_BEFORE_FUNCTION = 6.0
CUT_PLAIN = 15.0
CUT_AFTER_FUNCTION = 30.0
PER_CUE = 4.0
#: A cue that ends one sentence and then starts another it does not finish.
DANGLING_SENTENCE = 8.0


@lru_cache(maxsize=1 << 16)
def bare(word: str) -> str:
    """The word in lower case without surrounding punctuation.

    >>> bare('"Hello,"')
    'hello'
    """
    return word.strip(".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019\u2014\u2013-").lower().replace(
        "\u2019", "'")


def ends_sentence(word: str) -> bool:
    return word.rstrip("\"')]\u201d\u2019").endswith((".", "?", "!"))


def ends_clause(word: str) -> bool:
    return word.rstrip("\"')]\u201d\u2019").endswith((",", ";", ":", "\u2014", "\u2013"))


def is_name_pair(left: str, right: str) -> bool:
    """Two capitalised words in a row, such as a first and last name."""
    return (left[:1].isupper() and right[:1].isupper() and not ends_sentence(left)
            and not ends_clause(left) and bare(left) != "i")


def cut_cost(left: Word, right: Word) -> float:
    """How bad a cut between ``left`` and ``right`` is (across cues or lines)."""
    cost = _text_cut_cost(left.text, right.text)
    if (cost > CUT_PAUSE and cost < NEVER and left.method == "aligned"
            and right.method == "aligned" and right.start - left.end >= 0.4):
        return CUT_PAUSE
    return cost


@lru_cache(maxsize=1 << 16)
def _text_cut_cost(left: str, right: str) -> float:
    """The cost of a cut from the words alone (the same words recur all episode)."""
    if ends_sentence(left):
        return CUT_SENTENCE
    lb, rb = bare(left), bare(right)
    if lb in ARTICLES or lb in SUBJECT_PRONOUNS or lb in AUXILIARIES or is_name_pair(
            left, right):
        return NEVER
    if ends_clause(left):
        return CUT_CLAUSE
    if lb in PREPOSITIONS or lb in CONJUNCTIONS:
        return CUT_AFTER_FUNCTION
    if rb in PREPOSITIONS or rb in CONJUNCTIONS:
        return CUT_BEFORE_FUNCTION
    return CUT_PLAIN


class _Turn:
    """Precomputed per-word facts of one turn, so the search's inner loop is cheap."""

    def __init__(self, words: Sequence[Word], label_width: int, label_all: bool,
                 next_start: float) -> None:
        self.words = words
        self.n = len(words)
        lengths = [len(w.text) for w in words]
        # offsets[k]: characters of words[:k] joined by single spaces, plus one.
        self.offsets = [0]
        for length in lengths:
            self.offsets.append(self.offsets[-1] + length + 1)
        self.cuts = [cut_cost(a, b) for a, b in pairwise(words)]
        # sentence_ends[k]: sentence ends among words[:k], to find them inside a cue.
        self.sentence_ends = [0]
        for word in words:
            self.sentence_ends.append(self.sentence_ends[-1] + ends_sentence(word.text))
        self.label_width = label_width
        self.label_all = label_all
        self.next_start = next_start

    def chars(self, i: int, j: int) -> int:
        """Characters of words[i:j] on one line."""
        return self.offsets[j] - self.offsets[i] - 1

    def label(self, i: int) -> int:
        return self.label_width if (i == 0 or self.label_all) else 0


def _layout(turn: _Turn, i: int, j: int, style: Style, label: int
            ) -> tuple[float, list[int]] | None:
    """The best way to set words[i:j] as lines: (cost, inner line breaks), or None.

    :param label: characters the speaker label takes at the start of the first line.

    A single word longer than a line stands alone on its line.
    """
    width = style.max_line_chars
    if turn.chars(i, j) + label <= width or j - i == 1:
        return 0.0, []
    if style.max_lines == 1:
        return None
    if style.max_lines == 2:
        # Line 1 = words[i:k] must fit (or be one word); line 2 = words[k:j] likewise.
        offsets = turn.offsets
        k_hi = bisect_right(offsets, offsets[i] + width + 1 - label, i + 1, j) - 1
        k_lo = bisect_left(offsets, offsets[j] - width - 1, i + 1, j)
        k_hi = max(k_hi, i + 1)
        k_lo = min(k_lo, j - 1)
        # Every k in [k_lo, k_hi] gives two lines that fit (or hold one long word).
        best: tuple[float, list[int]] | None = None
        for k in range(k_lo, k_hi + 1):
            first, second = turn.chars(i, k) + label, turn.chars(k, j)
            cost = turn.cuts[k - 1] + abs(first - second) / 8
            if best is None or cost < best[0]:
                best = (cost, [k])
        return best
    return _layout_many(turn, i, j, style, label)


def _layout_many(turn: _Turn, i: int, j: int, style: Style, label_width: int
                 ) -> tuple[float, list[int]] | None:
    """Lines for three or more: a small search over line breaks."""
    width = style.max_line_chars
    # best[k][m]: cost of setting words[i:k] in m lines.
    best: dict[tuple[int, int], tuple[float, list[int]]] = {(i, 0): (0.0, [])}
    for m in range(1, style.max_lines + 1):
        for k in range(i + 1, j + 1):
            for start in range(i, k):
                prev = best.get((start, m - 1))
                if prev is None:
                    continue
                label = label_width if start == i else 0
                if turn.chars(start, k) + label > width and k - start > 1:
                    continue
                cost = prev[0] + (turn.cuts[k - 1] if k < j else 0.0)
                if (k, m) not in best or cost < best[(k, m)][0]:
                    best[(k, m)] = (cost, [*prev[1], k] if k < j else prev[1])
    options = [best[(j, m)] for m in range(1, style.max_lines + 1) if (j, m) in best]
    return min(options, key=lambda o: o[0]) if options else None


def _cut_turn(turn: _Turn, style: Style) -> list[tuple[int, int]]:
    """Choose cue boundaries for one turn: [(i, j)] for cues of words[i:j].

    best[j] is the cheapest way to cut words[:j] into cues. The loop is written flat,
    on local lists, because it runs about fifteen times per word of the episode.
    """
    n = turn.n
    words = turn.words
    offsets, cuts, sentence_ends = turn.offsets, turn.cuts, turn.sentence_ends
    starts = [w.start for w in words]
    ends = [w.end for w in words]
    width, lines = style.max_line_chars, style.max_lines
    room = width * lines
    linger, gap, min_dur, max_dur = (style.linger, style.min_gap, style.min_duration,
                                     style.max_duration)
    close_gap = style.close_gap
    max_cps, target_cps = style.max_cps, style.target_cps
    best = [math.inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        base = best[i]
        if base == math.inf:
            continue
        label = turn.label(i)
        oi = offsets[i]
        start_i = starts[i]
        one_line = oi + width + 1 - label
        # The last possible end of a first line; it does not depend on the cue's end.
        k_hi = max(bisect_right(offsets, one_line, i + 1, n + 1) - 1, i + 1)
        k_lo = i + 1
        for j in range(i + 1, n + 1):
            oj = offsets[j]
            chars = oj - oi - 1
            if j - i > 1 and (chars + label > room + lines or ends[j - 1] - start_i > max_dur):
                break
            if j < n and cuts[j - 1] >= NEVER:
                continue
            if oj <= one_line or j - i == 1:
                layout = 0.0
            elif lines == 1:
                break
            elif lines == 2:
                while k_lo < j - 1 and oj - offsets[k_lo] - 1 > width:
                    k_lo += 1
                hi = min(k_hi, j - 1)
                if k_lo > hi:
                    break
                layout = min(cuts[k_lo - 1:hi])
            else:
                found = _layout_many(turn, i, j, style, label)
                if found is None:
                    continue
                layout = found[0]
            # How long the cue will be shown: the rules of _time_cues, inlined.
            next_start = starts[j] if j < n else turn.next_start
            limit = next_start - gap
            end = ends[j - 1] + linger
            if end > limit or next_start - end < close_gap:
                end = limit
            shown = max(end - start_i, min(min_dur, limit - start_i), 0.001)
            shown = min(shown, max_dur)
            cps = chars / shown
            cost = base + PER_CUE + layout
            if cps > max_cps:
                cost += 100 + 20 * (cps - max_cps)
            elif cps > target_cps:
                cost += 3 * (cps - target_cps)
            if shown < min_dur:
                cost += 40
            if j < n:
                cut = cuts[j - 1]
                cost += cut
                if cut and sentence_ends[j - 1] > sentence_ends[i]:
                    cost += DANGLING_SENTENCE
            # Small cues flicker: prefer cues that use the room they have.
            empty = 1 - min(chars + label, room) / room
            cost += 3 * empty * empty
            if cost < best[j]:
                best[j] = cost
                back[j] = i
    cues = []
    j = n
    while j > 0:
        cues.append((back[j], j))
        j = back[j]
    return cues[::-1]


def _turn_ranges(words: Sequence[Word]) -> list[tuple[int, int]]:
    ranges = []
    start = 0
    for k in range(1, len(words) + 1):
        if k == len(words) or words[k].turn != words[start].turn:
            ranges.append((start, k))
            start = k
    return ranges


def segment(words: Sequence[Word], style: Style = CAPTIONS,
            end_of_audio: float | None = None) -> list[Cue]:
    """Cut timed words into cues and time the cues.

    :param words: every word, in order, with its turn and speaker.
    :param style: the limits; see :class:`Style`.
    :param end_of_audio: no cue ends after this.
    :returns: cues in time order, never overlapping.

    >>> from exporter.model import Word
    >>> ws = [Word(t, k * 0.4, k * 0.4 + 0.3, "A", 0) for k, t in enumerate(
    ...       "Hello there. This is a test of the cutting.".split())]
    >>> [c.lines for c in segment(ws)]
    [('Hello there.', 'This is a test of the cutting.')]
    """
    style.check()
    speakers = {w.speaker for w in words if w.speaker}
    label_on = style.speaker_labels == "always" or (
        style.speaker_labels == "auto" and len(speakers) > 1)
    label_all = style.speaker_labels == "always"
    shaped: list[_Shape] = []
    for lo, hi in _turn_ranges(words):
        chunk = words[lo:hi]
        next_start = words[hi].start if hi < len(words) else math.inf
        speaker = chunk[0].speaker
        width = len(speaker) + 2 if (label_on and speaker) else 0
        turn = _Turn(chunk, width, label_all, next_start)
        for i, j in _cut_turn(turn, style):
            label = turn.label(i)
            plain = _layout(turn, i, j, style, 0)
            labelled = _layout(turn, i, j, style, label) if label else plain
            shaped.append(_Shape(lo + i, lo + j, [lo + b for b in plain[1]] if plain else [],
                                 [lo + b for b in labelled[1]] if labelled else [],
                                 bool(label)))
    return _time_cues(words, shaped, style, end_of_audio)


@dataclass
class _Shape:
    """A cue before timing: its words[i:j] and where its lines break."""

    i: int
    j: int
    breaks: list[int]
    labelled_breaks: list[int]
    label: bool


def _time_cues(words: Sequence[Word], shaped: list[_Shape], style: Style,
               end_of_audio: float | None) -> list[Cue]:
    cues: list[Cue] = []
    for index, shape in enumerate(shaped):
        i, j = shape.i, shape.j
        start = words[i].start
        following = words[shaped[index + 1].i].start if index + 1 < len(shaped) else (
            end_of_audio if end_of_audio is not None else math.inf)
        limit = following - style.min_gap
        end = min(words[j - 1].end + style.linger, limit)
        if following - end < style.close_gap:
            end = limit
        if end - start < style.min_duration:
            end = min(start + style.min_duration, limit)
        end = min(end, start + style.max_duration)
        # Crosstalk can put the next cue's first word before this one's last:
        # overlap is never allowed, so this cue yields.
        end = max(min(end, following - 0.001), start + 0.001)

        def lines(breaks: list[int], i: int = i, j: int = j) -> tuple[str, ...]:
            bounds = [i, *breaks, j]
            return tuple(" ".join(w.text for w in words[a:b]) for a, b in pairwise(bounds))

        plain = lines(shape.breaks)
        cues.append(Cue(start=round(start, 3), end=round(end, 3), speaker=words[i].speaker,
                        lines=plain, turn=words[i].turn, label=shape.label, first_word=i,
                        labelled_lines=lines(shape.labelled_breaks) if shape.label else plain))
    return cues
