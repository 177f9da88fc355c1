// The web app's service worker (issue 23 item 1), served as /app/sw.js?v=<assets' hash>.
// It keeps the app shell (styles, scripts, fonts, icon) and copies of the pages a
// signed-in person visited that they need in the field (inbox, work queue, case pages,
// the identify form), so those open without a connection. Pages are fetched from the
// network first; a copy is shown only when the network fails, marked with the time it
// was fetched (offline.js says so on the page). Copies expire after MAX_AGE_DAYS; sign
// out and a session's end wipe everything (offline.js, and Clear-Site-Data).
"use strict";

const MAX_AGE_DAYS = 7; // api/web/offline.py MAX_AGE_DAYS
const MAX_AGE_MS = MAX_AGE_DAYS * 24 * 3600 * 1000;
const VERSION = new URL(self.location.href).searchParams.get("v") || "0";
const BASE = new URL("./", self.location.href).pathname.replace(/\/$/, "");
const SHELL = "rg-shell-" + VERSION;
const PAGES = "rg-pages";
const SAVED_AT = "x-rg-saved-at";
// The pages kept: what a provider, a CCWC or a supervisor works from in the field.
const KEPT = new RegExp("^" + BASE + "/(inbox|queue|identify|cases/[A-Za-z0-9_-]+)$");
// Notes after a step (?done=…, ?err=…) are not part of what a page is.
const NOTES = ["done", "err", "step", "out"];

self.addEventListener("install", (event) => {
  const files = [
    "web/app.css",
    "vendor/htmx/htmx.min.js",
    "web/offline-boot.js",
    "web/offline.js",
  ];
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(files.map((f) => `${BASE}/static/${f}?v=${VERSION}`)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith("rg-shell-") && n !== SHELL).map((n) => caches.delete(n)),
        ),
      )
      .then(expire)
      .then(() => self.clients.claim()),
  );
});

function pageKey(url) {
  const u = new URL(url);
  NOTES.forEach((n) => u.searchParams.delete(n));
  u.searchParams.sort();
  u.hash = "";
  return u.href;
}

async function expire() {
  const cache = await caches.open(PAGES);
  for (const request of await cache.keys()) {
    const found = await cache.match(request);
    const at = Date.parse((found && found.headers.get(SAVED_AT)) || "");
    if (!(Date.now() - at < MAX_AGE_MS)) await cache.delete(request);
  }
}

async function keep(request, response) {
  const body = await response.clone().text();
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const cache = await caches.open(PAGES);
  await cache.put(pageKey(request.url), new Response(body, { status: 200, headers }));
}

async function saved(request) {
  const cache = await caches.open(PAGES);
  const found = await cache.match(pageKey(request.url));
  if (!found) return null;
  const at = found.headers.get(SAVED_AT) || "";
  if (!(Date.now() - Date.parse(at) < MAX_AGE_MS)) {
    await cache.delete(pageKey(request.url));
    return null;
  }
  // offline.js shows "the copy saved at …" from this mark.
  const html = (await found.text()).replace("<html ", `<html data-saved-at="${at}" `);
  return new Response(html, { headers: found.headers });
}

function unreachable() {
  const html =
    '<!doctype html><html lang="km"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<link rel="stylesheet" href="${BASE}/static/web/app.css?v=${VERSION}">` +
    "<title>referral-graph</title></head><body><main id=\"main\">" +
    '<h1 lang="en">No connection</h1><p lang="en">This page was not saved on this phone. ' +
    `<a href="${BASE}/inbox">Open your inbox</a> or your <a href="${BASE}/queue">queue</a>.</p>` +
    "<h1>គ្មានអ៊ីនធឺណិត</h1><p>ទំព័រនេះមិនត្រូវបានរក្សាទុកនៅលើទូរស័ព្ទនេះទេ។ " +
    `<a href="${BASE}/inbox">បើកប្រអប់សំបុត្រ</a></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "content-type": "text/html; charset=utf-8" } });
}

async function navigate(request, url) {
  try {
    const response = await fetch(request);
    if (url.pathname === BASE + "/signin") {
      await caches.delete(PAGES); // signed out, or the session ended: nothing of it stays
    } else if (response.status === 200 && KEPT.test(url.pathname)) {
      await keep(request, response);
    }
    return response;
  } catch (offline) {
    return (await saved(request)) || unreachable();
  }
}

async function shell(request) {
  const cache = await caches.open(SHELL);
  const found = await cache.match(request);
  if (found) return found;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(BASE + "/")) {
    event.respondWith(navigate(request, url));
  } else if (url.pathname.startsWith(BASE + "/static/")) {
    event.respondWith(shell(request));
  }
});
