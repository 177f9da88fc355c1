// The offline queue's loader (issue 23 item 1). Signed in, it registers the service
// worker; the queue's own code (offline.js) is loaded only where it can work: on a page
// the worker already controls (from the second page on, served from the phone, no
// download), when the connection drops, and on the sign-in page after a session (to
// wipe what the phone kept). A first visit on a slow link downloads none of it: the
// Khmer inbox keeps to its first-load budget. A file: the CSP runs no inline script.
// Also: an inbox row says it is busy while its step is in flight (htmx adds
// htmx-request; screen readers hear aria-busy) — here, to spare a download.
"use strict";
document.addEventListener("htmx:beforeRequest", (e) => e.detail.target.setAttribute("aria-busy", "true"));
document.addEventListener("htmx:afterRequest", (e) => e.detail.target.removeAttribute("aria-busy"));
(() => {
  const box = document.getElementById("offline");
  if (!box || !("serviceWorker" in navigator)) return;
  const d = box.dataset;
  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    const script = document.createElement("script");
    script.src = `${d.base}/static/web/offline.js?v=${d.version}`;
    document.head.append(script);
  };
  if (navigator.serviceWorker.controller || !navigator.onLine) load();
  else if (d.user) {
    navigator.serviceWorker.register(`${d.base}/sw.js?v=${d.version}`, { scope: `${d.base}/` });
  }
  window.addEventListener("offline", load);
})();
