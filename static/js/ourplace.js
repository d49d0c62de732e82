// Site-wide behaviours, declared by data attributes so pages carry no inline script or style
// (the Content-Security-Policy forbids both). htmx.onLoad runs for the page and for every piece
// of HTML htmx swaps in (the progress bars).
(function () {
  "use strict";

  // A counter under every text with a limit: each <textarea maxlength>, and a one-line input
  // with a long one (maxlength of 1,000 or more, or data-counter; a name or a short reason in a
  // table row goes without). A form only sets max_length (core/text.py); the server refuses
  // more, this shows how near the limit the text is.
  // window.OurPlace.counter(field) gives a field's footer to a page script that shares it (the
  // plan editor puts its draft status on the left).
  var COUNTED = "textarea[maxlength], input[maxlength][data-counter], input[type=text][maxlength]";
  var number = new Intl.NumberFormat("en-GB");
  var unnamed = 0;

  function counts(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!(limit > 0)) {
      return false;
    }
    return field.tagName === "TEXTAREA" || "counter" in field.dataset || limit >= 1000;
  }

  function showCount(field, count) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var used = field.value.length;
    var left = limit - used;
    var near = left <= limit / 10;
    var note = "";
    if (left < 0) {
      note = " (" + number.format(-left) + " too many)";
    } else if (near) {
      note = " (" + number.format(left) + " left)";
    }
    count.textContent = number.format(used) + " / " + number.format(limit) + note;
    count.classList.toggle("is-near-limit", near);
  }

  function counter(field) {
    if (!field.id) {
      unnamed += 1;
      field.id = "counted-text-" + unnamed;
    }
    var id = field.id + "_count";
    var count = document.getElementById(id);
    if (!count) {
      var footer = document.createElement("div");
      footer.className = "field-footer small";
      count = document.createElement("span");
      count.className = "char-count";
      count.id = id;
      footer.appendChild(count);
      field.insertAdjacentElement("afterend", footer);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + id);
    }
    showCount(field, count);
    return { footer: count.parentElement, count: count };
  }

  function addCounters(root) {
    root.querySelectorAll(COUNTED).forEach(function (field) {
      if (counts(field)) {
        counter(field);
      }
    });
  }

  // Sections that fold (<details data-area-section>, the area page's). The server draws them
  // closed; on a desktop the stylesheet shows their content until this script has opened them
  // (.is-settled), so neither a phone nor a desktop sees the page move as it loads. On a phone
  // they stay closed, a list of the sections with their counts, except the one the address
  // jumps to. Only `root` (the page, or the piece htmx has just brought) is touched, and nothing
  // reads the layout.
  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 767.98px)") : null;

  function settleSections(root) {
    var phone = PHONE && PHONE.matches;
    var target = jumpTarget();
    root.querySelectorAll("details[data-area-section]:not(.is-settled)").forEach(function (details) {
      if (!phone || (target && details.contains(target))) {
        details.open = true;
      }
      details.classList.add("is-settled");
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches(COUNTED) && counts(field)) {
      counter(field);
    }
  });

  window.OurPlace = window.OurPlace || {};
  window.OurPlace.counter = counter;

  function jumpTarget() {
    var id = window.location.hash.slice(1);
    return id ? document.getElementById(decodeURIComponent(id)) : null;
  }

  // A jump to a section (the contents bar, an address with #...) opens the sections around it.
  function openAround(target) {
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") {
        el.open = true;
      }
    }
  }
  // A horizontal bar chart's category names (Chart.js, drawn right-aligned beside the bars) are
  // cut at the canvas's left edge when one is wider than the room Chart.js gives them: on a
  // phone "Local authority mainstream money pooled or aligned" lost its first words. Each name
  // is wrapped into lines of at most 45% of the chart's width (Chart.js draws a label given as
  // an array as one line each), and the chart's box grows to give every line its height.
  // Used by the dashboard's funnel and the funding chart (static/reports, static/delivery).
  window.OurPlace.fitChartLabels = function (canvas, labels) {
    var box = canvas.parentElement;
    var room = Math.max(90, box.clientWidth * 0.45);
    var font = window.Chart ? window.Chart.helpers.toFont(window.Chart.defaults.font) : { string: "12px sans-serif", lineHeight: 14.4, size: 12 };
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = font.string;
    var lines = 0;
    var wrapped = labels.map(function (label) {
      var out = [];
      var line = "";
      String(label).split(/\s+/).forEach(function (word) {
        var longer = line ? line + " " + word : word;
        if (line && measure.measureText(longer).width > room) {
          out.push(line);
          line = word;
        } else {
          line = longer;
        }
      });
      out.push(line);
      lines += out.length;
      return out.length === 1 ? out[0] : out;
    });
    // Each line's height, a gap for each bar, and the axis and legend beneath.
    var lineHeight = font.lineHeight || font.size * 1.2;
    var needed = Math.ceil(lines * lineHeight + labels.length * 12 + 70);
    // data-height too: apply() may set the box's height from it after the chart is drawn.
    if (Math.max(box.clientHeight, parseInt(box.dataset.height, 10) || 0) < needed) {
      box.dataset.height = needed;
      box.style.height = needed + "px";
    }
    return wrapped;
  };

  function apply(root) {
    addCounters(root);
    settleSections(root);
    // A bar's width from data-progress (0-100) and any box's height from data-height (px).
    root.querySelectorAll("[data-progress]").forEach(function (el) {
      var value = Math.max(0, Math.min(100, parseFloat(el.dataset.progress) || 0));
      el.style.width = value + "%";
    });
    root.querySelectorAll("[data-height]").forEach(function (el) {
      el.style.height = (parseInt(el.dataset.height, 10) || 0) + "px";
    });
  }

  // A table that scrolls inside its box (.table-responsive) must be reachable by keyboard to be
  // scrolled (axe: scrollable-region-focusable); .is-scrolling draws the fixed key column's edge.
  // Only within `root`: the page, or the piece htmx has just brought.
  function markScrollers(root) {
    root = root && root.querySelectorAll ? root : document.querySelector("main") || document;
    // Every data table scrolls in its own box, even one whose template forgot the wrapper.
    root.querySelectorAll("table.table").forEach(function (table) {
      if (!table.parentElement.classList.contains("table-responsive")) {
        var box = document.createElement("div");
        box.className = "table-responsive";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
    });
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".table-responsive"));
    if (root.classList && root.classList.contains("table-responsive")) {
      boxes.push(root);
    }
    boxes.forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-scrolling", scrolls);
      if (scrolls) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  // A list shown as cards on a phone (<table class="table-cards">, css/ourplace.css): each cell
  // is labelled with its column's header (data-label), unless the template gave it one. The
  // label is the header's visible words: a column headed only by hidden text (a checkbox, the
  // actions) gets none, and a sort link's arrow is left out.
  function labelCards(root) {
    root.querySelectorAll("table.table-cards").forEach(function (table) {
      if (!table.tHead || !table.tHead.rows.length) {
        return;
      }
      var labels = [];
      Array.prototype.forEach.call(table.tHead.rows[table.tHead.rows.length - 1].cells, function (th) {
        var label = th.dataset.label;
        if (label === undefined) {
          var copy = th.cloneNode(true);
          copy.querySelectorAll(".visually-hidden, [aria-hidden='true'], input").forEach(function (el) {
            el.remove();
          });
          label = copy.textContent.replace(/\s+/g, " ").trim();
        }
        for (var span = 0; span < th.colSpan; span++) {
          labels.push(label);
        }
      });
      Array.prototype.concat.call(Array.prototype.slice.call(table.tBodies), table.tFoot ? [table.tFoot] : []).forEach(function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && labels[column]) {
              cell.setAttribute("data-label", labels[column]);
            }
            column += cell.colSpan;
          });
        });
      });
    });
  }

  // Sortable headers: the link says how the column is sorted (data-sort); its <th> says it to
  // assistive technology, where aria-sort belongs.
  function markSorted(root) {
    root.querySelectorAll("th a[data-sort]").forEach(function (link) {
      var state = link.dataset.sort;
      if (state && state !== "none") {
        link.closest("th").setAttribute("aria-sort", state);
      }
    });
  }

  // In-page contents for long pages: <nav data-page-contents> lists the sections' headings. Built
  // once with the page; a lazy panel (the area page's) keeps its placeholder's heading id, so after
  // a swap only the links whose heading has gone are taken away and the swapped piece's new
  // headings added (syncContents): never a walk over the whole document.
  function buildContents() {
    document.querySelectorAll("nav[data-page-contents]").forEach(function (nav) {
      var list = document.createElement("ul");
      document.querySelectorAll("main h2[id]").forEach(function (heading) {
        if (heading.closest("nav, .modal") || !heading.offsetParent) {
          return;
        }
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + heading.id;
        link.textContent = heading.textContent.trim();
        var current = nav.querySelector("a[aria-current]");
        if (current && current.getAttribute("href") === link.getAttribute("href")) {
          link.setAttribute("aria-current", "true");
        }
        item.appendChild(link);
        list.appendChild(item);
      });
      if (list.children.length > 1) {
        nav.replaceChildren(list);
      } else {
        nav.replaceChildren();
      }
    });
  }

  function syncContents(piece) {
    document.querySelectorAll("nav[data-page-contents] ul").forEach(function (list) {
      list.querySelectorAll("a").forEach(function (link) {
        if (!document.getElementById(link.getAttribute("href").slice(1))) {
          link.parentElement.remove();
        }
      });
      if (!piece || !piece.querySelectorAll) {
        return;
      }
      var headings = Array.prototype.slice.call(piece.querySelectorAll("h2[id]"));
      if (piece.matches && piece.matches("h2[id]")) {
        headings.push(piece);
      }
      headings.forEach(function (heading) {
        if (heading.closest("nav, .modal, [hidden]") || !heading.closest("main") ||
            list.querySelector('a[href="#' + heading.id + '"]')) {
          return;
        }
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + heading.id;
        link.textContent = heading.textContent.trim();
        item.appendChild(link);
        // In the document's order: before the first listed heading that comes after it.
        var before = Array.prototype.find.call(list.children, function (li) {
          var other = document.getElementById(li.firstChild.getAttribute("href").slice(1));
          return other && (heading.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING);
        });
        list.insertBefore(item, before || null);
      });
    });
  }

  // The section last jumped to is marked in the bar, and opened.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("nav[data-page-contents] a");
    if (!link) {
      return;
    }
    openAround(document.getElementById(link.getAttribute("href").slice(1)));
    link.closest("nav").querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    link.setAttribute("aria-current", "true");
  });

  // A form that needs a second thought: <form data-confirm="Remove this record?">.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // A form that posts is sent once. Its submit buttons are disabled once it is on its way (after
  // the browser has read the clicked button's name and value, which the confirmation pages'
  // confirm=1 rides on), and submitting it again meanwhile does nothing. Only the submitted form
  // is touched; the server guards as well (the confirmation step, redirect after success, one
  // message per submission token), since a page without this script must stay safe.
  var SUBMITTERS = "button:not([type]), button[type=submit], input[type=submit], input[type=image]";

  function posts(form) {
    return form && (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function release(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-disabled-on-submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-disabled-on-submit");
    });
  }

  // The second click of a double click never submits: not this page's form a second time, nor
  // the next page's form when that page has loaded under the pointer between the two clicks (an
  // empty form sent by accident: "This field is required.").
  document.addEventListener("click", function (event) {
    if (event.detail > 1 && event.target.closest(SUBMITTERS) && posts(event.target.closest("form"))) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Left alone: a submission already stopped (data-confirm answered no; htmx sends its own).
    if (event.defaultPrevented || !posts(form)) {
      return;
    }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.querySelectorAll(SUBMITTERS).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-disabled-on-submit", "");
        }
      });
    }, 0);
    // A post that answers with a download leaves the page where it is: usable again later.
    window.setTimeout(function () { release(form); }, 10000);
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-submitting]").forEach(release);
    }
  });

  // "Select all on this page" for a bulk list: <input type="checkbox" data-select-all="payment"
  // hidden> in the table's header ticks or clears every box named "payment" in the same table.
  // It is hidden until this script shows it, so without a script the page offers only the row
  // boxes, which work on their own. It shows "some ticked" (indeterminate) as rows change.
  function selectAllBoxes(master) {
    var scope = master.closest("table") || document;
    return scope.querySelectorAll('input[type="checkbox"][name="' + master.dataset.selectAll + '"]');
  }

  function syncSelectAll(master) {
    var boxes = Array.prototype.slice.call(selectAllBoxes(master));
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    master.checked = boxes.length > 0 && ticked === boxes.length;
    master.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  function setUpSelectAll(root) {
    root.querySelectorAll("input[data-select-all]").forEach(function (master) {
      master.hidden = false;
      syncSelectAll(master);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-select-all]")) {
      selectAllBoxes(target).forEach(function (box) { box.checked = target.checked; });
      return;
    }
    if (target.type === "checkbox" && target.name) {
      var scope = target.closest("table") || document;
      scope.querySelectorAll('input[data-select-all="' + target.name + '"]').forEach(syncSelectAll);
    }
  });

  // A select whose options are addresses: <select data-navigate>.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-navigate]");
    if (select && select.value) {
      window.location = select.value;
    }
  });

  // "/" from anywhere puts the cursor in the header's search box, unless it is being typed into a
  // field (a "/" in a date or a message is just a character).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    var box = document.querySelector("input[data-site-search]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // An address with #section, and the browser's back and forward between them, open it too.
  window.addEventListener("hashchange", function () { openAround(jumpTarget()); });

  document.addEventListener("DOMContentLoaded", function () {
    setUpSelectAll(document);
    openAround(jumpTarget());
    labelCards(document);
    buildContents();
    markSorted(document);
    markScrollers();
  });
  // Once the resizing has stopped, not at each step of it.
  var resizing;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(markScrollers, 150);
  });

  if (window.htmx) {
    window.htmx.onLoad(apply);
    // A panel htmx brings in (the area page's lazy panels): its own tables and headings, nothing
    // else. A panel with nothing to show takes its placeholder away without new content: after
    // the swap the bar drops the link whose heading has gone.
    document.addEventListener("htmx:load", function (event) {
      if (event.target !== document.body) {
        markSorted(event.target);
        labelCards(event.target);
        markScrollers(event.target);
        syncContents(event.target);
      }
    });
    document.addEventListener("htmx:afterSwap", function () { syncContents(null); });
    // "Show older" brings the next page of a list in its own place: the first new entry takes
    // the focus, so a keyboard or screen-reader user carries on from where the list grew.
    document.addEventListener("htmx:beforeRequest", function (event) {
      var more = event.detail.elt.closest && event.detail.elt.closest("li.timeline-more");
      if (more && more.parentElement) {
        more.parentElement.setAttribute("data-grow-from",
          Array.prototype.indexOf.call(more.parentElement.children, more));
      }
    });
    document.addEventListener("htmx:afterSettle", function () {
      document.querySelectorAll("[data-grow-from]").forEach(function (list) {
        var first = list.children[Number(list.getAttribute("data-grow-from"))];
        list.removeAttribute("data-grow-from");
        if (first && !first.classList.contains("timeline-more")) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      });
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  }
})();
