// The counter console: keyboard shortcuts for each action, and the live part of the page
// fetched again every two seconds (it keeps the last good copy when the network drops).
"use strict";
(function () {
  const panel = document.getElementById("panel");
  if (!panel) return;
  let busy = false;

  async function refresh() {
    if (busy || document.activeElement && document.activeElement.tagName === "SELECT") return;
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

  document.addEventListener("submit", () => { busy = true; });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    const form = panel.querySelector('form[data-shortcut="' + event.key.toLowerCase() + '"]');
    if (form) { event.preventDefault(); busy = true; form.submit(); }
  });
})();
