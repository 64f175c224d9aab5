"""Where turns start and end, and audio cut or shifted after transcription.

The bundled espeak episode has long silences between turns and speech just after
each whole-second time, which hides the problem real shows have: times rounded down
and the next speaker a fraction of a second after the last. These tests cut the
sample together that way (ffmpeg only), and check the grammar and pause rules the
aligner uses at turn edges on their own.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from exporter.align.aligner import align
from exporter.align.audio import RATE, DecodedAudio
from exporter.align.edges import after_pause, hand_over, handed_over_late
from exporter.align.measure import sentence_starts, summary
from exporter.align.sphinx import WindowAligner
from exporter.align.text import tokens_for
from exporter.align.untimed import _handed_over
from exporter.alignment import align_episode
from exporter.model import AlignOptions, TurnAlignment, Word
from exporter.readers import read_transcript
from exporter.timecode import format_time
from tests.conftest import BUNDLED, EPISODE, EPISODE_TRANSCRIPT, ffmpeg_exe

TRUTH = json.loads((BUNDLED / "sample-episode.truth.json").read_text())["sentences"]
TURNS = read_transcript(EPISODE_TRANSCRIPT).turns


def pcm(path: Path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar",
                          str(RATE), "-f", "s16le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<i2")


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def show_notes(path: Path, starts: list[float]) -> Path:
    lines = []
    for turn, start in zip(TURNS, starts, strict=True):
        lines += [f"[{format_time(math.floor(start), fraction=False)}] {turn.speaker}:",
                  turn.text]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def close_turns(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[float]]:
    """The sample with 0.3 s between speakers and times rounded down to the second:
    each turn's time then falls in the previous speaker's last words."""
    folder = tmp_path_factory.mktemp("close")
    audio = pcm(EPISODE)
    spans = [(min(s["start"] for s in TRUTH if s["turn"] == k),
              max(s["end"] for s in TRUTH if s["turn"] == k)) for k in range(len(TURNS))]
    rng = np.random.default_rng(1)
    parts, starts, position = [], [], 0
    for number, (start, end) in enumerate(spans):
        gap = int((0.6 if number == 0 else 0.3) * RATE)
        parts.append(rng.normal(0, 20, gap))
        position += gap
        piece = audio[int((start - 0.05) * RATE): int((end + 0.05) * RATE)]
        starts.append((position + int(0.05 * RATE)) / RATE)
        parts.append(piece.astype(np.float64))
        position += len(piece)
    parts.append(np.zeros(RATE))
    wav = write_wav(folder / "close.wav", np.concatenate(parts))
    return wav, show_notes(folder / "close.txt", starts), starts


def test_each_turn_starts_where_its_speaker_does(close_turns: tuple[Path, Path, list[float]]
                                                 ) -> None:
    audio, notes, truth = close_turns
    result = align(read_transcript(notes), audio, jobs=2)
    for turn, start in zip(result.turns, truth, strict=True):
        assert abs(turn.start - start) <= 0.15, (turn.index, turn.start, start)
        assert turn.confidence >= 0.8
    assert result.offset == 0.0 and result.insertions == []


def test_the_same_speech_under_a_later_clock_lands_in_the_same_place(
        close_turns: tuple[Path, Path, list[float]], tmp_path: Path) -> None:
    """Every time 3 s later than the audio: the offset is found (less the rounding of
    the first time), and the words land where the true clock put them."""
    audio, notes, truth = close_turns
    late = show_notes(tmp_path / "late.txt", [t + 3.0 for t in truth])
    plain = align(read_transcript(notes), audio, jobs=2)
    moved = align(read_transcript(late), audio, jobs=2)
    assert -3.0 <= moved.offset <= -2.0
    assert re.search(r"the transcript's times are -[23]\.\d s off the audio", moved.warnings[0])
    shifts = sorted(abs(a.start - b.start) for a, b in
                    zip(plain.words, moved.words, strict=True))
    assert shifts[len(shifts) // 2] <= 0.02
    assert sum(s <= 0.02 for s in shifts) / len(shifts) >= 0.9


def test_a_cut_inside_a_turn_is_found_and_the_turns_after_it_move(tmp_path: Path) -> None:
    """12 s cut from the middle of turn 1 after transcription: reported as a cut
    before turn 2, and every sentence after it is found where it now is."""
    audio = pcm(EPISODE)
    cut = write_wav(tmp_path / "cut.wav",
                    np.concatenate([audio[: 9 * RATE], audio[21 * RATE:]]))
    result = align(read_transcript(EPISODE_TRANSCRIPT), cut, jobs=2)
    assert [turn for turn, _ in result.insertions] == [1]
    assert abs(result.insertions[0][1] + 12.0) <= 0.5
    assert any(re.fullmatch(r"1[12]\.\d s cut from the audio before turn 2 .*", w)
               for w in result.warnings), result.warnings
    assert result.turns[0].unmatched, "the words cut with the audio are reported"
    later = [(s, t["start"] - 12.0) for s, t in
             zip(sentence_starts(result.words), TRUTH, strict=True) if t["turn"] >= 1]
    figures = summary([abs(s - t) for s, t in later])
    assert figures["median"] <= 0.05 and figures["worst"] <= 0.5


def test_a_window_may_start_at_any_of_the_words_said_before() -> None:
    """Words given before a turn's own are optional: those not in the window come
    back as None, and the turn's words are found where they are spoken."""
    aligner = WindowAligner()
    before = [t for w in ["purple", "elephants", "dancing"] for t in tokens_for(w)]
    own = [t for w in TURNS[1].words[:2] for t in tokens_for(w)]  # Hey, Tobias.
    audio = pcm(EPISODE)
    start = 29.0
    window = audio[int(start * RATE): int(31.3 * RATE)].tobytes()
    found = aligner.align(before + own, window, start, starts=[0, 1, 2, 3])
    assert found is not None and found[:3] == [None, None, None]
    assert all(t is not None for t in found[3:])
    assert abs(found[3].start - TRUTH[3]["start"]) <= 0.1  # type: ignore[union-attr]
    assert aligner.align(own, window, start, starts=[0]) is not None


