"""Facts about audio files."""

from __future__ import annotations

import os

import mutagen

from exporter.errors import AudioError


def audio_duration(path: str | os.PathLike[str]) -> float:
    """The audio's length in seconds, read from its headers.

    :raises AudioError: when the file is missing or not audio.
    """
    source = os.fspath(path)
    try:
        info = mutagen.File(source)
    except (OSError, mutagen.MutagenError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise AudioError(f"cannot read the audio ({reason})", source) from None
    if info is None or getattr(info, "info", None) is None or not info.info.length:
        raise AudioError("not an audio file that exporter can read", source)
    return float(info.info.length)
