// The dispatch board: where keyboard focus goes after an action redraws part of the board.
// The board works without this file (every action is a plain form post); with htmx, the
// answer swaps the changed sections, and focus would otherwise fall back to the page.
(function () {
  "use strict";

  const CONTROLS = "select, input:not([type=hidden]), button";
  let pending = null;

  function controlOf(container, action) {
    if (!container) {
      return null;
    }
    const form = container.querySelector('form[data-action="' + action + '"]') || container.querySelector("form");
    return form ? form.querySelector(CONTROLS) : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt;
    if (!form || !form.closest || !form.closest("[data-board]")) {
      return;
    }
    const row = form.closest("[data-order-row]");
    const section = form.closest("[data-board-section]");
    const neighbour = row ? row.nextElementSibling || row.previousElementSibling : null;
    pending = {
      action: form.getAttribute("data-action") || "",
      rowId: row ? row.id : null,
      sectionId: section ? section.id : null,
      neighbourId: neighbour ? neighbour.id : null,
    };
  });

  function restoreFocus(where) {
    const section = where.sectionId ? document.getElementById(where.sectionId) : null;
    const row = where.rowId ? document.getElementById(where.rowId) : null;
    let target = null;
    // The order is still where it was (its priority changed, or the action was refused):
    // back to the control that was used.
    if (row && section && section.contains(row)) {
      target = controlOf(row, where.action);
    }
    // It moved away: to the same control of the order that took its place, so the next
    // assignment is one keystroke away.
    if (!target && where.neighbourId) {
      target = controlOf(document.getElementById(where.neighbourId), where.action);
    }
    if (!target && section) {
      target = section.querySelector("[data-section-heading]");
    }
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!pending || !event.detail.target || event.detail.target.id !== "board-status") {
      return;
    }
    const where = pending;
    pending = null;
    // Out-of-band swaps settle in the same tick; focus once they are all in place.
    window.setTimeout(function () {
      restoreFocus(where);
    }, 0);
  });

  document.addEventListener("htmx:responseError", function () {
    pending = null;
    const status = document.getElementById("board-status");
    if (status) {
      status.textContent = "The board could not be updated. Reload the page and try again.";
    }
  });
})();
