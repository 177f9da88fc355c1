// Offline first for field steps (issue 23 item 1). Signed in, it registers the service
// worker (sw.js keeps the pages) and, when the phone has no connection, keeps each
// step, relayed step or identification tapped in IndexedDB with an Idempotency-Key and
// the time of the tap, lists it as "waiting to send", and posts it when the connection
// returns (the `online` event, and on every page load). The server answers each in JSON
// (api/web/offline.py): sent; or refused / a conflict, which stays listed with what
// happened until dismissed. Signed out (or the session over), it wipes the pages kept,
// the queue and the worker. A file: the Content-Security-Policy runs no inline script.
"use strict";
(() => {
  const box = document.getElementById("offline");
  if (!box) return;
  const d = box.dataset;
  const base = d.base;
  const user = d.user;
  const DB = "rg-offline";
  const ITEMS = "queue";
  const QUEUED = /\/(referrals\/[^/]+\/(step|relay|earlier)|identify)$/;
  const note = document.getElementById("offline-note");
  const section = document.getElementById("offline-queue");
  const list = document.getElementById("offline-items");

  const digits = (s) => (d.lang === "km" ? s.replace(/[0-9]/g, (c) => "០១២៣៤៥៦៧៨៩"[c]) : s);
  const at = (iso) =>
    digits(
      new Intl.DateTimeFormat("en-GB", {
        day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: d.tz,
      }).format(new Date(iso)),
    );
  const fill = (text, when) => text.replace("{when}", at(when));

  // --- IndexedDB: one store of queued items, keyed by their Idempotency-Key ----------
  const open = () =>
    new Promise((ok, fail) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(ITEMS, { keyPath: "key" });
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
  const run = async (mode, work) => {
    const db = await open();
    return new Promise((ok, fail) => {
      const tx = db.transaction(ITEMS, mode);
      const req = work(tx.objectStore(ITEMS));
      tx.oncomplete = () => { db.close(); ok(req.result); };
      tx.onerror = () => { db.close(); fail(tx.error); };
    });
  };
  const all = () => run("readonly", (s) => s.getAll());
  const put = (item) => run("readwrite", (s) => s.put(item));
  const drop = (key) => run("readwrite", (s) => s.delete(key));

  // --- sign-out and a session's end: nothing stays on the phone ----------------------
  async function wipe() {
    if (navigator.serviceWorker) {
      for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
    }
    for (const name of await caches.keys()) await caches.delete(name);
    let lost = 0;
    const known = indexedDB.databases ? await indexedDB.databases() : [{ name: DB }];
    if (known.some((db) => db.name === DB)) {
      lost = (await all()).filter((i) => i.state === "waiting").length;
      await new Promise((ok) => {
        const req = indexedDB.deleteDatabase(DB);
        req.onsuccess = req.onerror = req.onblocked = ok;
      });
    }
    return lost;
  }

  if (!user) {
    // The sign-in page: signed out, or the session ended. Say so if steps were lost.
    wipe().then((lost) => {
      if (lost && !/[?&]out=1/.test(location.search)) {
        note.textContent = d.sessionEnded;
        box.hidden = false;
      }
    });
    return;
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(`${base}/sw.js?v=${d.version}`, { scope: `${base}/` });
  }
  document.addEventListener("submit", (e) => {
    if (e.target.matches("form.signout")) {
      e.preventDefault();
      wipe().finally(() => e.target.submit());
    }
  });

  // --- what the page shows ---------------------------------------------------------
  function show(items) {
    const mine = items.filter((i) => i.user === user);
    list.replaceChildren(
      ...mine.map((item) => {
        const li = document.createElement("li");
        li.className = "item " + (item.state === "waiting" ? "u-soon" : "u-overdue");
        li.dataset.queued = item.state;
        const what = document.createElement("p");
        what.className = "item-title";
        what.textContent = item.what;
        const state = document.createElement("p");
        state.className = "status";
        state.textContent =
          (item.state === "waiting" ? d.waiting : d.refused) + " · " + fill(d.tapped, item.tapped_at);
        li.append(what, state);
        if (item.message) {
          const why = document.createElement("p");
          why.className = "note error";
          why.dataset.why = item.state;
          why.textContent = item.message;
          li.append(why);
        }
        if (item.state !== "waiting") {
          const dismiss = document.createElement("button");
          dismiss.type = "button";
          dismiss.className = "btn secondary";
          dismiss.textContent = d.dismiss;
          dismiss.addEventListener("click", () => drop(item.key).then(refresh));
          li.append(dismiss);
        }
        return li;
      }),
    );
    section.hidden = mine.length === 0;
    const saved = document.documentElement.dataset.savedAt;
    note.textContent = saved ? fill(d.savedCopy, saved) : navigator.onLine ? "" : d.noConnection;
    note.hidden = !note.textContent;
    box.hidden = section.hidden && note.hidden;
    for (const item of mine) {
      const row = item.row && document.getElementById(item.row);
      if (!row || row.querySelector("[data-queued-note]")) continue;
      const mark = document.createElement("p");
      mark.className = "note warn";
      mark.dataset.queuedNote = item.state;
      mark.textContent = item.state === "waiting" ? d.waiting : d.refused;
      row.prepend(mark);
    }
  }
  const refresh = () => all().then(show);

  // --- a tap without a connection is kept -------------------------------------------
  const key = () =>
    crypto.randomUUID ? crypto.randomUUID() : [...crypto.getRandomValues(new Uint32Array(4))].join("-");
  document.addEventListener(
    "submit",
    (e) => {
      const form = e.target;
      const url = new URL(form.action, location.href);
      if (navigator.onLine || !QUEUED.test(url.pathname)) return;
      e.preventDefault();
      e.stopImmediatePropagation(); // htmx would try the network
      const tapped = new Date().toISOString();
      const fields = [...new FormData(form, e.submitter)].filter(([, v]) => typeof v === "string");
      if (url.pathname.endsWith("/step")) fields.push(["occurred_at", tapped]);
      const row = form.closest("li[id], section[id], [id^=hop-]");
      const title = row && row.querySelector(".item-title, h3, h2");
      const action = e.submitter ? e.submitter.textContent : "";
      const item = {
        key: key(), user, url: url.pathname, fields, tapped_at: tapped, state: "waiting",
        row: row ? row.id : "",
        what: [title ? title.textContent : document.title, action].map((s) => s.trim()).join(" · "),
      };
      form.closest("details")?.removeAttribute("open");
      put(item).then(refresh);
    },
    true,
  );

  // --- sent when the connection returns --------------------------------------------
  let sending = false;
  async function send() {
    if (sending || !navigator.onLine) return;
    sending = true;
    let sent = 0;
    try {
      for (const item of await all()) {
        if (item.user !== user || item.state !== "waiting") continue;
        const body = new URLSearchParams(item.fields);
        const token = document.querySelector("input[name=csrf]");
        if (token) body.set("csrf", token.value);
        let r;
        try {
          r = await fetch(item.url, {
            method: "POST", body, credentials: "same-origin", redirect: "manual",
            headers: { "Idempotency-Key": item.key, "X-Offline-Queue": "1" },
          });
        } catch (still) {
          break; // no connection yet: the next `online` event tries again
        }
        if (r.type === "opaqueredirect" || r.status === 401) {
          location.assign(`${base}/signin`); // the session ended: the sign-in page wipes
          return;
        }
        if (r.status >= 500 || r.status === 429) break;
        const answer = await r.json().catch(() => null);
        if (answer && answer.state === "sent") {
          await drop(item.key);
          sent += 1;
        } else {
          item.state = (answer && answer.state) || "refused";
          item.message = (answer && answer.message) || d.refused;
          await put(item);
        }
      }
    } finally {
      sending = false;
    }
    if (sent) location.reload(); // the page as it stands now; refusals stay listed
    else refresh();
  }

  addEventListener("online", send);
  addEventListener("offline", refresh);
  refresh().then(send);
})();
