/* Rapportera and Nattvandring (issue 15): accessible names, marked errors, focus, drafts.
 *
 * Dash's components take no aria-* props, so this script ties what the server sends to
 * the real controls of every `.report-form` after React draws them:
 * - each control is named by its visible label. A dropdown's button is the Tab stop
 *   (its hidden proxy input leaves the Tab order), named by its <label for> and
 *   described by its value; radio items are a radiogroup of plain labels around
 *   native radios; the date picker's wrapper loses the popup attributes a generic
 *   element may not carry. (The same end state as the page shell's global
 *   corrections, so the two never undo each other.)
 * - a field whose message is not empty: aria-invalid="true" and aria-describedby
 *   naming the message on its controls (the server marks the box `field-invalid`);
 * - a new result (refusal summary or confirmation) takes the focus, at the top;
 * - after a save (#report-saved / #walk-saved) the browser's draft of the form (Dash
 *   persistence in localStorage) is forgotten, so a reload shows an empty form.
 * Each step changes an attribute only when it differs, so the observer settles.
 * It only reads and sets attributes; no data leaves the page.
 */
(function () {
  "use strict";
  var DRAFT_PREFIX = "_dash_persistence.";

  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }

  function dropAttr(el, name) {
    if (el.hasAttribute(name)) { el.removeAttribute(name); }
  }

  function fixDropdown(button) {
    var proxy = button.previousElementSibling;
    if (proxy && proxy.classList.contains("dash-dropdown-focus-target")) {
      setAttr(proxy, "tabindex", "-1");
      setAttr(button, "tabindex", "0");
    }
    dropAttr(button, "aria-labelledby"); // its <label for> names it
  }

  function fixRadios(list, labelId) {
    setAttr(list, "role", "radiogroup");
    setAttr(list, "aria-labelledby", labelId);
    list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
      dropAttr(option, "role");
      dropAttr(option, "aria-selected");
    });
  }

  function describe(control, errorId) {
    var ids = [];
    if (control.classList.contains("dash-dropdown")) {
      ids.push(control.id + "-value", control.id + "-value-count");
    }
    if (errorId) { ids.push(errorId); }
    if (ids.length) { setAttr(control, "aria-describedby", ids.join(" ")); }
    else { dropAttr(control, "aria-describedby"); }
  }

  function fixCell(label, errorId) {
    var cell = label.parentElement;
    cell.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrapper) {
      dropAttr(wrapper, "aria-expanded");
      dropAttr(wrapper, "aria-haspopup");
    });
    cell.querySelectorAll(
      "button.dash-dropdown, .dash-radioitems, input:not([type=hidden]), textarea"
    ).forEach(function (control) {
      if (control.classList.contains("dash-dropdown-focus-target")
          || control.closest(".dash-radioitems") && !control.classList.contains("dash-radioitems")
          || control.closest(".dash-dropdown-content")) {
        return; // the proxy, the radios inside a group, a dropdown's search field
      }
      if (control.classList.contains("dash-dropdown")) { fixDropdown(control); }
      else if (control.classList.contains("dash-radioitems")) { fixRadios(control, label.id); }
      else { setAttr(control, "aria-labelledby", label.id); }
      if (errorId) { setAttr(control, "aria-invalid", "true"); }
      else { dropAttr(control, "aria-invalid"); }
      describe(control, errorId);
    });
  }

  function fixForm(form) {
    form.querySelectorAll("label[id]").forEach(function (label) {
      var box = label.closest(".form-field");
      var error = box && box.querySelector(":scope > .field-error");
      var invalid = error && error.id && error.textContent.trim() !== "";
      fixCell(label, invalid ? error.id : null);
    });
  }

  function forgetDraft(form) {
    var prefix = DRAFT_PREFIX + (form.getAttribute("data-draft") || "-");
    for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) { window.localStorage.removeItem(key); }
    }
  }

  var seen = new WeakMap();

  function followResult(form) {
    var result = form.querySelector(".form-result");
    if (!result) { return; }
    var content = result.firstElementChild;
    if (!content || seen.get(result) === content) { return; }
    seen.set(result, content);
    if (form.querySelector("#report-saved, #walk-saved")) { forgetDraft(form); }
    result.focus();
    result.scrollIntoView({block: "start"});
  }

  var scheduled = false;
  function update() {
    scheduled = false;
    if (!document.documentElement.lang) { document.documentElement.lang = "sv"; }
    document.querySelectorAll(".report-form").forEach(function (form) {
      fixForm(form);
      followResult(form);
    });
  }

  new MutationObserver(function () {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(update); }
  }).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["role", "aria-selected", "aria-expanded", "aria-haspopup",
      "aria-labelledby", "tabindex"]
  });
})();
