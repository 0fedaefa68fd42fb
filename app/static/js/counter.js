// The counter console: keyboard shortcuts for each action, and the live part of the page
// fetched again every two seconds (it keeps the last good copy when the network drops).
// Shortcuts follow the key's place (event.code: KeyN…), so they work with the Thai layout
// too (Kedmanee: the N key types "ื"). A no-show needs a second press within 4 seconds.
"use strict";
(function () {
  const panel = document.getElementById("panel");
  if (!panel) return;
  let busy = false;
  let armed = null; // the no-show form waiting for its second press
  let disarmTimer = null;

  async function refresh() {
    if (busy || armed || (document.activeElement && document.activeElement.tagName === "SELECT")) return;
    try {
      const response = await fetch(panel.dataset.url, { headers: { "X-Requested-With": "fetch" }, cache: "no-store" });
      if (response.redirected || !response.ok) return;
      const html = await response.text();
      if (html !== panel.innerHTML) panel.innerHTML = html;
      document.body.classList.remove("offline");
    } catch (e) {
      document.body.classList.add("offline");
    }
  }
  setInterval(refresh, 2000);

  function disarm() {
    if (!armed) return;
    armed.classList.remove("armed");
    const hint = armed.querySelector(".confirm-hint");
    if (hint) hint.remove();
    armed = null;
  }

  // The first press arms the no-show (a hint says to press again); the second one sends it.
  function submitForm(form) {
    if (form.classList.contains("no-show")) {
      if (armed !== form && !form.querySelector('input[name="confirm"]')) {
        disarm();
        armed = form;
        form.classList.add("armed");
        const hint = document.createElement("span");
        hint.className = "confirm-hint";
        hint.setAttribute("role", "alert");
        hint.textContent = form.dataset.confirm;
        form.appendChild(hint);
        clearTimeout(disarmTimer);
        disarmTimer = setTimeout(disarm, 4000);
        return;
      }
      if (!form.querySelector('input[name="confirm"]')) {
        const confirm = document.createElement("input");
        confirm.type = "hidden";
        confirm.name = "confirm";
        confirm.value = "yes";
        form.appendChild(confirm);
      }
    }
    busy = true;
    form.submit();
  }

  panel.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.classList.contains("no-show")) { event.preventDefault(); submitForm(form); return; }
    busy = true;
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    const form = panel.querySelector('form[data-shortcut="' + event.code + '"]');
    if (form) { event.preventDefault(); submitForm(form); }
  });
  // The keys work from here on (the script is deferred, so the forms are on the page first).
  document.documentElement.dataset.keys = "ready";
})();
