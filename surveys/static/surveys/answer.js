// Follow-up questions: shown only while a triggering answer is chosen for the same item (the
// server ignores a follow-up's answers otherwise, so this is a convenience, not a rule).
(function () {
  function chosen(name) {
    var values = [];
    document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.checked) values.push(input.value);
    });
    return values;
  }
  function update() {
    document.querySelectorAll("[data-follow-up-of]").forEach(function (row) {
      var triggers = (row.dataset.shownWhen || "").split(",");
      var show = chosen(row.dataset.followUpOf).some(function (v) { return triggers.indexOf(v) >= 0; });
      row.hidden = !show;
    });
  }
  document.addEventListener("change", update);
  document.addEventListener("DOMContentLoaded", update);
  update();
})();
