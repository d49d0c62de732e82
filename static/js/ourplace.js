// Site-wide behaviours, declared by data attributes so pages carry no inline script or style
// (the Content-Security-Policy forbids both). htmx.onLoad runs for the page and for every piece
// of HTML htmx swaps in (the progress bars).
(function () {
  "use strict";

  function apply(root) {
    // A bar's width from data-progress (0-100) and any box's height from data-height (px).
    root.querySelectorAll("[data-progress]").forEach(function (el) {
      var value = Math.max(0, Math.min(100, parseFloat(el.dataset.progress) || 0));
      el.style.width = value + "%";
    });
    root.querySelectorAll("[data-height]").forEach(function (el) {
      el.style.height = (parseInt(el.dataset.height, 10) || 0) + "px";
    });
  }

  // A form that needs a second thought: <form data-confirm="Remove this record?">.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // A select whose options are addresses: <select data-navigate>.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-navigate]");
    if (select && select.value) {
      window.location = select.value;
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(apply);
  } else {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  }
})();
