/* SSP Lägesbild – printing a page with its charts and map.
 *
 * The print stylesheet (ssp.css, @media print) lays the page out in one column at
 * A4 width. Plotly draws at the screen's size, so before printing each chart wider
 * than the paper is scaled down to it (CSS zoom: synchronous, no redraw — a
 * Plotly resize would only land after the print layout is taken); after printing
 * the zoom is removed and the chart resized to its container again.
 *
 * The maps are WebGL canvases (MapLibre) drawn without preserveDrawingBuffer, which
 * print blank. So each map keeps a snapshot of its last finished frame: on MapLibre's
 * "idle" event (fired in the same task as the drawing, while the buffer is intact)
 * the canvas is copied to an <img class="print-snapshot"> in the map's container,
 * which only the print stylesheet shows, in place of the canvas. From "beforeprint"
 * to "afterprint" the snapshots are frozen: the print layout resizes the map, and a
 * frame drawn then must not replace the one on screen.
 */
(function () {
  "use strict";

  const PRINT_WIDTH = 700; /* CSS px: A4 (210 mm) less the @page margins of 12 mm */

  function mapsOf(gd) {
    const layout = gd._fullLayout || {};
    return Object.keys(layout)
      .filter(function (key) { return /^(map|mapbox)\d*$/.test(key); })
      .map(function (key) { return layout[key] && layout[key]._subplot && layout[key]._subplot.map; })
      .filter(Boolean);
  }

  let printing = false; /* the snapshots are frozen while the print layout is taken */

  function snapshot(map) {
    if (printing) {
      return;
    }
    const canvas = map.getCanvas();
    const container = map.getContainer();
    let img = container.querySelector(":scope > img.print-snapshot");
    if (!img) {
      img = document.createElement("img");
      img.className = "print-snapshot";
      img.alt = "";
      container.appendChild(img);
    }
    try {
      if (!drawn(canvas)) {
        return; /* a frame with only the background: keep the last drawn one */
      }
      img.src = canvas.toDataURL("image/png");
      container.classList.add("has-print-snapshot");
    } catch (error) {
      container.classList.remove("has-print-snapshot");
    }
  }

  /* True when the frame holds more than one colour (a 32×32 sample of it). */
  function drawn(canvas) {
    const sample = document.createElement("canvas");
    sample.width = 32;
    sample.height = 32;
    const context = sample.getContext("2d");
    context.drawImage(canvas, 0, 0, 32, 32);
    const pixels = context.getImageData(0, 0, 32, 32).data;
    for (let i = 4; i < pixels.length; i += 4) {
      if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) {
        return true;
      }
    }
    return false;
  }

  function watchMaps() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      mapsOf(gd).forEach(function (map) {
        if (map.__sspPrintWatched) {
          return;
        }
        map.__sspPrintWatched = true;
        map.on("idle", function () { snapshot(map); });
        map.triggerRepaint();
      });
    });
  }

  window.setInterval(watchMaps, 1000);

  function fitForPrint() {
    watchMaps();
    printing = true;
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      const width = gd.getBoundingClientRect().width;
      gd.style.zoom = width > PRINT_WIDTH ? String(PRINT_WIDTH / width) : "";
    });
  }

  function restoreAfterPrint() {
    printing = false;
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      gd.style.zoom = "";
      if (window.Plotly && window.Plotly.Plots) {
        window.Plotly.Plots.resize(gd);
      }
    });
  }

  window.addEventListener("beforeprint", fitForPrint);
  window.addEventListener("afterprint", restoreAfterPrint);
  window.sspPrint = { fitForPrint: fitForPrint, restoreAfterPrint: restoreAfterPrint, snapshotMaps: watchMaps };
})();
