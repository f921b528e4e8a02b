/* eco-park in the browser. The server computes every number and draws every view; this
   file keeps only what must happen without a round trip, one job per function:
   (1) edit the scenario in the address on a toggle (eco.switchScenario, with the reading and
       writing of assets/eco_scenario.js), and say when the park the address names changes
       (eco.parkKey), so park-only parts are not redrawn on a toggle;
   (2) the share link and its Copy button;
   (3) cycle the kiosk views and reload the kiosk after a server restart;
   (4) say why an upload over the size limit is not sent;
   (5) show slow exports' progress, with Cancel.
   Component ids come from the server (dashboard/app/ids.py, client_ids()), never written here. */
(function () {
  "use strict";

  const IDS = JSON.parse(document.getElementById("eco-ids").textContent);

  function source(propId) {  // a prop id ("ID.prop") -> the id: a string, or a pattern id object
    const id = propId.slice(0, propId.lastIndexOf("."));
    return id.startsWith("{") ? JSON.parse(id) : id;
  }

  /* -- the scenario in the address ---------------------------------------------------- */

  /* The new address for what was just done: a list checkbox set, an arrow's marker clicked
     in the network, Reset or All candidates on; no_update when it changes nothing. Several
     events in one instant are applied in turn. */
  function switchScenario(clickData, resetClicks, allClicks, toggles, search, park) {
    const noUpdate = window.dash_clientside.no_update;
    const triggered = window.dash_clientside.callback_context.triggered || [];
    if (!park) { return noUpdate; }
    const scenario = window.ecoScenario.readScenario(search, park);
    let active = scenario.active;
    let without = scenario.without;
    triggered.forEach((event) => {
      const from = source(event.prop_id);
      if (event.value === null || event.value === undefined) {
        return;  // a component that just appeared, not an event
      } else if (from === IDS.main.RESET_BUTTON) {
        active = new Set(park.existing);
        without = [];
      } else if (from === IDS.main.ALL_CANDIDATES_BUTTON) {  // existing ones stay as they are
        park.order.forEach((id) => { if (!park.existing.includes(id)) { active.add(id); } });
      } else if (from === IDS.main.NETWORK_GRAPH) {
        const point = clickData && clickData.points && clickData.points[0];
        if (point && point.customdata && point.customdata[0] === "exchange") {
          const id = point.customdata[1];
          if (active.has(id)) { active.delete(id); } else { active.add(id); }
        }
      } else if (from.type === IDS.main.EXCHANGE_TOGGLE && typeof event.value === "boolean") {
        if (event.value) { active.add(from.index); } else { active.delete(from.index); }
      }
    });
    const query = window.ecoScenario.scenarioQuery(park, active, without);
    return query === (search || "") ? noUpdate : query;
  }

  /* The park's key, only when the address names another park than the one shown. */
  function parkKey(search, _page, current) {
    const key = window.ecoScenario.parkKeyOf(search);
    return key === current ? window.dash_clientside.no_update : key;
  }

  /* -- the share link --------------------------------------------------------------------- */

  /* The address to share: this page with the scenario and the view shown. */
  function shareLink(search, fragment) {
    return window.location.origin + window.location.pathname + (search || "") + (fragment || "");
  }

  /* Copy the address, or select the link's text where the clipboard is not offered. */
  function copyLink() {
    const href = window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(href).then(() => "Link copied", () => "Copy the link below");
    }
    const field = document.getElementById(IDS.main.SHARE_LINK);
    if (field) { field.focus(); field.select(); }
    return "Copy the link below";
  }

  /* -- kiosk: show one view at a time ------------------------------------------------------ */

  function kioskCycle(ticks) {
    const outputs = window.dash_clientside.callback_context.outputs_list[0];
    const count = outputs.length;
    const shown = count ? (ticks || 0) % count : 0;
    return [outputs.map((_, i) => "kiosk-view" + (i === shown ? " shown" : "")),
      outputs.map((_, i) => (i === shown ? "false" : "true"))];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    eco: { switchScenario: switchScenario, parkKey: parkKey, shareLink: shareLink, copyLink: copyLink,
      kioskCycle: kioskCycle },
  });

  /* -- upload: dcc.Upload drops a file over its max_size without a word; say why ------ */

  function refuseLargeFiles(event) {
    const zone = event.target.closest && event.target.closest("[data-max-bytes]");
    if (!zone) { return; }
    const files = (event.dataTransfer && event.dataTransfer.files) || (event.target.files) || [];
    const limit = Number(zone.getAttribute("data-max-bytes"));
    const large = Array.from(files).find((file) => file.size > limit);
    if (!large) { return; }
    const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
    window.dash_clientside.set_props(IDS.main.UPLOAD_RESULT, {
      children: large.name + " is " + mb(large.size) + " MB; this server takes park files up to "
        + mb(limit) + " MB. The park shown has not changed.",
    });
  }
  document.addEventListener("change", refuseLargeFiles, true);
  document.addEventListener("drop", refuseLargeFiles, true);

  /* -- what Dash's components leave out, filled in as they appear ---------------------
     The browser tab names the page ([data-page-title]: its value, or the element's text);
     dcc.Upload's hidden file input gets a label; the firm panel's scrolling body can be
     reached from the keyboard. */

  function fillIn() {
    const titled = document.querySelector("[data-page-title]");
    if (titled) {
      const title = (titled.getAttribute("data-page-title") || titled.textContent || "").trim();
      const wanted = title ? title + " \u00b7 eco-park" : "eco-park";
      if (title && document.title !== wanted) { document.title = wanted; }
    }
    document.querySelectorAll("[data-max-bytes] input[type=file]:not([aria-label])").forEach((input) => {
      input.setAttribute("aria-label", "Choose a park file to upload (.xlsx, .zip or .json)");
    });
    document.querySelectorAll(".offcanvas-body:not([tabindex])").forEach((body) => {
      body.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(fillIn).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  /* -- slow exports (PDF, figures): a progress bar and Cancel, not a silent wait ------ */

  const SLOW_EXPORTS = ["export-pdf", "export-png", "export-svg"];
  let runningExport = null;

  function exportPanel() {
    let panel = document.getElementById("export-progress");
    if (!panel) {
      panel = document.createElement("div");
      panel.id = "export-progress";
      panel.className = "export-progress card shadow";
      panel.setAttribute("role", "status");
      panel.setAttribute("aria-live", "polite");
      document.body.appendChild(panel);
    }
    return panel;
  }

  function showExport(message, options) {
    const panel = exportPanel();
    panel.replaceChildren();
    const text = document.createElement("div");
    text.className = "export-progress-text";
    text.textContent = message;
    if (options.busy) {  // seconds tick silently: a screen reader hears the message once
      const clock = document.createElement("span");
      clock.className = "export-progress-clock ms-1";
      clock.setAttribute("aria-hidden", "true");
      text.appendChild(clock);
    }
    panel.appendChild(text);
    if (options.busy) {
      const bar = document.createElement("div");
      bar.className = "progress my-2";
      const fill = document.createElement("div");
      fill.className = "progress-bar progress-bar-striped progress-bar-animated";
      fill.style.width = "100%";
      fill.setAttribute("role", "progressbar");
      fill.setAttribute("aria-label", message);
      bar.appendChild(fill);
      panel.appendChild(bar);
    }
    if (options.button) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.textContent = options.button;
      button.addEventListener("click", options.onClick);
      panel.appendChild(button);
    }
    panel.hidden = false;
    if (options.hideAfter) {
      setTimeout(() => { if (!runningExport) { panel.hidden = true; } }, options.hideAfter);
    }
  }

  function filenameOf(response, fallback) {
    const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : fallback;
  }

  function startExport(link) {
    const label = link.textContent.trim();
    if (runningExport) {  // one at a time: point at the running one's Cancel
      const cancel = exportPanel().querySelector("button");
      if (cancel) { cancel.focus(); }
      return;
    }
    const controller = new AbortController();
    const started = Date.now();
    runningExport = { label: label, controller: controller };
    showExport("Making " + label + "\u2026", { busy: true, button: "Cancel", onClick: () => controller.abort() });
    const ticker = setInterval(() => {
      const clock = exportPanel().querySelector(".export-progress-clock");
      if (clock) { clock.textContent = Math.round((Date.now() - started) / 1000) + " s"; }
    }, 1000);
    const close = { button: "Close", onClick: () => { exportPanel().hidden = true; } };
    fetch(link.href, { signal: controller.signal, cache: "no-store" })
      .then((response) => {
        if (!response.ok) {
          return response.text().then((message) => { throw new Error(message || response.statusText); });
        }
        return response.blob().then((blob) => {
          const name = filenameOf(response, "eco-park-export");
          const save = document.createElement("a");
          save.href = URL.createObjectURL(blob);
          save.download = name;
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(() => URL.revokeObjectURL(save.href), 30000);
          return name;
        });
      })
      .then((name) => { runningExport = null; showExport("Downloaded " + name, Object.assign({ hideAfter: 6000 }, close)); })
      .catch((error) => {
        runningExport = null;
        const message = error.name === "AbortError" ? label + ": cancelled" : label + " could not be made: " + error.message;
        showExport(message, close);
      })
      .finally(() => clearInterval(ticker));
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[id]");
    if (!link || !SLOW_EXPORTS.includes(link.id) || !link.href || link.getAttribute("href") === "#") { return; }
    event.preventDefault();
    startExport(link);
  }, true);

  /* -- kiosk: reload once the server answers again after going away ------------------- */

  let down = false;
  setInterval(function () {
    if (!document.getElementById(IDS.kiosk.KIOSK_ROOT)) { return; }
    fetch("/healthz", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        if (down) { window.location.reload(); }
      })
      .catch(function () { down = true; });
  }, 5000);
})();
