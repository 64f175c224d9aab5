"""Synthesize an episode from a transcript with a speech engine, and record the truth.

Each sentence is spoken by espeak-ng, flite, festival or MBROLA (``--engine``; one voice
per speaker) and placed at its
turn's timestamp, one after another; a turn that would run into the next one is
spoken faster. A few seconds of music-like tones open the episode, light noise runs
under everything, and the result is encoded as MP3 with ffmpeg. Beside the MP3, a
``.truth.json`` file records where every sentence really starts and ends (the first and last
sample above the speech threshold), which is what the alignment is measured
against, and a ``.txt`` holds the spoken turns as a show-notes transcript.

The bundled sample was made with::

    python samples/make_episode.py samples/ai-engineering-podcast-amd-rocm.txt \\
        --turns 5 --chapters 3 -o exporter/samples/sample-episode.mp3

Options for the benchmarks: ``--pre-roll S`` puts S seconds of music before
everything (an intro added after transcription) and ``--break-at-turn K
--break-seconds S`` inserts a music break before turn K (an ad break).

``--engine flite``, ``--engine festival`` and ``--engine mbrola`` exist so that the
aligner is measured on voices it was not developed on (the acoustic model must not
be tuned to one engine). Needs ffmpeg and the chosen engine on PATH (Debian:
espeak-ng; flite; festival with festvox-kallpc16k, festvox-kdlpc16k,
festvox-us-slt-hts, and sox; espeak-ng with mbrola, mbrola-us1, mbrola-us2,
mbrola-us3 and mbrola-en1, from Debian's non-free component); the project's tests
only use the output.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exporter.model import Chapter, Turn
from exporter.readers import read_transcript
from exporter.timecode import format_time

RATE = 22050
#: One voice per speaker, in order of first appearance, for each engine.
VOICES = {
    "espeak": ("en-us", "en-gb-x-rp", "en-us+m3", "en-gb-scotland"),
    "flite": ("slt", "rms", "awb", "kal16"),
    "festival": ("cmu_us_slt_arctic_hts", "kal_diphone", "ked_diphone"),
    # espeak-ng's phonemes spoken by MBROLA's diphone voices: recorded human diphones,
    # neither espeak's formant synthesis nor flite's or festival's voices.
    "mbrola": ("mb-us1", "mb-us2", "mb-en1", "mb-us3"),
}
#: Speaking rate an engine's voices use at their default setting, in words per minute.
DEFAULT_WPM = 170
#: Room left for pauses when deciding whether a turn fits before the next one.
SENTENCE_GAP = 0.45
#: Amplitude below which a synthesized sample counts as silence (of full scale 1.0).
THRESHOLD = 0.02


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def speak(text: str, voice: str, wpm: int, engine: str = "espeak") -> np.ndarray:
    """The engine's rendering of ``text`` as float samples at RATE."""
    stretch = DEFAULT_WPM / wpm
    if engine in ("espeak", "mbrola"):
        command = ["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", text]
    elif engine == "flite":
        command = ["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.3f}",
                   "-t", text, "-o", "/dev/stdout"]
    elif engine == "festival":
        # text2wave reads the text from stdin, and seeks in its output to finish the
        # WAV header, so it writes to a file. Its HTS voice ignores Duration_Stretch
        # (turns ran into the next speaker's), so the pace is set by sox's tempo.
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            subprocess.run(["text2wave", "-o", wav.name, "-eval", f"(voice_{voice})"],
                           check=True, capture_output=True, input=text.encode())
            out = subprocess.run(["sox", wav.name, "-t", "wav", "-", "tempo", "-s",
                                  f"{1 / stretch:.3f}"], check=True,
                                 capture_output=True).stdout
    else:
        raise ValueError(f"unknown engine {engine!r}")
    if engine != "festival":
        out = subprocess.run(command, check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(out)) as w:
        raw = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        rate = w.getframerate()
    audio = raw.astype(np.float32) / 32768
    if rate != RATE:
        positions = np.arange(0, len(audio), rate / RATE)
        audio = np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
    return audio


def voiced_span(audio: np.ndarray) -> tuple[int, int]:
    """First and last sample index above the speech threshold."""
    loud = np.flatnonzero(np.abs(audio) > THRESHOLD)
    if not len(loud):
        return 0, len(audio)
    return int(loud[0]), int(loud[-1]) + 1


