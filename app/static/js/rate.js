// The counter's satisfaction tablet: paired once with its own key (kept in this tablet's
// storage, sent as X-Rate-Key). Every second it asks which visit the clerk has just finished
// at its counter; it shows the three faces, stores one tap, offers the full form (here, or a
// QR code for the citizen's phone), thanks, and goes back to idle (and to Thai) after 20 s.
"use strict";
(function () {
  const root = document.getElementById("tablet");
  const storeKey = root.dataset.store;
  const IDLE_MS = Number(root.dataset.idle) || 20000;
  const state = { visit: null, rated: new Set(), screen: null };
  let idleTimer = null;

  function show(name) {
    state.screen = name;
    document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== "screen-" + name; });
    window.scrollTo(0, 0);
    const screen = document.getElementById("screen-" + name);
    if (screen) screen.scrollTop = 0;
    clearTimeout(idleTimer);
    if (name === "thanks" || name === "done" || name === "form") idleTimer = setTimeout(idle, name === "form" ? 5 * IDLE_MS : IDLE_MS);
  }
  function idle() {
    state.visit = null;
    if (root.dataset.locale !== "th") { window.location.replace(window.location.pathname + "?lang=th"); return; }
    show("idle");
  }

  async function call(method, url, body) {
    try {
      const response = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", "X-Rate-Key": localStorage.getItem(storeKey) || "", "Accept-Language": root.dataset.locale },
        body: body ? JSON.stringify(body) : undefined,
        cache: "no-store",
      });
      const data = await response.json().catch(() => ({}));
      if (response.status === 401 || response.status === 403) { localStorage.removeItem(storeKey); }
      return { ok: response.ok, status: response.status, data };
    } catch (e) {
      return { ok: false, status: 0, data: { error: { message: root.dataset.msgOffline } } };
    }
  }

  async function poll() {
    if (!localStorage.getItem(storeKey)) return;
    if (state.screen !== "idle" && state.screen !== "faces") return;
    const answer = await call("GET", root.dataset.visit);
    if (!answer.ok) { if (answer.status === 401 || answer.status === 403) { show("pair"); } return; }
    const visit = answer.data.visit;
    if (visit && !state.rated.has(visit.id)) {
      if (!state.visit || state.visit.id !== visit.id || state.screen !== "faces") {
        state.visit = visit;
        document.getElementById("visit-number").textContent = visit.number;
        document.getElementById("visit-service").textContent = visit.service;
        show("faces");
      }
    } else if (state.screen === "faces") {
      state.visit = null;
      show("idle");
    }
  }

  async function tap(rating) {
    const visit = state.visit;
    if (!visit) return;
    const answer = await call("POST", root.dataset.tap, { visit: visit.id, rating });
    state.rated.add(visit.id);
    if (answer.ok || answer.status === 409) {
      document.getElementById("survey-qr").src = visit.survey_qr;
      document.getElementById("form-number").textContent = visit.number;
      show("thanks");
    } else {
      show("idle");
    }
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (state.screen === "form") { clearTimeout(idleTimer); idleTimer = setTimeout(idle, 5 * IDLE_MS); }
    if (target.dataset.rating) { tap(target.dataset.rating); return; }
    if (target.id === "full-here") { document.getElementById("full-form").reset(); document.getElementById("form-error").hidden = true; show("form"); return; }
    if (target.id === "thanks-done" || target.id === "form-cancel") { idle(); }
  });

  document.getElementById("full-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const answers = {};
    form.querySelectorAll("input[type=radio]:checked").forEach((input) => { answers[input.name] = input.value; });
    const body = { visit: state.visit ? state.visit.id : null, answers, suggestion: form.suggestion.value };
    const answer = await call("POST", root.dataset.survey, body);
    if (answer.ok || answer.status === 409) { show("done"); return; }
    const error = document.getElementById("form-error");
    error.textContent = answer.data.error ? answer.data.error.message : root.dataset.msgOffline;
    error.hidden = false;
  });

  document.getElementById("pair-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    localStorage.setItem(storeKey, document.getElementById("pair-key").value.trim());
    const answer = await call("GET", root.dataset.visit);
    if (answer.ok) { show("idle"); return; }
    const error = document.getElementById("pair-error");
    error.textContent = answer.data.error ? answer.data.error.message : root.dataset.msgOffline;
    error.hidden = false;
  });

  setInterval(poll, 1000);
  show(localStorage.getItem(storeKey) ? "idle" : "pair");
  poll();
})();
