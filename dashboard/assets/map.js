/* SSP Lägesbild – fetch a layer's geometry once, before the map shows it.
 *
 * Plotly resolves a choropleth's GeoJSON URL through window.PlotlyGeoAssets. The
 * layer is fetched here first (same origin, with the session cookie) and put there,
 * and only then does the server callback that draws the map run (it takes this
 * callback's output as input), so a map is never drawn before its geometry is in
 * the browser, and each layer is fetched once per page. Served locally: no CDN.
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  ssp: {
    loadLayer: async function (kommun, level, version) {
      if (!kommun || !level) {
        return window.dash_clientside.no_update;
      }
      const url = "/geo/" + encodeURIComponent(kommun) + "/" + encodeURIComponent(level) +
        ".geojson?v=" + encodeURIComponent(version || 0);
      window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
      if (!window.PlotlyGeoAssets[url]) {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) {
          throw new Error("Områdesgränserna kunde inte hämtas (" + response.status + ").");
        }
        window.PlotlyGeoAssets[url] = await response.json();
      }
      return { kommun: kommun, level: level, url: url };
    },
  },
});
