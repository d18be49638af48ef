/* The partner network view (templates/network.html).
 * Input: the page's #network-data JSON ({start, hops, nodes: [{id, label, kind, country,
 * country_name, path, colour}], edges: [{source, target, project, title, hop}]}) and Cytoscape.
 * Output: the graph drawn in #network-canvas (its data-node-count / data-edge-count attributes
 * say what was drawn); clicking a node opens its page (node.path, /id/...);
 * window.atlasNetwork = {cy, nodes, edges} for tests. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var container = document.getElementById("network-canvas");
  var elements = data.nodes.map(function (n) {
    return {group: "nodes", data: {id: n.id, label: n.label, kind: n.kind, country: n.country,
      countryName: n.country_name, path: n.path || "", colour: n.colour || "#888",
      start: n.id === data.start ? "yes" : "no"}};
  }).concat(data.edges.map(function (e, i) {
    return {group: "edges", data: {id: "e" + i, source: e.source, target: e.target, title: e.title, hop: e.hop}};
  }));
  /* distance of each node from the start (breadth first), for the rings of the layout */
  var distance = {}, frontier = [data.start], neighbours = {};
  data.edges.forEach(function (e) {
    (neighbours[e.source] = neighbours[e.source] || []).push(e.target);
    (neighbours[e.target] = neighbours[e.target] || []).push(e.source);
  });
  distance[data.start] = 0;
  while (frontier.length) {
    var next = [];
    frontier.forEach(function (id) {
      (neighbours[id] || []).forEach(function (other) {
        if (!(other in distance)) { distance[other] = distance[id] + 1; next.push(other); }
      });
    });
    frontier = next;
  }
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    style: [
      {selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "font-size": 11, "color": "#1d2330",
        "text-wrap": "wrap", "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 4,
        "width": 22, "height": 22, "border-width": 1, "border-color": "#fff"}},
      {selector: "node[kind = 'foreign']", style: {"shape": "round-rectangle"}},
      {selector: "node[start = 'yes']", style: {"width": 34, "height": 34, "border-width": 3,
        "border-color": "#111", "font-weight": "bold"}},
      {selector: "edge", style: {"width": 2, "line-color": "#9aa5b8", "curve-style": "bezier", "opacity": 0.8}},
      {selector: "edge[hop > 1]", style: {"line-style": "dashed"}},
      {selector: "node:active, node:selected", style: {"overlay-opacity": 0.15}}
    ],
    layout: {name: "concentric", animate: false, padding: 30, minNodeSpacing: 45,
      startAngle: -Math.PI / 2, avoidOverlap: true,
      concentric: function (node) { return 10 - (distance[node.id()] || 0); },
      levelWidth: function () { return 1; }}
  });
  cy.on("tap", "node", function (event) {
    var path = event.target.data("path");
    if (path) { window.location.href = path; }
  });
  cy.on("mouseover", "node", function (event) {
    container.style.cursor = event.target.data("path") ? "pointer" : "default";
    container.title = event.target.data("label") + (event.target.data("countryName") ?
      " (" + event.target.data("countryName") + ")" : "");
  });
  cy.on("mouseout", "node", function () { container.style.cursor = "default"; container.title = ""; });
  cy.on("mouseover", "edge", function (event) { container.title = event.target.data("title"); });
  container.setAttribute("data-node-count", String(cy.nodes().length));
  container.setAttribute("data-edge-count", String(cy.edges().length));
  window.atlasNetwork = {cy: cy, nodes: cy.nodes().length, edges: cy.edges().length};
}());
