/* xborder dashboard: draw a run's domain panels (plotly figures built by the server, plotly.js served locally). */
"use strict";
(function () {
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  function figures() {
    var el = document.getElementById("panel-figures");
    if (!el) return {};
    try { return JSON.parse(el.textContent) || {}; } catch (e) { if (window.console) console.error(e); return {}; }
  }
  function draw() {
    if (!window.Plotly) return;
    var figs = figures();
    var els = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
    /* one chart per task, so a long page stays responsive while it draws */
    function next() {
      var el = els.shift();
      if (!el) return;
      var fig = figs[el.getAttribute("data-figure")];
      if (fig) {
        try {
          window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, CONFIG);
          el.setAttribute("data-drawn", "1");
        } catch (e) {
          el.textContent = "The chart could not be drawn: " + e;
          if (window.console) console.error(e);
        }
      }
      setTimeout(next, 0);
    }
    next();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
