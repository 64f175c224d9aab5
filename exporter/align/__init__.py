"""Word timings: estimated from the transcript alone, or aligned to the audio."""

from exporter.align.estimate import estimate_words

__all__ = ["estimate_words"]
