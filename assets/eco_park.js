/* eco-park in the browser. The server computes every number; this file only
   (1) edits the scenario in the URL (?park=KEY&on=ID,ID&off=ID, toggles relative to the
   baseline: existing on, candidates off), so a toggle needs no round trip;
   (2) draws the exchange list from the rows the server sends, with filtering, sorting
   and paging done here, and its toggles and firm buttons wired to the URL and panel;
   (3) cycles the kiosk views and reloads the kiosk after a server restart;
   (4) says why an upload over the size limit is not sent. Slow exports' progress and
   Cancel are Dash background callbacks (dashboard/app/export_jobs.py). */
(function () {
  "use strict";

  /* -- scenario in the URL ------------------------------------------------------------ */

  function activeSet(search, park) {
    const params = new URLSearchParams(search || "");
    const list = (name) => (params.get(name) || "").split(",").map((s) => s.trim()).filter(Boolean);
    const known = new Set(park.order);
    const on = list("on");
    const active = new Set(park.existing);
    on.forEach((id) => { if (known.has(id)) { active.add(id); } });
    list("off").forEach((id) => { if (known.has(id) && !on.includes(id)) { active.delete(id); } });
    return active;
  }

  /* The firms that leave (?without=) are kept as they are: a toggle changes exchanges only. */
  function searchFor(active, park, keepFrom) {
    const existing = new Set(park.existing);
    const on = park.order.filter((id) => active.has(id) && !existing.has(id));
    const off = park.order.filter((id) => existing.has(id) && !active.has(id));
    const parts = [];
    if (park.key) { parts.push("park=" + encodeURIComponent(park.key)); }
    if (on.length) { parts.push("on=" + on.map(encodeURIComponent).join(",")); }
    if (off.length) { parts.push("off=" + off.map(encodeURIComponent).join(",")); }
    const without = (new URLSearchParams(keepFrom || "").get("without") || "").split(",")
      .map((s) => s.trim()).filter(Boolean);
    if (without.length) { parts.push("without=" + without.map(encodeURIComponent).join(",")); }
    return parts.length ? "?" + parts.join("&") : "";
  }

  /* The address bar changes only once Dash has drawn the new search: two toggles in one
     instant must build on the first, not on the address it has not reached yet. */
  let pendingSearch = null;
  window.addEventListener("popstate", () => { pendingSearch = null; });

  function currentSearch() {
    if (pendingSearch !== null && pendingSearch === window.location.search) { pendingSearch = null; }
    return pendingSearch !== null ? pendingSearch : window.location.search;
  }

  function proposed(search) {
    pendingSearch = search;
    return search;
  }

  function setScenario(search) {
    window.dash_clientside.set_props("url", { search: proposed(search) });
  }

  /* -- the Sankey shown, in the address's fragment ------------------------------------ */

  const SANKEY_PREFIX = "sankey=";

  /* The fragment holds parts joined by "&": sankey=KEY and network=VIEW (the network's
     own, written by its callbacks); each part is read and written leaving the others. */
  function fragmentParts(fragment) {
    return (fragment || "").replace(/^#/, "").split("&").filter((part) => part);
  }

  function linkedSankey(fragment) {
    const part = fragmentParts(fragment).find((p) => p.startsWith(SANKEY_PREFIX));
    return part ? decodeURIComponent(part.slice(SANKEY_PREFIX.length)) : null;
  }

  function withSankey(fragment, value) {
    const others = fragmentParts(fragment).filter((p) => !p.startsWith(SANKEY_PREFIX));
    return "#" + [SANKEY_PREFIX + encodeURIComponent(value).replace(/%3A/g, ":")].concat(others).join("&");
  }

  /* Back and Forward: the tab follows the fragment (no fragment: the first view). */
  function sankeyFromAddress() {
    const tabs = document.getElementById("sankey-tabs");
    if (!tabs) { return; }
    const keys = Array.from(tabs.querySelectorAll("input")).map((input) => input.value);
    if (!keys.length) { return; }
    const linked = linkedSankey(window.location.hash);
    window.dash_clientside.set_props("sankey-tabs", { value: keys.includes(linked) ? linked : keys[0] });
  }
  window.addEventListener("popstate", sankeyFromAddress);

  /* -- the exchange list ------------------------------------------------------------- */

  const KPIS = ["freshwater_m3", "co2_t", "landfill_t", "cost"];
  const VALUE_COLUMNS = ["payback", "npv", "abatement"];
  const PAGE_SIZE = 25;
  let current = null;  // the last table data, for the event handlers
  let currentSort = {};

  function matches(row, category, status, text) {
    if (category && category !== "all" && row.category !== category) { return false; }
    if (status && status !== "all" && row.status !== status) { return false; }
    if (text) {
      const needle = text.trim().toLowerCase();
      const hay = [row.id, row.name, row.from_name, row.to_name, row.resource].join(" ").toLowerCase();
      if (needle && !hay.includes(needle)) { return false; }
    }
    return true;
  }

  function sortKey(row, column) {
    if (column === "from") { return (row.from_name + "\u0000" + row.to_name).toLowerCase(); }
    if (column === "name" || column === "resource" || column === "bound") { return String(row[column]).toLowerCase(); }
    return row[column];
  }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => {
      if (value === undefined || value === null || value === false) { return; }
      if (key === "text") { node.textContent = value; } else { node.setAttribute(key, value === true ? "" : value); }
    });
    (children || []).forEach((child) => node.appendChild(typeof child === "string" ? document.createTextNode(child) : child));
    return node;
  }

  function firmButton(id, name) {
    return element("button", { type: "button", class: "btn btn-link btn-sm p-0 align-baseline firm-link",
      "data-firm": id, title: "Open " + name + "'s panel", text: name });
  }

  function draw(rows, data, sort) {
    const table = element("table", { class: "table table-sm table-hover align-middle exchange-table" });
    const head = element("tr", {}, [element("th", { scope: "col", text: "On" })]);
    Object.entries(data.columns).forEach(([column, label]) => {
      const sorted = sort && sort.column === column;
      const marker = sorted ? (sort.descending ? " \u25be" : " \u25b4") : "";
      head.appendChild(element("th", { scope: "col", "aria-sort": sorted ? (sort.descending ? "descending" : "ascending") : "none" },
        [element("button", { type: "button", class: "btn btn-link btn-sm p-0 sort-button", "data-sort": column,
          title: "Sort by " + label.toLowerCase(), text: label + marker })]));
    });
    table.appendChild(element("thead", {}, [head]));
    const body = element("tbody");
    rows.forEach((row) => {
      const candidate = row.status === "candidate";
      const box = element("input", { type: "checkbox", class: "form-check-input toggle-input", "data-toggle": row.id,
        "aria-label": "Switch " + row.id + ": " + row.name, checked: row.active });
      box.checked = row.active;
      const cells = [
        element("td", {}, [element("div", { class: "form-check" }, [box])]),
        element("td", { class: "wrap" }, [
          element("span", { class: "fw-semibold", text: row.name }), " ",
          element("span", { class: "badge " + (candidate ? "bg-warning text-dark" : "bg-secondary"), text: row.status }),
          element("div", { class: "small text-muted font-monospace", text: row.id }),
          row.quality ? element("div", { class: "small text-muted quality", title: "How the figures were obtained",
            text: "data: " + row.quality }) : ""]),
        element("td", { class: "wrap" }, [firmButton(row.from, row.from_name), " \u2192 ", firmButton(row.to, row.to_name)]),
        element("td", {}, [element("span", { "aria-hidden": "true", style: "color:" + row.colour, text: "\u25cf " }),
          row.resource, element("div", { class: "small text-muted", text: row.category_label })]),
        element("td", { class: "num", text: row.carried_text }),
        element("td", { class: "bound", text: row.bound }),
      ];
      KPIS.forEach((kpi) => {
        const kind = row[kpi + "_class"];
        const arrow = row[kpi + "_arrow"] !== undefined ? row[kpi + "_arrow"]
          : kind === "good" ? "\u25bc " : kind === "bad" ? "\u25b2 " : "";
        cells.push(element("td", { class: "num change " + kind, title: row[kpi + "_title"] },
          [element("span", { "aria-hidden": "true", text: arrow }), row[kpi + "_text"]]));
      });
      VALUE_COLUMNS.forEach((column) => {  // what the link is worth: payback, NPV, cost per t CO2e
        cells.push(element("td", { class: "num " + (row[column + "_class"] || ""), title: row[column + "_title"],
          text: row[column + "_text"] }));
      });
      body.appendChild(element("tr", { class: candidate ? "candidate-row" : "", "data-exchange": row.id }, cells));
    });
    table.appendChild(body);
    return table;
  }

  function drawTable(data, category, status, text, sort, page) {
    const noUpdate = window.dash_clientside.no_update;
    if (!data) { return [noUpdate, noUpdate, noUpdate, noUpdate]; }
    current = data;
    currentSort = sort || {};
    let rows = data.rows.filter((row) => matches(row, category, status, text));
    if (sort && sort.column) {
      const sign = sort.descending ? -1 : 1;
      rows = rows.map((row, i) => [row, i]).sort((a, b) => {
        // quantities carried compare only within a unit: m3, MWh and t are grouped first
        if (sort.column === "carried" && a[0].unit !== b[0].unit) { return a[0].unit < b[0].unit ? -1 : 1; }
        const x = sortKey(a[0], sort.column), y = sortKey(b[0], sort.column);
        return x < y ? -sign : x > y ? sign : a[1] - b[1];
      }).map((pair) => pair[0]);
    }
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    const shown = Math.min(Math.max(page || 0, 0), pages - 1);
    const table = draw(rows.slice(shown * PAGE_SIZE, (shown + 1) * PAGE_SIZE), data, sort);
    const place = () => {
      const container = document.getElementById("exchange-table");
      if (!container) { window.requestAnimationFrame(place); return; }
      const focused = document.activeElement;
      const focusKey = focused && container.contains(focused)
        ? ["data-toggle", "data-firm", "data-sort"].map((a) => [a, focused.getAttribute(a)]).find((p) => p[1]) : null;
      container.replaceChildren(table);
      if (focusKey) {  // keyboard users keep their place when the list is redrawn
        const again = container.querySelector("[" + focusKey[0] + "=\"" + CSS.escape(focusKey[1]) + "\"]");
        if (again) { again.focus(); }
      }
    };
    place();
    return [rows.length + " of " + data.rows.length + " exchanges", "page " + (shown + 1) + " of " + pages,
      shown === 0, shown >= pages - 1];
  }

  document.addEventListener("change", (event) => {
    const box = event.target.closest && event.target.closest("#exchange-table input[data-toggle]");
    if (!box || !current) { return; }
    const active = activeSet(currentSearch(), current.park);
    const id = box.getAttribute("data-toggle");
    if (box.checked) { active.add(id); } else { active.delete(id); }
    setScenario(searchFor(active, current.park, currentSearch()));
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest) { return; }
    const firm = event.target.closest("#exchange-table button[data-firm]");
    if (firm) {
      window.dash_clientside.set_props("selected-firm", { data: firm.getAttribute("data-firm") });
      window.dash_clientside.set_props("firm-panel", { is_open: true });
      return;
    }
    const header = event.target.closest("#exchange-table button[data-sort]");
    if (header) {
      const column = header.getAttribute("data-sort");
      const sort = currentSort;
      const descending = sort.column === column ? !sort.descending : column !== "name" && column !== "from"
        && column !== "resource" && column !== "bound";
      window.dash_clientside.set_props("table-sort", { data: { column: column, descending: descending } });
    }
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
      window.dash_clientside.set_props("upload-result", { children: words.split("{name}").join(wrong.name) });
      return;
    }
    const large = Array.from(files).find((file) => file.size > limit);
    if (!large) { return; }
    const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
    window.dash_clientside.set_props("upload-result", {
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

  /* -- callbacks ------------------------------------------------------------------------ */

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    eco: {
      scenario: function (clickData, resetClicks, allClicks, search, park) {
        const noUpdate = window.dash_clientside.no_update;
        const context = window.dash_clientside.callback_context;
        if (!park || !context.triggered || context.triggered.length === 0) { return noUpdate; }
        const active = activeSet(currentSearch(), park);  // the search state may lag a toggle just made
        const propId = context.triggered[0].prop_id;
        const source = propId.slice(0, propId.lastIndexOf("."));
        if (source === "reset-baseline") {
          return proposed(searchFor(new Set(park.existing), park));
        }
        if (source === "all-candidates-on") {  // existing ones stay as they are
          const existing = new Set(park.existing);
          park.order.forEach((id) => { if (!existing.has(id)) { active.add(id); } });
          return proposed(searchFor(active, park, currentSearch()));
        }
        if (source === "network-graph") {
          const point = clickData && clickData.points && clickData.points[0];
          if (!point || !point.customdata || point.customdata[0] !== "exchange") { return noUpdate; }
          const id = point.customdata[1];
          if (active.has(id)) { active.delete(id); } else { active.add(id); }
          return proposed(searchFor(active, park, currentSearch()));
        }
        return noUpdate;
      },

      drawTable: drawTable,

      /* The Sankey shown and the address's fragment (#sankey=KEY) follow each other: a tab
         click writes the fragment (a history entry), an opened link or a new park's tabs
         read it (Back and Forward: see sankeyFromAddress). The first view needs no
         fragment, so a plain page load adds no entry. The live address is read, not the
         url component's hash, which may not have caught up yet. */
      syncSankey: function (options, value) {
        const noUpdate = window.dash_clientside.no_update;
        const keys = (options || []).map((option) => option.value);
        if (!keys.length) { return [noUpdate, noUpdate]; }
        const fragment = window.location.hash;
        const linked = linkedSankey(fragment);
        const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
        if (triggered.includes("sankey-tabs.value") && keys.includes(value)) {
          if (linked === null && value === keys[0]) { return [noUpdate, noUpdate]; }
          const wanted = withSankey(fragment, value);
          return [noUpdate, wanted === fragment ? noUpdate : wanted];
        }
        const chosen = keys.includes(linked) ? linked : keys.includes(value) ? value : keys[0];
        return [chosen === value ? noUpdate : chosen, noUpdate];
      },

      /* The address to share: this page with the scenario and the view shown. */
      shareLink: function (search, fragment) {
        return window.location.origin + window.location.pathname + (search || "") + (fragment || "");
      },

      turnPage: function (previous, next, category, status, text, sort, page) {
        const source = window.dash_clientside.callback_context.triggered[0].prop_id;
        if (source.startsWith("page-previous")) { return Math.max(0, (page || 0) - 1); }
        if (source.startsWith("page-next")) { return (page || 0) + 1; }
        return 0;  // filters or sort changed: back to the first page
      },

      kioskCycle: function (ticks) {
        const outputs = window.dash_clientside.callback_context.outputs_list[0];
        const count = outputs.length;
        const shown = count ? (ticks || 0) % count : 0;
        return [outputs.map((_, i) => "kiosk-view" + (i === shown ? " shown" : "")),
          outputs.map((_, i) => (i === shown ? "false" : "true"))];
      },
    },
  });

  /* -- kiosk: reload once the server answers again after going away ------------------- */

  let down = false;
  setInterval(function () {
    if (!document.getElementById("kiosk-root")) { return; }
    fetch("/healthz", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        if (down) { window.location.reload(); }
      })
      .catch(function () { down = true; });
  }, 5000);
})();
