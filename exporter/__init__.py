"""exporter: audio-aligned subtitles and chapters for podcast episodes.

The library does everything the command line does; each command is one of these
calls. A transcript read, aligned to its episode, cut into subtitles and made into
chapters (the sample pair ships with the package):

>>> import exporter
>>> text, audio = exporter.bundled_sample()
>>> transcript = exporter.load_transcript(text)
>>> len(transcript.turns), transcript.format
(5, 'shownotes')
>>> aligned = exporter.align_episode(transcript, audio)
>>> aligned.review  # nothing a person needs to check
[]
>>> cues = exporter.make_cues(aligned.alignment.words)
>>> cues[0].lines
('Hello, and welcome', 'to the AI Engineering podcast, your guide')
>>> plan = exporter.chapters_for_episode(transcript, audio, aligned=aligned)
>>> [chapter.title for chapter in plan.chapters]  # doctest: +NORMALIZE_WHITESPACE
['Introduction to AI Engineering Podcast', 'Interview with Anush Ilangavan from AMD',
 "AMD's Software Strategy in AI"]

Names are loaded when first used, so ``import exporter`` (and ``exporter --version``)
costs nothing until the aligner or the tag writer is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The one place the version is written: pyproject.toml reads it from here, and
# reading it costs nothing at start-up (importlib.metadata takes ~30 ms).
__version__ = "0.1.0"

#: Each public name and the module that owns it.
_PUBLIC = {
    "AlignOptions": "exporter.model",
    "Chapter": "exporter.model",
    "Cue": "exporter.model",
    "Transcript": "exporter.model",
    "Turn": "exporter.model",
    "Word": "exporter.model",
    "ExporterError": "exporter.errors",
    "Style": "exporter.style",
    "load_transcript": "exporter.readers",
    "parse_transcript": "exporter.readers",
    "align_episode": "exporter.alignment",
    "make_cues": "exporter.segment",
    "make_subtitles": "exporter.pipeline",
    "chapters_for_episode": "exporter.chapterplan",
    "export_chapters": "exporter.chapterplan",
    "write_episode_chapters": "exporter.chapterplan",
    "read_chapters": "exporter.writers.id3",
    "write_chapters": "exporter.writers.id3",
    "remove_chapters": "exporter.writers.id3",
    "run_episode": "exporter.pipeline",
    "bundled_sample": "exporter.pipeline",
}
#: Public names whose function has another name in its module.
_ALIASES = {"load_transcript": "read_transcript", "make_cues": "segment"}

__all__ = [
    "AlignOptions",
    "Chapter",
    "Cue",
    "ExporterError",
    "Style",
    "Transcript",
    "Turn",
    "Word",
    "__version__",
    "align_episode",
    "bundled_sample",
    "chapters_for_episode",
    "export_chapters",
    "load_transcript",
    "make_cues",
    "make_subtitles",
    "parse_transcript",
    "read_chapters",
    "remove_chapters",
    "run_episode",
    "write_chapters",
    "write_episode_chapters",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'exporter' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


if TYPE_CHECKING:
    from exporter.alignment import align_episode
    from exporter.chapterplan import chapters_for_episode, export_chapters, write_episode_chapters
    from exporter.errors import ExporterError
    from exporter.model import AlignOptions, Chapter, Cue, Transcript, Turn, Word
    from exporter.pipeline import bundled_sample, make_subtitles, run_episode
    from exporter.readers import parse_transcript
    from exporter.readers import read_transcript as load_transcript
    from exporter.segment import segment as make_cues
    from exporter.style import Style
    from exporter.writers.id3 import read_chapters, remove_chapters, write_chapters
