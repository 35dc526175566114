/* xborder Launch page: KPI progress towards target (latest run) and its trend over runs, with plotly.js served locally. */
"use strict";
(function () {
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var LAYOUT = { margin: { l: 220, r: 20, t: 20, b: 40 }, font: { family: "system-ui, 'Noto Sans CJK SC', sans-serif", size: 12 },
                 paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)" };
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  var W = { chart_progress: "progress towards target (1 = on target)", chart_progress_short: "progress (1 = on target)",
            chart_target: "target", chart_unknown: "unknown", chart_run: "run" };  // replaced by the page's language
  function fmt(v, unit) { return !isNum(v) ? W.chart_unknown : unit === "fraction" ? (v * 100).toFixed(1) + "%" : v.toFixed(1); }

  function charts() {
    var el = document.getElementById("launch-data");
    if (!el || !window.Plotly) return;
    var d = JSON.parse(el.textContent);
    if (d.words) W = Object.assign({}, W, d.words);
    var known = (d.scorecard || []).filter(function (k) { return isNum(k.progress); });
    var bar = document.getElementById("chart-kpis");
    if (bar && known.length) {
      window.Plotly.newPlot(bar, [{
        type: "bar", orientation: "h", y: known.map(function (k) { return k.name; }), x: known.map(function (k) { return k.progress; }),
        text: known.map(function (k) { return fmt(k.value, k.unit) + " (" + W.chart_target + " " + (k.direction === "at_least" ? "≥ " : "≤ ") + fmt(k.target, k.unit) + ")"; }),
        textposition: "auto", hovertemplate: "%{y}: %{text}<extra></extra>",
        marker: { color: known.map(function (k) { return k.meets ? "#1a7f37" : "#c62828"; }) }
      }], Object.assign({}, LAYOUT, { height: 60 + 34 * known.length, yaxis: { automargin: true }, xaxis: { title: { text: W.chart_progress }, range: [-1, 2.05] },
        shapes: [{ type: "line", x0: 1, x1: 1, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#555" } }] }), CONFIG);
    } else if (bar) { bar.style.minHeight = "0"; }
    var byKpi = {};
    (d.series || []).forEach(function (r) { if (isNum(r.progress)) (byKpi[r.name] = byKpi[r.name] || []).push(r); });
    var traces = Object.keys(byKpi).map(function (name) {
      var rows = byKpi[name];
      return { type: "scatter", mode: "lines+markers", name: name, x: rows.map(function (r) { return r.run_at; }), y: rows.map(function (r) { return r.progress; }),
               text: rows.map(function (r) { return fmt(r.value, r.unit) + " · " + r.run_id; }), hovertemplate: name + ": %{text}<extra></extra>" };
    });
    var line = document.getElementById("chart-trend");
    if (line && traces.length) {
      window.Plotly.newPlot(line, traces, Object.assign({}, LAYOUT, { margin: { l: 60, r: 20, t: 20, b: 40 }, height: 340,
        legend: { orientation: "h", y: -0.25 }, yaxis: { title: { text: W.chart_progress_short }, range: [-1, 2.05] }, xaxis: { title: { text: W.chart_run } },
        shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 1, y1: 1, line: { dash: "dot", color: "#555" } }] }), CONFIG);
    } else if (line) { line.style.minHeight = "0"; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    try { charts(); } catch (e) { if (window.console) console.error(e); }
  });
})();
