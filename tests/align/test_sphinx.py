"""The window aligner: one decoder per process serves every search setting."""

from __future__ import annotations

from pocketsphinx import Decoder

from exporter.align.audio import decode
from exporter.align.sphinx import DECODER, SETTINGS, WindowAligner
from exporter.align.text import tokens_for
from exporter.align.window import aligner_for
from exporter.readers import read_transcript
from tests.conftest import EPISODE, EPISODE_TRANSCRIPT


def test_the_wide_search_shares_the_decoder_and_fits_as_its_own_decoder_would() -> None:
    normal, wide = aligner_for("normal"), aligner_for("wide")
    assert wide.decoder is normal.decoder and wide.settings == "wide"
    turn = read_transcript(EPISODE_TRANSCRIPT).turns[3]
    tokens = [t for w in turn.words[:30] for t in tokens_for(w)]
    audio = decode(EPISODE)
    try:
        pcm = audio.read(turn.start - 1.0, turn.start + 14.0)
    finally:
        audio.close()
    ends = list(range(10, len(tokens) + 1))
    before = normal.align(tokens, pcm, turn.start - 1.0, [0], ends)
    fitted = wide.align(tokens, pcm, turn.start - 1.0, [0], ends)
    assert fitted is not None and sum(t is not None for t in fitted) > 10
    # The search was made with the wide beams.
    assert normal.decoder.config["beam"] == SETTINGS["wide"]["beam"]
    # A decoder of its own, made with the wide beams.
    alone = WindowAligner("wide")
    alone.decoder = Decoder(lm=None, loglevel="FATAL", **DECODER, **SETTINGS["wide"])
    alone.added = set()
    alone.initial_cmn = alone.decoder.get_cmn()
    assert alone.align(tokens, pcm, turn.start - 1.0, [0], ends) == fitted
    # The normal search after it has its own beams again.
    assert normal.align(tokens, pcm, turn.start - 1.0, [0], ends) == before
    assert normal.decoder.config["beam"] == SETTINGS["normal"]["beam"]
