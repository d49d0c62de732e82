// Survey figures: a stacked horizontal bar per item (percentages of each answer), drawn from the
// JSON data island beside each canvas; the same numbers are in the table next to the chart.
(function () {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-survey-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.surveyChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.colour };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        // Drawn at once: a figure is read (and printed or captured) as it is, not watched.
        animation: false,
        plugins: {
          title: { display: true, text: data.title },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.raw + "%"; } } }
        },
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
          y: { stacked: true }
        }
      }
    });
  });
})();
