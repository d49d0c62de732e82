// Keep each row's hidden order field equal to its position, so the saved order is what you see.
(function () {
  "use strict";
  window.renumberRows = function (body) {
    Array.from(body.rows).forEach(function (tr, i) {
      var order = tr.querySelector(".row-order"); if (order) { order.value = i + 1; }
      var num = tr.querySelector(".row-number"); if (num) { num.textContent = i + 1; }
    });
  };
  var logicBody = document.querySelector("#logic-table tbody");
  if (!logicBody) { return; }
  window.renumberRows(logicBody);
  logicBody.addEventListener("click", function (e) {
    var btn = e.target.closest("button"); if (!btn) { return; }
    var tr = btn.closest("tr");
    if (btn.classList.contains("move-up") && tr.previousElementSibling) { tr.parentNode.insertBefore(tr, tr.previousElementSibling); }
    else if (btn.classList.contains("move-down") && tr.nextElementSibling) { tr.parentNode.insertBefore(tr.nextElementSibling, tr); }
    else { return; }
    window.renumberRows(logicBody); btn.focus();
  });
})();
