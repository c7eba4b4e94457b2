/* SSP Lägesbild – the page shell in the browser, and ARIA corrections for Dash 4.
 *
 * 1. "Meny" opens and closes the navigation on a phone (aria-expanded on the button,
 *    class "menu-open" on the header); a followed link or Escape closes it.
 * 2. The skip link moves the keyboard focus to the page's <main> without changing
 *    the address (Dash Pages routes on the address).
 * 3. The navigation marks the current page (aria-current="page"), also after a
 *    page change inside the app (dcc.Link: history.pushState, no reload).
 * 4. Dash 4.4's RadioItems, Checklist, Dropdown and DatePicker render markup that
 *    fails WCAG 2.1 (axe-core: nested-interactive, aria-input-field-name,
 *    aria-hidden-focus, aria-allowed-attr) and none of it can be changed through
 *    the components' props, so it is corrected here after React draws it:
 *    - RadioItems/Checklist are a role=listbox of role=option <label>s that each
 *      hold a native radio/checkbox (an interactive control inside an option, and
 *      a listbox without a name). The native inputs already are the accessible
 *      controls: the container becomes a named radiogroup/group (named by the
 *      <label for=id> of the page) and the options plain labels.
 *    - Dropdown puts the Tab stop on a hidden input (aria-hidden, tabindex 0) that
 *      forwards focus to its button, and names the button only by its value. The
 *      button becomes the Tab stop, named by its <label for=id>, described by the
 *      value.
 *    - DatePicker's wrapper <div> carries aria-expanded/aria-haspopup, which a
 *      generic element may not have; its inputs are the controls, so they go. Its
 *      clear "button" is an <a> without href: it becomes role=button, tabbable.
 *    - A table wider than the screen scrolls in place; it gets a Tab stop so a
 *      keyboard user can scroll it too.
 *    A MutationObserver applies this to everything React draws or redraws; each
 *    step changes an attribute only when it differs, so it settles at once.
 * Served from assets/ (CSP: no inline script).
 */
(function () {
  "use strict";

  var HEADER = "app-header";
  var MENU_BUTTON = "menu-button";
  var MAIN = "main-content";

  function setAttr(el, name, value) {
    if (el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }

  function dropAttr(el, name) {
    if (el.hasAttribute(name)) {
      el.removeAttribute(name);
    }
  }

  function setMenu(open) {
    var header = document.getElementById(HEADER);
    var button = document.getElementById(MENU_BUTTON);
    if (!header || !button) {
      return;
    }
    setAttr(button, "aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    if (target.closest("#" + MENU_BUTTON)) {
      var button = document.getElementById(MENU_BUTTON);
      setMenu(button.getAttribute("aria-expanded") !== "true");
      return;
    }
    var skip = target.closest("a.skip-link");
    if (skip) {
      var main = document.getElementById(MAIN);
      if (main) {
        event.preventDefault();
        main.focus();
        main.scrollIntoView();
      }
      return;
    }
    if (target.closest("#" + HEADER + " nav a, #" + HEADER + " .header-user a")) {
      setMenu(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (target && target.matches("a.dash-datepicker-clear[role=button]")
        && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.click();
      return;
    }
    var button = document.getElementById(MENU_BUTTON);
    if (event.key === "Escape" && button && button.getAttribute("aria-expanded") === "true") {
      setMenu(false);
      button.focus();
    }
  });

  function markCurrentPage() {
    var here = window.location.pathname.replace(/\/+$/, "") || "/";
    document.querySelectorAll("#" + HEADER + " nav a, #" + HEADER + " .header-user a")
      .forEach(function (link) {
        var path = (link.pathname || "").replace(/\/+$/, "") || "/";
        if (path === here) {
          setAttr(link, "aria-current", "page");
        } else {
          dropAttr(link, "aria-current");
        }
      });
  }

  function labelIdFor(control) {
    if (!control.id) {
      return null;
    }
    var label = document.querySelector('label[for="' + CSS.escape(control.id) + '"]');
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = control.id + "-label";
    }
    return label.id;
  }

  function fixOptionLists(root) {
    root.querySelectorAll(".dash-radioitems, .dash-checklist").forEach(function (list) {
      setAttr(list, "role", list.classList.contains("dash-radioitems") ? "radiogroup" : "group");
      var labelId = labelIdFor(list);
      if (labelId) {
        setAttr(list, "aria-labelledby", labelId);
      }
      list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
        dropAttr(option, "role");
        dropAttr(option, "aria-selected");
      });
    });
  }

  function fixDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      var button = proxy.nextElementSibling;
      if (!button || !button.classList.contains("dash-dropdown")) {
        return;
      }
      setAttr(proxy, "tabindex", "-1");
      setAttr(button, "tabindex", "0");
      // Named by its <label for> (or, without one, by what it shows), the value as
      // its description: Dash names it aria-labelledby="<id>-value-count <id>-value",
      // which hides the label and differs from the visible text ("label-content-
      // name-mismatch": the count comes after the values on screen, with no space).
      var given = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (given.length) {
        setAttr(button, "aria-describedby", [button.id + "-value", button.id + "-value-count"]
          .filter(function (n) { return given.indexOf(n) >= 0; }).join(" "));
        button.removeAttribute("aria-labelledby");
      }
    });
  }

  function fixDatePickers(root) {
    root.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrapper) {
      dropAttr(wrapper, "aria-expanded");
      dropAttr(wrapper, "aria-haspopup");
    });
    // The clear button is an <a> without href carrying aria-label: a real button
    // for assistive technology and the keyboard (Enter/Space, below).
    root.querySelectorAll("a.dash-datepicker-clear").forEach(function (clear) {
      setAttr(clear, "role", "button");
      setAttr(clear, "tabindex", "0");
    });
    // Dash's date pickers name their buttons in English and take no property for it.
    if (document.documentElement.lang === "sv") {
      root.querySelectorAll("[aria-label]").forEach(function (element) {
        var swedish = PICKER_LABELS_SV[element.getAttribute("aria-label")];
        if (swedish) {
          setAttr(element, "aria-label", swedish);
        }
      });
    }
  }

  var PICKER_LABELS_SV = {
    "Clear Dates": "Rensa datumen",
    "Clear date": "Rensa datumet",
    "Close calendar": "Stäng kalendern",
    "Next month": "Nästa månad",
    "Previous month": "Föregående månad"
  };

  function fixWideTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        setAttr(table, "tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }

  function fixAll() {
    fixOptionLists(document);
    fixDropdowns(document);
    fixDatePickers(document);
    fixWideTables(document);
    markCurrentPage();
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      Promise.resolve().then(function () {
        pending = false;
        fixAll();
      });
    }
  }

  function insideChart(node) {
    var el = node instanceof Element ? node : node.parentElement;
    return !!(el && el.closest(".js-plotly-plot, .maplibregl-map"));
  }

  function start() {
    new MutationObserver(function (mutations) {
      if (mutations.some(function (m) { return !insideChart(m.target); })) {
        schedule();
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["role", "aria-selected", "aria-expanded", "aria-haspopup",
        "aria-labelledby", "tabindex"],
    });
    window.addEventListener("popstate", schedule);
    window.addEventListener("_dashprivate_pushstate", schedule);
    window.addEventListener("resize", schedule);
    fixAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
