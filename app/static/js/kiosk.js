// The office kiosk: big steps on a touch screen, talking to the kiosk API with the key
// kept after a one-time pairing. Walk-in: service → phone (optional) → priority → ticket.
// "I booked": scan (camera or a USB scanner typing the code) or number + last 4 digits,
// typed on the screen's own keys (the number's letter too: W, M, A… as the office set them).
// Left alone, the kiosk goes back to its start screen, in Thai.
"use strict";
(function () {
  const root = document.getElementById("kiosk");
  const office = root.dataset.office;
  const storeKey = "khiw-kiosk-key:" + office;
  const msg = (name) => root.dataset["msg" + name];
  const state = { service: null, phone: "", token: null, priority: "" };
  const IDLE_MS = 60000;
  let idleTimer = null;
  let current = null;

  // Idle: back to the start, and to Thai when someone switched to English and walked away.
  function idle() {
    if (root.dataset.locale !== "th") { window.location.replace(window.location.pathname + "?lang=th"); return; }
    if (current !== "home" && current !== "pair") show("home");
  }
  function wake(ms) {
    clearTimeout(idleTimer);
    if (current !== "pair" && (current !== "home" || root.dataset.locale !== "th")) idleTimer = setTimeout(idle, ms || IDLE_MS);
  }

  function show(name, idleMs) {
    current = name;
    document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== "screen-" + name; });
    window.scrollTo(0, 0); // each screen opens at its top
    wake(idleMs);
    if (name === "checkin") startScanning();
    else stopCamera();
  }

  async function call(url, body) {
    const key = localStorage.getItem(storeKey);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Kiosk-Key": key || "", "Accept-Language": root.dataset.locale },
        body: JSON.stringify(body),
      });
    } catch (e) {
      return { ok: false, error: { message: msg("Offline") } };
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) { localStorage.removeItem(storeKey); }
    return { ok: response.ok, status: response.status, data, error: data.error };
  }

  // offer: "walk_in" (check-in too late), "check_in" (this phone already has a booking today).
  function result(number, message, offer) {
    document.getElementById("result-number").textContent = number || "";
    document.getElementById("result-number").hidden = !number;
    document.getElementById("result-message").textContent = message;
    document.getElementById("offer-walk-in").hidden = offer !== "walk_in";
    document.getElementById("offer-check-in").hidden = offer !== "check_in";
    document.getElementById("offer-no-phone").hidden = offer !== "check_in";
    show("result", 15000);
  }

  function printHtmlTicket(token) {
    // No ticket printer on the server: print the 80 mm page (Chromium --kiosk-printing prints silently).
    const frame = document.createElement("iframe");
    frame.className = "print-frame";
    frame.title = "ticket";
    frame.src = root.dataset.ticketBase + encodeURIComponent(token) + "/print";
    frame.addEventListener("load", () => { try { frame.contentWindow.print(); } catch (e) { /* shown on screen anyway */ } });
    document.body.appendChild(frame);
    setTimeout(() => frame.remove(), 60000);
  }

  function priorityLabel(value) {
    const button = value ? document.querySelector('#screen-priority [data-priority="' + value + '"]') : null;
    return button ? button.textContent.trim() : "";
  }

  function showTicket(data) {
    state.token = data.token;
    document.getElementById("ticket-number").textContent = data.number;
    const group = document.getElementById("ticket-priority");
    group.textContent = priorityLabel(data.priority);
    group.hidden = !group.textContent;
    document.getElementById("ticket-ahead").textContent = msg("Ahead") + " " + (data.people_ahead ?? 0);
    const printer = document.getElementById("ticket-printer");
    const reprint = document.getElementById("reprint");
    if (data.printer_fault) {
      printer.textContent = msg("Printer").replace("REASON", data.printer_fault);
      printer.classList.add("fault");
      reprint.hidden = false;
    } else {
      printer.textContent = msg("Printed");
      printer.classList.remove("fault");
      reprint.hidden = true; // printed, or printing from this page: no second ticket
      if (!data.printed) printHtmlTicket(data.token);
    }
    document.getElementById("ticket-image").src = root.dataset.ticketBase + encodeURIComponent(data.token) + ".png";
    show("ticket", 20000);
  }

  async function issue(priority, withPhone) {
    state.priority = priority || "";
    const body = { service: state.service };
    if (state.phone && withPhone !== false) body.phone = state.phone;
    if (priority) body.priority = priority;
    const answer = await call(root.dataset.api, body);
    if (answer.ok) showTicket(answer.data);
    else result("", answer.error ? answer.error.message : msg("Offline"), answer.error && answer.error.offer);
  }

  async function checkIn(body) {
    const answer = await call(root.dataset.checkin, body);
    if (answer.ok) {
      const early = answer.data.status === "checked_in";
      result(answer.data.number, early ? msg("Early") : msg("CheckedIn") + " " + msg("Ahead") + " " + (answer.data.people_ahead ?? 0), null);
    } else {
      result("", answer.error ? answer.error.message : msg("Offline"), answer.error && answer.error.offer);
    }
  }

  // A scanned code is the token, or the whole status-page address ending in /b/<token>.
  function tokenOf(scanned) {
    const text = scanned.trim();
    const at = text.lastIndexOf("/b/");
    return at >= 0 ? text.slice(at + 3).split(/[?#]/)[0] : text;
  }

  let stream = null;
  async function startScanning() {
    const input = document.getElementById("scan-input");
    input.value = "";
    document.getElementById("number-form").reset();
    setField("booking-number");
    input.focus({ preventScroll: true });
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } });
      const video = document.getElementById("camera");
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const tick = async () => {
        if (!stream) return;
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) { const token = tokenOf(codes[0].rawValue); stopCamera(); checkIn({ token }); return; }
        setTimeout(tick, 300);
      };
      tick();
    } catch (e) { stopCamera(); }
  }
  function stopCamera() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    const video = document.getElementById("camera");
    if (video) video.hidden = true;
  }

  function renderPhone() {
    document.getElementById("phone-display").textContent = state.phone || "—";
  }

  // The check-in keys type into the field last touched (the number first, then the 4 digits).
  let field = "booking-number";
  function setField(id) {
    field = id;
    ["booking-number", "last4"].forEach((f) => document.getElementById(f).classList.toggle("active", f === id));
  }
  ["booking-number", "last4"].forEach((id) => document.getElementById(id).addEventListener("focus", () => setField(id)));
  function typeKey(target) {
    const number = document.getElementById("booking-number");
    const last4 = document.getElementById("last4");
    if (target.dataset.prefix) { number.value = target.dataset.prefix + number.value.replace(/^[A-Za-z]+/, ""); setField("booking-number"); return; }
    const input = document.getElementById(field);
    const key = target.dataset.digit;
    if (key === "⌫") { input.value = input.value.slice(0, -1); if (field === "last4" && !input.value) setField("booking-number"); return; }
    if (field === "last4") { if (last4.value.length < 4) last4.value += key; return; }
    if (number.value.length < 8) number.value += key;
  }

  document.addEventListener("pointerdown", () => wake());
  document.addEventListener("keydown", () => wake());
  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.go) { show(target.dataset.go); return; }
    if (target.dataset.service !== undefined) { state.service = target.dataset.service; state.phone = ""; renderPhone(); show("phone"); return; }
    if (target.dataset.prefix || target.dataset.digit) { typeKey(target); return; }
    if (target.dataset.key) {
      const key = target.dataset.key;
      if (key === "⌫") state.phone = state.phone.slice(0, -1);
      else if (key === "✓") { show("priority"); return; }
      else if (state.phone.length < 10) state.phone += key;
      renderPhone();
      return;
    }
    if (target.dataset.priority !== undefined) { issue(target.dataset.priority); return; }
    if (target.id === "skip-phone") { state.phone = ""; show("priority"); return; }
    if (target.id === "offer-no-phone") { state.phone = ""; renderPhone(); issue(state.priority, false); return; }
    if (target.id === "reprint" && state.token) {
      call(root.dataset.api + "/" + encodeURIComponent(state.token) + "/reprint", {}).then((a) => { if (a.ok) showTicket(a.data); });
    }
  });

  document.getElementById("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = tokenOf(document.getElementById("scan-input").value);
    if (token) checkIn({ token });
  });
  document.getElementById("number-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    checkIn({ number: form.number.value.trim().toUpperCase(), last4: form.last4.value.trim() });
    form.reset();
  });
  document.getElementById("pair-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(storeKey, document.getElementById("pair-key").value.trim());
    show("home");
  });

  show(localStorage.getItem(storeKey) ? "home" : "pair");
})();
