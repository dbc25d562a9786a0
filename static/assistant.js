/* Kiki's chat panel: asks /api/ask/stream and renders the streamed answer.
   Small vanilla JS, no dependencies. Every answer shows that it is
   AI-generated, which mode produced it, its sources and 👍/👎 buttons.
   Answers are markdown from our API; we render a safe subset ourselves:
   text is escaped first, backslash escapes stay literal, images are never
   shown, and a link becomes <a> only when it points at a wiki page the
   answer cites (its sources), so page text quoted in an answer can never
   plant a live link (e.g. a summary linking to //evil.example). */
(function () {
  "use strict";

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  var PAGE_URL = /^\/(person|team|department|system|process|topic)\/[a-z0-9][a-z0-9._-]{0,199}$/;

  function citedUrls(sources) {
    var allowed = {};
    (sources || []).forEach(function (s) {
      var url = String((s && s.url) || "").replace(/\/$/, "");
      if (PAGE_URL.test(url)) allowed[url] = true;
    });
    return allowed;
  }

  function inline(text, allowed) {
    // Backslash escapes become placeholders first, so an escaped "\[" can never
    // start a link; they come back as plain characters at the end.
    var kept = [];
    var html = text.replace(/\u0000/g, "").replace(/\\([\\`*_{}\[\]()<>#+\-.!|~])/g, function (_, c) {
      kept.push(c);
      return "\u0000" + (kept.length - 1) + "\u0000";
    });
    html = escapeHtml(html);
    html = html.replace(/(!?)\[([^\]]+)\]\(([^)\s]*)\)/g, function (_, bang, label, url) {
      url = url.replace(/\/$/, "");
      if (bang || !allowed[url]) return label;  // images and uncited links: their text only
      return '<a href="' + url + '">' + label + "</a>";
    });
    html = html.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    html = html.replace(/`([^`]+)`/g, "<code>$1</code>");
    return html.replace(/\u0000(\d+)\u0000/g, function (_, i) { return escapeHtml(kept[+i]); });
  }

  function renderMarkdown(md, sources) {
    var allowed = citedUrls(sources);
    var out = [], list = null;
    md.split("\n").forEach(function (line) {
      var bullet = /^\s*[-*] (.*)$/.exec(line), num = /^\s*(\d+)\. (.*)$/.exec(line);
      var kind = bullet ? "ul" : num ? "ol" : null;
      if (list && list !== kind) { out.push("</" + list + ">"); list = null; }
      if (kind && !list) { out.push("<" + kind + ">"); list = kind; }
      if (bullet) out.push("<li>" + inline(bullet[1], allowed) + "</li>");
      else if (num) out.push('<li value="' + num[1] + '">' + inline(num[2], allowed) + "</li>");
      else if (line.trim()) out.push("<p>" + inline(line, allowed) + "</p>");
    });
    if (list) out.push("</" + list + ">");
    return out.join("");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function parseEvents(buffer, onEvent) {
    // Server-sent events: blocks separated by a blank line, lines "data: {json}".
    var parts = buffer.split("\n\n");
    var rest = parts.pop();
    parts.forEach(function (block) {
      var data = block.split("\n").filter(function (l) { return l.indexOf("data: ") === 0; })
        .map(function (l) { return l.slice(6); }).join("\n");
      if (data) { try { onEvent(JSON.parse(data)); } catch (e) { /* ignore a garbled event */ } }
    });
    return rest;
  }

  function Panel(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.input = root.querySelector("textarea, input[type=text]");
    this.log = root.querySelector(".kiki-chat-log");
    this.status = root.querySelector(".kiki-chat-status");
    this.endpoint = root.getAttribute("data-endpoint") || "/api/ask/stream";
    this.conversation = null;
    this.busy = false;
    var self = this;
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.ask(); });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.ask(); }
    });
    var reset = root.querySelector(".kiki-chat-new");
    if (reset) reset.addEventListener("click", function () {
      self.conversation = null; self.log.textContent = ""; self.say("New conversation."); self.input.focus();
    });
  }

  Panel.prototype.say = function (msg) { this.status.textContent = msg; };

  Panel.prototype.ask = function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    this.busy = true;
    this.input.value = "";
    var turn = el("article", {"class": "kiki-turn"});
    turn.appendChild(el("p", {"class": "kiki-question"}, question));
    var meta = el("p", {"class": "kiki-meta"});
    var label = el("span", {"class": "kiki-ai-label"}, "AI-generated");
    meta.appendChild(label);
    var mode = el("span", {"class": "kiki-mode"}, " · thinking…");
    meta.appendChild(mode);
    var body = el("div", {"class": "kiki-answer", "aria-busy": "true"});
    turn.appendChild(meta);
    turn.appendChild(body);
    this.log.appendChild(turn);
    turn.scrollIntoView({block: "nearest"});
    this.say("Kiki is answering…");
    var self = this, text = "";
    var payload = {question: question, channel: "web"};
    if (this.conversation) payload.conversation = this.conversation;

    function onEvent(ev) {
      if (ev.type === "delta") { text += ev.text; body.innerHTML = renderMarkdown(text); }
      else if (ev.type === "reset") { text = ""; body.textContent = ""; }
      else if (ev.type === "error") { self.fail(body, ev.message || "Something went wrong."); }
      else if (ev.type === "done") { self.finish(turn, meta, mode, body, ev); }
    }

    fetch(this.endpoint, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "text/event-stream"},
      body: JSON.stringify(payload)
    }).then(function (resp) {
      if (!resp.ok) {
        return resp.json().then(function (j) {
          throw new Error((j.error && j.error.message) || ("HTTP " + resp.status));
        }, function () { throw new Error("HTTP " + resp.status); });
      }
      var reader = resp.body.getReader(), decoder = new TextDecoder(), buffer = "";
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) { parseEvents(buffer + "\n\n", onEvent); return; }
          buffer = parseEvents(buffer + decoder.decode(r.value, {stream: true}), onEvent);
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      self.fail(body, err.message);
    }).then(function () {
      self.busy = false;
      body.setAttribute("aria-busy", "false");
      if (mode.textContent === " · thinking…") mode.textContent = "";
    });
  };

  Panel.prototype.fail = function (body, message) {
    body.innerHTML = "";
    body.appendChild(el("p", {"class": "kiki-error", "role": "alert"}, "Kiki could not answer: " + message));
    this.say("Kiki could not answer.");
  };

  Panel.prototype.finish = function (turn, meta, mode, body, ev) {
    this.conversation = ev.conversation;
    body.innerHTML = renderMarkdown(ev.answer, ev.sources);
    // How the question was understood, so a reader can see why and rephrase.
    if (ev.reading) turn.appendChild(el("p", {"class": "kiki-reading"}, "I read this as: " + ev.reading));
    mode.textContent = " · " + (ev.mode === "llm" ? "language model" : "offline mode");
    meta.setAttribute("title", ev.note || "");
    if (ev.note) turn.appendChild(el("p", {"class": "kiki-note"}, ev.note));
    if (ev.sources && ev.sources.length) {
      var src = el("div", {"class": "kiki-sources"});
      src.appendChild(el("span", {}, "Sources: "));
      var ul = el("ul");
      ev.sources.forEach(function (s) {
        if (!PAGE_URL.test(String(s.url || "").replace(/\/$/, ""))) return;
        var li = el("li"), a = el("a", {href: s.url}, s.title);
        li.appendChild(a); li.appendChild(document.createTextNode(" (" + s.type + ")"));
        ul.appendChild(li);
      });
      src.appendChild(ul);
      turn.appendChild(src);
    }
    turn.appendChild(this.ratingButtons(ev.message_id));
    this.say("Answer ready (" + (ev.mode === "llm" ? "language model" : "offline mode") + ").");
  };

  Panel.prototype.ratingButtons = function (messageId) {
    var box = el("div", {"class": "kiki-rating", "role": "group", "aria-label": "Rate this answer"});
    var self = this;
    [[1, "👍", "Helpful"], [-1, "👎", "Not helpful"]].forEach(function (r) {
      var b = el("button", {type: "button", "aria-label": r[2], "aria-pressed": "false"}, r[1]);
      b.addEventListener("click", function () {
        fetch("/api/answers/" + encodeURIComponent(messageId) + "/rating", {
          method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({score: r[0]})
        }).then(function (resp) {
          if (!resp.ok) throw new Error("HTTP " + resp.status);
          box.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-pressed", "false"); });
          b.setAttribute("aria-pressed", "true");
          self.say("Thanks for the feedback.");
        }).catch(function () { self.say("Could not save the rating."); });
      });
      box.appendChild(b);
    });
    return box;
  };

  function init() {
    document.querySelectorAll("[data-kiki-chat]").forEach(function (root) {
      if (!root.kikiPanel) root.kikiPanel = new Panel(root);
    });
  }
  window.KikiChat = {renderMarkdown: renderMarkdown, init: init};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