def test_a_long_turn_is_aligned_about_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """The sample's words as one speaker's two-minute turn (with its long pauses):
    each window takes the speaker's next words at its end, so the speech after a
    window's words is not aligned again and again. Before, the windows held three
    times the turn's audio; the words are where they are either way."""
    transcript = tmp_path / "one.txt"
    transcript.write_text("[00:00:05] Tobias Macey:\n" + " ".join(t.text for t in TURNS)
                          + "\n", encoding="utf-8")
    seconds: list[float] = []
    real = WindowAligner.align

    def counted(self: WindowAligner, tokens: list[str], pcm: bytes, *args: object,
                **kwargs: object) -> object:
        seconds.append(len(pcm) / (2 * RATE))
        return real(self, tokens, pcm, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WindowAligner, "align", counted)
    result = align(read_transcript(transcript), EPISODE, jobs=1, repair=False)
    span = result.words[-1].end - result.words[0].start
    assert sum(seconds) <= 1.5 * span, (sum(seconds), span)
    found = sentence_starts(result.words)
    figures = summary([abs(f - s["start"]) for f, s in zip(found, TRUTH, strict=True)])
    assert figures["median"] <= 0.05 and figures["worst"] <= 0.5, figures


def test_a_word_not_said_leaves_no_path_unless_words_may_be_skipped() -> None:
    """One word the speaker did not say (or said unlike any dictionary entry) leaves
    no path through the window at all; with skips it comes back as None and the
    words around it are where they are without it."""
    aligner = WindowAligner()
    words = [t for w in TURNS[1].words[:12] for t in tokens_for(w)]
    start = TRUTH[3]["start"] - 0.5
    window = pcm(EPISODE)[int(start * RATE): int((start + 6) * RATE)].tobytes()
    given = [*words[:5], "elephants", *words[5:]]
    assert aligner.align(given, window, start) is None
    found = aligner.align(given, window, start, skips=True)
    plain = aligner.align(words, window, start)
    assert found is not None and plain is not None
    assert found[5] is None
    for ours, reference in zip(found[:5] + found[6:], plain, strict=True):
        assert ours is not None and reference is not None
        assert abs(ours.start - reference.start) <= 0.05, (ours, reference)


