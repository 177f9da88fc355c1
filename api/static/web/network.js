/* Draws the coordinator's network with Cytoscape.js from the page's JSON endpoint.
   Without JavaScript (or if this fails) the table below the graph is the whole page. */
(function () {
  "use strict";
  var COLOURS = { ok: "#1a7f37", soon: "#d4a106", late: "#c4122f", none: "#8c959f" };

  function draw(box, data) {
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ data: { id: n.id, label: n.label, kind: n.kind }, classes: n.active ? "" : "inactive" });
    });
    data.edges.forEach(function (e) {
      elements.push({
        data: { id: e.id, source: e.source, target: e.target, band: e.band,
                colour: COLOURS[e.band] || COLOURS.none,
                label: e.median || "" },
        classes: e.pathway ? "" : "unplanned"
      });
    });
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
            "background-color": "#0b5cad", "label": "data(label)", "font-size": 9,
            "text-wrap": "ellipsis", "text-max-width": 90, "width": 14, "height": 14,
            "color": "#1b1f24", "text-valign": "bottom", "text-margin-y": 2,
            "font-family": "Noto Sans Khmer, system-ui, sans-serif" } },
        { selector: "node.inactive", style: { "background-color": "#8c959f" } },
        { selector: "edge", style: {
            "line-color": "data(colour)", "target-arrow-color": "data(colour)",
            "target-arrow-shape": "triangle", "curve-style": "bezier", "width": 2,
            "label": "data(label)", "font-size": 8, "text-background-color": "#fff",
            "text-background-opacity": 0.8 } },
        { selector: "edge.unplanned", style: { "line-style": "dashed" } }
      ],
      layout: { name: data.nodes.length > 150 ? "concentric" : "cose", animate: false, padding: 12 }
    });
    window.rgNetwork = cy;
    box.setAttribute("data-nodes", String(cy.nodes().length));
    box.setAttribute("data-edges", String(cy.edges().length));
    box.setAttribute("data-ready", "1");
    var list = document.getElementById("edges-list");
    if (list) { list.open = false; }  // the graph shows it; the table stays a tap away
  }

  function start() {
    var box = document.getElementById("network-graph");
    if (!box || !window.cytoscape || !window.fetch) { return; }
    box.hidden = false;
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) { draw(box, data); })
      .catch(function () { box.hidden = true; box.setAttribute("data-ready", "failed"); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