def music(seconds: float, seed: int) -> np.ndarray:
    """Music-like filler: a slow sequence of soft chords with a little vibrato."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n, dtype=np.float32)
    beat = 0.5
    for k in range(int(seconds / beat) + 1):
        root = 220 * 2 ** (rng.choice([0, 3, 5, 7, 10]) / 12)
        lo, hi = int(k * beat * RATE), min(n, int((k + 1) * beat * RATE))
        seg = t[lo:hi] - k * beat
        env = np.exp(-3 * seg)
        for ratio in (1, 1.25, 1.5):
            out[lo:hi] += 0.06 * env * np.sin(2 * np.pi * root * ratio * seg
                                              + 0.3 * np.sin(2 * np.pi * 5 * seg))
    return out


def synthesize(transcript: Path, out: Path, turns: int | None, pre_roll: float,
               break_at: int | None, break_seconds: float, intro: float,
               chapters: int, engine: str = "espeak") -> dict[str, object]:
    data = read_transcript(transcript)
    chosen = data.turns[:turns] if turns else data.turns
    choice = VOICES[engine]
    voices = {name: choice[i % len(choice)] for i, name in enumerate(data.speakers)}
    jobs = []
    for index, turn in enumerate(chosen):
        following = data.turns[index + 1].start if index + 1 < len(data.turns) else None
        jobs.append((turn, following))

    def render(job: tuple[Turn, float | None]) -> list[np.ndarray]:
        turn, following = job
        sentences = split_sentences(turn.text)
        voice = voices[turn.speaker]
        budget = (following - turn.start - 1.0) if following else None
        wpm = 170
        while True:
            clips = [speak(s, voice, wpm, engine) for s in sentences]
            spans = [voiced_span(c) for c in clips]
            length = sum(e - b for b, e in spans) / RATE + SENTENCE_GAP * (len(clips) - 1)
            if budget is None or length <= budget or wpm >= 400:
                return [c[b:e] for c, (b, e) in zip(clips, spans, strict=True)]
            wpm = int(wpm * min(1.5, max(1.05, length / budget)))

    with ThreadPoolExecutor() as pool:
        rendered = list(pool.map(render, jobs))

    def shift_for(index: int) -> float:
        return pre_roll + (break_seconds if break_at is not None and index >= break_at else 0.0)

    last_turn = chosen[-1]
    end_time = shift_for(len(chosen) - 1) + last_turn.start + sum(
        len(c) for c in rendered[-1]) / RATE + SENTENCE_GAP * len(rendered[-1]) + 2.0
    total = np.zeros(int(end_time * RATE) + 1, dtype=np.float32)
    if pre_roll:
        total[: int(pre_roll * RATE)] += music(pre_roll, 1)
    if intro:
        lo = int(pre_roll * RATE)
        total[lo: lo + int(intro * RATE)] += music(intro, 2)
    records = []
    # Transcripts round turn starts down and people pause unevenly: speech starts a
    # little after each timestamp, and the gaps between sentences vary.
    rng = np.random.default_rng(7)
    for index, (turn, clips) in enumerate(zip(chosen, rendered, strict=True)):
        if break_at is not None and index == break_at:
            lo = int((pre_roll + turn.start) * RATE)
            total[lo: lo + int(break_seconds * RATE)] += music(break_seconds, 3)
        t = shift_for(index) + turn.start + rng.uniform(0.1, 0.6)
        for sentence, clip in zip(split_sentences(turn.text), clips, strict=True):
            lo = round(t * RATE)
            total[lo: lo + len(clip)] += clip
            records.append({"turn": index, "speaker": turn.speaker, "text": sentence,
                            "start": round(lo / RATE, 3),
                            "end": round((lo + len(clip)) / RATE, 3)})
            t = (lo + len(clip)) / RATE + rng.uniform(0.15, 0.55)
    noise = np.random.default_rng(0).normal(0, 0.004, len(total)).astype(np.float32)
    total = np.clip(total + noise, -1, 1)
    pcm = (total * 32767).astype("<i2").tobytes()
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "1",
                    "-i", "-", "-codec:a", "libmp3lame", "-b:a", "32k", str(out)],
                   input=pcm, check=True)
    truth = {
        "transcript": transcript.name,
        "audio": out.name,
        "duration": round(len(total) / RATE, 3),
        "engine": engine,
        "voices": voices,
        "pre_roll": pre_roll,
        "break": None if break_at is None else {"before_turn": break_at,
                                                "at": round(pre_roll + chosen[break_at].start, 3),
                                                "seconds": break_seconds},
        "turns": [{"transcript_start": t.start, "speaker": t.speaker} for t in chosen],
        "sentences": records,
    }
    out.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    out.with_suffix(".txt").write_text(show_notes(chosen, data.chapters[:chapters]))
    return truth


def show_notes(turns: tuple[Turn, ...], chapters: tuple[Chapter, ...]) -> str:
    """The chosen turns as a show-notes transcript, with chapter titles after it."""
    lines = []
    for turn in turns:
        lines += [f"[{format_time(turn.start, fraction=False)}] {turn.speaker}:", turn.text]
    lines += [chapter.title for chapter in chapters]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("transcript", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--turns", type=int, default=None, help="only the first N turns")
    parser.add_argument("--pre-roll", type=float, default=0.0)
    parser.add_argument("--break-at-turn", type=int, default=None)
    parser.add_argument("--break-seconds", type=float, default=45.0)
    parser.add_argument("--chapters", type=int, default=0,
                        help="write the first N chapter titles after the transcript copy")
    parser.add_argument("--intro", type=float, default=4.0,
                        help="seconds of music at the very start, under nothing")
    parser.add_argument("--engine", choices=sorted(VOICES), default="espeak",
                        help="speech engine for the voices (default: espeak)")
    args = parser.parse_args()
    truth = synthesize(args.transcript, args.output, args.turns, args.pre_roll,
                       args.break_at_turn, args.break_seconds, args.intro, args.chapters,
                       args.engine)
    sentences = truth["sentences"]
    assert isinstance(sentences, list)
    print(f"{args.output}: {truth['duration']} s, {len(sentences)} sentences")


if __name__ == "__main__":
    main()
