/* Khiw citizen pages: the few things that need a script. Every page works without it:
   the status page refreshes itself (noscript meta refresh), and phone booking says it
   needs location. No inline scripts: the Content-Security-Policy forbids them. */
(function () {
  "use strict";

  function show(id) { var el = document.getElementById(id); if (el) { el.hidden = false; } }

  function geoError(prefix, error) {
    var name = error && error.code === 1 ? "denied" : error && error.code === 3 ? "timeout" : "unavailable";
    if (!document.getElementById(prefix + name)) { name = error && error.code === 1 ? "denied" : "failed"; }
    show(prefix + name);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  /* Home: nearest offices first, with the distance (the server measures). */
  var nearMe = document.getElementById("near-me");
  if (nearMe) {
    nearMe.hidden = false;
    nearMe.addEventListener("click", function () {
      if (!navigator.geolocation) { show("geo-msg-failed"); return; }
      nearMe.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var params = new URLSearchParams(window.location.search);
        params.set("lat", pos.coords.latitude.toFixed(6));
        params.set("lon", pos.coords.longitude.toFixed(6));
        window.location.search = params.toString();
      }, function (error) { nearMe.disabled = false; geoError("geo-msg-", error); },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  /* Phone booking: read the position and let the server decide (and decide again when booking). */
  var locate = document.getElementById("locate");
  if (locate) {
    locate.addEventListener("click", function () {
      ["denied", "unavailable", "timeout", "unsupported"].forEach(function (n) {
        var el = document.getElementById("geo-msg-" + n); if (el) { el.hidden = true; }
      });
      if (!navigator.geolocation) { show("geo-msg-unsupported"); return; }
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var params = new URLSearchParams();
        params.set("lat", pos.coords.latitude.toFixed(6));
        params.set("lon", pos.coords.longitude.toFixed(6));
        params.set("accuracy_m", Math.max(1, Math.round(pos.coords.accuracy)));
        window.location.assign(locate.getAttribute("data-url") + "?" + params.toString());
      }, function (error) { locate.disabled = false; geoError("geo-msg-", error); },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
  }

  /* Status page: people ahead and the estimate, from the API, asking with the last ETag so an
     unchanged booking costs a 304 with no body. A new status reloads the page. */
  var ticket = document.querySelector("[data-poll-url]");
  if (ticket && window.fetch) {
    var url = ticket.getAttribute("data-poll-url");
    var status = ticket.getAttribute("data-status");
    var etag = null;
    var note = document.getElementById("refresh-note");
    var poll = function () {
      if (document.hidden) { return; }
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (response) {
        if (response.status !== 200) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      }).then(function (booking) {
        if (!booking) { return; }
        if (booking.status !== status) { window.location.reload(); return; }
        var ahead = document.getElementById("people-ahead");
        var estimate = document.getElementById("estimate");
        if (ahead && booking.people_ahead !== null) { ahead.textContent = booking.people_ahead; }
        if (estimate && booking.estimated_call_at) { estimate.textContent = booking.estimated_call_at.slice(11, 16); }
      }).catch(function () { /* offline for a moment: try again next time */ });
    };
    if (note) { note.hidden = true; }
    /* Every 3 s: a call shows within 5 s (an unchanged booking costs a 304 with no body). */
    window.setInterval(poll, 3000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  }
})();
