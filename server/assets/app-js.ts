/**
 * The web view's one script, served at /assets/app.js: local times, the re-run token (weft ui --allow-run), the node
 * panel on click (DAG or table), the "what would run now" panel, and live updates of a run in flight over
 * server-sent events. Data only ever reaches the page as text (textContent,
 * classes) or as HTML the server rendered and escaped.
 *
 * @module
 */

/** The script. */
export const APP_JS = String.raw`"use strict";
(function () {
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      t.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
      t.title = d.toISOString();
    });
  }
  localTimes(document);

  // Re-runs (weft ui --allow-run): the printed URL's ?token= is kept in this origin's localStorage (scoped to the
  // port, unlike a cookie, which every server on 127.0.0.1 would receive), taken out of the address bar, and put
  // into a re-run form as it is submitted; forms show only when a token is kept.
  var TOKEN_KEY = "weft-run-token";
  try {
    var params = new URLSearchParams(location.search);
    var given = params.get("token");
    if (given) {
      localStorage.setItem(TOKEN_KEY, given);
      params.delete("token");
      var rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
    if (localStorage.getItem(TOKEN_KEY)) document.documentElement.classList.add("can-rerun");
  } catch (e) {
    // Storage refused (a private mode): no re-run forms, the note says how to get them.
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form.rerun")) return;
    var token = null;
    try { token = localStorage.getItem(TOKEN_KEY); } catch (err) { token = null; }
    if (!token) { e.preventDefault(); return; }
    form.querySelector("input[name=token]").value = token;
  });

  var run = document.getElementById("run");
  if (!run) {
    if (document.body.dataset.live === "list") setTimeout(function () { location.reload(); }, 3000);
    return;
  }
  var runId = run.dataset.run;
  var base = "/runs/" + encodeURIComponent(runId);
  var side = document.getElementById("side");

  function dagNodes() {
    var byName = new Map();
    document.querySelectorAll("#dag g.node").forEach(function (g) {
      var t = g.querySelector("title");
      if (t) byName.set(t.textContent, g);
    });
    return byName;
  }
  var dag = dagNodes();
  // Live classes by node, kept so that a drawing that arrives late shows the latest states.
  var liveClasses = new Map();

  // A graph not drawn yet: the server draws it off its thread; ask until it is there (202: still drawing).
  function loadDag(box) {
    fetch(box.dataset.dagSrc).then(function (r) {
      return r.text().then(function (html) { return { status: r.status, html: html }; });
    }).then(function (a) {
      if (a.status === 202) { setTimeout(function () { loadDag(box); }, 100); return; }
      box.innerHTML = a.html;
      box.removeAttribute("data-dag-src");
      dag = dagNodes();
      liveClasses.forEach(function (cls, n) { var g = dag.get(n); if (g) g.setAttribute("class", cls); });
      var selected = /^#node=(.*)$/.exec(location.hash);
      if (selected) dag.forEach(function (g, n) { g.classList.toggle("selected", n === decodeURIComponent(selected[1])); });
    }, function (e) {
      var p = document.createElement("p");
      p.className = "note error-message";
      p.textContent = "Cannot load the drawing: " + e.message;
      box.replaceChildren(p);
      box.removeAttribute("data-dag-src");
    });
  }
  var dagBox = document.getElementById("dag");
  if (dagBox && dagBox.dataset.dagSrc) loadDag(dagBox);

  // "What would run now": planned by the server on a worker when asked, so the page never waits for it.
  var planBox = document.getElementById("plan");
  if (planBox && planBox.dataset.planSrc) {
    fetch(planBox.dataset.planSrc).then(function (r) { return r.text(); }).then(function (html) {
      planBox.innerHTML = html;
      planBox.removeAttribute("data-plan-src");
    }, function (e) {
      var p = document.createElement("p");
      p.className = "note error-message";
      p.textContent = "Cannot load the plan: " + e.message;
      planBox.replaceChildren(p);
      planBox.removeAttribute("data-plan-src");
    });
  }

  function openNode(name, push) {
    dag.forEach(function (g, n) { g.classList.toggle("selected", n === name); });
    fetch(base + "/nodes/" + encodeURIComponent(name) + "/panel").then(function (r) {
      return r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status));
    }).then(function (html) {
      side.innerHTML = html;
      localTimes(side);
      if (push) history.replaceState(null, "", "#node=" + encodeURIComponent(name));
    }).catch(function (e) { side.textContent = "Cannot load the node: " + e.message; });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.node-link");
    if (link) { ev.preventDefault(); openNode(link.dataset.node, true); return; }
    var g = ev.target.closest && ev.target.closest("#dag g.node");
    if (g) {
      var name = g.querySelector("title").textContent;
      if (g.classList.contains("s-given")) return;
      openNode(name, true);
    }
  });
  var hash = /^#node=(.*)$/.exec(location.hash);
  if (hash) openNode(decodeURIComponent(hash[1]), false);

  if (document.body.dataset.live !== "run" || !window.EventSource) return;
  var states = new Map();
  var timelinePending = false;
  function refreshTimeline() {
    if (timelinePending) return;
    timelinePending = true;
    fetch(base + "/timeline").then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      timelinePending = false;
      var t = document.getElementById("timeline");
      if (!html || !t) return;
      // A map's items the reader opened stay open when the timeline is redrawn.
      var open = Array.prototype.map.call(t.querySelectorAll("details.tl-group[open]"), function (d) { return d.dataset.node; });
      t.outerHTML = html;
      open.forEach(function (node) {
        var d = document.querySelector("#timeline details.tl-group[data-node=\"" + CSS.escape(node) + "\"]");
        if (d) d.open = true;
      });
    }, function () { timelinePending = false; });
  }
  function setStatus(el, status) {
    el.className = "badge s-" + status;
    el.dataset.status = status;
    el.textContent = status;
  }
  var source = new EventSource("/api/runs/" + encodeURIComponent(runId) + "/events?since=" + encodeURIComponent(run.dataset.batch || "0"));
  source.addEventListener("progress", function (ev) {
    var data = JSON.parse(ev.data);
    document.getElementById("progress").textContent = data.progress;
    data.nodes.forEach(function (n) {
      var prev = states.get(n.node);
      var status = prev === "failed" ? "failed" : n.status;
      states.set(n.node, status);
      var g = dag.get(n.node);
      var cls = "node wn s-" + status + (n.cache && n.cache.status === "hit" ? " c-hit" : "");
      liveClasses.set(n.node, cls);
      if (g) g.setAttribute("class", cls + (g.classList.contains("selected") ? " selected" : ""));
      var row = document.querySelector("#nodes tr[data-node=\"" + CSS.escape(n.node) + "\"] .badge");
      if (row) setStatus(row, status);
    });
    run.dataset.batch = String(data.batch);
    refreshTimeline();
  });
  source.addEventListener("end", function () {
    source.close();
    location.reload();
  });
})();
`;