def test_a_turn_with_single_words_not_said_is_still_aligned(tmp_path: Path) -> None:
    """A speaker who swallows words (a cold, fast speech) leaves one word in every few
    with no sound: every window and every half of it then has no path. A window is
    tried once with single words that may be left out before it is halved, so the
    turn is found; before, all 62 of its words were spread and it scored 0."""
    lines = EPISODE_TRANSCRIPT.read_text(encoding="utf-8").splitlines()
    words = lines[1].split()
    lines[1] = " ".join(w + (" elephants" if k % 7 == 3 else "") for k, w in enumerate(words))
    transcript = tmp_path / "swallowed.txt"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = align(read_transcript(transcript), EPISODE, repair=False)
    turn = result.turns[0]
    assert turn.confidence >= 0.5, turn.confidence
    assert abs(turn.start - TRUTH[0]["start"]) <= 0.15, turn.start
    said = [w for w in turn.words if w.text != "elephants"]
    assert sum(w.method == "aligned" for w in said) >= 0.6 * len(said)


def test_a_window_that_ends_after_a_note_moves_the_walk_on(tmp_path: Path) -> None:
    """A transcriber's note ("[coughs]") has no time of its own. A window whose last
    trusted word was one left the walk's cursor where the turn opened, and the next
    window laid the words after the note over the turn's first seconds (on the
    phone-line variant of the real benchmark, 19 s early, time running backwards)."""
    lines = EPISODE_TRANSCRIPT.read_text(encoding="utf-8").splitlines()
    words = lines[7].split()  # the longest turn, 129 words: several windows
    lines[7] = " ".join(w + (" [coughs]" if k % 2 else "") for k, w in enumerate(words))
    transcript = tmp_path / "notes.txt"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    turn = align(read_transcript(transcript), EPISODE, repair=False).turns[3]
    said = [w for w in turn.words if w.text != "[coughs]"]
    starts = [w.start for w in said]
    assert starts == sorted(starts)
    assert sum(w.method == "aligned" for w in said) >= 0.9 * len(said)
    assert turn.confidence >= 0.8


