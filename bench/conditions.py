"""Benchmark: the real-speech episode under the conditions of real productions.

The benchmark episode (bench/real_episode.py) is kind to the aligner in ways a
producer's material is not: its transcripts are verbatim, its clips levelled, its
sound clean. This builds the same speech as it arrives in practice and aligns each
variant with the library:

- ``plain``: the benchmark's episode, for reference in the same run;
- ``clean-verbatim``: the transcript without its fillers ("um", "uh"), as
  transcription services write by default; "yknow" written "you know";
- ``misheard``: one word in twenty of the transcript replaced by another word of
  it (an automatic transcript nobody corrected);
- ``quiet``: the whole mix 18 dB quieter (an unmastered recording, about -38
  LUFS), MP3 at 128 kbps as the benchmark's;
- ``phone``: 8 kHz mono at 24 kbps (a guest on the phone, an old feed);
- ``music-bed``: music 18 dB under the speech of the first two turns;
- ``retakes``: a stretch said twice in a row in three turns, as a speaker
  restarts (0.4 s, "I'm talking"; 1.35 s, "the sick corpus"; 9.5 s, a whole
  sentence), in a clean-verbatim transcript that writes it once, timed from this
  audio.

For each it prints the turn starts against the truth (median, share within 150 ms,
worst, and any over 1 s that is not flagged), the reference words of the MFA
recordings (median, share within 100 ms, how many are more than 0.5 s off, and
how many of those nothing reports: neither in a low-confidence turn, nor marked
doubtful, nor spread as words that could not be aligned), the turns reported as
low confidence, and the wall time; for ``retakes``, where the words just after each
retake landed.

With ``--untimed``, each variant's transcript is given without its times (speaker
turns only), as many show notes and services' exports are.

Needs ../shared/corpus/speech and ffmpeg; the variants are built into
bench/data/conditions/ (ignored by git) on first use.

Run: ``.venv/bin/python bench/conditions.py [VARIANT ...] [--untimed]`` (default: all).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align_real import matched_words
from real_episode import CORPUS, LEVEL, RATE, _room, assemble, music, show_notes

from exporter.align.aligner import align
from exporter.align.audio import ffmpeg_exe
from exporter.model import Alignment
from exporter.readers import read_transcript

DATA = Path(__file__).resolve().parent / "data" / "conditions"
#: Below this a turn is reported as low confidence (as the pipeline does).
LOW = 0.8
OFF = 0.5
VARIANTS = ("plain", "clean-verbatim", "misheard", "quiet", "phone", "music-bed", "retakes")
#: (turn, first reference word, last reference word) said twice in ``retakes``; or
#: (turn, clip) for a whole sentence of a reader who has no reference words.
RETAKES: tuple[tuple[int, int, int] | tuple[int, int], ...] = ((1, 5, 6), (13, 4, 6), (0, 2))
MISHEARD = 0.05
QUIET_DB = -18.0
BED_DB = -18.0

Turns = list[dict[str, object]]


#: The benchmark's encoding: 44.1 kHz stereo MP3 at 128 kbps.
STEREO = ("-ac", "2", "-b:a", "128k")


def encode(audio: np.ndarray, path: Path, gain_db: float = 0.0,
           output: tuple[str, ...] = STEREO) -> None:
    """Room noise under the mix (as the benchmark's), the gain over all of it, and
    the encoder's own settings."""
    mixed = (audio + _room(len(audio), 11)) * 10 ** (gain_db / 20)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac",
                    "1", "-i", "-", *output, "-c:a", "libmp3lame", str(path)],
                   input=np.clip(mixed, -1, 1).astype("<f4").tobytes(), check=True)


def _text(turns: Turns, change: Callable[[str], str]) -> Turns:
    return [{**t, "text": change(str(t["text"]))} for t in turns]


def clean_verbatim(text: str) -> str:
    """The text as a service's clean transcript writes it: no "um" or "uh".

    >>> clean_verbatim("so um this is uh, yknow, Uh fine")
    'so this is you know, fine'
    """
    text = re.sub(r"\s*\b[Uu](?:m|h)\b,?", "", text).replace("yknow", "you know")
    return text.strip()


