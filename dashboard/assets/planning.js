/* SSP Lägesbild – accessible names and invalid fields on the Planering page.
 *
 * The ARIA corrections of Dash's own widgets (radio items, dropdowns, date pickers)
 * are made for every page by shell.js.
 *
 * Names: a wrapper with data-aria-label="…" (dashboard/planning_views.py, aria_name)
 * gives its component's own element (a radio group's list, a date picker's input, a
 * check list) that aria-label, which Dash's components take no property for.
 *
 * A callback marks a refused field by giving its wrapper (class "field") the class
 * "invalid" and writing the message into the wrapper's element with class
 * "field-error". Dash's inputs take no aria-* properties, so this sets
 * aria-invalid="true" on the wrapper's input (and aria-describedby to the message)
 * while the wrapper is invalid, and removes both when it is not. Served locally.
 */
(function () {
  "use strict";

  function sync(field) {
    const invalid = field.classList.contains("invalid");
    const message = field.querySelector(".field-error");
    const inputs = 'input:not([aria-hidden="true"]), select, textarea, button.dash-dropdown';
    field.querySelectorAll(inputs).forEach(function (input) {
      if (invalid) {
        input.setAttribute("aria-invalid", "true");
        if (message && message.id) {
          input.setAttribute("aria-describedby", message.id);
        }
      } else {
        input.removeAttribute("aria-invalid");
        if (message && input.getAttribute("aria-describedby") === message.id) {
          input.removeAttribute("aria-describedby");
        }
      }
    });
  }

  const NAMED = '[role="listbox"], [role="radiogroup"], [role="group"], input.dash-datepicker-input';

  function name(wrapper) {
    const label = wrapper.getAttribute("data-aria-label");
    wrapper.querySelectorAll(NAMED).forEach(function (target) {
      if (target.getAttribute("aria-label") !== label) {
        target.setAttribute("aria-label", label);
      }
    });
  }

  function syncAll(root) {
    if (!root.querySelectorAll) {
      return;
    }
    if (root.classList && root.classList.contains("field")) {
      sync(root);
    }
    root.querySelectorAll(".field").forEach(sync);
    const wrapper = root.closest ? root.closest("[data-aria-label]") : null;
    if (wrapper) {
      name(wrapper);
    }
    root.querySelectorAll("[data-aria-label]").forEach(name);
  }

  function start() {
    syncAll(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") {
          syncAll(change.target.parentElement || change.target);
        } else {
          change.addedNodes.forEach(function (node) {
            if (node.nodeType === 1) {
              syncAll((node.closest && node.closest(".field")) || node.parentElement || node);
            }
          });
        }
      });
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["class", "aria-label"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
