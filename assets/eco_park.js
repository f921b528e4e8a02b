/* eco-park: scenario changes happen in the browser (no server round trip), so a
   toggle answers within a blink. The scenario lives in the URL: ?park=KEY&on=ID,ID&off=ID,
   toggles relative to the baseline (existing on, candidates off). The server computes
   every number from that URL; this file only edits the URL. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  eco: {
    scenario: function (toggleValues, clickData, resetClicks, allClicks, search, park) {
      const noUpdate = window.dash_clientside.no_update;
      const context = window.dash_clientside.callback_context;
      if (!park || !context.triggered || context.triggered.length === 0) { return noUpdate; }
      const params = new URLSearchParams(search || "");
      const list = (name) => (params.get(name) || "").split(",").map((s) => s.trim()).filter(Boolean);
      const known = new Set(park.order);
      const existing = new Set(park.existing);
      const on = list("on");
      const active = new Set(park.existing);
      on.forEach((id) => { if (known.has(id)) { active.add(id); } });
      list("off").forEach((id) => { if (known.has(id) && !on.includes(id)) { active.delete(id); } });

      const propId = context.triggered[0].prop_id;
      const source = propId.slice(0, propId.lastIndexOf("."));
      if (source === "reset-baseline") {
        active.clear();
        park.existing.forEach((id) => active.add(id));
      } else if (source === "all-candidates-on") {
        park.order.forEach((id) => { if (!existing.has(id)) { active.add(id); } });
      } else if (source === "network-graph") {
        const point = clickData && clickData.points && clickData.points[0];
        if (!point || !point.customdata || point.customdata[0] !== "exchange") { return noUpdate; }
        const id = point.customdata[1];
        if (active.has(id)) { active.delete(id); } else { active.add(id); }
      } else if (source.startsWith("{")) {
        if (context.triggered.length !== 1) { return noUpdate; }  // the table re-rendered
        const id = JSON.parse(source).index;
        const wanted = Boolean(context.triggered[0].value);
        if (wanted === active.has(id)) { return noUpdate; }
        if (wanted) { active.add(id); } else { active.delete(id); }
      } else {
        return noUpdate;
      }
      const newOn = park.order.filter((id) => active.has(id) && !existing.has(id));
      const newOff = park.order.filter((id) => existing.has(id) && !active.has(id));
      const parts = [];
      if (park.key) { parts.push("park=" + encodeURIComponent(park.key)); }
      if (newOn.length) { parts.push("on=" + newOn.map(encodeURIComponent).join(",")); }
      if (newOff.length) { parts.push("off=" + newOff.map(encodeURIComponent).join(",")); }
      return parts.length ? "?" + parts.join("&") : "";
    },
  },
});

/* Kiosk: show one view at a time, in turn. */
window.dash_clientside.eco.kioskCycle = function (ticks) {
  const outputs = window.dash_clientside.callback_context.outputs_list[0];
  const count = outputs.length;
  const shown = count ? (ticks || 0) % count : 0;
  const classes = outputs.map((_, i) => "kiosk-view" + (i === shown ? " shown" : ""));
  const hidden = outputs.map((_, i) => (i === shown ? "false" : "true"));
  return [classes, hidden];
};

/* Kiosk: when the server went away and answers again, reload to pick up a fresh page. */
(function () {
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
