// The sample's own page: runs its workflows for a tenant (POST api/workflows/{name}?tenant=...). What the
// resources are doing is on the dashboard, /nebula/dashboard/, which nebula-resource-dashboard serves.
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function setAll(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
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
})();
