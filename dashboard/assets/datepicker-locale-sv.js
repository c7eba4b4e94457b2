/* SSP Lägesbild – Swedish month and day names in Dash's date pickers (issue 15).
 *
 * Dash 4's DatePickerRange/DatePickerSingle format with date-fns and take the locale
 * from window.dateFns.locale (dcc/src/utils/calendar/helpers.ts, getUserLocale: the
 * browser's languages first, else the first locale loaded); there is no prop for it.
 * This file loads only the locale of the page's language (<html lang>, set from the
 * user's choice by dashboard.i18n.page_lang), so a Swedish page shows "november
 * 2026" and "må ti on" whatever the browser's language, and an English page keeps
 * date-fns' built-in English. Monday first and the YYYY-MM-DD format are props, set
 * on every picker by dashboard/dash_locale.py. Only what the pickers format is
 * defined (month and day names; numeric parsing needs no locale text). Names are
 * Babel's (CLDR) for sv_SE; tests/unit/test_i18n.py checks that they agree.
 */
(function () {
  "use strict";
  if ((document.documentElement.getAttribute("lang") || "sv") !== "sv") {
    return;
  }
  var MONTHS = {
    wide: ["januari", "februari", "mars", "april", "maj", "juni",
      "juli", "augusti", "september", "oktober", "november", "december"],
    abbreviated: ["jan.", "feb.", "mars", "apr.", "maj", "juni",
      "juli", "aug.", "sep.", "okt.", "nov.", "dec."],
    narrow: ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"]
  };
  var DAYS = {
    wide: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    abbreviated: ["sön", "mån", "tis", "ons", "tors", "fre", "lör"],
    short: ["sö", "må", "ti", "on", "to", "fr", "lö"],
    narrow: ["S", "M", "T", "O", "T", "F", "L"]
  };
  function pick(table, index, options) {
    var width = (options && options.width) || "wide";
    return (table[width] || table.wide)[index];
  }
  var sv = {
    code: "sv",
    localize: {
      ordinalNumber: function (n) { return String(n) + ":e"; },
      era: function (i) { return ["f.Kr.", "e.Kr."][i]; },
      quarter: function (q) { return String(q) + ":a kvartalet"; },
      month: function (i, options) { return pick(MONTHS, i, options); },
      day: function (i, options) { return pick(DAYS, i, options); },
      dayPeriod: function (period) { return period === "pm" ? "em" : "fm"; }
    },
    formatLong: {
      date: function () { return "yyyy-MM-dd"; },
      time: function () { return "HH:mm:ss"; },
      dateTime: function () { return "{{date}} {{time}}"; }
    },
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 }
  };
  window.dateFns = window.dateFns || {};
  window.dateFns.locale = Object.assign({}, window.dateFns.locale, { sv: sv });
})();
