// Start-service wizard and the stop/transfer forms: Enter moves on from a radio button, a
// checkbox or a list as it does from a text box (browsers submit only from text boxes), so a
// clerk never needs the mouse. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  function isChoice(element) {
    if (element.tagName === "SELECT") {
      return true;
    }
    return element.tagName === "INPUT" && (element.type === "radio" || element.type === "checkbox");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    const target = event.target;
    if (!isChoice(target) || !target.form || !target.closest(".keyboard-form")) {
      return;
    }
    event.preventDefault();
    target.form.requestSubmit();
  });
})();