def misheard(turns: Turns, share: float = MISHEARD, seed: int = 5) -> Turns:
    """``share`` of the words replaced by other words of the transcript."""
    rng = random.Random(seed)
    vocabulary = sorted({w for t in turns for w in str(t["text"]).split()})
    return _text(turns, lambda text: " ".join(
        rng.choice(vocabulary) if rng.random() < share else w for w in text.split()))


def _moved(turns: Turns, at: float, seconds: float) -> Turns:
    """The truth with everything from ``at`` on moved ``seconds`` later."""
    out = copy.deepcopy(turns)

    def later(t: float) -> float:
        return round(t + seconds, 3) if t >= at - 1e-6 else t

    for turn in out:
        turn["start"] = later(float(turn["start"]))  # type: ignore[arg-type]
        turn["clips"] = [later(c) for c in turn["clips"]]  # type: ignore[attr-defined]
        turn["clip_ends"] = [later(c) for c in turn["clip_ends"]]  # type: ignore[attr-defined]
        for word in turn["words"]:  # type: ignore[attr-defined]
            word["start"], word["end"] = later(word["start"]), later(word["end"])
    return out


def retakes(audio: np.ndarray, turns: Turns) -> tuple[np.ndarray, Turns, list[dict[str, Any]]]:
    """Each stretch of RETAKES said again right after itself; the truth moved with it."""
    spans = []
    for retake in RETAKES:
        turn = turns[retake[0]]
        if len(retake) == 3:
            words = turn["words"][retake[1]:retake[2] + 1]  # type: ignore[index]
            spans.append((retake[0], words[0]["start"], words[-1]["end"]))
        else:
            spans.append((retake[0], turn["clips"][retake[1]],  # type: ignore[index]
                          turn["clip_ends"][retake[1]]))  # type: ignore[index]
    done: list[dict[str, Any]] = []
    for index, a, b in sorted(spans, key=lambda s: -s[1]):
        ia, ib = int(a * RATE), int(b * RATE)
        audio = np.concatenate([audio[:ib], audio[ia:ib], audio[ib:]])
        turns = _moved(turns, b, b - a)
        done.append({"turn": index, "start": b, "seconds": round(b - a, 3)})
    # Each retake's start in the final audio: the later ones moved by the earlier.
    done.sort(key=lambda r: r["start"])
    moved = 0.0
    for made in done:
        made["start"] = round(made["start"] + moved, 3)
        moved += made["seconds"]
    return audio, turns, done


def build() -> dict[str, Path]:
    """Build every variant (once) and return the audio of each by name."""
    paths = {name: DATA / f"{name}.mp3" for name in VARIANTS}
    if all(p.with_suffix(".truth.json").exists() and p.with_suffix(".untimed.txt").exists()
           for p in paths.values()):
        return paths
    if not CORPUS.is_dir():
        raise SystemExit(f"needs the real-speech corpus at {CORPUS}")
    DATA.mkdir(parents=True, exist_ok=True)
    episode = assemble()
    audio, turns = episode.audio, episode.turns
    bed_end = int((float(turns[2]["start"]) - 0.3) * RATE)  # type: ignore[arg-type]
    bed = np.zeros_like(audio)
    chords = music(bed_end / RATE)
    level = float(np.sqrt((chords ** 2).mean()))
    # The speech is levelled to an RMS of real_episode.LEVEL: the bed sits BED_DB under it.
    bed[:len(chords)] = chords * (LEVEL * 10 ** (BED_DB / 20) / level)
    taken, taken_turns, done = retakes(audio, turns)
    # name: (audio, truth, transcript, more truth, gain in dB, encoding)
    plan: dict[str, tuple[np.ndarray, Turns, Turns, dict[str, object], float,
                          tuple[str, ...]]] = {
        "plain": (audio, turns, turns, {}, 0.0, STEREO),
        "clean-verbatim": (audio, turns, _text(turns, clean_verbatim), {}, 0.0, STEREO),
        "misheard": (audio, turns, misheard(turns), {}, 0.0, STEREO),
        "quiet": (audio, turns, turns, {}, QUIET_DB, STEREO),
        "phone": (audio, turns, turns, {}, 0.0, ("-ac", "1", "-ar", "8000", "-b:a", "24k")),
        "music-bed": (audio + bed, turns, turns, {}, 0.0, STEREO),
        "retakes": (taken, taken_turns, taken_turns, {"retakes": done}, 0.0, STEREO),
    }
    for name, (sound, truth, written, extra, gain, output) in plan.items():
        path = paths[name]
        encode(sound, path, gain, output)
        path.with_suffix(".txt").write_text(show_notes(written), encoding="utf-8")
        path.with_suffix(".untimed.txt").write_text(show_notes(written, timed=False),
                                                    encoding="utf-8")
        path.with_suffix(".truth.json").write_text(json.dumps(
            {"duration": len(sound) / RATE, "turns": truth, **extra}, indent=1),
            encoding="utf-8")
    return paths


