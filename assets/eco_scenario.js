/* The scenario in the address, read and written in the browser so that a toggle needs no
   round trip before the address changes. The JavaScript twin of model.Scenario:
   parkKeyOf is Scenario.from_query(search).park_key, readScenario is
   Scenario.from_query(search).lenient(park), scenarioQuery is
   Scenario.of(park, active, without, key).to_query(). tests/test_scenario_js.py runs both
   sides on one table of cases (percent-encoding, repeated keys and ids, ?without=).

   `park` is what the server sends once per park (callbacks.client_park): its key, its
   exchange ids in order, the existing ones, and its firm ids in order. */
(function (root) {
  "use strict";

  /* parse_qs(keep_blank_values=False): every non-blank value of `name`, in order. */
  function values(params, name) {
    return params.getAll(name).filter((value) => value !== "");
  }

  /* Comma- or key-separated ids, stripped, blanks and repeats dropped. */
  function idList(params, name) {
    const ids = [];
    values(params, name).forEach((value) => value.split(",").forEach((part) => {
      const id = part.trim();
      if (id && !ids.includes(id)) { ids.push(id); }
    }));
    return ids;
  }

  function paramsOf(search) {
    return new URLSearchParams((search || "").replace(/^\?+/, ""));
  }

  /* The park the address names: "" for the app's default park. */
  function parkKeyOf(search) {
    return (values(paramsOf(search), "park")[0] || "").trim();
  }

  /* {active: Set of exchange ids on, without: [firm ids]}: what the park does not have is
     dropped, an id both on and off counts as on. */
  function readScenario(search, park) {
    const params = paramsOf(search);
    const known = new Set(park.order);
    const firms = new Set(park.firms);
    const on = idList(params, "on").filter((id) => known.has(id));
    const off = idList(params, "off").filter((id) => known.has(id) && !on.includes(id));
    const active = new Set(park.existing);
    on.forEach((id) => active.add(id));
    off.forEach((id) => active.delete(id));
    return {
      active: active,
      without: idList(params, "without").filter((id) => firms.has(id)),
    };
  }

  /* urllib's quote_plus with "," kept: spaces as "+", all but A-Z a-z 0-9 _ . - ~ escaped. */
  function encode(text) {
    return encodeURIComponent(text)
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, "+").replace(/%2C/g, ",");
  }

  /* The shortest query giving `active` (exchange ids) and `without` (firm ids) on `park`. */
  function scenarioQuery(park, active, without) {
    const existing = new Set(park.existing);
    const leaving = new Set(without || []);
    const lists = [
      ["park", park.key ? [park.key] : []],
      ["on", park.order.filter((id) => active.has(id) && !existing.has(id))],
      ["off", park.order.filter((id) => existing.has(id) && !active.has(id))],
      ["without", park.firms.filter((id) => leaving.has(id))],
    ];
    const parts = lists.filter(([, ids]) => ids.length).map(([key, ids]) => key + "=" + ids.map(encode).join(","));
    return parts.length ? "?" + parts.join("&") : "";
  }

  const api = { parkKeyOf: parkKeyOf, readScenario: readScenario, scenarioQuery: scenarioQuery };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.ecoScenario = api; }
})(this);
