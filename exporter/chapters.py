"""Chapter placement and timing.

Untimed titles (the show notes' list, or ``--chapters`` with one title per line) are
placed where their topic begins: at the start of a turn, usually the host's question
that opens it. Titles keep their order and the first one starts at 0:00.

Placement scores every (title, turn) pair by the words they share, weighted by how
rare each word is in the episode (a word in every turn, like the guest's company,
says nothing about where a topic starts), with the answer that follows a question
counting half. Names spelled differently in titles and speech ("RockM", "Rockum")
match by similarity. A small bonus goes to the host's questions and a small pull
towards the title's share of the running time breaks ties. A dynamic programme then
picks the order-keeping assignment with the best total.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from exporter.errors import InputError
from exporter.model import Chapter, Transcript, Turn
from exporter.speech import speaking_time
from exporter.timecode import format_time

#: A CTOC frame lists at most 255 children.
MAX_CHAPTERS = 255

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just like me
more most my no nor not now of off on once only or other our out over own really right same
she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would
you your yeah know think kind sort things thing get got going gonna wanna well also one way
lot actually mean say said want see something
""".split())

# Any value from 0.3 to 0.8 gives the hand-made placement on both samples; 0.5 sits
# in the middle of that range rather than on an edge tuned to one episode.
QUESTION_BONUS = 0.5
FUZZY_WEIGHT = 0.8
POSITION_WEIGHT = 3.0


@dataclass(frozen=True)
class Placement:
    """Where a title was placed, and why, for ``chapters preview``."""

    chapter: Chapter
    turn: int | None
    anchor: str
    score: float


_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ives", "ive", "ers", "er",
             "ies", "es", "ed", "ly", "s")


