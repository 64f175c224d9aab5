"""exporter: audio-aligned subtitles and ID3 chapters for podcast episodes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exporter")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
