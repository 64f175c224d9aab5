"""Write the first turns of the reference sample in every transcript format we read.

Run from the project root: ``python tests/data/make_format_fixtures.py``. The output
is committed; tests check that every file reads back to the same turns.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from exporter.readers import read_transcript
from exporter.timecode import format_time

HERE = Path(__file__).parent / "formats"
TURNS = read_transcript("samples/ai-engineering-podcast-amd-rocm.txt").turns[:6]


def hms(t: float) -> str:
    return format_time(t, fraction=False)


def sentences(turn_index: int) -> list[tuple[float, float, str]]:
    """The turn's sentences, with times spread over the turn by length."""
    turn = TURNS[turn_index]
    end = TURNS[turn_index + 1].start if turn_index + 1 < len(TURNS) else turn.start + 20
    parts = re.split(r"(?<=[.?!])\s+", turn.text)
    total = sum(len(p) for p in parts)
    out, t = [], turn.start
    for part in parts:
        length = (end - turn.start - 0.5) * len(part) / total
        out.append((round(t, 3), round(t + length, 3), part))
        t += length
    return out


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    write("rev.txt", "".join(f"{t.speaker} ({hms(t.start)}):\n{t.text}\n\n" for t in TURNS))
    write("descript.txt", "".join(
        f"{t.speaker} ({format_time(t.start, hours=False, fraction=False)}): {t.text}\n\n"
        for t in TURNS))
    write("otter.txt", "".join(
        f"{t.speaker}  {format_time(t.start, hours=False, fraction=False).lstrip('0')}\n"
        f"{t.text}\n\n" for t in TURNS).replace("  :", "  0:"))
    write("stamped.txt", "".join(f"{hms(t.start)} {t.speaker}: {t.text}\n" for t in TURNS))
    write("bracketed.txt", "".join(f"[{format_time(t.start)}] {t.speaker}: {t.text}\n"
                                   for t in TURNS))
    cues = [(t, s) for i, t in enumerate(TURNS) for s in sentences(i)]
    srt, vtt, previous = [], ["WEBVTT", ""], None
    for n, (turn, (start, end, text)) in enumerate(cues, 1):
        prefix = f"{turn.speaker}: " if turn is not previous else ""
        srt += [str(n), f"{format_time(start, separator=',')} --> "
                f"{format_time(end, separator=',')}", prefix + text, ""]
        vtt += [f"{format_time(start)} --> {format_time(end)}", f"<v {turn.speaker}>{text}", ""]
        previous = turn
    write("subtitles.srt", "\n".join(srt))
    write("subtitles.vtt", "\n".join(vtt))
    segments = [{"speaker": t.speaker, "startTime": s, "endTime": e, "body": x}
                for t, (s, e, x) in cues]
    write("podcast.json", json.dumps({"version": "1.0.0", "segments": segments}, indent=1))
    whisper = [{"id": i, "start": s, "end": e, "text": " " + x, "speaker": t.speaker}
               for i, (t, (s, e, x)) in enumerate(cues)]
    write("whisperx.json", json.dumps({"segments": whisper, "language": "en"}, indent=1))
    shownotes = Path("samples/ai-engineering-podcast-amd-rocm.txt").read_text("utf-8")
    head = shownotes[: shownotes.index("[00:02:00]") if "[00:02:00]" in shownotes
                     else shownotes.index("[00:03:32]")]
    write("shownotes-crlf.txt", head.replace("\n", "\r\n"))
    write("shownotes-cr.txt", head.replace("\n", "\r"))
    write("shownotes-bom.txt", "\ufeff" + head)
    write("shownotes-utf16.txt", "\ufeff" + head, "utf-16-le")


if __name__ == "__main__":
    main()
