// Add a formset row from its <template>, renumbering __prefix__ and the TOTAL_FORMS count.
(function () {
  "use strict";
  document.querySelectorAll(".add-row").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var prefix = btn.dataset.prefix;
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var html = document.getElementById("tpl-" + prefix).innerHTML.replace(/__prefix__/g, total.value);
      var body = document.querySelector('table[data-prefix="' + prefix + '"] tbody');
      body.insertAdjacentHTML("beforeend", html);
      total.value = parseInt(total.value, 10) + 1;
      if (window.renumberRows) { window.renumberRows(body); }
      var first = body.lastElementChild.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
    });
  });
})();
