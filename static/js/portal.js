// Keyboard helpers for the counter. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  function isTyping(target) {
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  // "/" jumps to the global search box from anywhere except a text field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
      return;
    }
    const box = document.getElementById("global-search");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
