"""The limits a subtitle cue is cut to: one frozen, checked :class:`Style`, and the
presets a producer picks by name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from exporter.errors import UsageError

LABEL_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class Style:
    """Limits for cues; see :data:`CAPTIONS` and :data:`TRANSCRIPT`.

    :param speaker_labels: ``auto`` labels the first cue of each turn when there are
        several speakers, ``always`` labels every cue, ``never`` labels none.
    """

    max_line_chars: int = 42
    max_lines: int = 2
    min_duration: float = 0.833
    max_duration: float = 7.0
    max_cps: float = 20.0
    target_cps: float = 17.0
    pause: float = 0.4
    linger: float = 0.5
    min_gap: float = 0.083
    close_gap: float = 0.5
    speaker_labels: str = "auto"

    def check(self) -> Style:
        """Return the style if its limits make sense.

        :raises UsageError: naming the first limit out of range.
        """
        ranges = [
            ("--max-line-chars", self.max_line_chars, 20, 200),
            ("--max-lines", self.max_lines, 1, 4),
            ("--min-duration", self.min_duration, 0.1, 10.0),
            ("--max-duration", self.max_duration, 1.0, 60.0),
            ("--max-cps", self.max_cps, 5.0, 60.0),
        ]
        for name, value, low, high in ranges:
            if not low <= value <= high:
                raise UsageError(f"{name} must be between {low:g} and {high:g}, not {value:g}")
        if self.min_duration > self.max_duration:
            raise UsageError(f"--min-duration ({self.min_duration:g}) is above "
                             f"--max-duration ({self.max_duration:g})")
        if self.speaker_labels not in LABEL_MODES:
            raise UsageError(f"--speaker-labels must be one of {', '.join(LABEL_MODES)}")
        return self

    def with_options(self, **options: Any) -> Style:
        """A copy with the options that are not ``None`` replaced, checked."""
        return replace(self, **{k: v for k, v in options.items() if v is not None}).check()


#: Netflix English timed-text rules.
CAPTIONS = Style()
#: Fewer, longer cues for podcast apps (Podcasting 2.0 suggests lines up to ~65 chars).
TRANSCRIPT = Style(max_line_chars=65, max_lines=2, max_duration=10.0, max_cps=22.0,
                   target_cps=18.0)
PRESETS = {"captions": CAPTIONS, "transcript": TRANSCRIPT}
