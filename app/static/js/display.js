// The display board: poll the board API every second with If-None-Match (a 304 costs
// nothing), show who goes where, and announce each new call: a chime, then Thai, then
// English. Browsers block sound until someone taps once ("enable sound"). Where the
// browser has no Thai voice, Khiw's own Thai clips are played. Network drops are retried
// with a short back-off; the last board stays on screen meanwhile.
"use strict";
(function () {
  const root = document.getElementById("board");
  const url = root.dataset.url;
  let etag = null;
  let announced = null; // number+called_at already announced (none on the first load)
  let soundOn = localStorage.getItem("khiw-board-sound") === "on";
  let audio = null;
  const queue = [];
  let speaking = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(board) {
    const calling = document.getElementById("calling");
    calling.replaceChildren(...board.calling.map((call, i) => {
      const li = el("li", i === 0 ? "call latest" : "call");
      li.append(el("span", "number", call.number), el("span", "arrow", "→"),
        el("span", "counter", root.dataset.counterWord + " " + (call.counter ?? "")));
      return li;
    }));
    const recent = document.getElementById("recent");
    recent.replaceChildren(...board.recent.map((call) => el("li", "", call.number + " → " + (call.counter ?? ""))));
    for (const channel of ["walk_in", "web", "mobile"]) {
      document.getElementById("waiting-" + channel).textContent = board.waiting[channel];
    }
    const fresh = board.calling.filter((c) => announced !== null && !announced.has(c.number + c.called_at));
    if (announced === null) announced = new Set();
    board.calling.forEach((c) => announced.add(c.number + c.called_at));
    fresh.reverse().forEach((c) => { queue.push(c); });
    playNext();
  }

  // --- sound -------------------------------------------------------------------------
  function chime() {
    if (!audio) return Promise.resolve();
    const now = audio.currentTime;
    [880, 660].forEach((frequency, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.45);
      gain.gain.exponentialRampToValueAtTime(0.4, now + i * 0.45 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.45 + 0.4);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.45);
      osc.stop(now + i * 0.45 + 0.42);
    });
    return new Promise((resolve) => setTimeout(resolve, 1000));
  }

  function voice(lang) {
    const voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
    return voices.find((v) => v.lang && v.lang.toLowerCase().startsWith(lang));
  }

  function say(text, lang) {
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang === "th" ? "th-TH" : "en-US";
      utterance.voice = voice(lang);
      utterance.rate = 0.9;
      utterance.onend = resolve;
      utterance.onerror = resolve;
      speechSynthesis.speak(utterance);
      setTimeout(resolve, 8000); // never hang the queue
    });
  }

  function clip(name) {
    return new Promise((resolve) => {
      const src = root.dataset["clip" + name.split("-").map((p) => p[0].toUpperCase() + p.slice(1)).join("")];
      if (!src) { resolve(); return; }
      const player = new Audio(src);
      player.onended = resolve;
      player.onerror = resolve;
      player.play().catch(resolve);
    });
  }

  function spell(number) {
    return number.split("").map((ch) => (/[0-9]/.test(ch) ? ch : "letter-" + ch.toLowerCase()));
  }

  async function announce(call) {
    await chime();
    const spoken = call.number.split("").join(" ");
    if (voice("th")) {
      await say("เชิญหมายเลข " + spoken + " ที่ช่อง " + call.counter, "th");
    } else {
      await clip("invite");
      for (const part of spell(call.number)) await clip(part);
      await clip("counter");
      for (const part of String(call.counter ?? "").split("")) await clip(part);
    }
    if (voice("en") || window.speechSynthesis) await say("Number " + spoken + ", counter " + call.counter, "en");
  }

  async function playNext() {
    if (speaking || !soundOn || !audio) { if (!soundOn) queue.length = 0; return; }
    const call = queue.shift();
    if (!call) return;
    speaking = true;
    try { await announce(call); } finally { speaking = false; playNext(); }
  }

  function enableSound() {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
    soundOn = true;
    localStorage.setItem("khiw-board-sound", "on");
    document.getElementById("enable-sound").hidden = true;
    if (window.speechSynthesis) speechSynthesis.getVoices();
  }
  document.getElementById("enable-sound").addEventListener("click", enableSound);
  if (soundOn) {
    // A browser may allow sound after an earlier tap on this site; if not, keep the button.
    try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    if (audio && audio.state === "running") document.getElementById("enable-sound").hidden = true;
    else { soundOn = false; }
  }

  // --- polling -----------------------------------------------------------------------
  let failures = 0;
  async function poll() {
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, { headers, cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        render(await response.json());
      } else if (response.status !== 304) {
        throw new Error("HTTP " + response.status);
      }
      failures = 0;
      document.getElementById("connection").hidden = true;
    } catch (e) {
      failures += 1;
      document.getElementById("connection").hidden = failures < 3;
    }
    setTimeout(poll, failures ? Math.min(1000 * failures, 5000) : 1000);
  }

  function tick() {
    const now = new Date();
    document.getElementById("clock").textContent = now.toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "th-TH", { hour: "2-digit", minute: "2-digit" });
  }
  setInterval(tick, 10000);
  tick();
  poll();
})();
