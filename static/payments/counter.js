// The counter pages: totals of counted bills and coins, the payment's total and change due as
// they are typed, tender fields shown for the chosen kind, "Add tender", and the receipt's
// Print button.
// Progressive enhancement: every page works without this file (the server checks everything).
(function () {
  "use strict";

  function cents(text) {
    const cleaned = String(text || "").replace(/[$,\s]/g, "");
    if (!/^\d*(\.\d{0,2})?$/.test(cleaned) || cleaned === "" || cleaned === ".") {
      return null;
    }
    const parts = cleaned.split(".");
    return parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function money(amount) {
    const sign = amount < 0 ? "-" : "";
    const absolute = Math.abs(amount);
    const dollars = Math.floor(absolute / 100).toLocaleString("en-US");
    return sign + "$" + dollars + "." + String(absolute % 100).padStart(2, "0");
  }

  // -- counts by denomination ----------------------------------------------------------------
  document.querySelectorAll("[data-count-table]").forEach(function (table) {
    const output = table.querySelector("[data-count-total]");
    function update() {
      let total = 0;
      table.querySelectorAll("input[data-denomination]").forEach(function (input) {
        const pieces = parseInt(input.value || "0", 10);
        if (pieces > 0) {
          total += pieces * Math.round(parseFloat(input.dataset.denomination) * 100);
        }
      });
      let text = money(total);
      if (table.dataset.standard) {
        const standard = Math.round(parseFloat(table.dataset.standard) * 100);
        if (total !== standard) {
          text += " (not the standard " + money(standard) + ": it will be noted)";
        }
      }
      output.textContent = text;
    }
    table.addEventListener("input", update);
    update();
  });

  // -- the payment form ----------------------------------------------------------------------
  const form = document.getElementById("pay-form");
  if (form) {
    const totalOutput = form.querySelector("[data-pay-total]");
    const summary = form.querySelector("[data-pay-summary]");

    const showFields = function (row) {
      const kind = row.querySelector("select.tender-kind").value;
      row.querySelectorAll("[data-tender-kinds]").forEach(function (wrapper) {
        const kinds = wrapper.dataset.tenderKinds.split(" ");
        const hasValue = Array.from(wrapper.querySelectorAll("input")).some(function (input) {
          return input.value;
        });
        wrapper.hidden = !(kinds.indexOf(kind) >= 0 || hasValue || wrapper.querySelector(".invalid-feedback"));
      });
    };

    const update = function () {
      let total = 0;
      let bad = false;
      form.querySelectorAll("input.allocation").forEach(function (input) {
        const value = cents(input.value);
        if (value === null) { bad = bad || input.value.trim() !== ""; } else { total += value; }
      });
      totalOutput.textContent = bad ? "Check the amounts" : money(total);
      let other = 0;
      let cash = null;
      form.querySelectorAll("[data-tender-row]").forEach(function (row) {
        const kind = row.querySelector("select.tender-kind").value;
        const value = cents(row.querySelector("input.tender-amount").value);
        if (!kind || value === null) { return; }
        if (kind === "cash") { cash = (cash || 0) + value; } else { other += value; }
      });
      if (bad) { return; }
      const cashDue = total - other;
      let text;
      if (cashDue < 0) {
        text = "The checks, money orders and cards come to more than the total: " + money(-cashDue) + " too much.";
      } else if (cash === null) {
        text = cashDue === 0 ? "Fully tendered: no change." : "Still to pay: " + money(cashDue) + ".";
      } else if (cash < cashDue) {
        text = "Cash is " + money(cashDue - cash) + " short of the " + money(cashDue) + " due in cash.";
      } else {
        text = "Cash due " + money(cashDue) + ", received " + money(cash) + ". Change due: " + money(cash - cashDue) + ".";
      }
      summary.textContent = text;
    };

    form.querySelectorAll("[data-tender-row]").forEach(function (row) {
      showFields(row);
      row.querySelector("select.tender-kind").addEventListener("change", function () { showFields(row); });
    });
    // "Add tender": show the next hidden tender row and move to it (without this script the
    // button posts the form back with one more row shown).
    const addTender = form.querySelector("[data-add-tender]");
    if (addTender) {
      addTender.addEventListener("click", function (event) {
        const hidden = form.querySelectorAll("[data-tender-row][hidden]");
        if (!hidden.length) { return; }
        event.preventDefault();
        hidden[0].hidden = false;
        hidden[0].querySelector("select.tender-kind").focus();
        if (hidden.length === 1) { addTender.hidden = true; }
      });
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    if (summary.dataset.checked !== "yes") {
      update();
    }

    // One post per form: a double click sends the first click only (the server's key is the
    // real guard against resubmits).
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "yes") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "yes";
    });
    // Back to a page kept in memory: allow posting again (the same key returns the same receipt).
    window.addEventListener("pageshow", function () {
      delete form.dataset.submitted;
    });
  }

  // -- the receipt ---------------------------------------------------------------------------
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