@lru_cache(maxsize=1 << 14)
def _stem(word: str) -> str:
    """A crude stem: one common suffix off, then the first five letters.

    >>> [_stem(w) for w in ("pooling", "pool", "quantization", "quantize", "applied")]
    ['pool', 'pool', 'quant', 'quant', 'appli']
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:5]


@lru_cache(maxsize=1 << 14)
def _tokens(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9][a-z0-9']*", text.lower())
    return tuple(w.replace("'s", "") for w in words if w not in STOPWORDS and len(w) > 1)


def _fuzzy(word: str, vocabulary: set[str]) -> bool:
    """Whether a long title word is spelled differently somewhere in the text."""
    if len(word) < 4:
        return False
    return any(abs(len(v) - len(word)) <= 2 and SequenceMatcher(None, word, v).ratio() >= 0.8
               for v in vocabulary)


_ASKING = re.compile(r"\b(?:i'm|i am) (?:wondering|curious)\b"
                     r"|\bi'd (?:like|love) to (?:get|hear|know)\b|\?\W*$", re.I)


def asks(turn: Turn) -> bool:
    """Whether a turn reads as a question: it ends with one, or says "I'm wondering".

    Question marks inside a turn are not enough: guests say "Right?" all the time.
    """
    return bool(_ASKING.search(turn.text))


def host_of(transcript: Transcript) -> str:
    """The speaker who asks the most questions (the first speaker on a tie)."""
    counts = Counter(t.speaker for t in transcript.turns if asks(t))
    order = transcript.speakers
    return max(order, key=lambda name: (counts.get(name, 0), -order.index(name)))


def is_question(turn: Turn, host: str) -> bool:
    return turn.speaker == host and asks(turn)


def opening_words(text: str, count: int = 10) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")


def place_titles(transcript: Transcript, titles: Sequence[str]) -> list[Placement]:
    """Place untimed titles at turn starts, in order, the first at 0:00.

    :raises InputError: when there are more titles than turns to start them at.
    """
    turns = transcript.turns
    if not titles:
        return []
    if len(titles) > len(turns):
        raise InputError(f"{len(titles)} chapter titles but only {len(turns)} turns to "
                         "start them at", transcript.source)
    # For each turn, where each stem first occurs, as a fraction of the turn: a topic
    # named at the end of a turn is about to begin, not beginning there.
    stems: list[dict[str, float]] = []
    for turn in turns:
        tokens = _tokens(turn.text)
        first: dict[str, float] = {}
        for position, token in enumerate(tokens):
            first.setdefault(_stem(token), position / max(len(tokens), 1))
        stems.append(first)
    words = [set(_tokens(t.text)) for t in turns]
    frequency = Counter(s for group in stems for s in group)
    count = len(turns)
    host = host_of(transcript)
    end = turns[-1].start + speaking_time(turns[-1].text)

    def idf(stem: str) -> float:
        return math.log((count + 1) / (frequency.get(stem, 0) + 0.5))

    questions = [is_question(turn, host) for turn in turns]

    def credit(stem: str, k: int, whole: bool) -> float:
        """How strongly turn k speaks of ``stem`` where a topic would begin there."""
        if stem not in stems[k]:
            return 0.0
        return 1.0 if whole else 1.0 - 0.7 * stems[k][stem] ** 2

    def match(title_words: tuple[str, ...], k: int) -> float:
        """The title against the stretch a chapter at turn k would open: a host's
        question with its answer, or a turn on its own."""
        with_answer = questions[k] and k + 1 < count
        total = 0.0
        for word in title_words:
            stem = _stem(word)
            found = credit(stem, k, questions[k])
            if with_answer:
                found = max(found, credit(stem, k + 1, False))
            if found:
                total += idf(stem) * found
            elif _fuzzy(word, words[k]) or (with_answer and _fuzzy(word, words[k + 1])):
                total += FUZZY_WEIGHT * math.log(count + 1)
        return total

    scores = []
    for index, title in enumerate(titles):
        title_words = _tokens(title)
        row = []
        expected = index / len(titles)
        for k, turn in enumerate(turns):
            score = match(title_words, k)
            if questions[k]:
                score += QUESTION_BONUS
            score -= POSITION_WEIGHT * (turn.start / end - expected) ** 2
            row.append(score)
        scores.append(row)

    # best[t][k]: best total for titles[:t + 1] with title t at turn k.
    best = [[-math.inf] * count for _ in titles]
    back = [[0] * count for _ in titles]
    best[0][0] = scores[0][0]
    for t in range(1, len(titles)):
        running, arg = -math.inf, 0
        for k in range(t, count):
            if best[t - 1][k - 1] > running:
                running, arg = best[t - 1][k - 1], k - 1
            best[t][k] = running + scores[t][k]
            back[t][k] = arg
    k = max(range(count), key=lambda j: best[-1][j])
    chosen = []
    for t in range(len(titles) - 1, -1, -1):
        chosen.append(k)
        k = back[t][k]
    chosen.reverse()
    return [Placement(Chapter(title, 0.0 if t == 0 else turns[k].start), k,
                      opening_words(turns[k].text), scores[t][k])
            for t, (title, k) in enumerate(zip(titles, chosen, strict=True))]


def episode_end(transcript: Transcript, duration: float | None = None) -> float:
    """Where the last chapter ends: the audio's end, or the transcript's estimated end."""
    if duration is not None:
        return duration
    last = transcript.turns[-1]
    return last.end if last.end is not None else last.start + speaking_time(last.text) + 0.5


def finish(chapters: Sequence[Chapter], end: float | None, source: str | None = None
           ) -> list[Chapter]:
    """Check chapters and make them contiguous: each ends where the next begins.

    :param end: the episode's end, where the last chapter ends; ``None`` leaves the
        last chapter open (a list of start times alone, with no audio to end it).
    :raises InputError: for an empty title, two chapters at the same start, a chapter
        starting at or after ``end``, or an untimed chapter.
    """
    if not chapters:
        raise InputError("no chapters", source)
    for chapter in chapters:
        if not chapter.title.strip():
            raise InputError("a chapter has an empty title", source)
        if chapter.start is None:
            raise InputError(f"chapter {chapter.title!r} has no start time", source)
    ordered = sorted(chapters, key=lambda c: c.start or 0.0)
    starts = [round(c.start or 0.0, 3) for c in ordered]
    for a, b, chapter in zip(starts, starts[1:], ordered[1:], strict=False):
        if a == b:
            raise InputError(f"two chapters start at the same time ({format_time(a)}): "
                             f"{chapter.title!r}", source)
    if end is not None and starts[-1] >= end:
        raise InputError(f"chapter {ordered[-1].title!r} starts at {format_time(starts[-1])}, "
                         f"after the audio ends ({format_time(end)})", source)
    ends: list[float | None] = [*starts[1:], round(end, 3) if end is not None else None]
    return [replace(c, title=c.title.strip(), start=s, end=e)
            for c, s, e in zip(ordered, starts, ends, strict=True)]


def check_id3_count(chapters: Sequence[Chapter], source: str | None = None) -> None:
    """Refuse more chapters than an ID3 table of contents can list.

    :raises InputError: naming ``source``, with the count of chapters.
    """
    if len(chapters) > MAX_CHAPTERS:
        raise InputError(f"{len(chapters)} chapters; an ID3 table of contents holds at most "
                         f"{MAX_CHAPTERS}", source)


_LEAD = re.compile(r"^(?:(?:and|so|well|but|now|okay|also)\b[,\s]*)+", re.I)
_ASK = re.compile(r"^(?:i'm|i am) (?:wondering|curious)(?: about| if| whether)?"
                  r"(?: you can(?: just)?)?\s*", re.I)


def short_title(question: str, limit: int = 60) -> str:
    """A short chapter title from a host's question.

    >>> short_title("And so, what are the incentives for anyone outside of AMD to contribute?")
    'What are the incentives for anyone outside of AMD to…'
    """
    sentences = re.split(r"(?<=[.?!])\s+", question.strip())
    asked = [s for s in sentences if s.endswith("?") or _ASK.search(s) or "wondering" in s]
    text = _ASK.sub("", _LEAD.sub("", (asked or sentences)[-1].strip()))
    text = _ASK.sub("", text).strip(" ,;:-") or question.strip()
    if len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        text = cut + "…"
    return text[:1].upper() + text[1:]


def _similarity(listed: str, turn: str) -> float:
    """The share of a listed question's words that the turn says."""
    left, right = set(map(_stem, _tokens(listed))), set(map(_stem, _tokens(turn)))
    return len(left & right) / len(left) if left else 0.0


