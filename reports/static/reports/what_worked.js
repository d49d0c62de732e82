// What worked: grouped horizontal bars drawn from the same figures as the table beside each chart.
// A suppressed figure is null: no bar is drawn for it (the table says "suppressed").
(function () {
  if (typeof Chart === "undefined") return;
  var colours = ["#1d5c4f", "#f2a541", "#145a8a", "#8c4b8c", "#6b8e23", "#b02a37"];
  document.querySelectorAll("canvas[data-what-worked-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.whatWorkedChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: window.OurPlace && window.OurPlace.fitChartLabels
          ? window.OurPlace.fitChartLabels(canvas, data.labels) : data.labels,
        datasets: data.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } }
      }
    });
  });
})();
