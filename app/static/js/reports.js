// The live office view: fetch the live part of the page again every five seconds and swap it in
// (the last good copy stays when the network drops; without script the page refreshes itself).
"use strict";
(function () {
  const live = document.getElementById("live");
  if (!live) return;
  async function refresh() {
    try {
      const response = await fetch(live.dataset.url, { headers: { "X-Requested-With": "fetch" }, cache: "no-store" });
      if (response.redirected || !response.ok) return;
      const html = await response.text();
      if (html !== live.innerHTML) live.innerHTML = html;
      document.body.classList.remove("offline");
    } catch (e) {
      document.body.classList.add("offline");
    }
  }
  setInterval(refresh, 5000);
})();
