// The operational plan editor (plans/plan_form.html): each section is sent to the server as a
// draft a moment after typing stops (and when the field is left), its state shown beside the
// site's character counter (static/js/ourplace.js), and leaving the page with changes not saved
// in the plan asks first.
// Declared by data attributes on the form, so the page carries no inline script (the CSP).
(function () {
  "use strict";
  var form = document.querySelector("form.plan-editor[data-draft-url]");
  if (!form) {
    return;
  }
  var PAUSE_MS = 2000;
  var draftUrl = form.dataset.draftUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // Restore or discard first: a draft sent now would replace the one on offer.
  var draftsOnOffer = form.dataset.pendingDrafts === "true";
  var dirty = form.dataset.unsaved === "true";
  var submitting = false;
  var barStatus = form.querySelector("[data-save-status]");

  function showBar() {
    if (!barStatus) {
      return;
    }
    barStatus.textContent = dirty ? "Not saved yet: save the plan to keep your changes." : "";
  }

  function markDirty() {
    if (!dirty) {
      dirty = true;
      showBar();
    }
  }

  // Under each text: the draft's state on the left, the site's counter (ourplace.js) on the right.
  function addStatus(field) {
    var footer = window.OurPlace.counter(field).footer;
    var status = document.createElement("span");
    status.className = "draft-status";
    status.setAttribute("aria-live", "polite");
    footer.insertBefore(status, footer.firstChild);
    return status;
  }

  function keepAsDraft(field, status) {
    var state = { sent: field.value, timer: null, inFlight: false, again: false };

    function send() {
      window.clearTimeout(state.timer);
      state.timer = null;
      if (draftsOnOffer || field.value === state.sent) {
        return;
      }
      if (state.inFlight) {
        state.again = true;
        return;
      }
      var text = field.value;
      var body = new FormData();
      body.append("section", field.dataset.draftSection);
      body.append("text", text);
      state.inFlight = true;
      status.textContent = "Saving…";
      status.classList.remove("is-failed");
      fetch(draftUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
          if (response.redirected || !json) {
            throw new Error("you may have been signed out");
          }
          return response.json().then(function (data) {
            if (!response.ok) {
              throw new Error(data.error || "the server refused it");
            }
            state.sent = text;
            status.textContent = "Saved at " + data.saved_at_label;
          });
        })
        .catch(function (error) {
          status.textContent = "Not kept as a draft (" + error.message + "): save the plan.";
          status.classList.add("is-failed");
        })
        .then(function () {
          state.inFlight = false;
          if (state.again) {
            state.again = false;
            send();
          }
        });
    }

    field.addEventListener("input", function () {
      window.clearTimeout(state.timer);
      state.timer = window.setTimeout(send, PAUSE_MS);
    });
    field.addEventListener("blur", send);
  }

  form.querySelectorAll("textarea[data-draft-section]").forEach(function (field) {
    keepAsDraft(field, addStatus(field));
  });

  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  showBar();
})();
