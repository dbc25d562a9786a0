// The org chart (/org): d3-org-chart over data loaded one level at a time.
// The chart starts with the top of the reporting tree; clicking a person
// fetches their direct reports (/org/children/<key>) the first time, so
// first paint costs one small request whatever the size of the organization.
// Searching a person loads the managers above them (/org/chain/<key>) level
// by level, then highlights and centers them.
(function () {
  "use strict";
  const el = document.getElementById("org-chart");
  if (!el || !window.d3 || !d3.OrgChart) return;
  const status = document.getElementById("org-status");
  const ROOT = "__organization";
  const rows = [{ id: ROOT, parentId: null, name: "Organization", title: "", team: "", reports: 0, url: "", _loaded: true }];
  const byId = new Map(rows.map((r) => [r.id, r]));

  const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  function card(d) {
    const p = d.data;
    if (p.id === ROOT) return `<div class="org-node org-root"><strong>${escapeHtml(p.name)}</strong></div>`;
    const more = p.reports && !p._loaded ? `<span class="org-more">▸ ${p.reports} report${p.reports === 1 ? "" : "s"}</span>` : "";
    return `<div class="org-node${p._highlighted ? " org-highlight" : ""}" data-key="${escapeHtml(p.id)}">
      <a class="org-name" href="${escapeHtml(p.url)}">${escapeHtml(p.name)}</a>
      <div class="org-title">${escapeHtml(p.title)}</div>
      <div class="org-team">${escapeHtml(p.team)}</div>${more}</div>`;
  }

  // Users who ask their system for less motion get no expand animation.
  const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const chart = new d3.OrgChart()
    .container(el)
    .duration(still ? 0 : 400)
    .nodeId((d) => d.id)
    .parentNodeId((d) => d.parentId)
    .nodeWidth(() => 230)
    .nodeHeight(() => 96)
    .childrenMargin(() => 50)
    .compactMarginBetween(() => 30)
    .nodeContent(card)
    .onNodeClick((d) => load(d.data.id).then(() => redraw(d.data.id)));

  let drawn = false;

  function add(people, parent) {
    for (const p of people) {
      if (byId.has(p.id)) continue;
      // d3-org-chart's `_expanded` on a node opens the nodes above it: a
      // node just loaded is shown.
      const row = Object.assign({}, p, { parentId: parent, _expanded: true });
      byId.set(row.id, row);
      // Before the first render the rows are the chart's data; after it,
      // addNode keeps the chart's own state (expanded nodes, positions).
      if (drawn) chart.addNode(row); else rows.push(row);
    }
  }

  async function json(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  }

  async function load(key) {
    const row = byId.get(key);
    if (!row || row._loaded || !row.reports) return;
    status.textContent = `Loading ${row.name}'s reports…`;
    const data = await json(el.dataset.children + encodeURIComponent(key));
    add(data.people, key);
    row._loaded = true;
    status.textContent = `${byId.size - 1} people shown.`;
  }

  function redraw(centerOn) {
    if (!drawn) { chart.data(rows); drawn = true; }
    if (centerOn) chart.setCentered(centerOn);
    chart.render();
  }

  async function focus(key) {
    const data = await json(el.dataset.chain + encodeURIComponent(key));
    for (const manager of data.chain) {
      if (!byId.has(manager)) throw new Error(`${manager} is not in the chart`);
      await load(manager);
    }
    byId.forEach((r) => { r._highlighted = false; });
    const row = byId.get(key);
    if (!row) throw new Error(`${key} is not in the chart`);
    row._highlighted = true;
    chart.setHighlighted(key).render();
    status.textContent = `Showing ${row.name}.`;
  }

  // --- search ---------------------------------------------------------------
  const input = document.getElementById("org-search-input");
  const results = document.getElementById("org-search-results");
  let timer = null;
  input.closest("form").addEventListener("submit", (e) => { e.preventDefault(); search(input.value, true); });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value, false), 150);
  });

  async function search(q, pickFirst) {
    results.replaceChildren();
    if (!q.trim()) return;
    const data = await json(`${el.dataset.search}?q=${encodeURIComponent(q)}`);
    if (!data.people.length) { status.textContent = `No person named “${q}…”.`; return; }
    if (pickFirst && data.people.length === 1) return focus(data.people[0].id).catch(fail);
    for (const p of data.people) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "org-result";
      b.textContent = p.title ? `${p.name} — ${p.title}` : p.name;
      b.addEventListener("click", () => { results.replaceChildren(); focus(p.id).catch(fail); });
      li.append(b);
      results.append(li);
    }
  }

  function fail(err) { status.textContent = `Could not load the chart: ${err.message}`; }

  json(el.dataset.roots).then((data) => {
    add(data.people, ROOT);
    rows[0].reports = data.people.length;
    rows[0]._expanded = true;
    redraw();
    status.textContent = `${byId.size - 1} people shown; click a person to show their reports.`;
    el.dataset.ready = "1";
    if (input.value) search(input.value, true);
  }).catch(fail);
})();
