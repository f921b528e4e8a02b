/* eco_park.Markup: a part of the page drawn from plain data as ONE Dash component
   (dashboard/app/markup.py builds the data and says why). A node is a string or
   [tag, props, ...children]; only the tags and props below are drawn, and React escapes
   every text. Two events leave it, as props a clientside callback listens to:
   "toggled" ({boxes: {index: checked}, n}) when a checkbox marked data-toggle changes (every
   box changed since the data was drawn), and "opened"
   ({firm, n}) when a button marked data-firm is clicked; n counts, so the same event twice
   is two changes. */
(function () {
  "use strict";

  const TAGS = new Set(["tbody", "tr", "td", "th", "div", "span", "strong", "small", "label", "input",
    "button", "ul", "li", "p", "br", "details", "summary"]);
  const PROPS = new Set(["id", "className", "title", "style", "htmlFor", "type", "scope", "role", "colSpan"]);

  function allowed(name) {
    return PROPS.has(name) || name.startsWith("data-") || name.startsWith("aria-");
  }

  function draw(node, key, handlers) {
    if (typeof node === "string" || typeof node === "number") { return String(node); }
    if (!Array.isArray(node) || !TAGS.has(node[0])) { return null; }
    const [tag, given, ...children] = node;
    const props = { key: key };
    Object.entries(given || {}).forEach(([name, value]) => { if (allowed(name)) { props[name] = value; } });
    if (tag === "input" && given && "checked" in given) {
      // left to the browser while the user clicks; set from the data after each drawing
      props.defaultChecked = Boolean(given.checked);
      props["data-checked"] = given.checked ? "true" : "false";
      props.onChange = handlers.onChange;
    }
    if (tag === "button") { props.onClick = handlers.onClick; }
    return window.React.createElement(tag, props, ...children.map((child, i) => draw(child, i, handlers)));
  }

  function Markup(props) {
    const React = window.React;
    const root = React.useRef(null);
    const count = React.useRef(0);
    const setProps = props.setProps;
    const handlers = React.useMemo(() => ({
      onChange: (event) => {
        const box = event.target;
        if (box.dataset.toggle === undefined || !setProps || !root.current) { return; }
        // every box changed since the data was drawn, this one last: two clicks in one
        // instant reach the callback as one change of this prop, and both must count
        const boxes = {};
        root.current.querySelectorAll("input[data-toggle]").forEach((other) => {
          if (other.checked !== (other.dataset.checked === "true")) { boxes[other.dataset.toggle] = other.checked; }
        });
        boxes[box.dataset.toggle] = box.checked;
        count.current += 1;
        setProps({ toggled: { boxes: boxes, n: count.current } });
      },
      onClick: (event) => {
        const button = event.currentTarget;
        if (button.dataset.firm === undefined || !setProps) { return; }
        count.current += 1;
        setProps({ opened: { firm: button.dataset.firm, n: count.current } });
      },
    }), [setProps]);
    const tree = props.tree;
    React.useLayoutEffect(() => {
      // a checkbox the user clicked keeps its state until new data says what is on
      if (!root.current) { return; }
      root.current.querySelectorAll("input[data-checked]").forEach((box) => {
        box.checked = box.dataset.checked === "true";
      });
    }, [tree]);
    if (!Array.isArray(tree) || !TAGS.has(tree[0])) { return null; }
    const [tag, given, ...children] = tree;
    const element = draw([tag, Object.assign({}, given, { id: props.id }), ...children], "root", handlers);
    return React.cloneElement(element, { ref: root });
  }

  window.eco_park = Object.assign({}, window.eco_park, { Markup: Markup });
})();