def test_a_first_word_that_swallowed_a_pause_starts_after_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    tone = (np.sin(np.arange(int(0.5 * RATE)) * 2 * np.pi * 220 / RATE) * 8000)
    hiss = rng.normal(0, 30, RATE)
    # 1 s of room noise, then the word; then a pause, then the next word.
    samples = np.concatenate([hiss, tone, hiss[: RATE // 2], tone, hiss])
    path = tmp_path / "a.pcm"
    path.write_bytes(samples.astype("<i2").tobytes())
    audio = DecodedAudio(path, len(samples))
    start, end = after_pause(audio, (0.6, 1.5), "hello")
    assert abs(start - 1.0) <= 0.02 and end == 1.5
    # A word that took in the pause after it keeps its start.
    assert after_pause(audio, (1.0, 1.95), "hello") == (1.0, 1.95)
    # A word with no pause in it keeps both.
    assert after_pause(audio, (1.05, 1.45), "hello") == (1.05, 1.45)



def test_a_first_word_stretched_over_a_noisy_tail_starts_after_the_last_pause(
        tmp_path: Path) -> None:
    """A guest's noisy room lingers after their last word (hiss, a breath), then the
    mix is quiet, then the next speaker starts. Pocketsphinx gave that speaker's
    first word all of it (the real benchmark: 1.85 s for "than"); the word starts
    after the last pause, not after the first short one inside the noise."""
    rng = np.random.default_rng(1)
    tone = np.sin(np.arange(int(0.4 * RATE)) * 2 * np.pi * 180 / RATE) * 8000
    room = rng.normal(0, 30, RATE)
    # After the guest's last word, their hiss (about 30 dB under the speech, with
    # a short gap in it) and a breath; then the mix's quiet room; then the word.
    hiss = rng.normal(0, 300, int(0.8 * RATE))
    hiss[int(0.1 * RATE): int(0.2 * RATE)] = rng.normal(0, 30, int(0.1 * RATE))
    breath = rng.normal(0, 900, int(0.15 * RATE))
    samples = np.concatenate([room, tone, hiss, breath, room, tone, room])
    path = tmp_path / "a.pcm"
    path.write_bytes(samples.astype("<i2").tobytes())
    audio = DecodedAudio(path, len(samples))
    onset = 1.4 + 0.8 + 0.15 + 1.0
    start, end = after_pause(audio, (1.45, onset + 0.2), "than")
    assert abs(start - onset) <= 0.02 and end == onset + 0.2
    # A word of the length it takes to say keeps the first-pause rule: the hiss
    # after the short gap is taken as its sound.
    assert after_pause(audio, (1.45, 1.9), "than")[0] < 1.8

def test_a_last_word_stretched_over_the_pause_hands_over_at_it(tmp_path: Path) -> None:
    """One speaker's last word took in the pause after it and the next speaker's
    first sound, as an untimed walk's window opened inside it did (0.78 s late on
    real speech). The two are parted at the longest pause between them, not at a
    short one inside the next word."""
    rng = np.random.default_rng(2)
    room = rng.normal(0, 30, RATE)
    word = np.sin(np.arange(int(0.5 * RATE)) * 2 * np.pi * 200 / RATE) * 8000
    stop = rng.normal(0, 30, int(0.09 * RATE))  # a stop's closure inside the next word
    # The last word at 1.0-1.5 s, 1.5 s of quiet, the next word at 3.0-4.09 s.
    samples = np.concatenate([room, word, room, room[: RATE // 2], word, stop, word, room])
    path = tmp_path / "a.pcm"
    path.write_bytes(samples.astype("<i2").tobytes())
    audio = DecodedAudio(path, len(samples))
    last = Word("thanks.", 1.0, 3.4, "A", 0, "aligned")
    assert handed_over_late([last])
    parted = hand_over(audio, last, Word("Printing,", 3.7, 4.0, "B", 1, "aligned"))
    assert parted is not None
    before, after = parted
    assert abs(before.end - 1.5) <= 0.02 and before.start == 1.0
    assert abs(after.start - 3.0) <= 0.02 and after.end == 4.0
    # A first word already where its sound starts keeps its start.
    parted = hand_over(audio, last, Word("Printing,", 3.0, 3.5, "B", 1, "aligned"))
    assert parted is not None and parted[1].start == 3.0
    # No pause between them: nothing to part them at.
    assert hand_over(audio, Word("thanks.", 3.6, 3.8, "A", 0, "aligned"),
                     Word("Printing,", 3.9, 4.05, "B", 1, "aligned")) is None
    # A last word that ends before the pause keeps its end: the sound after it that
    # no word was given is not made its own.
    parted = hand_over(audio, Word("thanks.", 1.0, 1.3, "A", 0, "aligned"),
                       Word("Printing,", 3.7, 4.0, "B", 1, "aligned"))
    assert parted is not None and parted[0].end == 1.3
    # An untimed walk's two turns so parted: the stretched word is named doubtful
    # (its path was lost there) and no longer counts as sure.
    before = TurnAlignment(0, 0.5, (Word("so", 0.5, 0.9, "A", 0, "aligned"),
                                    Word("thanks.", 1.0, 2.9, "A", 0, "aligned")),
                           "aligned", 1.0)
    after = TurnAlignment(1, 3.7, (Word("Printing,", 3.7, 4.0, "B", 1, "aligned"),),
                          "aligned", 1.0)
    assert handed_over_late(before.words)
    settled, _ = _handed_over(audio, before, after)
    assert settled.doubtful == (1,) and settled.confidence == 0.5
    assert abs(settled.words[1].end - 1.5) <= 0.02


def test_an_untimed_transcript_is_aligned_from_scratch(
        close_turns: tuple[Path, Path, list[float]], tmp_path: Path) -> None:
    """The speaker turns with no times at all, after 8 s of music: where the speech
    starts is searched for, and each turn is found where its speaker starts."""
    audio, _, truth = close_turns
    seconds = np.arange(8 * RATE) / RATE
    music = sum(np.sin(2 * np.pi * f * seconds) for f in (220.0, 277.2, 329.6)) * 2500
    episode = write_wav(tmp_path / "intro.wav", np.concatenate([music, pcm(audio)]))
    notes = tmp_path / "untimed.txt"
    notes.write_text("".join(f"{t.speaker}:\n{t.text}\n\n" for t in TURNS), encoding="utf-8")
    aligned = align_episode(notes, episode, options=AlignOptions(jobs=2))
    result = aligned.alignment
    for turn, start in zip(result.turns, truth, strict=True):
        assert abs(turn.start - (start + 8.0)) <= 0.15, (turn.index, turn.start, start + 8.0)
        assert turn.confidence >= 0.8
    assert result.insertions == [] and not result.warnings
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and len(starts) == sum(len(t.words) for t in TURNS)
    # From here on the transcript has the times its words were found at.
    assert not aligned.transcript.untimed
    assert [t.start for t in aligned.transcript.turns] == [t.start for t in result.turns]


def test_an_untimed_transcript_with_audio_that_is_not_its_own(tmp_path: Path) -> None:
    """A minute of music and noise: the first words are not found, nothing is walked
    (which would cost minutes of failing windows), and every turn is reported."""
    rng = np.random.default_rng(5)
    seconds = np.arange(60 * RATE) / RATE
    music = sum(np.sin(2 * np.pi * f * seconds) for f in (196.0, 246.9, 293.7)) * 2500
    audio = write_wav(tmp_path / "music.wav", music + rng.normal(0, 300, len(seconds)))
    notes = tmp_path / "untimed.txt"
    notes.write_text("".join(f"{t.speaker}:\n{t.text}\n\n" for t in TURNS), encoding="utf-8")
    result = align(read_transcript(notes), audio, jobs=2)
    assert result.warnings == ["the transcript's first words were not found in the first "
                               "ten minutes of the audio; no word was aligned"]
    assert all(w.method == "interpolated" for w in result.words)
    assert [t.confidence for t in result.turns] == [0.0] * len(TURNS)
    assert all(t.unmatched for t in result.turns if len(t.words) >= 6)


def test_a_clock_a_little_off_moves_no_word(close_turns: tuple[Path, Path, list[float]]
                                            ) -> None:
    """Times 0.3 s later or earlier than rounding down puts them (rounded to the
    nearest second, or a clock a little off): each turn's first window opens in the
    same pause and ends at the same place in the audio, so every word lands where
    it did. (When the window was cut to the clock, 1.8% of the words moved by more
    than 20 ms, up to 0.1 s; now at most one of the 278.)"""
    audio, notes, _ = close_turns
    plain = align(read_transcript(notes), audio, repair=False, jobs=2)
    for shift in (0.3, -0.3, 0.6):
        other = align(read_transcript(notes), audio, offset=shift, repair=False, jobs=2)
        moved = [abs(a.start - b.start) for a, b in
                 zip(plain.words, other.words, strict=True)]
        assert sum(m <= 0.02 for m in moved) / len(moved) >= 0.99, (shift, max(moved))
