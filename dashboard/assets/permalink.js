/* SSP Lägesbild – permalinks: the page's view in the address bar, and "Kopiera länk".
 *
 * The server writes each page's canonical link ("/?kommun=…") to a store
 * (dashboard/callbacks/permalinks.py); `show` below puts it in the address bar with
 * history.replaceState (no reload, no new history entry, Dash's router is not woken)
 * and returns the absolute URL for the page's read-only link field.
 *
 * "Kopiera länk" copies that field with the clipboard API where the browser allows
 * it (a secure context); otherwise, or when the copy is refused, it selects the field
 * and asks the user to copy it. The message texts come from the button's data
 * attributes (translated on the server); the copied URL is kept in
 * data-copied-url. No inline script: the CSP allows none.
 */
(function () {
  "use strict";

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.sspLink = {
    show: function (link) {
      if (typeof link !== "string" || link.charAt(0) !== "/") {
        return window.dash_clientside.no_update;
      }
      const query = link.indexOf("?");
      const path = query < 0 ? link : link.slice(0, query);
      if (path === window.location.pathname) {
        const search = query < 0 ? "" : link.slice(query);
        if (search !== window.location.search) {
          window.history.replaceState(window.history.state, "", path + search);
        }
      }
      return new URL(link, window.location.href).href;
    },
  };

  function selectField(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest ? event.target.closest("button.copy-link") : null;
    if (!button) {
      return;
    }
    const field = document.getElementById(button.getAttribute("data-link-field"));
    const status = document.getElementById(button.getAttribute("data-link-status"));
    const url = field && field.value ? field.value : window.location.href;
    function done(copied) {
      button.setAttribute("data-copied-url", url);
      if (status) {
        status.textContent = button.getAttribute(copied ? "data-copied" : "data-select");
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { done(true); },
        function () { done(field ? selectField(field) : false); }
      );
    } else {
      done(field ? selectField(field) : false);
    }
  });
})();
