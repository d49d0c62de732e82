// Outcome indicators on the area page: one small line chart per indicator (the values reported
// from the baseline on, and a dashed straight line from baseline to target), each beside a table
// with the same figures. Like funding_chart.js it is drawn for the page and for any piece htmx
// brings in, and loads Chart.js from the canvas's data-chart-src only when a chart needs it.
(function () {
  var waiting = [];
  function needChart(root) {
    var src = root.querySelector("canvas[data-chart-src]");
    if (!src) return;
    waiting.push(root);
    if (waiting.length > 1) return;
    if (document.querySelector('script[src="' + src.dataset.chartSrc + '"]')) {
      // Another chart's script (funding_chart.js) is already fetching it: draw when it arrives.
      var check = setInterval(function () {
        if (typeof Chart !== "undefined") { clearInterval(check); waiting.splice(0).forEach(draw); }
      }, 100);
      return;
    }
    var script = document.createElement("script");
    script.src = src.dataset.chartSrc;
    script.onload = function () { waiting.splice(0).forEach(draw); };
    document.head.appendChild(script);
  }
  function format(unit, v) {
    if (v === null || v === undefined) return "";
    if (unit === "money") return new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 }).format(v);
    if (unit === "percentage") return v + "%";
    return new Intl.NumberFormat("en-GB").format(v);
  }
  function draw(root) {
    var canvases = root.querySelectorAll("canvas[data-indicator-chart]");
    if (!canvases.length) return;
    if (typeof Chart === "undefined") { needChart(root); return; }
    canvases.forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.indicatorChart);
      if (!source || canvas.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      new Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: "Reported (from the baseline)", data: data.values, borderColor: "#2c5d8f", backgroundColor: "#2c5d8f", pointStyle: "circle", pointRadius: 4, spanGaps: true, tension: 0 },
            { label: "Straight line to the target", data: data.expected, borderColor: "#8a6d00", backgroundColor: "#8a6d00", borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 5, spanGaps: true, tension: 0 }
          ]
        },
        options: {
          // Drawn inside a folded section that may open later: no animation from a zero size.
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: {
            legend: { position: "bottom", labels: { boxWidth: 14, usePointStyle: true } },
            tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format(data.unit, ctx.parsed.y); } } }
          },
          scales: {
            x: { ticks: { maxRotation: 0, autoSkip: true } },
            y: { ticks: { callback: function (v) { return format(data.unit, v); } } }
          }
        }
      });
      canvas.dataset.drawn = "true";
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(draw);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
