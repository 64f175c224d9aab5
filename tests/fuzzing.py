"""How hard the property tests try.

CI runs the default (a few hundred examples each, well under a minute in all);
``bench/fuzz.py --hypothesis`` sets ``EXPORTER_FUZZ_SCALE=100`` for a long run.
"""

from __future__ import annotations

import os

SCALE = max(1, int(os.environ.get("EXPORTER_FUZZ_SCALE", "1")))


def examples(count: int) -> int:
    """``count`` examples, times the scale of this run."""
    return count * SCALE
