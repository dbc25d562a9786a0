// Graph view on entity pages: cytoscape with the fcose layout. Shows the page
// and its direct relations (/<type>/<key>/graph.json); "Show one more hop"
// (or double-clicking a node) adds that node's relations. A click on a node
// opens its page; the list under the canvas has the same links for keyboard
// and screen-reader users.
(function () {
  "use strict";
  const box = document.getElementById("graph-view");
  if (!box || !window.cytoscape) return;
  if (window.cytoscapeFcose) cytoscape.use(cytoscapeFcose);
  const status = document.getElementById("graph-status");
  const list = document.getElementById("graph-links");
  const COLORS = { Person: "#3366cc", Team: "#14866d", Department: "#ac6600", System: "#6b4ba1", Process: "#b32424", Topic: "#54595d" };
  const expanded = new Set();
  let cy = null;

  async function fetchGraph(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  }

  function addData(data) {
    const els = [];
    for (const n of data.nodes) if (!cy.getElementById(n.id).length) els.push({ group: "nodes", data: n });
    for (const e of data.edges) if (!cy.getElementById(e.id).length) els.push({ group: "edges", data: e });
    cy.add(els);
    renderList();
    cy.layout({ name: window.cytoscapeFcose ? "fcose" : "cose", animate: false, randomize: false, nodeRepulsion: 6000 }).run();
  }

  function renderList() {
    list.replaceChildren();
    cy.nodes().sort((a, b) => a.data("name").localeCompare(b.data("name"))).forEach((n) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = n.data("url");
      a.textContent = n.data("name");
      li.append(a, document.createTextNode(` (${n.data("label")})`));
      list.append(li);
    });
  }

  async function expand(node) {
    if (expanded.has(node.id())) return;
    expanded.add(node.id());
    status.textContent = `Loading ${node.data("name")}'s relations…`;
    addData(await fetchGraph(node.data("url") + "/graph.json"));
    status.textContent = `${cy.nodes().length} pages shown.`;
  }

  fetchGraph(box.dataset.url).then((data) => {
    cy = cytoscape({
      container: box,
      elements: [],
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { label: "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          width: 18, height: 18, "background-color": (n) => COLORS[n.data("label")] || "#888" } },
        { selector: `node[id = "${data.centre}"]`, style: { width: 28, height: 28, "font-weight": "bold" } },
        { selector: "edge", style: { width: 1.2, "line-color": "#a2a9b1", "target-arrow-color": "#a2a9b1",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(rel)", "font-size": 8, color: "#54595d",
          "text-rotation": "autorotate" } },
      ],
    });
    expanded.add(data.centre);
    addData(data);
    cy.on("tap", "node", (evt) => { window.location.href = evt.target.data("url"); });
    cy.on("dbltap", "node", (evt) => expand(evt.target).catch(fail));
    document.getElementById("graph-more").addEventListener("click", () => {
      Promise.all(cy.nodes().map((n) => expand(n))).catch(fail);
    });
    status.textContent = `${cy.nodes().length} pages shown` + (data.total > data.shown ? ` (${data.shown} of ${data.total} relations).` : ".");
    box.dataset.ready = "1";
  }).catch(fail);

  function fail(err) { status.textContent = `Could not load the graph: ${err.message}`; }
})();
