// Counter search: move from the box through the results with the arrow keys, Enter opens one.
// The results are a table of links; focus moves between the links (no inline scripts: CSP).
(function () {
  "use strict";

  const box = document.getElementById("global-search");
  const results = document.getElementById("search-results");
  if (!box || !results) {
    return;
  }

  function links() {
    return Array.from(results.querySelectorAll("a.search-hit-link"));
  }

  function focusLink(index) {
    const all = links();
    if (index < 0) {
      box.focus();
      return;
    }
    if (all.length) {
      all[Math.min(index, all.length - 1)].focus();
    }
  }

  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) {
      event.preventDefault();
      focusLink(0);
    }
  });

  results.addEventListener("keydown", function (event) {
    const index = links().indexOf(document.activeElement);
    if (index === -1) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      focusLink(index + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      focusLink(index - 1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      box.focus();
    }
  });

  // Highlight the row of the focused result (the link also shows the focus outline).
  results.addEventListener("focusin", function (event) {
    const row = event.target.closest("tr");
    if (row) {
      row.classList.add("active");
    }
  });
  results.addEventListener("focusout", function (event) {
    const row = event.target.closest("tr");
    if (row) {
      row.classList.remove("active");
    }
  });
})();
