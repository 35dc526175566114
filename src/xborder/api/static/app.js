/* xborder dashboard: small vanilla JS for charts (plotly.js served locally), language switch and job progress. */
"use strict";
(function () {
  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var LAYOUT = { margin: { l: 60, r: 20, t: 30, b: 50 }, font: { family: "system-ui, 'Noto Sans CJK SC', sans-serif", size: 12 },
                 paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", legend: { orientation: "h", y: -0.2 } };
  function layout(extra) { return Object.assign({}, LAYOUT, extra || {}); }
  function plot(id, traces, extra) {
    var el = document.getElementById(id);
    if (!el || !window.Plotly || !traces.length) { if (el) el.style.minHeight = "0"; return; }
    window.Plotly.newPlot(el, traces, layout(extra), CONFIG);
  }
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function numericCols(rows) {
    if (!rows.length) return [];
    return Object.keys(rows[0]).filter(function (k) { return rows.some(function (r) { return isNum(r[k]); }); });
  }
  function first(cols, names) { for (var i = 0; i < names.length; i++) if (cols.indexOf(names[i]) >= 0) return names[i]; return null; }

  /* Opportunities: compare markets */
  function compareChart() {
    var rows = readJSON("compare-data");
    if (!rows || !rows.length) return;
    var x = rows.map(function (r) { return r.market; });
    plot("chart-markets", [
      { type: "bar", name: "best score", x: x, y: rows.map(function (r) { return r.best_score; }), marker: { color: "#1f6feb" },
        text: rows.map(function (r) { return r.best_title || r.best_product_id; }), hovertemplate: "%{x}: %{y:.3f}<br>%{text}<extra>best</extra>" },
      { type: "bar", name: "mean score", x: x, y: rows.map(function (r) { return r.mean_score; }), marker: { color: "#9cc3ff" } }
    ], { barmode: "group", yaxis: { title: "score" }, height: 320 });
    var el = document.getElementById("chart-markets");
    if (el && el.on) el.on("plotly_click", function (ev) {
      var m = ev.points[0].x; var u = new URL(window.location.href);
      u.searchParams.set("market", m); u.searchParams.set("page", "1"); window.location.href = u.toString();
    });
  }

  /* Detail: demand history + forecast with intervals */
  function forecastTraces(rows) {
    if (!rows.length) return [];
    var cols = Object.keys(rows[0]);
    var dateCol = first(cols, ["ds", "period_start", "date", "month"]);
    if (!dateCol) return [];
    var modelCol = first(cols, ["model"]);
    if (modelCol) {
      var sel = first(cols, ["selected", "is_best", "chosen"]);
      var keep = sel ? rows.filter(function (r) { return r[sel]; }) : [];
      if (!keep.length) { var m0 = rows[0][modelCol]; keep = rows.filter(function (r) { return r[modelCol] === m0; }); }
      rows = keep;
    }
    var nums = numericCols(rows).filter(function (c) { return !/^(run_id|h|horizon|step|level|y)$/.test(c); });
    var lo = nums.filter(function (c) { return /(^|[-_])lo([-_]?\d+)?$/i.test(c) || /lo[-_]?\d+$/i.test(c); });
    var hi = nums.filter(function (c) { return /(^|[-_])hi([-_]?\d+)?$/i.test(c) || /hi[-_]?\d+$/i.test(c); });
    var point = nums.filter(function (c) { return lo.indexOf(c) < 0 && hi.indexOf(c) < 0; });
    var pref = first(point, ["point", "yhat", "forecast", "y_hat", "mean", "value", "units"]) || point[0];
    var x = rows.map(function (r) { return r[dateCol]; });
    var traces = [];
    lo.sort(function (a, b) { return (parseInt(b.replace(/\D/g, ""), 10) || 0) - (parseInt(a.replace(/\D/g, ""), 10) || 0); });
    lo.forEach(function (l, i) {
      var h = l.replace(/lo/i, "hi"); if (hi.indexOf(h) < 0) return;
      var level = (l.match(/\d+/) || [""])[0];
      traces.push({ x: x, y: rows.map(function (r) { return r[h]; }), mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
      traces.push({ x: x, y: rows.map(function (r) { return r[l]; }), mode: "lines", line: { width: 0 }, fill: "tonexty",
                    fillcolor: i === 0 ? "rgba(255,140,0,0.15)" : "rgba(255,140,0,0.28)", name: (level ? level + "% " : "") + "interval" });
    });
    if (pref) traces.push({ x: x, y: rows.map(function (r) { return r[pref]; }), mode: "lines+markers", name: "forecast" + (modelCol && rows[0] ? " (" + rows[0][modelCol] + ")" : ""), line: { color: "#e8710a", dash: "dash" } });
    return traces;
  }

  function detailCharts() {
    var d = readJSON("detail-data");
    if (!d) return;
    var hist = (d.demand_history && d.demand_history.rows) || [];
    var traces = [];
    if (hist.length) traces.push({ x: hist.map(function (r) { return r.ds; }), y: hist.map(function (r) { return r.y; }), mode: "lines+markers", name: "units sold", line: { color: "#1f6feb" } });
    traces = traces.concat(forecastTraces((d.forecasts && d.forecasts.rows) || []));
    plot("chart-demand", traces, { yaxis: { title: "units / " + ((d.demand_history && d.demand_history.freq) || "period"), rangemode: "tozero" }, height: 380 });

    var f = (d.factors && d.factors.rows) || [];
    if (f.length) {
      var fc = Object.keys(f[0]);
      var val = first(fc, ["contribution", "normalised", "weight"]);
      var name = first(fc, ["factor", "name"]);
      if (val && name) {
        var fr = f.slice().reverse();
        plot("chart-factors", [{ type: "bar", orientation: "h", y: fr.map(function (r) { return r[name]; }), x: fr.map(function (r) { return r[val]; }),
          marker: { color: fr.map(function (r) { return (r[val] || 0) >= 0 ? "#1a7f37" : "#c62828"; }) } }],
          { xaxis: { title: val }, margin: { l: 160, r: 20, t: 20, b: 40 }, height: Math.max(220, 28 * fr.length + 60) });
      }
    }

    var lc = (d.landed_costs && d.landed_costs.rows) || [];
    if (lc.length) {
      var cols = Object.keys(lc[0]);
      var modeCol = first(cols, ["shipping_mode", "mode", "route", "incoterm"]);
      var compCol = first(cols, ["component", "step", "item", "cost_item"]);
      var amtCol = first(cols, ["amount", "value", "cost", "amount_local"]);
      var tr = [];
      if (modeCol && compCol && amtCol) {
        var comps = []; lc.forEach(function (r) { if (comps.indexOf(r[compCol]) < 0) comps.push(r[compCol]); });
        var modes = []; lc.forEach(function (r) { if (modes.indexOf(r[modeCol]) < 0) modes.push(r[modeCol]); });
        comps.forEach(function (c) {
          tr.push({ type: "bar", name: c, x: modes, y: modes.map(function (m) { var s = 0; lc.forEach(function (r) { if (r[modeCol] === m && r[compCol] === c && isNum(r[amtCol])) s += r[amtCol]; }); return s; }) });
        });
      } else if (modeCol) {
        // Per mode, the cost lines of the landed-cost engine stacked in waterfall order (duty and import
        // VAT up to the landed cost, then what the sale costs); the selling price is the marker above,
        // and the gap between the stack and the price is the unit margin (a loss when the stack is higher).
        var COST = ["goods_cost", "freight", "insurance", "duty", "additional_duty", "customs_fees", "low_value_charges",
          "import_tax_cost", "referral_fee", "fulfilment_fee", "other_fees", "output_vat"];
        var xs = lc.map(function (r) { return r[modeCol]; });
        COST.filter(function (c) { return lc.some(function (r) { return isNum(r[c]) && r[c] !== 0; }); }).forEach(function (c) {
          tr.push({ type: "bar", name: c.replace(/_/g, " "), x: xs, y: lc.map(function (r) { return isNum(r[c]) ? r[c] : 0; }) });
        });
        var tot = first(cols, ["landed_cost", "landed_cost_per_unit", "total", "landed_total"]);
        if (tot) tr.push({ type: "scatter", mode: "markers", name: "landed cost", x: xs, y: lc.map(function (r) { return r[tot]; }),
          marker: { color: "#111", size: 9, symbol: "diamond" } });
        if (cols.indexOf("price") >= 0) tr.push({ type: "scatter", mode: "markers+text", name: "selling price (margin)", x: xs,
          y: lc.map(function (r) { return r.price; }),
          text: lc.map(function (r) { return isNum(r.unit_margin) ? (r.unit_margin >= 0 ? "+" : "") + r.unit_margin.toFixed(2) : ""; }),
          textposition: "top center", marker: { symbol: "line-ew-open", size: 46, line: { width: 3 },
            color: lc.map(function (r) { return isNum(r.unit_margin) && r.unit_margin < 0 ? "#c62828" : "#1a7f37"; }) } });
      }
      var cur = first(cols, ["currency", "dest_currency"]);
      plot("chart-landed", tr, { barmode: "stack", yaxis: { title: "per unit" + (cur ? " (" + lc[0][cur] + ")" : "") }, height: 360 });
    }

    var om = d.other_markets || [];
    if (om.length > 1) plot("chart-other-markets", [{ type: "bar", x: om.map(function (r) { return r.market; }), y: om.map(function (r) { return r.score; }),
      marker: { color: om.map(function (r) { return r.market === d.market ? "#1f6feb" : "#9cc3ff"; }) } }], { yaxis: { title: "score" }, height: 220, margin: { l: 50, r: 10, t: 10, b: 30 } });
  }

  /* Explanation language switch */
  function langSwitch() {
    document.querySelectorAll("[data-lang]").forEach(function (b) {
      b.addEventListener("click", function () {
        var lang = b.getAttribute("data-lang");
        document.querySelectorAll("[data-lang]").forEach(function (x) { x.classList.toggle("on", x === b); });
        document.querySelectorAll("[data-lang-text]").forEach(function (p) { p.hidden = p.getAttribute("data-lang-text") !== lang; });
      });
    });
  }

  /* Runs page: poll running jobs and reload when they end */
  function pollJobs() {
    var table = document.getElementById("jobs");
    if (!table || !table.getAttribute("data-poll")) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-job]")).filter(function (tr) {
      var s = tr.getAttribute("data-status"); return s === "queued" || s === "running";
    });
    if (!rows.length) return;
    function tick() {
      Promise.all(rows.map(function (tr) {
        return fetch("/api/jobs/" + tr.getAttribute("data-job"), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
          tr.setAttribute("data-status", j.status);
          tr.querySelector(".job-status").textContent = j.status;
          tr.querySelector("progress").value = j.progress;
          tr.querySelector(".job-pct").textContent = Math.round(j.progress * 100) + "%";
          tr.querySelector(".job-msg").textContent = j.message || "";
          return j.status === "queued" || j.status === "running";
        });
      })).then(function (still) {
        if (still.some(Boolean)) setTimeout(tick, 1000); else window.location.reload();
      }).catch(function () { setTimeout(tick, 3000); });
    }
    setTimeout(tick, 1000);
  }

  function backLinks() {
    document.querySelectorAll("[data-back]").forEach(function (a) {
      a.addEventListener("click", function (e) { if (window.history.length > 1) { e.preventDefault(); window.history.back(); } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    backLinks(); langSwitch(); pollJobs();
    try { compareChart(); detailCharts(); } catch (e) { if (window.console) console.error(e); }
  });
})();
