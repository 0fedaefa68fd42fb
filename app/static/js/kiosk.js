// The office kiosk: big steps on a touch screen, talking to the kiosk API with the key
// kept after a one-time pairing. Walk-in: service → phone (optional) → priority → ticket.
// "I booked": scan (camera or a USB scanner typing the code) or number + last 4 digits.
"use strict";
(function () {
  const root = document.getElementById("kiosk");
  const office = root.dataset.office;
  const storeKey = "khiw-kiosk-key:" + office;
  const msg = (name) => root.dataset["msg" + name];
  const state = { service: null, phone: "", token: null };
  let idleTimer = null;

  function show(name) {
    document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== "screen-" + name; });
    clearTimeout(idleTimer);
    if (name !== "home" && name !== "pair") idleTimer = setTimeout(() => show("home"), 60000);
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

  function result(number, message, offerWalkIn) {
    document.getElementById("result-number").textContent = number || "";
    document.getElementById("result-message").textContent = message;
    document.getElementById("offer-walk-in").hidden = !offerWalkIn;
    show("result");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => show("home"), 15000);
  }

  function printHtmlTicket(token) {
    // No ticket printer on the server: print the 80 mm page (Chromium --kiosk-printing prints silently).
    const frame = document.createElement("iframe");
    frame.className = "print-frame";
    frame.src = root.dataset.ticketBase + encodeURIComponent(token) + "/print";
    frame.addEventListener("load", () => { try { frame.contentWindow.print(); } catch (e) { /* shown on screen anyway */ } });
    document.body.appendChild(frame);
    setTimeout(() => frame.remove(), 60000);
  }

  function showTicket(data) {
    state.token = data.token;
    document.getElementById("ticket-number").textContent = data.number;
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
      reprint.hidden = !!data.printed;
      if (!data.printed) printHtmlTicket(data.token);
    }
    document.getElementById("ticket-image").src = root.dataset.ticketBase + encodeURIComponent(data.token) + ".png";
    show("ticket");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => show("home"), 20000);
  }

  async function issue(priority) {
    const body = { service: state.service };
    if (state.phone) body.phone = state.phone;
    if (priority) body.priority = priority;
    const answer = await call(root.dataset.api, body);
    if (answer.ok) showTicket(answer.data);
    else result("", answer.error ? answer.error.message : msg("Offline"), false);
  }

  async function checkIn(body) {
    const answer = await call(root.dataset.checkin, body);
    if (answer.ok) {
      const early = answer.data.status === "checked_in";
      result(answer.data.number, early ? msg("Early") : msg("CheckedIn") + " " + msg("Ahead") + " " + (answer.data.people_ahead ?? 0), false);
    } else {
      const offer = answer.error && answer.error.offer === "walk_in";
      result("", answer.error ? answer.error.message : msg("Offline"), offer);
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
    input.focus();
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

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.go) { show(target.dataset.go); return; }
    if (target.dataset.service !== undefined) { state.service = target.dataset.service; state.phone = ""; renderPhone(); show("phone"); return; }
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
