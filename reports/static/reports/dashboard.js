// The dashboard's funnel: a horizontal bar chart drawn from the same numbers as the table beside
// it, so the chart is never the only way to read them.
(function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-dashboard-funnel]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.dashboardFunnel);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: window.OurPlace && window.OurPlace.fitChartLabels
          ? window.OurPlace.fitChartLabels(canvas, data.labels) : data.labels,
        datasets: [{ label: "Count", data: data.counts, backgroundColor: "#1d5c4f" }]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        // Every step's name shown (none skipped for want of room: the box grows instead).
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } }
      }
    });
  });
})();
