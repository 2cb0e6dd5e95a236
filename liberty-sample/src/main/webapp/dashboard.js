// The Resource Health Overview: reads GET api/resources every 500 ms and draws one table row per
// resource and an SVG picture of the dependency graph. Plain DOM, no library, no build step.
// 500 ms so that a resource going DOWN (or UP again) is on screen within a second of its health moving;
// the figures are read from memory, no backend is asked.
(function () {
  "use strict";

  var REFRESH_MS = 500;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var NODE_W = 170, NODE_H = 46, GAP_X = 90, GAP_Y = 22, PAD = 12;

  var refreshes = 0;
  var timer = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    setAll(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setAll(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
  }

  function healthClass(r) {
    var h = (r.health || "").toLowerCase();
    return h === "up" || h === "degraded" || h === "down" ? h : "unknown";
  }

  function notReported() {
    return el("span", { "class": "na", title: "not measured: no acquisition yet, or no circuit breaker" }, ["n/a"]);
  }

  function formatMs(v) {
    return (v < 100 ? v.toFixed(1) : Math.round(v).toString()) + " ms";
  }

  // ---- table -------------------------------------------------------------------------------
  // Rows are kept per resource and updated in place, so the bars glide to their new width and a
  // reader (or a test) holding on to a row is not pulled from under by the next refresh.

  var rowsByName = {};

  function createRow(name) {
    var cells = {
      mark: el("span", { "class": "mark" }, ["●"]),
      name: el("td", { "class": "name" }),
      scope: el("td", { "class": "scope" }),
      state: el("td", { "class": "state" }),
      fill: el("div", { "class": "bar-fill" }),
      barText: el("div", { "class": "bar-text" }),
      tenants: el("ul", { "class": "tenants" }),
      p99: el("td", { "class": "num p99" }),
      errorRate: el("td", { "class": "num error-rate" }),
      circuit: el("td", { "class": "circuit-cell" })
    };
    cells.bar = el("div", { "class": "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-label": name + " utilization" }, [cells.fill]);
    var tr = el("tr", { "data-resource": name }, [
      el("td", { "class": "mark-cell" }, [cells.mark]),
      cells.name, cells.scope, cells.state,
      el("td", { "class": "util" }, [cells.bar, cells.barText, cells.tenants]),
      cells.p99, cells.errorRate, cells.circuit
    ]);
    return { tr: tr, cells: cells };
  }

  function updateRow(row, r) {
    var tr = row.tr, c = row.cells, health = healthClass(r);
    tr.setAttribute("data-health", health);
    c.mark.className = "mark " + health;
    c.mark.title = (r.health || "UNKNOWN") + (r.healthMessage ? ": " + r.healthMessage : "");
    var name = [el("strong", {}, [r.name]), el("span", { "class": "kind" }, [r.kind || ""])];
    if (r.healthMessage) name.push(el("span", { "class": "message" }, [r.healthMessage]));
    if (r.downDependencies && r.downDependencies.length) {
      name.push(el("span", { "class": "message cascade" }, ["depends on " + r.downDependencies.join(", ") + ", which is down"]));
    }
    c.name.replaceChildren.apply(c.name, name);
    c.scope.textContent = r.scope || "";
    c.state.textContent = r.state || "";

    var u = Math.max(0, Math.min(1, Number(r.utilization) || 0));
    c.fill.className = "bar-fill" + (u >= 0.95 ? " full" : u >= 0.75 ? " high" : "");
    c.fill.style.width = (u * 100).toFixed(1) + "%";
    c.bar.setAttribute("aria-valuenow", Math.round(u * 100));
    c.barText.textContent = r.active + "/" + r.max + " in use · " + r.idle + " idle · " + r.pending + " waiting";
    // a tenant-scoped resource: the bar above sums its tenants' pools, one line per tenant below
    c.tenants.replaceChildren.apply(c.tenants, (r.tenants || []).map(function (t) {
      return el("li", { "data-tenant": t.tenant }, [
        t.tenant + ": " + t.active + "/" + t.max + " in use · " + t.idle + " idle · " + t.pending + " waiting"
      ]);
    }));
    c.tenants.hidden = !(r.tenants && r.tenants.length);

    c.p99.replaceChildren(r.p99AcquisitionMs == null ? notReported() : formatMs(r.p99AcquisitionMs));
    c.errorRate.replaceChildren(r.errorRate == null ? notReported() : (r.errorRate * 100).toFixed(1) + " %");
    c.circuit.replaceChildren(r.circuitState
        ? el("span", { "class": "circuit " + r.circuitState.toLowerCase() }, [r.circuitState])
        : notReported());
  }

  function renderTable(resources) {
    var body = document.querySelector("#resources tbody");
    var seen = {};
    resources.forEach(function (r) {
      var row = rowsByName[r.name] || (rowsByName[r.name] = createRow(r.name));
      updateRow(row, r);
      body.appendChild(row.tr); // moves an existing row into the order of this response
      seen[r.name] = true;
    });
    Object.keys(rowsByName).forEach(function (name) {
      if (!seen[name]) {
        rowsByName[name].tr.remove();
        delete rowsByName[name];
      }
    });
    document.getElementById("empty").hidden = resources.length > 0;
  }

  // ---- dependency graph ----------------------------------------------------------------------

  // Columns by depth: a resource with no dependencies is in column 0, any other one column to the
  // right of its deepest dependency, so every arrow points leftwards.
  function layout(resources) {
    var byName = {};
    resources.forEach(function (r) { byName[r.name] = r; });
    resources.forEach(function (r) {
      (r.dependsOn || []).forEach(function (d) {
        if (!byName[d]) byName[d] = { name: d, kind: "undeclared", health: "UNKNOWN", dependsOn: [] };
      });
    });
    var depth = {};
    function depthOf(name, visiting) {
      if (depth[name] !== undefined) return depth[name];
      if (visiting[name]) return 0; // a cycle is a configuration error the extension reports; do not loop
      visiting[name] = true;
      var d = 0;
      (byName[name].dependsOn || []).forEach(function (dep) { d = Math.max(d, depthOf(dep, visiting) + 1); });
      delete visiting[name];
      return (depth[name] = d);
    }
    var columns = [];
    Object.keys(byName).sort().forEach(function (name) {
      var d = depthOf(name, {});
      (columns[d] = columns[d] || []).push(name);
    });
    var pos = {};
    columns.forEach(function (names, c) {
      (names || []).forEach(function (name, i) {
        pos[name] = { x: PAD + c * (NODE_W + GAP_X), y: PAD + i * (NODE_H + GAP_Y) };
      });
    });
    var rows = columns.reduce(function (m, names) { return Math.max(m, (names || []).length); }, 0);
    return {
      nodes: byName, pos: pos,
      width: PAD * 2 + Math.max(1, columns.length) * NODE_W + Math.max(0, columns.length - 1) * GAP_X,
      height: PAD * 2 + Math.max(1, rows) * NODE_H + Math.max(0, rows - 1) * GAP_Y
    };
  }

  var drawn = null;

  function renderGraph(resources) {
    var shown = JSON.stringify(resources.map(function (r) {
      return [r.name, r.kind, r.scope, r.health, r.dependsOn];
    }));
    if (shown === drawn) return; // nothing the picture shows has changed
    drawn = shown;
    var g = layout(resources);
    var root = document.getElementById("graph");
    root.setAttribute("viewBox", "0 0 " + g.width + " " + g.height);
    root.setAttribute("height", g.height);
    root.style.maxWidth = g.width + "px";

    var defs = svg("defs");
    var marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "arrow" }));
    defs.appendChild(marker);

    var edges = svg("g", { "class": "edges" });
    var nodes = svg("g", { "class": "nodes" });
    Object.keys(g.nodes).sort().forEach(function (name) {
      var r = g.nodes[name], p = g.pos[name];
      (r.dependsOn || []).forEach(function (dep) {
        var q = g.pos[dep];
        var x1 = p.x, y1 = p.y + NODE_H / 2, x2 = q.x + NODE_W, y2 = q.y + NODE_H / 2;
        var mid = (x1 + x2) / 2;
        edges.appendChild(svg("path", {
          "class": "edge", "data-from": name, "data-to": dep, "marker-end": "url(#arrow)",
          d: "M " + x1 + " " + y1 + " C " + mid + " " + y1 + ", " + mid + " " + y2 + ", " + x2 + " " + y2
        }));
      });
      var node = svg("g", { "class": "node " + healthClass(r), "data-resource": name,
        transform: "translate(" + p.x + "," + p.y + ")" });
      node.appendChild(svg("title", {}, name + ": " + (r.health || "UNKNOWN")));
      node.appendChild(svg("rect", { width: NODE_W, height: NODE_H, rx: 8, ry: 8 }));
      node.appendChild(svg("text", { x: 12, y: 19 }, name));
      node.appendChild(svg("text", { x: 12, y: 36, "class": "sub" },
          (r.kind || "") + (r.scope ? " · " + r.scope : "")));
      nodes.appendChild(node);
    });
    root.replaceChildren(defs, edges, nodes);
  }

  // ---- refresh -------------------------------------------------------------------------------

  function showProblem(text) {
    var p = document.getElementById("problem");
    p.textContent = text || "";
    p.hidden = !text;
  }

  function refresh() {
    fetch("api/resources", { cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          var resources = body.resources || [];
          renderTable(resources);
          renderGraph(resources);
          showProblem(null);
          document.getElementById("updated").textContent =
              "Updated " + new Date().toLocaleTimeString() + " · " + resources.length + " resources";
        })
        .catch(function (e) {
          // keep the last figures on screen, but say they are stale
          showProblem("Could not read api/resources (" + e.message + "); showing the last figures.");
        })
        .finally(function () {
          document.body.setAttribute("data-refreshes", String(++refreshes));
          clearTimeout(timer);
          timer = setTimeout(refresh, REFRESH_MS);
        });
  }

  // ---- running workflows ---------------------------------------------------------------------

  function showRun(text, outcome) {
    var p = document.getElementById("run-result");
    p.textContent = text;
    p.className = outcome || "";
  }

  function runWorkflow(name) {
    var tenant = document.getElementById("tenant");
    if (!tenant.reportValidity()) return;
    var buttons = document.querySelectorAll("#workflow-buttons button");
    buttons.forEach(function (b) { b.disabled = true; });
    showRun("Running " + name + " for " + tenant.value + "…");
    fetch("api/workflows/" + encodeURIComponent(name) + "?tenant=" + encodeURIComponent(tenant.value),
        { method: "POST", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (run) {
          if (run.problems) throw new Error(run.problems.join("; "));
          var steps = run.steps.map(function (s) {
            return s.action + " " + s.outcome + (s.error ? " (" + s.error + ")" : "");
          });
          showRun(run.workflow + " for " + run.tenant + ": " + run.outcome + " in " + run.durationMs + " ms · "
              + steps.join(" · "), run.outcome);
        })
        .catch(function (e) { showRun(name + " could not run: " + e.message, "failed"); })
        .finally(function () {
          buttons.forEach(function (b) { b.disabled = false; });
          clearTimeout(timer);
          refresh(); // show what the run did without waiting for the next tick
        });
  }

  function loadWorkflows() {
    fetch("api/workflows", { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (workflows) {
          var holder = document.getElementById("workflow-buttons");
          holder.replaceChildren.apply(holder, workflows.map(function (w) {
            var b = el("button", { type: "button", "data-workflow": w.name,
              title: w.actions.map(function (a) { return a.name + " [" + a.resources.join(", ") + "]"; }).join(" → ") },
              ["Run " + w.name]);
            b.addEventListener("click", function () { runWorkflow(w.name); });
            return b;
          }));
        })
        .catch(function (e) { showRun("The workflows could not be listed (" + e.message + ")", "failed"); });
  }

  loadWorkflows();
  refresh();
})();
