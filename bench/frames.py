"""Benchmark: where an alignment's CPU goes, counted in seconds of audio scored.

Pocketsphinx spends its time scoring frames against the acoustic model (three
quarters of the CPU in ``ptm_mgau_frame_eval``, about 13 ms of a core per second of
audio whatever the beams), so an alignment costs what it scores: the episode once,
plus every second scored twice (windows that overlap, a turn's edges seen by both
turns) and every window that found no path. This aligns an episode with the library
in two workers, records every decode the workers make, and prints:

- the audio scored against the episode's length, split into the decodes that fit
  and those that did not;
- how much of what fit scored the same audio again, by what made the decode (a
  turn's first window, run as repair's opening probe; a window of a turn's walk; a
  rescue that goes back; a probe of words alone or a search);
- the time spent in decodes that found no path, by search (the normal beams, the
  wide ones, single words left out): what the ladder of attempts costs, and how
  often each rung fits;
- each worker's time spent decoding, and its time idle: before its first decode
  (start-up, the audio still being decoded), between decodes, and after its last;
  and the decodes made in this process once the walks are done (turns' edges
  settled again).

The recording wraps the decoder's one entry point in this process before the pool
forks, so the workers inherit it; each writes its decodes to a file of its own.

Run: ``.venv/bin/python bench/frames.py [EPISODE ...]``, where an episode is a
variant of the real-speech episode (plain intro late cut untimed edited
edited-untimed; built by bench/real_episode.py) or ``synthetic``, ``shifted``,
``flite`` (made by bench/align.py); default: plain and synthetic.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from align import episode
from real_episode import VARIANTS, build

from exporter.align import sphinx
from exporter.align.aligner import align
from exporter.readers import read_transcript

#: What made a decode: the first of these names found anywhere on its call stack
#: (a window of a walk may be made inside a rescue, a probe inside a search).
PURPOSES = {
    "first_window": "first window (opening probe)",
    "_locate": "search after a lost turn",
    "_settle_edges": "edge settled again",
    "back_off": "rescue",
    "jump_in": "rescue",
    "resync": "rescue",
    "_score_at": "probe of words alone",
    "_walk": "walk window",
}


_DECODE = sphinx.WindowAligner._decode


def recorded(folder: Path, started: float) -> None:
    """Make every decode in this process and its forks write a line to ``folder``."""
    decode = _DECODE

    def wrapped(self: sphinx.WindowAligner, pcm: bytes, offset: float, grammar: object,
                lattice: bool = True) -> list[sphinx.TokenTime] | None:
        begun = time.perf_counter()
        out = decode(self, pcm, offset, grammar, lattice)  # type: ignore[arg-type]
        names = {frame.name for frame in traceback.extract_stack()}
        purpose = next((p for n, p in PURPOSES.items() if n in names), "other")
        search = "single words left out" if isinstance(grammar, tuple) and grammar[3] \
            else self.settings
        with (folder / str(os.getpid())).open("a") as file:
            file.write(json.dumps([begun - started, time.perf_counter() - started, purpose,
                                   offset, len(pcm) / 32000, out is None, search]) + "\n")
        return out

    sphinx.WindowAligner._decode = wrapped  # type: ignore[method-assign]


def overlap(decodes: list[list[object]]) -> dict[str, float]:
    """Seconds of each purpose's fitting decodes that scored audio scored before
    (in time order of the audio, against every decode that fit)."""
    fits = sorted((d for d in decodes if not d[5]), key=lambda d: float(d[3]))  # type: ignore[arg-type]
    reach = 0.0
    out: dict[str, float] = defaultdict(float)
    for _, _, purpose, offset, seconds, *_ in fits:
        start, end = float(offset), float(offset) + float(seconds)  # type: ignore[arg-type]
        out[str(purpose)] += max(0.0, min(end, reach) - start)
        reach = max(reach, end)
    return out


def report(name: str, transcript: Path, audio: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        recorded(folder, started)
        result = align(read_transcript(transcript), audio, jobs=2)
        wall = time.perf_counter() - started
        workers = {path.name: [json.loads(line) for line in path.read_text().splitlines()]
                   for path in folder.iterdir()}
    decodes = [d for rows in workers.values() for d in rows]
    duration = result.duration
    scored = sum(d[4] for d in decodes)
    failed = sum(d[4] for d in decodes if d[5])
    print(f"{name} ({duration / 60:.1f} min of audio), aligned in {wall:.1f} s:")
    print(f"  audio scored {scored:.0f} s = {scored / duration:.2f}x the episode, in "
          f"{len(decodes)} decodes: {scored - failed:.0f} s fit, {failed:.0f} s found no path "
          f"({sum(1 for d in decodes if d[5])} decodes)")
    by: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for d in decodes:
        by[d[2]][0] += d[4]
        by[d[2]][1 if d[5] else 2] += d[4]
    again = overlap(decodes)
    for purpose, (seconds, no_path, fit) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        print(f"  {purpose}: {seconds:.0f} s ({fit:.0f} s fit, of which {again[purpose]:.0f} s "
              f"scored again; {no_path:.0f} s no path)")
    spent = sum(d[1] - d[0] for d in decodes)
    tried: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for d in decodes:
        tried[d[6]][0] += 1
        tried[d[6]][1] += 0 if d[5] else 1
        tried[d[6]][2] += (d[1] - d[0]) if d[5] else 0.0
    print(f"  decoding {spent:.1f} s, of which {sum(t[2] for t in tried.values()):.1f} s "
          f"({sum(t[2] for t in tried.values()) / spent:.0%}) found no path; by search: "
          + "; ".join(f"{name}: {fit} of {count} fit, {lost:.1f} s on those that did not"
                      for name, (count, fit, lost) in sorted(tried.items())))
    for pid, rows in sorted(workers.items()):
        busy = sum(r[1] - r[0] for r in rows)
        if int(pid) == os.getpid():
            # Edges settled again after the walks (aligner._settle_edges), in turn order.
            print(f"  this process: decoding {busy:.1f} s (turns' edges settled again)")
            continue
        first, last = rows[0][0], rows[-1][1]
        between = (last - first) - busy
        print(f"  worker {pid}: decoding {busy:.1f} s; idle {first:.1f} s before its first "
              f"decode, {between:.1f} s between decodes, {wall - last:.1f} s after its last")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("episodes", nargs="*", default=["plain", "synthetic"],
                        choices=[*VARIANTS, "synthetic", "shifted", "flite"])
    args = parser.parse_args()
    for name in args.episodes:
        if name in VARIANTS:
            audio = build()[name]
        else:
            audio = episode(name == "shifted", "flite" if name == "flite" else "espeak")
        report(name, audio.with_suffix(".txt"), audio)


if __name__ == "__main__":
    main()
