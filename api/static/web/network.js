/* The network picture: draws the links of the table of links as lines between the
   providers' dots, over the boxes of districts and communes, and opens a provider's or a
   link's details in a panel beside it. Without JavaScript the boxes, the table and the
   details pages are the whole picture. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function centre(node, box) {
    var d = (node.querySelector(".dot") || node).getBoundingClientRect();
    return { x: d.left + d.width / 2 - box.left, y: d.top + d.height / 2 - box.top };
  }
  function draw(pic, rows) {
    var old = pic.querySelector("svg.links");
    if (old) { old.remove(); }
    var box = pic.getBoundingClientRect();
    var svg = el("svg", { "class": "links", width: pic.scrollWidth, height: pic.scrollHeight, "aria-hidden": "true", focusable: "false" });
    var defs = el("defs", {});
    ["ok", "soon", "late", "none"].forEach(function (b) {
      var m = el("marker", { id: "a-" + b, viewBox: "0 0 8 8", refX: "7", refY: "4", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" });
      m.appendChild(el("path", { d: "M0,0 L8,4 L0,8 z", "class": "m-" + b }));
      defs.appendChild(m);
    });
    svg.appendChild(defs);
    var drawn = 0;
    rows.forEach(function (row) {
      var a = document.getElementById("n-" + row.dataset.source);
      var b = document.getElementById("n-" + row.dataset.target);
      if (!a || !b) { return; }
      var p = centre(a, box), q = centre(b, box);
      var dx = q.x - p.x, dy = q.y - p.y;
      var bow = Math.abs(dx) < 40 ? -Math.min(120, 20 + Math.abs(dy) / 4) : 0;
      bow = Math.max(bow, 12 - Math.min(p.x, q.x));  // never out of the picture's left edge
      var d = "M" + p.x + "," + p.y + " C" + (p.x + bow) + "," + (p.y + dy / 3) + " " + (q.x + bow) + "," + (q.y - dy / 3) + " " + q.x + "," + q.y;
      var band = row.dataset.band || "none";
      var cls = "l l-" + band + (row.dataset.slow ? " l-slow" : "") + (row.dataset.unplanned ? " l-unplanned" : "");
      var link = el("a", { href: row.querySelector("a").getAttribute("href"), tabindex: "-1", "class": "edge", "data-source": row.dataset.source, "data-target": row.dataset.target });
      link.appendChild(el("path", { d: d, "class": cls, "marker-end": "url(#a-" + band + ")" }));
      link.appendChild(el("path", { d: d, "class": "hit" }));
      if (row.dataset.slow) {
        var mx = (p.x + q.x) / 2 + bow * 0.75, my = (p.y + q.y) / 2;
        link.appendChild(el("circle", { cx: mx, cy: my, r: 8, "class": "slow-dot" }));
        var t = el("text", { x: mx, y: my + 4, "class": "slow-text", "text-anchor": "middle" });
        t.textContent = "!";
        link.appendChild(t);
      }
      svg.appendChild(link);
      drawn += 1;
    });
    pic.insertBefore(svg, pic.firstChild);
    pic.setAttribute("data-edges", String(drawn));
    pic.setAttribute("data-nodes", String(pic.querySelectorAll("a.node").length));
    pic.setAttribute("data-ready", "1");
  }
  function focusOn(pic, id) {
    pic.classList.toggle("focused", !!id);
    pic.querySelectorAll("a.edge").forEach(function (e) {
      e.classList.toggle("on", !!id && (e.dataset.source === id || e.dataset.target === id));
    });
  }
  function open(pic, panel, href, id) {
    var url = href + (href.indexOf("?") < 0 ? "?" : "&") + "panel=1";
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (html) {
        panel.innerHTML = html;
        var close = document.createElement("button");
        close.type = "button";
        close.className = "btn secondary net-close";
        close.textContent = pic.dataset.close || "×";
        close.addEventListener("click", function () { panel.hidden = true; focusOn(pic, null); });
        panel.insertBefore(close, panel.firstChild);
        panel.hidden = false;
        focusOn(pic, id);
        panel.focus();
      })
      .catch(function () { window.location.href = href; });
  }
  function start() {
    var pic = document.getElementById("network-graph");
    var panel = document.getElementById("net-details");
    var table = document.querySelector("table.edges tbody");
    if (!pic || !table || !window.fetch) { return; }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-source]"));
    draw(pic, rows);
    var list = document.getElementById("edges-list");
    if (list) { list.open = false; }
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { draw(pic, rows); }, 150);
    });
    pic.addEventListener("click", function (ev) {
      var a = ev.target.closest ? ev.target.closest("a") : null;
      if (!a || !panel || ev.ctrlKey || ev.metaKey) { return; }
      ev.preventDefault();
      var href = a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href");
      open(pic, panel, href, a.dataset.id || null);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
