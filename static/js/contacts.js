// The contact log at the counter. No inline scripts anywhere (the CSP forbids them).
// - "c" (when not typing) jumps to the note of the account page's "Log a contact" panel
//   (the field says so with aria-keyshortcuts="c"); Enter then logs the contact with htmx.
// - After htmx swaps the panel, focus goes back to the note (or to the first field in error),
//   so the next contact is one keystroke away.
// - At reception, picking a found account fills the account field without leaving the page.
// Everything works without this file: plain form posts and links.
(function () {
  "use strict";

  function isTyping(target) {
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "c" && event.key !== "C") {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
      return;
    }
    const field = document.querySelector("[data-contact-shortcut]");
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail.target;
    if (!target || target.id !== "contact-log-body") {
      return;
    }
    const body = document.getElementById("contact-log-body");
    if (!body) {
      return;
    }
    const field = body.querySelector("[aria-invalid=true]") || body.querySelector("[data-contact-shortcut]");
    if (field) {
      field.focus();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    const form = event.detail.elt;
    if (!form || !form.closest || !form.closest("[data-contact-log]")) {
      return;
    }
    const status = document.getElementById("contact-log-status");
    if (status) {
      status.textContent = "The contact could not be logged. Reload the page and try again.";
      status.classList.remove("visually-hidden");
    }
  });

  document.addEventListener("click", function (event) {
    const pick = event.target.closest ? event.target.closest("[data-pick-account]") : null;
    const form = document.querySelector("[data-reception-form]");
    if (!pick || !form || !form.elements.account) {
      return;
    }
    event.preventDefault();
    form.elements.account.value = pick.getAttribute("data-pick-account");
    const next = form.elements.reason || form.elements.account;
    next.focus();
  });
})();
