"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const audio = document.getElementById("audio");
  const strip = document.getElementById("strip");
  const canvas = document.getElementById("loudness");
  const marks = document.getElementById("marks");
  const lows = document.getElementById("lows");
  const playhead = document.getElementById("playhead");
  const duration = data.duration || 1;
  const name = data.name || "episode";
  const problems = data.problems || [];
  const METHODS = { aligned: "aligned", retried: "aligned on a second try",
    interpolated: "some words placed by estimate", estimated: "times estimated" };

  function pad(n, width) { return String(n).padStart(width || 2, "0"); }
  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds + 1e-6));
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }
  function exact(seconds, comma) {  // HH:MM:SS.mmm (SRT: HH:MM:SS,mmm)
    const ms = Math.max(0, Math.round(seconds * 1000));
    return clock(ms / 1000) + (comma ? "," : ".") + pad(ms % 1000, 3);
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function tenth(seconds) { return Math.round(seconds * 10) / 10; }
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
  function button(className, text, label) {
    const node = el("button", className, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }
  function save(filename, text, type) {
    const link = el("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // Summary line.
  const words = data.turns.reduce((n, t) => n + t.cues.reduce((m, c) => m + c[2].length, 0), 0);
  let summary = plural(data.turns.length, "turn") + ", " + plural(words, "word") + ", " +
    plural(data.chapters.length, "chapter") + ", " + clock(duration) + ".";
  if (problems.length) summary += " " + plural(problems.length, "problem") + " to check (listed).";
  document.getElementById("summary").textContent = summary;

  // Transcript: one article per turn, one span per cue, one span per word.
  const transcript = document.getElementById("transcript");
  const cues = [];  // {start, end, span}
  const breaks = new Map(problems.filter((p) => p.kind === "insertion" || p.kind === "cut")
    .map((p) => [p.turn, p]));
  const offset = problems.find((p) => p.kind === "offset");
  if (offset) transcript.append(el("p", "note problem-note", offset.label));
  data.turns.forEach((turn, index) => {
    if (breaks.has(index + 1)) transcript.append(el("p", "note problem-note", breaks.get(index + 1).label));
    const article = el("article", "turn");
    article.id = "turn-" + (index + 1);
    const header = el("header");
    const time = button("time", clock(turn.start), "Play turn " + (index + 1) + " from " + clock(turn.start));
    time.addEventListener("click", () => seek(turn.start));
    header.append(el("span", "number", String(index + 1)), el("span", "speaker", turn.speaker), time);
    if (turn.confidence < data.lowBelow) {
      article.classList.add("low-turn");
      header.append(el("span", "confidence", "alignment confidence " +
        Math.round(turn.confidence * 100) + "% (" + (METHODS[turn.method] || turn.method) + ")"));
    }
    const paragraph = el("p");
    for (const [start, end, cueWords] of turn.cues) {
      const span = el("span", "cue");
      span.tabIndex = 0;
      span.dataset.start = start;
      for (const [word, at, mark] of cueWords) {
        const w = el("span", "w", word);
        w.dataset.t = at;
        if (mark === 1) { w.classList.add("missing"); w.title = "not found in the audio"; }
        if (mark === 2) { w.classList.add("unaligned"); w.title = "could not be aligned"; }
        if (mark === 3) {
          w.classList.add("doubtful");
          w.title = "aligned by a poorer fit than this speaker's others: check it";
        }
        span.append(w, " ");
      }
      const index = cues.length;
      span.addEventListener("click", (event) => {
        const target = event.target.closest(".w");
        select(index);
        seek(target ? Number(target.dataset.t) : cues[index].start);
      });
      span.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); select(index); seek(cues[index].start); }
      });
      paragraph.append(span);
      cues.push({ start: start, end: end, span: span });
    }
    article.append(header, paragraph);
    transcript.append(article);
  });

  // Timeline: loudness, low-confidence stretches, problems and chapter marks.
  for (const [start, end] of data.low) {
    const low = el("div", "low");
    low.style.left = (100 * start / duration) + "%";
    low.style.width = Math.max(0.2, 100 * (end - start) / duration) + "%";
    lows.append(low);
  }
  function drawLoudness() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(strip.clientWidth * ratio));
    const height = Math.max(1, Math.round(strip.clientHeight * ratio));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue("--wave");
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
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", drawLoudness);
  }
  strip.setAttribute("aria-valuemax", String(Math.round(duration)));
  function timeAt(clientX) {
    const box = strip.getBoundingClientRect();
    return Math.min(Math.max(0, duration * (clientX - box.left) / box.width), duration);
  }
  let justDragged = false;  // the click that ends a drag is not a seek
  strip.addEventListener("click", (event) => {
    if (justDragged) { justDragged = false; return; }
    seek(timeAt(event.clientX));
  });
  strip.addEventListener("keydown", (event) => {
    if (event.target !== strip) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      seek(audio.currentTime + (event.key === "ArrowLeft" ? -5 : 5));
    }
  });

  // Problems: listed, marked on the timeline, visited with N and P.
  const problemList = document.getElementById("problems");
  const problemStatus = document.getElementById("problem-status");
  const problemItems = problems.map((problem, index) => {
    const item = el("li", "problem-" + problem.kind);
    const go = button("seek", "", problem.label + ", at " + clock(problem.at));
    go.append(el("span", "time", clock(problem.at)), el("span", "title", problem.label));
    go.addEventListener("click", () => visit(index));
    item.append(go);
    problemList.append(item);
    const mark = button("problem-mark", "", "Problem: " + problem.label);
    mark.title = problem.label + " (" + clock(problem.at) + ")";
    mark.style.left = (100 * problem.at / duration) + "%";
    mark.tabIndex = -1;  // the list holds the same, in reading order
    mark.addEventListener("click", (event) => { event.stopPropagation(); visit(index); });
    marks.append(mark);
    return item;
  });
  if (!problems.length) {
    problemList.append(el("li", "none", "None: every turn aligned with confidence."));
    document.querySelector(".problem-bar").hidden = true;
  }
  let problemIndex = -1, problemTarget = -1;
  function visit(index) {
    if (index < 0 || index >= problems.length) return;
    if (problemIndex >= 0) problemItems[problemIndex].removeAttribute("aria-current");
    problemIndex = index;
    problemItems[index].setAttribute("aria-current", "true");
    problemStatus.textContent = "Problem " + (index + 1) + " of " + problems.length + ": " +
      problems[index].label;
    problemTarget = Math.max(0, problems[index].at - 1);
    seek(problemTarget);
    audio.play().catch(() => {});
  }
  function stepProblem(direction) {
    if (!problems.length) { problemStatus.textContent = "No problems to check."; return; }
    const t = audio.currentTime;
    let next;
    if (problemIndex >= 0 && Math.abs(t - problemTarget) < 0.3) {
      next = problemIndex + direction;
    } else if (direction > 0) {
      next = problems.findIndex((p) => Math.max(0, p.at - 1) > t + 0.01);
    } else {
      next = -1;
      problems.forEach((p, i) => { if (Math.max(0, p.at - 1) < t - 0.01) next = i; });
    }
    if (next < 0 || next >= problems.length) {
      problemStatus.textContent = direction > 0 ? "No more problems after this point."
        : "No problems before this point.";
      return;
    }
    visit(next);
  }
  document.getElementById("next-problem").addEventListener("click", () => stepProblem(1));
  document.getElementById("prev-problem").addEventListener("click", () => stepProblem(-1));

  // Chapters: listed and marked, and editable; every change can be undone.
  let chapters = data.chapters.map((c) => ({ title: c.title, start: c.start, url: c.url || "" }));
  const history = [];
  const undoButton = document.getElementById("undo");
  const chapterList = document.getElementById("chapters");
  let chapterItems = [], chapterMarks = [], chapterStarts = [];
  function remember(snapshot) {
    history.push(snapshot || JSON.stringify(chapters));
    undoButton.disabled = false;
  }
  function undo() {
    if (!history.length) return;
    chapters = JSON.parse(history.pop());
    undoButton.disabled = !history.length;
    renderChapters();
  }
  function renderChapters(focusIndex, focusClass) {
    chapters.sort((a, b) => a.start - b.start);
    chapterList.textContent = "";
    for (const mark of chapterMarks) mark.remove();
    chapterStarts = chapters.map((c) => c.start);
    chapterItems = chapters.map((chapter, index) => {
      const number = index + 1;
      const item = el("li");
      const row = el("div", "row");
      const go = button("seek time", clock(chapter.start), "Play chapter " + number + " from " + clock(chapter.start));
      go.title = exact(chapter.start);
      go.addEventListener("click", () => seek(chapter.start));
      const title = field("title", chapter.title, "Title of chapter " + number, () => {
        chapter.title = title.value;
        chapterMarks[index].title = markTitle(chapter);
        chapterMarks[index].setAttribute("aria-label", markLabel(chapter, number));
      });
      const now = button("small", "Now", "Move chapter " + number + " to the playback time");
      now.title = "Start this chapter at the playback time";
      now.addEventListener("click", () => {
        remember();
        chapter.start = tenth(audio.currentTime);
        renderChapters(chapters.indexOf(chapter), "seek");
      });
      const remove = button("small", "Delete", "Delete chapter " + number);
      remove.addEventListener("click", () => {
        remember();
        chapters.splice(index, 1);
        renderChapters(Math.min(index, chapters.length - 1), "seek");
      });
      row.append(go, title, now, remove);
      const url = field("url", chapter.url, "Link of chapter " + number,
        () => { chapter.url = url.value.trim(); });
      url.type = "url";
      url.placeholder = "Link (optional)";
      item.append(row, url);
      chapterList.append(item);
      return item;
    });
    chapterMarks = chapters.map((chapter, index) => chapterMark(chapter, index + 1));
    currentChapter = -2;
    update();
    if (focusIndex !== undefined && focusIndex >= 0 && chapterItems[focusIndex]) {
      chapterItems[focusIndex].querySelector("." + (focusClass || "title")).focus();
    }
  }
  // A chapter's text field: ``apply`` on every keystroke, one undo step per edit
  // (the chapters as they were when the field took the focus).
  function field(className, value, label, apply) {
    const input = el("input", className);
    input.value = value;
    input.setAttribute("aria-label", label);
    let before = null;
    input.addEventListener("focus", () => { before = JSON.stringify(chapters); });
    input.addEventListener("input", apply);
    input.addEventListener("change", () => {
      if (before) remember(before);
      before = JSON.stringify(chapters);
    });
    return input;
  }
  function markTitle(chapter) { return chapter.title + " (" + clock(chapter.start) + ")"; }
  function markLabel(chapter, number) {
    return "Chapter " + number + ": " + chapter.title + ", at " + clock(chapter.start) +
      "; arrow keys move it";
  }
  function chapterMark(chapter, number) {
    const mark = button("mark", "", markLabel(chapter, number));
    mark.title = markTitle(chapter);
    mark.style.left = (100 * chapter.start / duration) + "%";
    let drag = null;
    mark.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      mark.setPointerCapture(event.pointerId);
      drag = { x: event.clientX, moved: false, before: JSON.stringify(chapters) };
    });
    mark.addEventListener("pointermove", (event) => {
      if (!drag) return;
      if (Math.abs(event.clientX - drag.x) > 3) drag.moved = true;
      if (!drag.moved) return;
      chapter.start = tenth(timeAt(event.clientX));
      mark.style.left = (100 * chapter.start / duration) + "%";
      const time = chapterItems[number - 1].querySelector(".seek");
      time.textContent = clock(chapter.start);
    });
    mark.addEventListener("pointerup", () => {
      if (!drag) return;
      const moved = drag.moved;
      if (moved) {
        remember(drag.before);
        drag = null;
        justDragged = true;
        setTimeout(() => { justDragged = false; }, 0);
        renderChapters();
        const again = chapterMarks[chapters.indexOf(chapter)];
        if (again) again.focus();
      } else {
        drag = null;
      }
    });
    mark.addEventListener("click", (event) => {
      event.stopPropagation();
      if (justDragged) { justDragged = false; return; }
      seek(chapter.start);
    });
    mark.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      event.preventDefault();
      event.stopPropagation();
      remember();
      const step = (event.shiftKey ? 10 : 1) * (event.key === "ArrowLeft" ? -1 : 1);
      chapter.start = tenth(Math.min(Math.max(0, chapter.start + step), duration));
      renderChapters();
      chapterMarks[chapters.indexOf(chapter)].focus();
    });
    marks.append(mark);
    return mark;
  }
  undoButton.addEventListener("click", undo);
  document.getElementById("add-chapter").addEventListener("click", () => {
    remember();
    const added = { title: "New chapter", start: tenth(audio.currentTime), url: "" };
    chapters.push(added);
    renderChapters();
    const item = chapterItems[chapters.indexOf(added)];
    item.querySelector(".title").focus();
    item.querySelector(".title").select();
  });
  document.getElementById("save-chapters").addEventListener("click", () => {
    const list = chapters.map((c, i) => {
      const out = { startTime: c.start, title: c.title };
      if (c.url) out.url = c.url;
      const end = i + 1 < chapters.length ? chapters[i + 1].start : duration;
      out.endTime = Math.round(end * 1000) / 1000;
      return out;
    });
    // fileName says the times are this audio file's, not the transcript's: exporter
    // applies them as they are, even where the transcript's clock was moved.
    const fileName = decodeURIComponent(String(data.audio).split("/").pop());
    save(name + ".edited.chapters.json", JSON.stringify(
      { version: "1.2.0", fileName: fileName, chapters: list }, null, 2) + "\n", "application/json");
  });

  // Cues: the one shown can be edited, and the subtitles saved again.
  const track = document.getElementById("track").track;
  track.mode = "hidden";
  const caption = document.getElementById("caption");
  const editor = document.getElementById("cue-editor");
  const cueText = document.getElementById("cue-text");
  let selected = -1;
  function voiceOf(text) {
    const match = /^<v(?:\.[^ >]*)? ([^>]*)>/.exec(text);
    return match ? [match[0], match[1]] : ["", ""];
  }
  function plain(text) {
    return text.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&nbsp;/g, "\u00a0").replace(/&amp;/g, "&");
  }
  function trackCue(index) { return track.cues ? track.cues[index] : null; }
  function showCaption() {
    const active = track.activeCues;
    caption.textContent = active && active.length ? plain(active[0].text) : "";
  }
  track.addEventListener("cuechange", showCaption);
  function select(index) {
    selected = index;
    if (!editor.hidden) openEditor();
  }
  function openEditor() {
    if (selected < 0) selected = Math.max(0, currentCue);
    const cue = trackCue(selected);
    if (!cue) return;
    editor.hidden = false;
    cueText.value = plain(cue.text);
    document.getElementById("cue-start").textContent = exact(cue.startTime);
    document.getElementById("cue-end").textContent = exact(cue.endTime);
  }
  function applyText() {
    const cue = trackCue(selected);
    if (!cue) return;
    const text = cueText.value.replace(/\r/g, "").replace(/\n{2,}/g, "\n").trim();
    cue.text = voiceOf(cue.text)[0] +
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const span = cues[selected].span;
    span.textContent = "";
    for (const word of text.split(/\s+/).filter(Boolean)) span.append(el("span", "w", word), " ");
    span.classList.add("edited");
    showCaption();
  }
  cueText.addEventListener("input", applyText);
  editor.addEventListener("submit", (event) => event.preventDefault());
  editor.querySelectorAll("[data-edge]").forEach((nudge) => {
    nudge.addEventListener("click", () => {
      const cue = trackCue(selected);
      if (!cue) return;
      const by = Number(nudge.dataset.by);
      if (nudge.dataset.edge === "start") {
        cue.startTime = Math.min(Math.max(0, Math.round((cue.startTime + by) * 1000) / 1000), cue.endTime - 0.1);
        cues[selected].start = cue.startTime;
      } else {
        cue.endTime = Math.max(Math.round((cue.endTime + by) * 1000) / 1000, cue.startTime + 0.1);
        cues[selected].end = cue.endTime;
      }
      cues[selected].span.classList.add("edited");
      cueStarts[selected] = cues[selected].start;
      openEditor();
    });
  });
  document.getElementById("edit-cue").addEventListener("click", () => { selected = currentCue >= 0 ? currentCue : selected; openEditor(); cueText.focus(); });
  document.getElementById("close-cue").addEventListener("click", () => { editor.hidden = true; });
  function allCues() { return Array.from(track.cues || []); }
  document.getElementById("save-vtt").addEventListener("click", () => {
    const body = allCues().map((c) => exact(c.startTime) + " --> " + exact(c.endTime) + "\n" + c.text);
    save(name + ".edited.vtt", "WEBVTT\n\n" + body.join("\n\n") + "\n", "text/vtt");
  });
  document.getElementById("save-srt").addEventListener("click", () => {
    let speaker = "";
    const body = allCues().map((c, i) => {
      const voice = voiceOf(c.text)[1];
      const text = plain(c.text);
      const prefix = voice && voice !== speaker ? voice + ": " : "";
      if (voice) speaker = voice;
      return (i + 1) + "\n" + exact(c.startTime, true) + " --> " + exact(c.endTime, true) + "\n" + prefix + text;
    });
    save(name + ".edited.srt", body.join("\n\n") + "\n", "application/x-subrip");
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
  const cueStarts = cues.map((c) => c.start);
  let currentCue = -1, currentChapter = -1;
  function update() {
    const t = audio.currentTime;
    playhead.style.left = (100 * Math.min(t, duration) / duration) + "%";
    strip.setAttribute("aria-valuenow", String(Math.round(t)));
    strip.setAttribute("aria-valuetext", clock(t));
    let cue = lastAtOrBefore(cueStarts, t);
    if (cue >= 0 && t > cues[cue].end) cue = -1;
    if (cue !== currentCue) {
      if (currentCue >= 0) cues[currentCue].span.classList.remove("now");
      currentCue = cue;
      if (cue >= 0) {
        const span = cues[cue].span;
        span.classList.add("now");
        const box = span.getBoundingClientRect();
        const player = document.getElementById("player");
        const covered = getComputedStyle(player).position === "sticky" ? player.getBoundingClientRect().bottom : 0;
        if (box.top < covered || box.bottom > window.innerHeight) {
          span.scrollIntoView({ block: "center", behavior: audio.paused ? "auto" : "smooth" });
        }
      }
    }
    const chapter = lastAtOrBefore(chapterStarts, t);
    if (chapter !== currentChapter) {
      for (const item of chapterItems) {
        item.classList.remove("current");
        item.querySelector(".seek").removeAttribute("aria-current");
      }
      currentChapter = chapter;
      if (chapter >= 0 && chapterItems[chapter]) {
        chapterItems[chapter].classList.add("current");
        chapterItems[chapter].querySelector(".seek").setAttribute("aria-current", "true");
      }
    }
  }
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  audio.addEventListener("seeking", update);

  // Keys work wherever the focus is, except while typing in a field.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z" && !typing) {
      event.preventDefault();
      undo();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey || target.tagName === "AUDIO") return;
    if (event.key === " ") {
      event.preventDefault();
      if (audio.paused) audio.play().catch(() => {}); else audio.pause();
    } else if (event.key === "]" || event.key === "[") {
      const next = currentChapter + (event.key === "]" ? 1 : -1);
      if (next >= 0 && next < chapters.length) seek(chapters[next].start);
    } else if (event.key === "n" || event.key === "N") {
      stepProblem(1);
    } else if (event.key === "p" || event.key === "P") {
      stepProblem(-1);
    } else if (event.key === "e" || event.key === "E") {
      event.preventDefault();
      document.getElementById("edit-cue").click();
    }
  });
  // Space on a button would press it (seek again) instead of playing: not here.
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && event.target.tagName === "BUTTON") event.preventDefault();
  });
  renderChapters();
})();
