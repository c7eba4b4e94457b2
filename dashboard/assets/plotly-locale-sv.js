/* SSP Lägesbild – Swedish for Plotly charts (issue 15), served locally: no CDN.
 *
 * Registers the locale "sv" with plotly.js: Swedish month and day names on date
 * axes and in hovers ("jan. 2025"), a decimal comma and a no-break space between
 * thousands, and the mode bar's tooltips. Every chart asks for it through its
 * config (dashboard.components.graph: locale "sv", or "en" for English users).
 * Month names are Babel's (CLDR) for sv_SE, as dashboard/formatting.py writes
 * them; tests/unit/test_i18n.py checks that they agree. The dictionary holds the
 * texts plotly.js 3 looks up (mode bar tooltips and messages).
 *
 * Dash loads plotly.js on its own schedule, possibly after this file, so the
 * locale is registered as soon as window.Plotly exists (a chart asking for an
 * unregistered locale falls back to English, so it must be there before the
 * first chart is drawn; Dash draws charts only after its renderer has started).
 */
(function () {
  "use strict";
  var SV = {
    moduleType: "locale",
    name: "sv",
    dictionary: {
      "Autoscale": "Autoskala",
      "Box Select": "Välj med rektangel",
      "Click to enter Colorscale title": "Klicka för att ange titel på färgskala",
      "Click to enter Component A title": "Klicka för att ange titel på komponent A",
      "Click to enter Component B title": "Klicka för att ange titel på komponent B",
      "Click to enter Component C title": "Klicka för att ange titel på komponent C",
      "Click to enter Plot title": "Klicka för att ange titel på diagrammet",
      "Click to enter X axis title": "Klicka för att ange titel på x-axeln",
      "Click to enter Y axis title": "Klicka för att ange titel på y-axeln",
      "Click to enter radial axis title": "Klicka för att ange titel på radiell axel",
      "Compare data on hover": "Jämför data när muspekaren hålls över",
      "Double-click on legend to isolate one trace": "Dubbelklicka på förklaringen för att visa endast en serie",
      "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
      "Download plot": "Ladda ner diagrammet",
      "Download plot as a PNG": "Ladda ner diagrammet som PNG",
      "Download plot as JSON": "Ladda ner diagrammet som JSON",
      "Draw circle": "Rita cirkel",
      "Draw closed freeform": "Rita sluten frihandsform",
      "Draw line": "Rita linje",
      "Draw open freeform": "Rita öppen frihandsform",
      "Draw rectangle": "Rita rektangel",
      "Erase active shape": "Radera vald form",
      "Image download succeeded": "Bilden är nedladdad",
      "JSON download succeeded": "JSON-filen är nedladdad",
      "Preparing image - this may take a few seconds": "Förbereder bilden – det kan ta några sekunder",
      "Share chart...": "Dela diagrammet…",
      "Sorry, there was a problem downloading your JSON file!": "Tyvärr gick något fel när JSON-filen skulle laddas ner",
      "Sorry, there was a problem downloading your image!": "Tyvärr gick något fel när bilden skulle laddas ner",
      "Edit in Chart Studio": "Redigera i Chart Studio",
      "IE only supports svg.  Changing format to svg.": "IE stöder endast svg. Byter format till svg.",
      "Lasso Select": "Välj med lasso",
      "Orbital rotation": "Orbital rotation",
      "Pan": "Panorera",
      "Produced with Plotly.js": "Skapad med Plotly.js",
      "Reset": "Återställ",
      "Reset axes": "Återställ axlar",
      "Reset camera to default": "Återställ kamera till standard",
      "Reset camera to last save": "Återställ kamera till senast sparad",
      "Reset view": "Återställ vy",
      "Reset views": "Återställ vyer",
      "Show closest data on hover": "Visa närmaste värde när muspekaren hålls över",
      "Toggle Spike Lines": "Aktivera/inaktivera topplinjer",
      "Toggle show closest data on hover": "Aktivera/inaktivera visning av närmaste värde",
      "Turntable rotation": "Platt rotation",
      "Zoom": "Zooma",
      "Zoom in": "Zooma in",
      "Zoom out": "Zooma ut",
      "close:": "stängning:",
      "high:": "hög:",
      "incoming flow count:": "inkommande flöde:",
      "kde:": "kde:",
      "lat:": "lat:",
      "lon:": "lon:",
      "low:": "låg:",
      "lower fence:": "undre gräns:",
      "max:": "max:",
      "mean ± σ:": "medel ± σ:",
      "mean:": "medel:",
      "median:": "median:",
      "min:": "min:",
      "new text": "ny text",
      "open:": "öppning:",
      "outgoing flow count:": "utgående flöde:",
      "q1:": "q1:",
      "q3:": "q3:",
      "source:": "källa:",
      "target:": "mål:",
      "trace": "serie",
      "upper fence:": "övre gräns:"
    },
    format: {
      days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
      shortDays: ["sön", "mån", "tis", "ons", "tors", "fre", "lör"],
      months: [
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december"
      ],
      shortMonths: [
        "jan.", "feb.", "mars", "apr.", "maj", "juni",
        "juli", "aug.", "sep.", "okt.", "nov.", "dec."
      ],
      periods: ["fm", "em"],
      dateTime: "%A %e %B %Y %X",
      date: "%Y-%m-%d",
      time: "%H:%M:%S",
      decimal: ",",
      thousands: "\u00a0",
      grouping: [3],
      currency: ["", "\u00a0kr"],
      year: "%Y",
      month: "%b %Y",
      dayMonth: "%-d %b",
      dayMonthYear: "%-d %b %Y"
    }
  };

  function register() {
    if (window.Plotly && typeof window.Plotly.register === "function") {
      window.Plotly.register(SV);
      return true;
    }
    return false;
  }

  if (!register()) {
    // plotly.js arrives later: register the moment it is assigned to window.Plotly.
    var current;
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () { return current; },
      set: function (value) {
        current = value;
        Object.defineProperty(window, "Plotly", {
          configurable: true, enumerable: true, writable: true, value: value
        });
        register();
      }
    });
  }
})();
