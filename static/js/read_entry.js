// The route read grid: Enter saves a row (htmx posts its form and redraws that row only), then
// the focus moves to the next meter still to read. A row that asks for a check, or was refused,
// keeps the focus with its value selected: a second Enter confirms it. Without this file the
// rows are plain forms and each Enter reloads the page.
(function () {
  "use strict";

  const grid = document.querySelector("[data-read-grid]");
  if (!grid) {
    return;
  }
  let pendingRowId = null;

  function openInputs() {
    return Array.from(grid.querySelectorAll("input[data-read-input]"));
  }

  function nextInputAfter(row) {
    return openInputs().find(function (input) {
      return Boolean(row.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
  }

  grid.addEventListener("htmx:beforeRequest", function (event) {
    const row = event.detail.elt.closest("[data-read-row]");
    pendingRowId = row ? row.id : null;
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pendingRowId) {
      return;
    }
    const row = document.getElementById(pendingRowId);
    pendingRowId = null;
    if (!row) {
      return;
    }
    if (row.getAttribute("data-state") === "saved") {
      const next = nextInputAfter(row) || openInputs()[0];
      if (next) {
        next.focus();
      } else {
        const status = document.getElementById("grid-status");
        if (status) {
          status.setAttribute("tabindex", "-1");
          status.focus();
        }
      }
      return;
    }
    const input = row.querySelector("input[data-read-input]");
    if (input) {
      input.focus();
      input.select();
    }
  });

  document.body.addEventListener("htmx:responseError", function () {
    pendingRowId = null;
    const status = document.getElementById("grid-status");
    if (status) {
      status.textContent = "The reading could not be saved. Reload the page and try again.";
    }
  });
})();
