"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const audio = document.getElementById("audio");
  const strip = document.getElementById("strip");
  const canvas = document.getElementById("loudness");
  const marks = document.getElementById("marks");
  const playhead = document.getElementById("playhead");
  const duration = data.duration || 1;

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const pad = (n) => String(n).padStart(2, "0");
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function seek(seconds) {
    audio.currentTime = Math.min(Math.max(0, seconds), duration);
    update();
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Summary line.
  const words = data.turns.reduce((n, t) => n + t.cues.reduce((m, c) => m + c[2].length, 0), 0);
  let summary = data.turns.length + " turns, " + words + " words, " + data.chapters.length +
    " chapters, " + clock(duration) + ".";
  if (data.offset) summary += " Transcript times moved by " + data.offset.toFixed(1) + " s.";
  for (const [turn, seconds] of data.insertions) {
    summary += " " + seconds.toFixed(1) + " s of inserted audio before turn " + (turn + 1) + ".";
  }
  if (data.low.length) summary += " " + data.low.length + " turns with low confidence (marked).";
  document.getElementById("summary").textContent = summary;

  // Chapters.
  const chapterList = document.getElementById("chapters");
  const chapterItems = data.chapters.map((chapter) => {
    const item = el("li");
    const button = el("button");
    button.type = "button";
    button.dataset.start = chapter.start;
    button.append(el("span", "time", clock(chapter.start)), el("span", "title", chapter.title));
    button.addEventListener("click", () => seek(chapter.start));
    item.append(button);
    chapterList.append(item);
    return item;
  });

  // Transcript: one paragraph per turn, one span per cue, one span per word.
  const transcript = document.getElementById("transcript");
  const cues = [];  // [start, end, element]
  data.turns.forEach((turn, index) => {
    const article = el("article", "turn");
    article.id = "turn-" + (index + 1);
    const header = el("header");
    const time = el("button", "time", clock(turn.start));
    time.type = "button";
    time.addEventListener("click", () => seek(turn.start));
    header.append(el("span", "speaker", turn.speaker), time);
    if (turn.confidence < data.lowBelow) {
      article.classList.add("low-turn");
      header.append(el("span", "confidence",
        "alignment confidence " + Math.round(turn.confidence * 100) + "% (" + turn.method + ")"));
    }
    const paragraph = el("p");
    for (const [start, end, cueWords] of turn.cues) {
      const span = el("span", "cue");
      span.tabIndex = 0;
      span.dataset.start = start;
      for (const [word, at] of cueWords) {
        const w = el("span", "w", word);
        w.dataset.t = at;
        span.append(w, " ");
      }
      span.addEventListener("click", (event) => {
        const target = event.target.closest(".w");
        seek(target ? Number(target.dataset.t) : start);
      });
      span.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); seek(start); }
      });
      paragraph.append(span);
      cues.push([start, end, span]);
    }
    article.append(header, paragraph);
    transcript.append(article);
  });

  // Timeline: loudness, chapter marks, low-confidence stretches.
  for (const [start, end] of data.low) {
    const low = el("div", "low");
    low.style.left = (100 * start / duration) + "%";
    low.style.width = Math.max(0.2, 100 * (end - start) / duration) + "%";
    marks.append(low);
  }
  for (const chapter of data.chapters) {
    const mark = el("div", "mark");
    mark.style.left = (100 * chapter.start / duration) + "%";
    mark.title = chapter.title;
    marks.append(mark);
  }
  function drawLoudness() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(strip.clientWidth * ratio));
    const height = Math.max(1, Math.round(strip.clientHeight * ratio));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue("--muted");
    const peaks = data.peaks;
    for (let x = 0; x < width; x++) {
      const from = Math.floor(x * peaks.length / width);
      const to = Math.max(from + 1, Math.floor((x + 1) * peaks.length / width));
      let peak = 0;
      for (let i = from; i < to && i < peaks.length; i++) peak = Math.max(peak, peaks[i]);
      const bar = Math.max(1, peak * height);
      context.fillRect(x, (height - bar) / 2, 1, bar);
    }
  }
  drawLoudness();
  window.addEventListener("resize", drawLoudness);
  strip.setAttribute("aria-valuemax", String(Math.round(duration)));
  strip.addEventListener("click", (event) => {
    const box = strip.getBoundingClientRect();
    seek(duration * (event.clientX - box.left) / box.width);
  });
  strip.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      seek(audio.currentTime + (event.key === "ArrowLeft" ? -5 : 5));
    }
  });

  // What is playing now.
  function lastAtOrBefore(starts, t) {
    let low = 0, high = starts.length - 1, found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= t) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found;
  }
  const cueStarts = cues.map((c) => c[0]);
  const chapterStarts = data.chapters.map((c) => c.start);
  let currentCue = -1, currentChapter = -1;
  function update() {
    const t = audio.currentTime;
    playhead.style.left = (100 * Math.min(t, duration) / duration) + "%";
    strip.setAttribute("aria-valuenow", String(Math.round(t)));
    strip.setAttribute("aria-valuetext", clock(t));
    let cue = lastAtOrBefore(cueStarts, t);
    if (cue >= 0 && t > cues[cue][1]) cue = -1;
    if (cue !== currentCue) {
      if (currentCue >= 0) cues[currentCue][2].classList.remove("now");
      currentCue = cue;
      if (cue >= 0) {
        const span = cues[cue][2];
        span.classList.add("now");
        const box = span.getBoundingClientRect();
        const top = document.querySelector(".top");
        const covered = top && getComputedStyle(top).position === "sticky" ? top.offsetHeight : 0;
        if (box.top < covered || box.bottom > window.innerHeight) {
          span.scrollIntoView({ block: "center", behavior: audio.paused ? "auto" : "smooth" });
        }
      }
    }
    const chapter = lastAtOrBefore(chapterStarts, t);
    if (chapter !== currentChapter) {
      if (currentChapter >= 0) {
        chapterItems[currentChapter].classList.remove("current");
        chapterItems[currentChapter].querySelector("button").removeAttribute("aria-current");
      }
      currentChapter = chapter;
      if (chapter >= 0) {
        chapterItems[chapter].classList.add("current");
        chapterItems[chapter].querySelector("button").setAttribute("aria-current", "true");
      }
    }
  }
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  audio.addEventListener("seeking", update);

  // The subtitle track's active cue, shown as a caption (audio elements show none).
  const track = document.getElementById("track").track;
  track.mode = "hidden";
  const caption = document.getElementById("caption");
  track.addEventListener("cuechange", () => {
    const active = track.activeCues;
    caption.textContent = active && active.length ? active[0].text.replace(/<[^>]*>/g, "") : "";
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest && target.closest("button, audio, input, .strip, .cue")) return;
    if (event.key === " ") {
      event.preventDefault();
      if (audio.paused) audio.play().catch(() => {}); else audio.pause();
    } else if (event.key === "]" || event.key === "[") {
      const next = currentChapter + (event.key === "]" ? 1 : -1);
      if (next >= 0 && next < data.chapters.length) seek(data.chapters[next].start);
    }
  });
  update();
})();
