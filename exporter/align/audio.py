"""Audio in: ffmpeg decodes the episode to 16 kHz mono 16-bit PCM, as a stream.

The PCM goes to a temporary file that alignment windows are read from, so no
process ever holds the whole episode in memory (a 3-hour episode is 345 MB at
16 kHz). While the stream passes, a small array of peaks (one per 100 ms) is kept
for the review page's loudness strip.

ffmpeg is the system's when it is on PATH, else imageio-ffmpeg's bundled binary;
pydub is pointed at the same binary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from exporter.errors import AudioError

RATE = 16_000
BYTES_PER_SAMPLE = 2
PEAK_SECONDS = 0.1
_CHUNK = RATE * BYTES_PER_SAMPLE * 4  # four seconds


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary: the system's, or the one imageio-ffmpeg ships."""
    found = shutil.which("ffmpeg")
    if found:
        path = found
    else:
        import imageio_ffmpeg

        path = str(imageio_ffmpeg.get_ffmpeg_exe())
    from pydub import AudioSegment

    AudioSegment.converter = path
    return path


#: How far above the room's noise a frame must be to be sound (speech or music).
SOUND_DB = 20.0


@dataclass
class DecodedAudio:
    """16 kHz mono PCM of an episode, in a temporary file.

    :param path: the raw PCM file (little-endian int16).
    :param samples: how many samples it holds.
    :param peaks: the loudest sample of every 100 ms, from 0 to 1.
    """

    path: Path
    samples: int
    peaks: list[float] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.samples / RATE

    def read(self, start: float, end: float) -> bytes:
        """The PCM between two times (clipped to the audio)."""
        first = max(0, int(start * RATE))
        last = min(self.samples, int(end * RATE))
        if last <= first:
            return b""
        with open(self.path, "rb") as handle:
            handle.seek(first * BYTES_PER_SAMPLE)
            return handle.read((last - first) * BYTES_PER_SAMPLE)

    def quiet_point(self, around: float, radius: float) -> float:
        """The middle of the quietest 200 ms within ``radius`` seconds of ``around``:
        where a window of speech can open or close without cutting a word (a single
        quiet frame may be the closure of a stop inside one)."""
        start = max(0.0, around - radius)
        samples = np.frombuffer(self.read(start, around + radius), dtype="<i2")
        frame, span = RATE // 100, 20
        count = len(samples) // frame
        if count < span:
            return max(0.0, min(around, self.duration))
        energy = (samples[: count * frame].astype(np.float64) ** 2).reshape(count, frame).sum(1)
        smooth = np.convolve(energy, np.ones(span), mode="valid")
        return round(start + (int(np.argmin(smooth)) + span / 2) * frame / RATE, 3)

    def levels(self, start: float, end: float) -> np.ndarray:
        """The level (dB) of every 10 ms from ``start`` (or 0) to ``end``."""
        samples = np.frombuffer(self.read(start, end), dtype="<i2")
        frame = RATE // 100
        count = len(samples) // frame
        power = (samples[: count * frame].astype(np.float64) ** 2).reshape(count, frame)
        return np.asarray(10 * np.log10(power.mean(1) + 1.0))

    def next_sound(self, start: float, reach: float = 60.0) -> float:
        """Where sound starts again after ``start`` (``start`` itself when there is
        no pause there): the first 100 ms within ``reach`` that stand well above the
        quietest of the stretch, which is the room's own noise between speakers.
        """
        level = self.levels(start, start + reach)
        if len(level) < 20:
            return start
        loud = level > float(np.percentile(level, 5)) + SOUND_DB
        # Ten loud frames in a row: a word, not a click.
        runs = np.convolve(loud.astype(np.int32), np.ones(10, dtype=np.int32), mode="valid")
        first = int(np.argmax(runs >= 10)) if bool((runs >= 10).any()) else 0
        return round(start + first / 100, 3)

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


def _ffmpeg_error(stderr: bytes, path: str) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    if not lines:
        return "no audio stream"
    # ffmpeg starts its messages with the file name, which the caller already gives.
    return lines[-1].removeprefix(f"{path}: ")


def stream_pcm(source: str | os.PathLike[str]) -> Iterator[bytes]:
    """16 kHz mono s16le chunks of the audio, straight from ffmpeg.

    :raises AudioError: when ffmpeg cannot decode the file, or it has no audio.
    """
    path = os.fspath(source)
    if not Path(path).is_file():
        raise AudioError("no such file", path)
    # -flush_packets 0: to a pipe, ffmpeg otherwise writes every packet (a few
    # kilobytes) at once, and the writes and the reads that follow each of them took
    # the decode of the real-speech episode from 0.53 s to 0.76 s.
    proc = subprocess.Popen(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar",
         str(RATE), "-flush_packets", "0", "-f", "s16le", "-"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    total = 0
    try:
        while chunk := proc.stdout.read(_CHUNK):
            total += len(chunk)
            yield chunk
    finally:
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    if code != 0 or total == 0:
        raise AudioError(f"not audio that ffmpeg can decode ({_ffmpeg_error(stderr, path)})",
                         path)


def decode(source: str | os.PathLike[str],
           on_progress: Callable[[float], None] | None = None,
           directory: str | None = None,
           on_ready: Callable[[DecodedAudio], None] | None = None) -> DecodedAudio:
    """Decode the whole episode to a temporary PCM file, keeping peaks on the way.

    :param on_progress: called with the seconds decoded so far.
    :param on_ready: called as the decode goes with the audio decoded so far, which
        other processes can read from the file already (work on the start of an
        episode need not wait for its end).
    :raises AudioError: when the file cannot be decoded.
    """
    # Kept after closing: alignment workers read windows from it; close() removes it.
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        prefix="exporter-", suffix=".pcm", dir=directory, delete=False)
    path = Path(handle.name)
    peaks: list[float] = []
    samples = 0
    carry = np.zeros(0, dtype=np.int16)
    window = int(RATE * PEAK_SECONDS)
    try:
        with handle:
            for chunk in stream_pcm(source):
                handle.write(chunk)
                data = np.concatenate([carry, np.frombuffer(chunk, dtype="<i2")])
                whole = len(data) // window * window
                if whole:
                    block = np.abs(data[:whole].astype(np.int32)).reshape(-1, window)
                    peaks.extend((block.max(axis=1) / 32768).round(3).tolist())
                carry = data[whole:]
                samples += len(chunk) // BYTES_PER_SAMPLE
                if on_progress is not None:
                    on_progress(samples / RATE)
                if on_ready is not None:
                    handle.flush()
                    on_ready(DecodedAudio(path, samples))
            if len(carry):
                peaks.append(round(float(np.abs(carry.astype(np.int32)).max()) / 32768, 3))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return DecodedAudio(path, samples, peaks)