def from_questions(transcript: Transcript) -> list[Placement]:
    """Chapters at the host's questions, titled from the show notes' list of questions
    where one matches, else from the question itself. The first starts at 0:00.

    Listed questions are matched to the asked ones in order, by an alignment that may
    skip on either side (notes often list questions the host did not ask, and the
    host asks follow-ups the notes do not list).
    """
    host = host_of(transcript)
    asked = [k for k, turn in enumerate(transcript.turns) if k == 0 or is_question(turn, host)]
    listed = list(transcript.questions)
    sims = [[_similarity(q, transcript.turns[k].text) if k != 0 else 0.0 for q in listed]
            for k in asked]
    # score[i][j]: best total matching asked[:i] with listed[:j].
    score = [[0.0] * (len(listed) + 1) for _ in range(len(asked) + 1)]
    for i in range(1, len(asked) + 1):
        for j in range(1, len(listed) + 1):
            match = sims[i - 1][j - 1]
            score[i][j] = max(score[i - 1][j], score[i][j - 1],
                              score[i - 1][j - 1] + match if match >= 0.4 else -math.inf)
    titles: dict[int, tuple[str, float]] = {}
    i, j = len(asked), len(listed)
    while i > 0 and j > 0:
        match = sims[i - 1][j - 1]
        if match >= 0.4 and score[i][j] == score[i - 1][j - 1] + match:
            titles[i - 1] = (short_title(listed[j - 1]), match)
            i, j = i - 1, j - 1
        elif score[i][j] == score[i - 1][j]:
            i -= 1
        else:
            j -= 1
    placements = []
    for index, k in enumerate(asked):
        turn = transcript.turns[k]
        title, match = titles.get(index, ("Introduction" if k == 0 else short_title(turn.text),
                                          0.0))
        placements.append(Placement(Chapter(title, 0.0 if index == 0 else turn.start), k,
                                    opening_words(turn.text), match))
    return placements
