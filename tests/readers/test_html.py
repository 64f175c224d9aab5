"""HTML transcripts: the Podcasting 2.0 form and Hyperaudio-style interactive exports."""

from __future__ import annotations

from exporter.readers import parse_transcript

PODCAST = """<cite>Travis:</cite>
<time>0:00</time>
<p>When you first get started, it&#39;s <b>hard</b>.</p>
<cite>Sarah:</cite>
<time>0:53</time>
<p>Creating good audio is key.</p>
"""

HYPERAUDIO = """<!DOCTYPE html><html><head><style>p { color: red }</style>
<script>var t = "00:00:01 not speech";</script></head><body>
<p>Timecode: <span id="timecodeOffset">00:00:00</span></p>
<article><section><p time="5400" data-tc="00:00:05"><span class="speaker">Andrey </span>
<span class="timecode">[00:00:05] </span><span class="word" data-m="5400" data-d="569">Hello
</span><span class="word" data-m="5970" data-d="390">and </span><span class="word"
data-m="6360" data-d="389">welcome. </span></p>
<p time="10470"><span class="speaker">Upol </span><span class="timecode">[00:00:10] </span>
<span class="word" data-m="10470" data-d="300">Thanks. </span></p></section></article>
</body></html>
"""


def test_podcasting_2_html() -> None:
    data = parse_transcript(PODCAST, "t.html")
    assert data.format == "html"
    assert [(t.start, t.speaker, t.text) for t in data.turns] == [
        (0.0, "Travis", "When you first get started, it's hard."),
        (53.0, "Sarah", "Creating good audio is key.")]


def test_hyperaudio_words_are_anchors_and_the_page_is_not_speech() -> None:
    data = parse_transcript(HYPERAUDIO, "t.html")
    assert [(t.start, t.speaker, t.text) for t in data.turns] == [
        (5.4, "Andrey", "Hello and welcome."), (10.47, "Upol", "Thanks.")]
    assert [(a.word_index, a.time) for a in data.turns[0].anchors] == [(1, 5.97), (2, 6.36)]
