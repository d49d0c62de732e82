// Planned against secured funding by source: a grouped bar chart beside a table that carries the
// same figures and labels, so the chart is never the only way to read them. Drawn for the page
// and for any piece htmx brings in (the area page's delivery panel arrives after the page). A page
// whose chart may come later (the area page) does not load Chart.js (210 KB) up front: the first
// canvas that needs it loads it from its data-chart-src, then is drawn.
(function () {
  var waiting = [];
  function needChart(root) {
    var src = root.querySelector("canvas[data-chart-src]");
    if (!src) return;
    waiting.push(root);
    if (waiting.length > 1) return;  // already on its way
    var script = document.createElement("script");
    script.src = src.dataset.chartSrc;
    script.onload = function () { waiting.splice(0).forEach(draw); };
    document.head.appendChild(script);
  }
  function draw(root) {
    var canvases = root.querySelectorAll("canvas[data-funding-chart]");
    if (!canvases.length) return;
    if (typeof Chart === "undefined") { needChart(root); return; }
    canvases.forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.fundingChart);
      if (!source || canvas.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      var money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: window.OurPlace && window.OurPlace.fitChartLabels
            ? window.OurPlace.fitChartLabels(canvas, data.labels) : data.labels,
          datasets: [
            { label: "Planned", data: data.planned, backgroundColor: "#9bb7d4", borderColor: "#2c5d8f", borderWidth: 1 },
            { label: "Secured", data: data.secured, backgroundColor: "#2c7a4b", borderColor: "#1b4d2f", borderWidth: 1 }
          ]
        },
        options: {
          indexAxis: "y",
          responsive: true,
          maintainAspectRatio: false,
          plugins: {
            legend: { position: "bottom" },
            tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money.format(ctx.parsed.x); } } }
          },
          // Every source's name shown (none skipped for want of room: the box grows instead).
          scales: {
            x: { ticks: { callback: function (v) { return money.format(v); } } },
            y: { ticks: { autoSkip: false } }
          }
        }
      });
      canvas.dataset.drawn = "true";
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(draw);  // the page itself, then each swapped-in piece
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
