/* SSP Lägesbild – send a chosen file to the server as it is, with a progress bar.
 *
 * Every element with data-upload-kind (dashboard/uploads.py, upload_box) becomes a
 * drop zone: a click (or Enter) opens the file chooser, a file can be dropped on it.
 * The file goes as the raw body of POST /upload/<kind> (dashboard/upload_routes.py),
 * which streams it to disk: it is never read into the page or sent through a Dash
 * callback. The server's answer — {token, name, size} or {error} — is put into the
 * dcc.Store named by data-upload-store, whose callback takes it from there.
 * Served locally: no CDN.
 */
(function () {
  "use strict";

  const ZONE = "[data-upload-kind]";

  function setProps(id, props) {
    if (id && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function answer(zone, data) {
    setProps(zone.dataset.uploadStore, { data: Object.assign({ at: Date.now() }, data) });
  }

  function megabytes(bytes) {
    return Math.floor(bytes / (1024 * 1024));
  }

  function send(zone, file) {
    const limit = Number(zone.dataset.uploadLimit || 0);
    const bar = zone.dataset.uploadProgress;
    setProps(bar, { value: "0" });
    if (limit && file.size > limit) {
      answer(zone, { error: "Filen är för stor (högst " + megabytes(limit) + " MB)." });
      return;
    }
    const request = new XMLHttpRequest();
    request.open("POST", "/upload/" + encodeURIComponent(zone.dataset.uploadKind));
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("X-Upload-Name", encodeURIComponent(file.name));
    request.setRequestHeader("X-CSRF-Token", zone.dataset.csrf || "");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable && event.total > 0) {
        setProps(bar, { value: String(Math.round((100 * event.loaded) / event.total)) });
      }
    };
    request.onload = function () {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch (ignored) {
        body = {};
      }
      if (request.status === 201 && body.token) {
        setProps(bar, { value: "100" });
        answer(zone, { token: body.token, name: body.name, size: body.size });
      } else {
        answer(zone, {
          error: body.error || "Uppladdningen misslyckades (" + request.status + "). Försök igen.",
        });
      }
    };
    request.onerror = function () {
      answer(zone, { error: "Uppladdningen avbröts (nätverksfel). Försök igen." });
    };
    request.send(file);
  }

  function prepare(root) {
    root.querySelectorAll(ZONE).forEach(function (zone) {
      if (zone.querySelector("input.upload-input")) {
        return;
      }
      const input = document.createElement("input");
      input.type = "file";
      input.className = "upload-input";
      input.accept = zone.dataset.uploadAccept || "";
      input.style.display = "none";
      input.addEventListener("change", function () {
        if (input.files && input.files.length) {
          send(zone, input.files[0]);
        }
        input.value = "";
      });
      zone.appendChild(input);
    });
  }

  function zoneOf(event) {
    return event.target instanceof Element ? event.target.closest(ZONE) : null;
  }

  function choose(zone) {
    const input = zone.querySelector("input.upload-input");
    if (input) {
      input.click();
    }
  }

  document.addEventListener("click", function (event) {
    const zone = zoneOf(event);
    if (zone && !event.target.matches("input.upload-input")) {
      choose(zone);
    }
  });
  document.addEventListener("keydown", function (event) {
    const zone = zoneOf(event);
    if (zone && event.target === zone && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      choose(zone);
    }
  });
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      const zone = zoneOf(event);
      if (zone) {
        event.preventDefault();
        zone.classList.add("upload-over");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    const zone = zoneOf(event);
    if (zone) {
      zone.classList.remove("upload-over");
    }
  });
  document.addEventListener("drop", function (event) {
    const zone = zoneOf(event);
    if (!zone) {
      return;
    }
    event.preventDefault();
    zone.classList.remove("upload-over");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) {
      send(zone, files[0]);
    }
  });

  function start() {
    prepare(document);
    new MutationObserver(function () {
      prepare(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
