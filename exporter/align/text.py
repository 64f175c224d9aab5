"""Transcript words to the words pocketsphinx can align, with pronunciations.

Each transcript word becomes zero or more dictionary tokens: numbers, years,
percentages, versions and model names are spoken out ("2017" -> twenty seventeen,
"50%" -> fifty percent, "MI300" -> M I three hundred, "llama.cpp" -> llama dot C P P).
A word missing from the dictionary is spelled out when it is an acronym, split into
dictionary words when it is a compound ("hoststhemachinelearningpodcast"), and given
a letter-to-sound pronunciation otherwise. A word that yields no token at all (a lone
dash) is timed from its neighbours later; it is never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pocketsphinx import get_model_path

DICT_PATH = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
LETTERS = {c: c for c in "abcdefghijklmnopqrstuvwxyz"}
#: The token for "hundred" inside a number, said with or without "and".
HUNDRED_AND = "hundred#and"


def number_words(n: int) -> list[str]:
    """Cardinal number in words.

    >>> " ".join(number_words(1305))
    'one thousand three hundred five'
    """
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"),
                       (100, "hundred")):
        if n >= size:
            rest = number_words(n % size) if n % size else []
            return [*number_words(n // size), name, *rest]
    return []  # pragma: no cover - every n >= 100 has a size above


def year_words(n: int) -> list[str]:
    """A year as it is said: 2017 -> twenty seventeen, 2005 -> two thousand five."""
    high, low = divmod(n, 100)
    if low == 0:
        return [*number_words(high), "hundred"] if high % 10 else number_words(n)
    if 2000 <= n < 2010:
        return number_words(n)
    return number_words(high) + (["oh"] if low < 10 else []) + number_words(low)


def digits_words(text: str) -> list[str]:
    """A run of digits as said: a year, a plain number, or digit by digit if long.

    A "hundred" with more after it becomes :data:`HUNDRED_AND`, which the aligner
    accepts with or without the British "and".

    >>> digits_words("128")
    ['one', 'hundred#and', 'twenty', 'eight']
    """
    value = int(text)
    if len(text) == 4 and 1100 <= value <= 2099:
        return year_words(value)
    if len(text) > 9 or (len(text) > 1 and text.startswith("0")):
        return [_ONES[int(d)] for d in text]
    words = number_words(value)
    return [HUNDRED_AND if w == "hundred" and i + 1 < len(words) and words[i + 1] not in (
        "thousand", "million", "billion") else w for i, w in enumerate(words)]


_ORDINAL_RE = re.compile(r"^(\d+)(st|nd|rd|th)$")
_DECIMAL_RE = re.compile(r"^(\d+)\.(\d+)$")
_GROUPED_RE = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# Digits; capitals followed by a plural s; capital runs; capitalised or lower-case
# words (so camelCase splits: PyTorch -> Py Torch, iGPU -> i GPU); symbols.
_SPLIT = re.compile(r"(\d+|[A-Z]{2,}s\b|[A-Z]+(?![a-z])|[A-Z]?[a-z]+(?:'[a-z]+)?|"
                    r"[^\W\d_]+|%|&|\+|@|\.)")


@dataclass(frozen=True)
class Lexicon:
    """The pronunciation dictionary (first pronunciation of each word)."""

    words: dict[str, str]

    @staticmethod
    @lru_cache(maxsize=1)
    def load() -> Lexicon:
        words: dict[str, str] = {}
        with open(DICT_PATH, encoding="utf-8") as handle:
            for line in handle:
                word, _, phones = line.rstrip("\n").partition(" ")
                if "(" not in word:
                    words[word] = phones
        return Lexicon(words)

    def pronunciations(self, token: str) -> list[str]:
        """Every pronunciation to offer for a token (acronyms: as a word, and spelled)."""
        if token == HUNDRED_AND:
            # "one hundred twenty" (American) or "one hundred and twenty" (British).
            return [self.words["hundred"], f"{self.words['hundred']} {self.words['and']}"]
        if token.endswith(ACRONYM) and token[:-1].isdigit():
            year = int(token[:-1])
            readings = [year_words(year), number_words(year)]
            return [" ".join(self.words[w] for w in words) for words in readings
                    if all(w in self.words for w in words)]
        if token.endswith(ACRONYM):
            letters = token[: -len(ACRONYM)]
            spelled = " ".join(self.words[f"{c}."] for c in letters if f"{c}." in self.words)
            return [self.pronounce(letters), spelled]
        return [self.pronounce(token)]

    def pronounce(self, token: str) -> str:
        """Phones for any token: the dictionary's, a possessive or plural of a
        dictionary word, or letter-to-sound."""
        if token in self.words:
            return self.words[token]
        for ending in ("'s", "s"):
            base = token[: -len(ending)]
            if token.endswith(ending) and base in self.words:
                last = self.words[base].split()[-1]
                suffix = ("IH Z" if last in ("S", "Z", "SH", "ZH", "CH", "JH")
                          else "S" if last in ("P", "T", "K", "F", "TH") else "Z")
                return f"{self.words[base]} {suffix}"
        derived = self._derived(token)
        return derived or letter_to_sound(token)

    def _derived(self, token: str) -> str | None:
        """A dictionary word plus a common suffix: parallel + izable, quantize + ation.

        Letter-to-sound rules get such words badly wrong ("-izable"), and a wrong
        pronunciation makes the aligner lose its way; most unknown words in speech
        are a known word with an ending.
        """
        for ending, phones in _SUFFIX_PHONES:
            if not token.endswith(ending) or len(token) - len(ending) < 3:
                continue
            stem = token[: -len(ending)]
            for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
                if candidate and candidate in self.words:
                    return f"{self.words[candidate]} {phones}"
            # One more level: "containerization" = "container" + "iz" + "ation".
            inner = self._derived(stem) if len(stem) > 5 else None
            if inner:
                return f"{inner} {phones}"
        return None


def _compound(word: str, lexicon: Lexicon) -> list[str] | None:
    """Split a run-together word into dictionary words, fewest pieces first."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            piece = word[start:end]
            prev = best[start]
            if prev is None or piece not in lexicon.words:
                continue
            if len(piece) < 3 and piece not in ("a", "i", "to", "of", "in", "on", "at", "up",
                                                "an", "as", "by", "go", "so", "we", "my",
                                                "do", "be", "is", "it", "me", "or", "us"):
                continue
            candidate = [*prev, piece]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[n] if best[n] and len(best[n] or []) <= max(2, n // 3) else None


#: A bracketed note longer than this many words is taken for speech after all (a
#: stray "[" would otherwise silence the rest of a turn).
NOTE_WORDS = 12
#: Sounds a transcript names in parentheses rather than brackets: "(laughs)".
SOUND_CUES = frozenset({
    "laugh", "laughs", "laughter", "laughing", "chuckles", "chuckling", "giggles",
    "cough", "coughs", "coughing", "sighs", "sigh", "applause", "music", "inaudible",
    "crosstalk", "silence", "pause", "noise", "beep", "unintelligible"})


def spoken_tokens(words: Sequence[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """Each word's tokens (see :func:`tokens_for`), and none for the words of a note
    that is not said: anything in square brackets (transcribers mark there what is
    not verbatim: [laughter], Rev's [inaudible], [crosstalk], an editor's [using]) and a
    sound named in parentheses ("(laughs)"). Such words are timed from their
    neighbours, as a dash is; forced onto the audio as speech, four notes after
    sentences of the bundled sample moved ten words by more than half a second (one
    by 1.7 s) and put a turn at 60%.

    >>> spoken_tokens(["so", "[group", "laughter]", "yes", "(laughs)", "(and", "I", "mean)"])
    [['so'], [], [], ['yes'], [], ['and'], ['i'], ['mean']]
    >>> spoken_tokens(["a", "[b", "c"])  # never closed: said after all
    [['a'], ['b'], ['c']]
    """
    out = [tokens_for(word, lexicon) for word in words]
    k = 0
    while k < len(words):
        word = words[k].strip("\"'\u201c\u201d\u2018\u2019")
        if word.startswith("["):
            close = next((m for m in range(k, min(len(words), k + NOTE_WORDS))
                          if words[m].rstrip(".,;:!?\"'\u201d\u2019").endswith("]")), None)
            if close is not None:
                for m in range(k, close + 1):
                    out[m] = []
                k = close + 1
                continue
        elif word.startswith("(") and word.rstrip(".,;:!?").endswith(")") \
                and word.strip("().,;:!?").lower() in SOUND_CUES:
            out[k] = []
        k += 1
    return out


def tokens_for(word: str, lexicon: Lexicon | None = None) -> list[str]:
    """The dictionary words (or made-up tokens, see :func:`needs_pronunciation`) that
    a transcript word is spoken as.

    >>> tokens_for("MI300")
    ['m.', 'i.', 'three', 'hundred']
    >>> tokens_for("2017,")
    ['2017#']
    >>> tokens_for("50%")
    ['fifty', 'percent']
    >>> tokens_for("llama.cpp")
    ['llama', 'dot', 'c.', 'p.', 'p.']
    >>> tokens_for("AI")
    ['a.', 'i.']
    >>> tokens_for("1,000,000")
    ['one', 'million']
    >>> tokens_for("—")
    []
    """
    lexicon = lexicon or Lexicon.load()
    clean = word.strip("\"'\u201c\u201d\u2018\u2019()[]{}<>,;:!?\u2026").replace("\u2019", "'")
    clean = clean.rstrip(".") if not re.search(r"\.\w", clean) else clean
    if not clean:
        return []
    if _GROUPED_RE.match(clean):
        # "1,000,000": one number, with thousands separators.
        clean = clean.replace(",", "")
    lower = clean.lower()
    if lower in lexicon.words and not (clean.isupper() and 1 < len(clean) <= 4
                                       and lower not in ("a", "i")):
        return [lower]
    if lower.endswith("'s") and len(lower) > 2 and lower not in lexicon.words:
        base = tokens_for(clean[:-2], lexicon)
        return [*base[:-1], base[-1].rstrip(".") + "'s"] if base else []
    match = _ORDINAL_RE.match(lower)
    if match:
        spoken = number_words(int(match[1]))
        last = spoken[-1]
        spoken[-1] = _ORDINAL.get(last, last[:-1] + "ieth" if last.endswith("y") else last + "th")
        return spoken
    match = _DECIMAL_RE.match(lower)
    if match:
        return digits_words(match[1]) + ["point"] + [_ONES[int(d)] for d in match[2]]
    out: list[str] = []
    for part in _SPLIT.findall(clean):
        if part.isdigit() and len(part) == 4 and 1100 <= int(part) <= 2099:
            out.append(part + ACRONYM)  # "twenty seventeen" or "two thousand seventeen"
        elif part.isdigit():
            out += digits_words(part)
        elif part == "%":
            out.append("percent")
        elif part == "&":
            out.append("and")
        elif part == "+":
            out.append("plus")
        elif part == "@":
            out.append("at")
        elif part == ".":
            out.append("dot")
        else:
            out += _letters_or_word(part, lexicon)
    return out


def _letters_or_word(part: str, lexicon: Lexicon) -> list[str]:
    lower = part.lower()
    if re.fullmatch(r"[A-Z]{2,5}s", part):
        # GPUs, APIs: the letters, the last one plural ("u's").
        return [*_spell(lower[:-2]), lower[-2] + "'s"]
    if part.isupper() and len(part) <= 5:
        # Capitals: two letters are spelled (AI, ML); longer ones may be said either
        # as a word or letter by letter (CUDA, HIP, LAMA, VRAM), so both readings
        # are offered to the aligner.
        if len(part) <= 2:
            return _spell(lower)
        return [lower + ACRONYM] if re.search(r"[aeiouy]", lower) else _spell(lower)
    if not re.search(r"[aeiouy]", lower):
        return _spell(lower)  # nothing to say but letters (cpp in llama.cpp)
    if lower in lexicon.words or lower.endswith("'s"):
        return [lower]
    split = _compound(lower, lexicon) if len(lower) >= 7 else None
    return split or [lower]


#: Marks a token said either as a word or letter by letter.
ACRONYM = "#"


def _spell(letters: str) -> list[str]:
    """Letters said one by one; the dictionary's "a." is the letter, "a" the article."""
    return [f"{letter}." for letter in letters]


def needs_pronunciation(token: str, lexicon: Lexicon | None = None) -> bool:
    """Whether the decoder must be told how to say ``token``."""
    lexicon = lexicon or Lexicon.load()
    return token not in lexicon.words


# A small letter-to-sound rule set (CMU phones), longest match first. It is rough,
# but the aligner only needs a plausible sequence of sounds of about the right length.
_RULES: Sequence[tuple[str, str]] = sorted([
    ("tion", "SH AH N"), ("sion", "ZH AH N"), ("ough", "AO"), ("augh", "AO"), ("igh", "AY"),
    ("eau", "OW"), ("sch", "S K"), ("tch", "CH"), ("dge", "JH"), ("ch", "CH"), ("sh", "SH"),
    ("th", "TH"), ("ph", "F"), ("wh", "W"), ("ck", "K"), ("ng", "NG"), ("qu", "K W"),
    ("gh", "G"), ("kn", "N"), ("wr", "R"), ("ee", "IY"), ("ea", "IY"), ("oo", "UW"),
    ("ou", "AW"), ("ow", "OW"), ("oi", "OY"), ("oy", "OY"), ("ai", "EY"), ("ay", "EY"),
    ("au", "AO"), ("aw", "AO"), ("ie", "IY"), ("ei", "EY"), ("ey", "IY"), ("ue", "UW"),
    ("ew", "UW"), ("er", "ER"), ("ir", "ER"), ("ur", "ER"), ("ar", "AA R"), ("or", "AO R"),
    ("a", "AE"), ("b", "B"), ("c", "K"), ("d", "D"), ("e", "EH"), ("f", "F"), ("g", "G"),
    ("h", "HH"), ("i", "IH"), ("j", "JH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"),
    ("o", "AA"), ("p", "P"), ("q", "K"), ("r", "R"), ("s", "S"), ("t", "T"), ("u", "AH"),
    ("v", "V"), ("w", "W"), ("x", "K S"), ("y", "IY"), ("z", "Z"), ("'", ""),
], key=lambda rule: -len(rule[0]))


_SUFFIX_PHONES: Sequence[tuple[str, str]] = (
    ("izability", "AY Z AH B IH L IH T IY"), ("izable", "AY Z AH B AH L"),
    ("ization", "AH Z EY SH AH N"), ("izations", "AH Z EY SH AH N Z"),
    ("izing", "AY Z IH NG"), ("ized", "AY Z D"), ("izes", "AY Z IH Z"), ("ize", "AY Z"),
    ("ability", "AH B IH L IH T IY"), ("able", "AH B AH L"), ("ation", "EY SH AH N"),
    ("ations", "EY SH AH N Z"), ("ments", "M AH N T S"), ("ment", "M AH N T"),
    ("ness", "N AH S"), ("less", "L AH S"), ("ful", "F AH L"), ("ity", "IH T IY"),
    ("ings", "IH NG Z"), ("ing", "IH NG"), ("ers", "ER Z"), ("er", "ER"), ("ed", "D"),
    ("ly", "L IY"), ("ic", "IH K"), ("al", "AH L"), ("es", "IH Z"), ("s", "Z"),
)


def letter_to_sound(word: str) -> str:
    """A rough CMU pronunciation for a word the dictionary lacks.

    >>> letter_to_sound("rockum")
    'R AA K AH M'
    """
    word = re.sub(r"[^a-z']", "", word.lower())
    if word.endswith("e") and len(word) > 3 and word[-2] not in "aeiou":
        word = word[:-1]  # a silent final e
    phones: list[str] = []
    position = 0
    while position < len(word):
        for letters, sound in _RULES:
            if word.startswith(letters, position):
                if sound:
                    phones += sound.split()
                position += len(letters)
                break
        else:
            position += 1
    # Collapse doubled consonants ("ll" -> one L).
    collapsed = [p for i, p in enumerate(phones) if i == 0 or p != phones[i - 1]]
    return " ".join(collapsed) or "AH"
