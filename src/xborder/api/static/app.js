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

  /* Opportunities: compare markets */
  function compareChart() {
    var rows = readJSON("compare-data");
    if (!rows || !rows.length) return;
    var x = rows.map(function (r) { return r.market; });
    plot("chart-markets", [
      { type: "bar", name: "best score", x: x, y: rows.map(function (r) { return r.best_score; }), marker: { color: "#1f6feb" },
        text: rows.map(function (r) { return r.best_title || r.best_product_id; }), hovertemplate: "%{x}: %{y:.3f}<br>%{text}<extra>best</extra>" },
      { type: "bar", name: "mean score", x: x, y: rows.map(function (r) { return r.mean_score; }), marker: { color: "#9cc3ff" } }
    ], { barmode: "group", yaxis: { title: { text: "score" } }, height: 320 });
    var el = document.getElementById("chart-markets");
    if (el && el.on) el.on("plotly_click", function (ev) {
      var m = ev.points[0].x; var u = new URL(window.location.href);
      u.searchParams.set("market", m); u.searchParams.set("page", "1"); window.location.href = u.toString();
    });
  }

  /* Detail: demand history + forecast with intervals (the dossier's declared columns: forecasts.ds, point,
     lo_80/hi_80, lo_95/hi_95, model; landed_costs' cost lines per mode). */
  function forecastTraces(rows) {
    if (!rows.length) return [];
    var x = rows.map(function (r) { return r.ds; });
    var traces = [];
    [["95", "rgba(255,140,0,0.15)"], ["80", "rgba(255,140,0,0.28)"]].forEach(function (lv) {
      traces.push({ x: x, y: rows.map(function (r) { return r["hi_" + lv[0]]; }), mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
      traces.push({ x: x, y: rows.map(function (r) { return r["lo_" + lv[0]]; }), mode: "lines", line: { width: 0 }, fill: "tonexty",
                    fillcolor: lv[1], name: lv[0] + "% interval" });
    });
    traces.push({ x: x, y: rows.map(function (r) { return r.point; }), mode: "lines+markers", name: "forecast (" + rows[0].model + ")",
                  line: { color: "#e8710a", dash: "dash" } });
    return traces;
  }

  var COST_LINES = ["goods_cost", "freight", "insurance", "duty", "additional_duty", "customs_fees", "low_value_charges",
    "import_tax_cost", "referral_fee", "fulfilment_fee", "other_fees", "output_vat"];

  function detailCharts() {
    var d = readJSON("detail-data");
    if (!d) return;
    var hist = d.history || [];
    var traces = [];
    if (hist.length) traces.push({ x: hist.map(function (r) { return r.ds; }), y: hist.map(function (r) { return r.y; }), mode: "lines+markers", name: "units sold", line: { color: "#1f6feb" } });
    traces = traces.concat(forecastTraces(d.forecast || []));
    plot("chart-demand", traces, { yaxis: { title: { text: "units / " + (d.freq || "period") }, rangemode: "tozero" }, height: 380 });

    var fr = (d.factors || []).slice().sort(function (a, b) { return Math.abs(a.contribution || 0) - Math.abs(b.contribution || 0); });
    if (fr.length) {
      plot("chart-factors", [{ type: "bar", orientation: "h", y: fr.map(function (r) { return r.factor; }), x: fr.map(function (r) { return r.contribution; }),
        marker: { color: fr.map(function (r) { return (r.contribution || 0) >= 0 ? "#1a7f37" : "#c62828"; }) } }],
        { xaxis: { title: { text: "contribution" } }, margin: { l: 160, r: 20, t: 20, b: 40 }, height: Math.max(220, 28 * fr.length + 60) });
    }

    // Per mode, the landed-cost engine's cost lines stacked in waterfall order (duty and import VAT up to the
    // landed cost, then what the sale costs); the selling price is the marker above, and the gap between the
    // stack and the price is the unit margin (a loss when the stack is higher).
    var lc = d.landed_costs || [];
    if (lc.length) {
      var xs = lc.map(function (r) { return r.mode; });
      var tr = [];
      COST_LINES.filter(function (c) { return lc.some(function (r) { return isNum(r[c]) && r[c] !== 0; }); }).forEach(function (c) {
        tr.push({ type: "bar", name: c.replace(/_/g, " "), x: xs, y: lc.map(function (r) { return isNum(r[c]) ? r[c] : 0; }) });
      });
      tr.push({ type: "scatter", mode: "markers", name: "landed cost", x: xs, y: lc.map(function (r) { return r.landed_cost; }),
        marker: { color: "#111", size: 9, symbol: "diamond" } });
      tr.push({ type: "scatter", mode: "markers+text", name: "selling price (margin)", x: xs, y: lc.map(function (r) { return r.price; }),
        text: lc.map(function (r) { return isNum(r.unit_margin) ? (r.unit_margin >= 0 ? "+" : "") + r.unit_margin.toFixed(2) : ""; }),
        textposition: "top center", marker: { symbol: "line-ew-open", size: 46, line: { width: 3 },
          color: lc.map(function (r) { return isNum(r.unit_margin) && r.unit_margin < 0 ? "#c62828" : "#1a7f37"; }) } });
      plot("chart-landed", tr, { barmode: "stack", yaxis: { title: { text: "per unit (" + lc[0].currency + ")" } }, height: 360 });
    }

    // Customers: the product's buyers per RFM segment; ads: ACoS per week against the break-even ACoS.
    var mix = d.segment_mix || [];
    if (mix.some(function (r) { return r.buyers > 0; })) plot("chart-customer-segments", [{ type: "bar", x: mix.map(function (r) { return r.segment.replace(/_/g, " "); }),
      y: mix.map(function (r) { return r.buyers; }), marker: { color: ["#1a7f37", "#1f6feb", "#e8710a", "#9e9e9e"] } }], { yaxis: { title: { text: "buyers of this product" } }, height: 260 });
    var wk = (d.acos_by_week || []).filter(function (r) { return isNum(r.acos); })
      .sort(function (a, b) { return a.week < b.week ? -1 : a.week > b.week ? 1 : 0; });  // the dossier lists the newest first
    if (wk.length) {
      var at = [{ type: "scatter", mode: "lines+markers", name: "ACoS", x: wk.map(function (r) { return r.week; }), y: wk.map(function (r) { return r.acos; }) }];
      if (isNum(d.break_even_acos)) at.push({ type: "scatter", mode: "lines", name: "break-even ACoS", x: [wk[0].week, wk[wk.length - 1].week],
        y: [d.break_even_acos, d.break_even_acos], line: { color: "#c62828", dash: "dash" } });
      plot("chart-acos", at, { yaxis: { title: { text: "ACoS" }, tickformat: ".0%", rangemode: "tozero" }, height: 300 });
    }
    // Keyword matrix: the product's search-term spend per tier (x), stacked by the call on each term.
    var km = d.keyword_mix || [];
    if (km.length) {
      var tiers = [], calls = [];
      km.forEach(function (r) { if (tiers.indexOf(r.tier) < 0) tiers.push(r.tier); if (calls.indexOf(r.action) < 0) calls.push(r.action); });
      var CALL_COLOURS = { harvest_exact: "#1a7f37", keep: "#56a46b", undecided: "#9e9e9e", cut_bid: "#e8710a", negate: "#c62828", product_target: "#1f6feb" };
      plot("chart-keywords", calls.map(function (c) {
        var cell = function (t) { return km.filter(function (r) { return r.tier === t && r.action === c; })[0]; };
        return { type: "bar", name: c.replace(/_/g, " "), x: tiers.map(function (t) { return t.replace(/_/g, " "); }),
          y: tiers.map(function (t) { var r = cell(t); return r ? r.spend : 0; }),
          customdata: tiers.map(function (t) { var r = cell(t); return r ? [r.terms, r.clicks, r.orders] : [0, 0, 0]; }),
          hovertemplate: "%{x}, " + c.replace(/_/g, " ") + ": spend %{y:,.2f}<br>%{customdata[0]} terms, %{customdata[1]:,} clicks, %{customdata[2]:,} orders<extra></extra>",
          marker: { color: CALL_COLOURS[c] || "#666" } };
      }), { barmode: "stack", yaxis: { title: { text: "spend" } }, height: 300 });
    }

    var om = d.other_markets || [];
    if (om.length > 1) plot("chart-other-markets", [{ type: "bar", x: om.map(function (r) { return r.market; }), y: om.map(function (r) { return r.score; }),
      marker: { color: om.map(function (r) { return r.market === d.market ? "#1f6feb" : "#9cc3ff"; }) } }], { yaxis: { title: { text: "score" } }, height: 220, margin: { l: 50, r: 10, t: 10, b: 30 } });
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
