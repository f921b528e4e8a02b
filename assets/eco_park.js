/* eco-park in the browser. The server computes every number and draws every view; this
   file keeps only what must happen without a round trip, one job per function:
   (1) edit the scenario in the address on a toggle (eco.switchScenario, with the reading and
       writing of assets/eco_scenario.js);
   (2) the share link and its Copy button; open the firm panel from a list's firm button;
   (3) cycle the kiosk views and reload the kiosk after a server restart;
   (4) say why an upload over the size limit, or of a type it does not take, is not sent.
   Slow exports' progress and Cancel are Dash background callbacks (app/export_jobs.py).
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
      } else if (from === IDS.main.EXCHANGE_ROWS && event.value.boxes) {
        // the list's checkboxes changed since it was drawn ({boxes: {id: checked}}: eco_markup.js)
        Object.entries(event.value.boxes).forEach(([id, on]) => {
          if (on) { active.add(id); } else { active.delete(id); }
        });
      }
    });
    const query = window.ecoScenario.scenarioQuery(park, active, without);
    return query === (search || "") ? noUpdate : query;
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

  /* -- the firm panel, opened from a firm's button in the list -------------------------- */

  /* [firm id, open] for the list's firm button just clicked ({firm, n}: eco_markup.js). */
  function openFirm(opened) {
    const noUpdate = window.dash_clientside.no_update;
    return opened && typeof opened.firm === "string" ? [opened.firm, true] : [noUpdate, noUpdate];
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
    eco: { switchScenario: switchScenario, shareLink: shareLink, copyLink: copyLink,
      kioskCycle: kioskCycle, openFirm: openFirm },
  });

  /* -- upload: dcc.Upload drops a file over its max_size without a word; say why ------ */

  function refuseLargeFiles(event) {
    const zone = event.target.closest && event.target.closest("[data-max-bytes]");
    if (!zone) { return; }
    const files = (event.dataTransfer && event.dataTransfer.files) || (event.target.files) || [];
    const limit = Number(zone.getAttribute("data-max-bytes"));
    // a file of a type the upload does not take (a single CSV, say) is dropped silently
    // by dcc.Upload: say what to upload instead (the words come from the server's page)
    const accepted = (zone.getAttribute("data-accept") || "").split(",");
    const wrong = Array.from(files).find((file) => !accepted.some((end) => file.name.toLowerCase().endsWith(end)));
    if (wrong) {
      const table = /\.(csv|tsv|txt)$/i.test(wrong.name);
      const words = zone.getAttribute(table ? "data-table-message" : "data-other-message") || "";
      window.dash_clientside.set_props(IDS.main.UPLOAD_RESULT, { children: words.split("{name}").join(wrong.name) });
      return;
    }
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


  /* -- kiosk: reload once the server answers again after going away -------------------
     Only after two answers in a row, 5 s apart: a server going down (or restarting its
     workers one by one) can answer once between failures, and a reload that then fails
     leaves the screen on the browser's error page, where nothing runs to try again. */

  let down = false;
  let answers = 0;
  setInterval(function () {
    if (!document.getElementById(IDS.kiosk.KIOSK_ROOT)) { return; }
    fetch("/healthz", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        answers += 1;
        if (down && answers >= 2) { window.location.reload(); }
      })
      .catch(function () { down = true; answers = 0; });
  }, 5000);
})();
