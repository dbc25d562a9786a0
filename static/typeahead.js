/* Kiki typeahead: suggestions under any <input data-typeahead="/search/suggest">
   from the JSON endpoint [{type, key, name, url}]. Keyboard: ArrowDown/ArrowUp
   move, Enter opens the highlighted page (or submits the search), Escape closes.
   Plain JS, no dependencies; the form still works without it. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var endpoint = input.getAttribute("data-typeahead");
    var items = [], active = -1, timer = null, lastQuery = "", controller = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var nodes = list.children;
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && nodes[index]) {
        input.setAttribute("aria-activedescendant", nodes[index].id);
        nodes[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(results) {
      list.innerHTML = "";
      items = results;
      active = -1;
      if (!results.length) { close(); return; }
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = list.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = r.name;           // textContent: names are never parsed as HTML
        var type = document.createElement("span");
        type.className = "ta-type";
        type.textContent = r.type;
        li.appendChild(name);
        li.appendChild(type);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = r.url; });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (!q) { close(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(endpoint + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (resp) { return resp.ok ? resp.json() : []; })
        .then(function (data) { if (input.value.trim() === q) render(Array.isArray(data) ? data : []); })
        .catch(function () { /* aborted or offline: keep the plain search form */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden) { lastQuery = ""; fetchSuggestions(); return; }
        e.preventDefault();
        highlight(items.length ? (active + 1) % items.length : -1);
      } else if (e.key === "ArrowUp") {
        if (list.hidden) return;
        e.preventDefault();
        highlight(items.length ? (active <= 0 ? items.length - 1 : active - 1) : -1);
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0 && items[active]) {
          e.preventDefault();
          window.location.href = items[active].url;
        }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-typeahead]");
    for (var i = 0; i < inputs.length; i++) setup(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