def word_errors(result: Alignment, truth: dict[str, object]
                ) -> list[tuple[float, bool, int, str, float]]:
    """(start error, reported, turn, word, true start) of each reference word the
    alignment's words match; reported: in a low-confidence turn, marked doubtful, or
    spread (``interpolated`` in words.json, and named in a warning)."""
    return [(abs(word.start - true["start"]),
             result.turns[index].confidence < LOW or place in result.turns[index].doubtful
             or word.method != "aligned",
             index, word.text, true["start"])
            for index, place, word, true in matched_words(result, truth)]


def measure(name: str, path: Path, untimed: bool = False) -> None:
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    start = time.perf_counter()
    result = align(read_transcript(path.with_suffix(".untimed.txt" if untimed else ".txt")),
                   path)
    name += ", untimed" if untimed else ""
    wall = time.perf_counter() - start
    starts = [abs(result.turns[k].start - t["start"]) for k, t in enumerate(truth["turns"])]
    unflagged = [f"{k + 1} ({e:.1f} s)" for k, e in enumerate(starts)
                 if e > 1.0 and result.turns[k].confidence >= LOW]
    words = word_errors(result, truth)
    off = [w for w in words if w[0] > OFF]
    low = [f"{t.index + 1} ({t.confidence:.0%})" for t in result.turns if t.confidence < LOW]
    print(f"{name}: {len(starts)} turns, {result.duration / 60:.1f} min, aligned in {wall:.1f} s "
          f"({result.duration / wall:.0f}x realtime)")
    print(f"  turn starts: median {statistics.median(starts) * 1000:.0f} ms, "
          f"{sum(e <= 0.15 for e in starts) / len(starts):.0%} within 150 ms, worst "
          f"{max(starts):.2f} s; over 1 s and not flagged: {', '.join(unflagged) or 'none'}")
    errors = [w[0] for w in words]
    print(f"  reference words: median {statistics.median(errors) * 1000:.0f} ms over "
          f"{len(words)}, {sum(e <= 0.1 for e in errors) / len(errors):.0%} within 100 ms, "
          f"{len(off)} over {OFF} s, of which {sum(not w[1] for w in off)} not reported"
          + (": " + ", ".join(f"{w[3]!r} (turn {w[2] + 1}) {w[0]:.1f} s" for w in off
                              if not w[1]) if any(not w[1] for w in off) else ""))
    print(f"  low confidence: {', '.join(low) or 'none'}")
    for retake in truth.get("retakes", []):
        after = sorted((w for w in words if w[4] >= retake["start"] + retake["seconds"] - 1e-6),
                       key=lambda w: w[4])[:5]
        index = retake["turn"]
        print(f"  retake of {retake['seconds']:.2f} s in turn {index + 1} "
              f"({result.turns[index].confidence:.0%}): "
              + (", ".join(f"{w[3]!r} {w[0] * 1000:.0f} ms" for w in after if w[2] == index)
                 or "no reference words")
              + f"; turn starts after it within 150 ms: "
              f"{'yes' if all(e <= 0.15 for e in starts[index + 1:]) else 'no'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variants", nargs="*", default=list(VARIANTS),
                        help=f"any of {', '.join(VARIANTS)}")
    parser.add_argument("--untimed", action="store_true",
                        help="the transcripts without their times (speaker turns only)")
    args = parser.parse_args()
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant: {', '.join(sorted(unknown))}")
    paths = build()
    for name in args.variants:
        measure(name, paths[name], args.untimed)


if __name__ == "__main__":
    main()
