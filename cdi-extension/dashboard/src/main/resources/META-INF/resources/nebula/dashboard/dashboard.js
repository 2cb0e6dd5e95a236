// The nebula-resource dashboard (nebula-resource-dashboard, served at /nebula/dashboard/): reads
// ../api/resources and ../api/anomalies every 500 ms and each resource's (and tenant's) last hour every 10 s, and
// draws one row per resource (status, utilization, p99, error rate, circuit, sparklines, actions) and the
// dependency graph, and ../api/cluster every 2 s for the cluster panel (hidden without a cluster). The actions
// POST to ../api/resources/{name}/{action} after a confirmation; the server refuses them (403) unless the caller
// has the role nebula-admin. Plain DOM, no library, no build step.
(function () {
  "use strict";

  // 500 ms so that a resource going DOWN (or UP again) is on screen within a second of its health moving; the
  // figures and anomalies are read from memory, no backend is asked. History is an hour in 10 s buckets: 10 s.
  var FIGURES_MS = 500;
  var HISTORY_MS = 10000;
  var API = "../api/";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var NODE_W = 170, NODE_H = 46, GAP_X = 90, GAP_Y = 22, PAD = 12;
  var SPARK_W = 120, SPARK_H = 18;

  var refreshes = 0, historyRounds = 0;
  var timer = null;
  var latest = [];

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


  function get(path) {
    return fetch(API + path, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
  }

  function path(name) { return "resources/" + encodeURIComponent(name); }

  // ---- sparklines ----------------------------------------------------------------------------
  // One polyline per signal over the hour's buckets (oldest left); the peak is written beside it, so a flat
  // line at zero and a flat line at 40 ms are told apart.

  var SIGNALS = [
    { metric: "acquisitions", label: "acq", value: function (b) { return b.acquisitions || 0; }, format: String },
    { metric: "p99", label: "p99", value: function (b) { return b.p99Millis || 0; }, format: function (v) { return formatMs(v); } },
    { metric: "errors", label: "err", value: function (b) {
        return Object.keys(b.errors || {}).reduce(function (n, k) { return n + b.errors[k]; }, 0);
      }, format: String }
  ];

  function sparkline(values) {
    var peak = values.reduce(function (m, v) { return Math.max(m, v); }, 0);
    var step = values.length > 1 ? SPARK_W / (values.length - 1) : SPARK_W;
    var points = values.map(function (v, i) {
      var y = peak > 0 ? SPARK_H - 1 - (v / peak) * (SPARK_H - 2) : SPARK_H - 1;
      return (i * step).toFixed(1) + "," + y.toFixed(1);
    }).join(" ");
    var root = svg("svg", { viewBox: "0 0 " + SPARK_W + " " + SPARK_H, preserveAspectRatio: "none",
      "data-peak": String(peak), "data-buckets": String(values.length),
      "data-total": String(values.reduce(function (n, v) { return n + v; }, 0)) });
    root.appendChild(svg("polyline", { points: points }));
    return { svg: root, peak: peak };
  }

  function renderSparks(holder, history) {
    var buckets = (history && history.buckets) || [];
    holder.replaceChildren.apply(holder, SIGNALS.map(function (s) {
      var line = sparkline(buckets.map(s.value));
      return el("div", { "class": "spark", "data-metric": s.metric, title: s.metric + " per bucket, last hour" }, [
        el("span", {}, [s.label]), line.svg, el("span", { "class": "peak" }, [s.format(line.peak)])
      ]);
    }));
  }

  // ---- table -------------------------------------------------------------------------------
  // Rows are kept per resource and updated in place, so the bars glide to their new width and a
  // reader (or a test) holding on to a row is not pulled from under by the next refresh.

  var rowsByName = {};

  function createRow(name) {
    var cells = {
      mark: el("span", { "class": "mark" }, ["●"]),
      name: el("td", { "class": "name" }),
      state: el("td", { "class": "state" }),
      fill: el("div", { "class": "bar-fill" }),
      barText: el("div", { "class": "bar-text" }),
      tenants: el("ul", { "class": "tenants" }),
      p99: el("td", { "class": "num p99" }),
      errorRate: el("td", { "class": "num error-rate" }),
      circuit: el("td", { "class": "circuit-cell" }),
      sparks: el("div", { "class": "sparks" }),
      actions: el("div", { "class": "actions" })
    };
    cells.bar = el("div", { "class": "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-label": name + " utilization" }, [cells.fill]);
    ACTIONS.forEach(function (a) {
      var b = el("button", { type: "button", "data-action": a.action, title: a.help }, [a.label]);
      b.addEventListener("click", function () { ask(a, name, null); });
      cells.actions.appendChild(b);
    });
    var tr = el("tr", { "data-resource": name }, [
      el("td", { "class": "mark-cell" }, [cells.mark]),
      cells.name, cells.state,
      el("td", { "class": "util" }, [cells.bar, cells.barText, cells.tenants]),
      cells.p99, cells.errorRate, cells.circuit,
      el("td", { "class": "spark-cell" }, [cells.sparks]),
      el("td", { "class": "actions-cell" }, [cells.actions])
    ]);
    return { tr: tr, cells: cells, tenantItems: {} };
  }

  function tenantItem(row, resource, tenant) {
    var item = row.tenantItems[tenant];
    if (item) return item;
    var quota = el("button", { type: "button", "data-action": "quota", title: "change " + tenant + "'s quota" }, ["quota"]);
    quota.addEventListener("click", function () { ask(QUOTA, resource, tenant); });
    item = { li: el("li", { "data-tenant": tenant }), text: el("span", { "class": "tenant-text" }),
      sparks: el("div", { "class": "sparks" }), quota: quota };
    item.li.append(item.text, " ", quota, item.sparks);
    return (row.tenantItems[tenant] = item);
  }

  function updateRow(row, r, anomalies) {
    var tr = row.tr, c = row.cells, health = healthClass(r);
    tr.setAttribute("data-health", health);
    c.mark.className = "mark " + health;
    c.mark.title = (r.health || "UNKNOWN") + (r.healthMessage ? ": " + r.healthMessage : "");
    var name = [el("strong", {}, [r.name]), el("span", { "class": "kind" }, [(r.kind || "") + (r.scope ? " · " + r.scope : "")])];
    if (r.healthMessage) name.push(el("span", { "class": "message" }, [r.healthMessage]));
    if (r.downDependencies && r.downDependencies.length) {
      name.push(el("span", { "class": "message cascade" }, ["depends on " + r.downDependencies.join(", ") + ", which is down"]));
    }
    anomalies.forEach(function (a) {
      name.push(el("span", { "class": "anomaly-reason", "data-signal": a.signal },
          ["⚠ " + (a.tenant ? a.tenant + ": " : "") + a.reason]));
    });
    tr.classList.toggle("anomaly", anomalies.length > 0);
    c.name.replaceChildren.apply(c.name, name);
    c.state.textContent = r.state || "";

    var u = Math.max(0, Math.min(1, Number(r.utilization) || 0));
    c.fill.className = "bar-fill" + (u >= 0.95 ? " full" : u >= 0.75 ? " high" : "");
    c.fill.style.width = (u * 100).toFixed(1) + "%";
    c.bar.setAttribute("aria-valuenow", Math.round(u * 100));
    c.barText.textContent = r.active + "/" + r.max + " in use · " + r.idle + " idle · " + r.pending + " waiting";
    // a tenant-scoped resource: the bar above sums its tenants' pools, one line per tenant below
    var seen = {};
    c.tenants.replaceChildren.apply(c.tenants, (r.tenants || []).map(function (t) {
      var item = tenantItem(row, r.name, t.tenant);
      item.text.textContent = t.tenant + ": " + t.active + "/" + t.max + " in use · " + t.idle + " idle · " + t.pending + " waiting";
      seen[t.tenant] = true;
      return item.li;
    }));
    Object.keys(row.tenantItems).forEach(function (t) { if (!seen[t]) delete row.tenantItems[t]; });
    c.tenants.hidden = !(r.tenants && r.tenants.length);

    c.p99.replaceChildren(r.p99AcquisitionMs == null ? notReported() : formatMs(r.p99AcquisitionMs));
    c.errorRate.replaceChildren(r.errorRate == null ? notReported() : (r.errorRate * 100).toFixed(1) + " %");
    c.circuit.replaceChildren(r.circuitState
        ? el("span", { "class": "circuit " + r.circuitState.toLowerCase() }, [r.circuitState])
        : notReported());
  }

  function renderTable(resources, anomalies) {
    var body = document.querySelector("#resources tbody");
    var seen = {};
    resources.forEach(function (r) {
      var row = rowsByName[r.name] || (rowsByName[r.name] = createRow(r.name));
      updateRow(row, r, anomalies.filter(function (a) { return a.resource === r.name; }));
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
    Promise.all([get("resources"), get("anomalies").catch(function () { return []; })])
        .then(function (answers) {
          var resources = answers[0].resources || [];
          latest = resources;
          renderTable(resources, answers[1] || []);
          renderGraph(resources);
          showProblem(null);
          document.getElementById("updated").textContent =
              "Updated " + new Date().toLocaleTimeString() + " · " + resources.length + " resources";
        })
        .catch(function (e) {
          // keep the last figures on screen, but say they are stale
          showProblem("Could not read nebula/api/resources (" + e.message + "); showing the last figures.");
        })
        .finally(function () {
          document.body.setAttribute("data-refreshes", String(++refreshes));
          clearTimeout(timer);
          timer = setTimeout(refresh, FIGURES_MS);
        });
  }

  function refreshHistory() {
    var reads = [];
    latest.forEach(function (r) {
      var row = rowsByName[r.name];
      if (!row) return;
      reads.push(get(path(r.name) + "/history").then(function (h) { renderSparks(row.cells.sparks, h); }));
      (r.tenants || []).forEach(function (t) {
        var item = row.tenantItems[t.tenant];
        if (!item) return;
        reads.push(get(path(r.name) + "/tenants/" + encodeURIComponent(t.tenant) + "/history")
            .then(function (h) { renderSparks(item.sparks, h); }));
      });
    });
    Promise.all(reads.map(function (p) { return p.catch(function () { return null; }); }))
        .finally(function () {
          // the first round as soon as there are rows, then every HISTORY_MS
          document.body.setAttribute("data-history-rounds", String(latest.length ? ++historyRounds : historyRounds));
          setTimeout(refreshHistory, latest.length && historyRounds > 0 ? HISTORY_MS : 300);
        });
  }

  // ---- cluster panel ---------------------------------------------------------------------------
  // ../api/cluster on a node of a cluster (nebula.cluster.resource): this node and its health, the live nodes (those
  // holding no permit too), the known-down gates as this node sees them, and each cluster-wide limit: the permits of
  // the lease and instance limits held by each live node, a tenant's rate as the current second's count, one counter
  // for the whole cluster. The endpoint answers 404 when the application is not a node: the panel stays hidden and is
  // asked again rarely. The usage is read from the cluster's Redis (one call per limit), so every 2 s, not every 500 ms.

  var CLUSTER_MS = 2000;
  var NO_CLUSTER_MS = 30000;
  var TENANTS_SHOWN = 10;
  var clusterRounds = 0;
  var clusterShown = false;
  var allTenantsOf = {}; // resource -> true once "show all" was clicked
  var lastCluster = null;
  var lastClusterText = null;

  // a rate limit (cluster.tenant.max-acquisitions-per-second) is one count for the cluster, not permits per node
  function isRate(u) {
    return u.windowCount != null;
  }

  function total(u) {
    if (isRate(u)) return u.windowCount;
    return Object.keys(u.byNode || {}).reduce(function (n, k) { return n + (u.byNode[k] || 0); }, 0);
  }

  // the permits a tenant holds over its lease and instance limits (a rate's count is not a permit held)
  function heldBy(rows) {
    return rows.reduce(function (n, u) { return n + (isRate(u) ? 0 : total(u)); }, 0);
  }

  function shareOf(rows) {
    return rows.reduce(function (m, u) { return Math.max(m, total(u) / (u.max || 1)); }, 0);
  }

  // Each resource's own limits first, then its tenants, each with all its limits, by permits held (most first), then
  // by their fullest limit's share, then by name.
  function usageGroups(usage) {
    var byResource = {};
    usage.forEach(function (u) {
      var g = byResource[u.resource] || (byResource[u.resource] = { resource: u.resource, own: [], byTenant: {} });
      if (u.tenant == null) g.own.push(u);
      else (g.byTenant[u.tenant] || (g.byTenant[u.tenant] = { tenant: u.tenant, rows: [] })).rows.push(u);
    });
    return Object.keys(byResource).sort().map(function (r) {
      var g = byResource[r];
      g.tenants = Object.keys(g.byTenant).map(function (t) { return g.byTenant[t]; });
      g.tenants.sort(function (a, b) {
        return heldBy(b.rows) - heldBy(a.rows) || shareOf(b.rows) - shareOf(a.rows)
            || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
      });
      return g;
    });
  }

  // The live nodes as Redis lists them (liveNodes), this node, and any node a limit's hash still counts.
  function clusterNodes(c) {
    var held = {};
    held[c.node] = 0;
    (c.liveNodes || []).forEach(function (n) { held[n] = 0; });
    (c.usage || []).forEach(function (u) {
      Object.keys(u.byNode || {}).forEach(function (n) { held[n] = (held[n] || 0) + (u.byNode[n] || 0); });
    });
    return Object.keys(held).sort().map(function (n) { return { node: n, held: held[n] }; });
  }

  function usageRow(u, nodes) {
    var t = total(u), share = u.max > 0 ? Math.min(1, t / u.max) : 0, rate = isRate(u);
    var fill = el("div", { "class": "bar-fill" + (share >= 0.95 ? " full" : share >= 0.75 ? " high" : "") });
    fill.style.width = (share * 100).toFixed(1) + "%";
    var cells = [
      el("td", { "class": "resource" }, [u.resource]),
      el("td", { "class": "tenant" }, [u.tenant == null ? "(whole resource)" : u.tenant]),
      el("td", { "class": "limit" }, [u.limit])
    ];
    nodes.forEach(function (n) {
      var v = (u.byNode || {})[n.node];
      cells.push(rate
          ? el("td", { "class": "num held cluster-wide", "data-node": n.node,
            title: "one counter for the whole cluster, not split by node" }, ["—"])
          : el("td", { "class": "num held", "data-node": n.node }, [v ? String(v) : "0"]));
    });
    cells.push(el("td", { "class": "num total" }, [
      el("div", { "class": "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": String(u.max),
        "aria-valuenow": String(t) }, [fill]),
      el("span", { "class": "total-text" }, [t + "/" + u.max + (rate ? " this second" : "")])
    ]));
    return el("tr", { "class": (u.tenant == null ? "resource-limit" : "tenant-limit") + (rate ? " rate-limit" : ""),
      "data-resource": u.resource, "data-tenant": u.tenant == null ? null : u.tenant, "data-limit": u.limit }, cells);
  }

  function renderUsage(c, nodes) {
    var table = document.getElementById("cluster-usage");
    var head = [el("th", { scope: "col" }, ["Resource"]), el("th", { scope: "col" }, ["Tenant"]),
      el("th", { scope: "col" }, ["Limit"])];
    nodes.forEach(function (n) {
      head.push(el("th", { scope: "col", "class": "num", "data-node": n.node }, [n.node + (n.node === c.node ? " (this node)" : "")]));
    });
    head.push(el("th", { scope: "col", "class": "num" }, ["Cluster total / limit"]));
    var headRow = table.querySelector("thead tr");
    headRow.replaceChildren.apply(headRow, head);
    var rows = [];
    usageGroups(c.usage || []).forEach(function (g) {
      g.own.forEach(function (u) { rows.push(usageRow(u, nodes)); });
      var shown = allTenantsOf[g.resource] ? g.tenants : g.tenants.slice(0, TENANTS_SHOWN);
      shown.forEach(function (t) { t.rows.forEach(function (u) { rows.push(usageRow(u, nodes)); }); });
      var rest = g.tenants.slice(shown.length);
      if (rest.length) {
        var permits = rest.reduce(function (n, t) { return n + heldBy(t.rows); }, 0);
        var more = el("button", { type: "button", "class": "show-all" }, ["show all " + g.tenants.length]);
        more.addEventListener("click", function () { allTenantsOf[g.resource] = true; renderCluster(lastCluster); });
        rows.push(el("tr", { "class": "rest", "data-resource": g.resource, "data-rest": String(rest.length) }, [
          el("td", { colspan: String(4 + nodes.length) }, [
            "… and " + rest.length + " more tenant" + (rest.length === 1 ? "" : "s") + " of " + g.resource
                + " holding " + permits + " permit" + (permits === 1 ? "" : "s"), more])
        ]));
      }
    });
    var body = table.querySelector("tbody");
    body.replaceChildren.apply(body, rows);
    document.getElementById("cluster-usage-empty").hidden = rows.length > 0;
  }

  function renderCluster(c) {
    lastCluster = c;
    var health = (c.health || "").toLowerCase();
    document.getElementById("cluster-node").textContent = c.node;
    var h = document.getElementById("cluster-health");
    h.textContent = c.health || "UNKNOWN";
    h.className = "cluster-health " + (health === "up" || health === "degraded" ? health : "unknown");
    document.getElementById("cluster-health-message").textContent = c.healthMessage || "";
    document.getElementById("cluster").setAttribute("data-health", c.health || "UNKNOWN");

    var nodes = clusterNodes(c);
    if (!c.usageError) { // Redis did not answer: the last nodes read stay on screen with the last usage
      var list = document.getElementById("cluster-nodes");
      list.replaceChildren.apply(list, nodes.map(function (n) {
        return el("span", { "class": "node-chip" + (n.node === c.node ? " self" : ""), "data-node": n.node,
          title: n.held + " permits held over the lease and instance limits" }, [n.node + " · " + n.held]);
      }));
    }

    var gates = c.gates || {}, open = c.openGates || {};
    var gateRows = Object.keys(gates).sort().map(function (r) {
      var o = open[r], isOpen = gates[r] === 2 || !!o;
      return el("tr", { "data-resource": r, "data-gate": isOpen ? "open" : "closed" }, [
        el("td", {}, [r]),
        el("td", {}, [el("span", { "class": "gate " + (isOpen ? "open" : "closed") }, [isOpen ? "open" : "closed"])]),
        el("td", { "class": "seen-by" }, [o ? o.node : "—"]),
        el("td", { "class": "reason" }, [o && o.reason ? o.reason : "—"])
      ]);
    });
    var gateBody = document.querySelector("#cluster-gates tbody");
    gateBody.replaceChildren.apply(gateBody, gateRows);
    document.getElementById("cluster-gates").hidden = gateRows.length === 0;
    document.getElementById("cluster-gates-empty").hidden = gateRows.length > 0;

    var error = document.getElementById("cluster-usage-error");
    if (c.usageError) {
      // Redis did not answer: the usage is not known; say so and keep the last rows on screen
      error.textContent = "The cluster's usage could not be read (" + c.usageError + ")"
          + (document.querySelector("#cluster-usage tbody tr") ? "; showing the last one read." : ".");
      error.hidden = false;
    } else {
      error.hidden = true;
      renderUsage(c, nodes);
    }
  }

  function showClusterProblem(text) {
    var p = document.getElementById("cluster-problem");
    p.textContent = text || "";
    p.hidden = !text;
  }

  function refreshCluster() {
    var next = CLUSTER_MS;
    fetch(API + "cluster", { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404) {
            // not a node of a cluster: no panel
            clusterShown = false;
            document.getElementById("cluster").hidden = true;
            next = NO_CLUSTER_MS;
            return;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text().then(function (text) {
            // drawn again only when something changed, so a reader's row is not replaced under them every 2 s
            if (text !== lastClusterText) {
              renderCluster(JSON.parse(text));
              lastClusterText = text;
            }
            showClusterProblem(null);
            clusterShown = true;
            document.getElementById("cluster").hidden = false;
          });
        })
        .catch(function (e) {
          // shown only where the panel was: an application that never answered stays without one
          if (clusterShown) showClusterProblem("Could not read nebula/api/cluster (" + e.message + "); showing the last figures.");
        })
        .finally(function () {
          document.body.setAttribute("data-cluster-rounds", String(++clusterRounds));
          setTimeout(refreshCluster, next);
        });
  }

  // ---- who is looking --------------------------------------------------------------------------

  function loadCaller() {
    get("me").then(function (me) {
      var who = document.getElementById("who");
      who.textContent = "signed in as " + (me.name || "nobody") + (me.admin ? " · nebula-admin" : " · read-only (actions will be refused)");
      who.className = me.admin ? "admin" : "read-only";
      document.body.setAttribute("data-admin", String(!!me.admin));
    }).catch(function () { /* the figures' refresh reports what is wrong */ });
  }

  // ---- actions ---------------------------------------------------------------------------------
  // Each asks first in a dialog (what will happen, and the values where the action takes some), then POSTs;
  // the server decides who may (403 without nebula-admin) and whether the change is valid (400 naming the key).

  var ACTIONS = [
    { action: "resize", label: "resize", help: "set pool.min-size and pool.max-size",
      text: "Sets the pool's sizes without dropping a lease; a smaller maximum closes idle instances over it.",
      fields: function (r) { return [
        { name: "min", label: "pool.min-size", value: r ? r.min : "" },
        { name: "max", label: "pool.max-size", value: r ? r.max : "" }]; },
      body: function (v) { return { min: v.min === "" ? null : Number(v.min), max: Number(v.max) }; } },
    { action: "pause", label: "pause", help: "refuse new acquisitions", text: "New acquisitions are refused at once; leases out are kept." },
    { action: "resume", label: "resume", help: "serve new acquisitions again", text: "Ends a pause or a drain." },
    { action: "drain", label: "drain", help: "refuse new acquisitions and close the idle instances",
      text: "Refuses new acquisitions, waits for the leases out, then closes the idle instances until resume.",
      fields: function () { return [{ name: "timeoutSeconds", label: "wait at most (s)", value: "30" }]; },
      body: function (v) { return { timeoutSeconds: Number(v.timeoutSeconds) }; } },
    { action: "quarantine", label: "quarantine", help: "fail acquisitions fast until released",
      text: "Acquisitions fail fast (or go to the fallback) until released.",
      fields: function () { return [{ name: "reason", label: "reason", value: "" }]; },
      body: function (v) { return { reason: v.reason }; } },
    { action: "release", label: "release", help: "lift a quarantine", text: "Lifts the quarantine." },
    { action: "reset-circuit", label: "reset circuit", help: "close the circuit breaker",
      text: "Closes the circuit breaker and forgets its failures." }
  ];
  var QUOTA = { action: "quota", label: "quota", help: "change the tenant's quota",
    text: "Sets this tenant's quota from its next acquisition on; leases out are kept. Leave a field empty to keep it.",
    fields: function () { return [
      { name: "tenant.quota.max-concurrent-leases", label: "max concurrent leases", value: "" },
      { name: "tenant.quota.max-acquisitions-per-second", label: "max acquisitions per second", value: "" }]; },
    body: function (v) {
      var keys = {};
      Object.keys(v).forEach(function (k) { if (v[k] !== "") keys[k] = v[k]; });
      return keys;
    } };

  var pending = null;

  function ask(a, resource, tenant) {
    var r = latest.filter(function (x) { return x.name === resource; })[0];
    pending = { a: a, resource: resource, tenant: tenant };
    document.getElementById("confirm-title").textContent =
        a.label.charAt(0).toUpperCase() + a.label.slice(1) + " " + resource + (tenant ? " for " + tenant : "") + "?";
    document.getElementById("confirm-text").textContent = a.text;
    var fields = document.getElementById("confirm-fields");
    fields.replaceChildren.apply(fields, (a.fields ? a.fields(r) : []).map(function (f) {
      return el("label", {}, [f.label, el("input", { name: f.name, value: f.value == null ? "" : String(f.value) })]);
    }));
    var dialog = document.getElementById("confirm");
    dialog.setAttribute("data-action", a.action);
    dialog.setAttribute("data-resource", resource);
    dialog.showModal();
  }

  function confirmed() {
    var p = pending;
    pending = null;
    if (!p) return;
    var values = {};
    document.querySelectorAll("#confirm-fields input").forEach(function (i) { values[i.name] = i.value.trim(); });
    var url = API + path(p.resource) + (p.tenant ? "/tenants/" + encodeURIComponent(p.tenant) : "") + "/" + p.a.action;
    var what = p.a.label + " " + p.resource + (p.tenant ? " for " + p.tenant : "");
    showAction("Sending " + what + "…");
    fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(p.a.body ? p.a.body(values) : {}) })
        .then(function (response) {
          return response.text().then(function (text) {
            var json = null;
            try { json = text ? JSON.parse(text) : null; } catch (ignored) { /* not JSON: say the status */ }
            if (!response.ok) {
              var why = json && json.problems && json.problems.length
                  ? json.problems.map(function (x) { return x.key + ": " + x.message; }).join("; ")
                  : (json && json.error) || "";
              throw new Error("HTTP " + response.status + (why ? " · " + why : ""));
            }
            return json;
          });
        })
        .then(function (change) {
          var keys = change && change.after ? Object.keys(change.after).map(function (k) {
            return k + " " + (change.before[k] == null ? "" : change.before[k] + " → ") + change.after[k];
          }).join(", ") : "";
          showAction(what + ": done by " + (change && change.principal) + (keys ? " · " + keys : ""), "ok");
        })
        .catch(function (e) { showAction(what + " refused: " + e.message, "failed"); })
        .finally(function () { clearTimeout(timer); refresh(); });
  }

  function showAction(text, outcome) {
    var p = document.getElementById("action-result");
    p.textContent = text;
    p.className = outcome || "";
  }

  document.getElementById("confirm-form").addEventListener("submit", function () { confirmed(); });
  document.getElementById("confirm-cancel").addEventListener("click", function () {
    pending = null;
    document.getElementById("confirm").close("cancel");
  });

  loadCaller();
  refresh();
  refreshHistory();
  refreshCluster();
})();
