// Keyboard helpers for the whole portal. No inline scripts anywhere (the CSP forbids them).
//
// - "/" (not while typing) or Ctrl+/ (anywhere, even inside a field) goes to the search box.
//   Ctrl+/ because browsers leave it alone, where Alt+/ is taken by some keyboard layouts
//   and Firefox's menu bar, and a bare "/" must stay typeable in fields.
// - A single key (not while typing, no Ctrl/Alt/Meta) activates the visible element marked
//   data-shortcut="<key>": a field takes the focus, a link or button is clicked. Pages mark
//   their main actions (the account page: p take payment, c log a contact, n new case,
//   s start service), usually with the same accesskey for the browser's own Alt+key.
// - "?" opens the help overlay listing the shortcuts of this page (a modal dialog: Escape
//   closes it and the focus returns to where it was).
// - On arrival on a form page the focus lands in the form's first field, or on the error
//   summary when the form came back with errors; a prefilled text puts the cursor after it.
(function () {
  "use strict";

  const FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea";

  function isTyping(target) {
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function isVisible(element) {
    return Boolean(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function isField(element) {
    return element.matches(FIELDS);
  }

  function caretToEnd(field) {
    // Text fields only: setSelectionRange throws on email, number and date inputs.
    const textLike = field.tagName === "TEXTAREA" || /^(text|search|tel|url|password)$/.test(field.type);
    if (textLike && field.value) {
      const end = field.value.length;
      field.setSelectionRange(end, end);
      if (field.tagName === "TEXTAREA") {
        field.scrollTop = field.scrollHeight;
      }
    }
  }

  function searchBox() {
    return document.getElementById("global-search") || document.querySelector("main input[type=search]");
  }

  function shortcutTargets(key) {
    return Array.from(document.querySelectorAll("[data-shortcut]")).filter(function (element) {
      return element.getAttribute("data-shortcut").toLowerCase() === key && isVisible(element);
    });
  }

  function dialogOpen() {
    return Boolean(document.querySelector(".modal.show, dialog[open]"));
  }

  // -- the help overlay

  const help = document.getElementById("shortcuts-dialog");
  let returnFocusTo = null;

  function shortcutLabel(element) {
    const named = element.getAttribute("data-shortcut-label") || element.getAttribute("aria-label");
    if (named) {
      return named;
    }
    if (element.labels && element.labels.length) {
      return element.labels[0].textContent.replace(/\s+/g, " ").trim();
    }
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function addRow(list, keys, label) {
    const term = document.createElement("dt");
    keys.forEach(function (key, index) {
      if (index) {
        term.appendChild(document.createTextNode(" then "));
      }
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      term.appendChild(kbd);
    });
    const description = document.createElement("dd");
    description.textContent = label;
    list.appendChild(term);
    list.appendChild(description);
  }

  function fillHelp() {
    const pageList = help.querySelector("[data-shortcuts-page]");
    const empty = help.querySelector("[data-shortcuts-none]");
    pageList.textContent = "";
    const seen = new Set();
    Array.from(document.querySelectorAll("[data-shortcut]")).forEach(function (element) {
      const key = element.getAttribute("data-shortcut").toLowerCase();
      if (seen.has(key) || !isVisible(element)) {
        return;
      }
      seen.add(key);
      addRow(pageList, [key.toUpperCase()], shortcutLabel(element));
    });
    pageList.hidden = seen.size === 0;
    empty.hidden = seen.size !== 0;
    help.querySelectorAll("[data-needs-search]").forEach(function (element) {
      element.hidden = !searchBox();
    });
  }

  function openHelp() {
    if (!help || !window.bootstrap) {
      return;
    }
    returnFocusTo = document.activeElement;
    fillHelp();
    window.bootstrap.Modal.getOrCreateInstance(help).show();
  }

  if (help) {
    help.addEventListener("hidden.bs.modal", function () {
      // Bootstrap returns the focus only to a trigger it opened from; the "?" key has none.
      // The event comes after the fade: a key pressed meanwhile ("/" to the search) has
      // already put the focus where the user wants it, and that wins.
      const target = returnFocusTo && document.contains(returnFocusTo) ? returnFocusTo : document.body;
      returnFocusTo = null;
      const current = document.activeElement;
      const focusIsLost = !current || current === document.body || help.contains(current);
      if (target !== document.body && focusIsLost) {
        target.focus();
      }
    });
    help.addEventListener("shown.bs.modal", function () {
      const close = help.querySelector("[data-bs-dismiss=modal]");
      if (close) {
        close.focus();
      }
    });
  }
  document.addEventListener("click", function (event) {
    const opener = event.target.closest ? event.target.closest("[data-shortcuts-open]") : null;
    if (opener) {
      event.preventDefault();
      openHelp();
    }
  });

  // -- the keys

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) {
      return;
    }
    // Ctrl+/ searches from anywhere, inside a field too.
    if (event.key === "/" && event.ctrlKey && !event.altKey && !event.metaKey) {
      const box = searchBox();
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || dialogOpen()) {
      return;
    }
    if (event.key === "/") {
      const box = searchBox();
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    if (event.key.length !== 1 || event.shiftKey) {
      return;
    }
    const target = shortcutTargets(event.key.toLowerCase())[0];
    if (!target) {
      return;
    }
    event.preventDefault();
    if (isField(target)) {
      target.focus();
      caretToEnd(target);
    } else {
      target.click();
    }
  });

  // -- the focus on arrival

  function mainForm(main) {
    // The page's own form: a POST form (or one marked data-autofocus-form), not a panel's
    // quick form on a shell page (the account page keeps its keys free for the shortcuts),
    // not the search box.
    return Array.from(main.querySelectorAll("form")).find(function (form) {
      const method = (form.getAttribute("method") || "get").toLowerCase();
      if (method !== "post" && !form.hasAttribute("data-autofocus-form")) {
        return false;
      }
      if (form.closest("[data-panel], [data-no-autofocus], [role=search]")) {
        return false;
      }
      return firstField(form) !== undefined;
    });
  }

  function firstField(form) {
    return Array.from(form.querySelectorAll(FIELDS)).find(function (field) {
      return !field.disabled && !field.readOnly && isVisible(field) && (field.type !== "radio" || field.checked || !form.querySelector("input[type=radio][name='" + field.name + "']:checked"));
    });
  }

  function focusOnArrival() {
    const main = document.getElementById("main");
    if (!main || window.location.hash) {
      return;
    }
    const already = document.activeElement;
    if (already && already !== document.body && already !== document.documentElement) {
      caretToEnd(already);
      return;
    }
    const autofocused = document.querySelector("[autofocus]");
    if (autofocused) {
      // The browser focuses it a moment later; a prefilled text then gets the cursor at its end.
      autofocused.addEventListener("focus", function () { caretToEnd(autofocused); }, { once: true });
      return;
    }
    // A phone's on-screen keyboard would cover the page the technician came to read.
    if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
      return;
    }
    const summary = main.querySelector("[data-error-summary]");
    if (summary && isVisible(summary)) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
      return;
    }
    const invalid = Array.from(main.querySelectorAll("[aria-invalid=true], .is-invalid")).find(function (element) {
      return isField(element) && isVisible(element) && !element.closest("[data-panel]");
    });
    if (invalid) {
      invalid.focus();
      caretToEnd(invalid);
      return;
    }
    const form = mainForm(main);
    if (form) {
      const field = firstField(form);
      field.focus();
      caretToEnd(field);
    }
  }

  // Panels loaded on demand (templates/district/_lazy_panel.html) say they are busy while
  // their request runs, so a screen reader waits for the content its live region announces.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.hasAttribute("data-lazy-panel")) {
      event.target.setAttribute("aria-busy", "true");
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.hasAttribute("data-lazy-panel")) {
      event.target.setAttribute("aria-busy", "false");
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOnArrival);
  } else {
    focusOnArrival();
  }
})();
