"""``Markup``: a part of the page drawn in the browser from plain data, as ONE Dash
component (``eco_park.Markup``, assets/eco_markup.js).

Why: Dash's renderer runs a store selector for every mounted component on every update
of its store, and a toggle makes about sixty such updates; a page of the exchange list
drawn as Dash components was about 350 of the page's 780 components, so it doubled the
browser's work on every click. Drawn as one component it costs one selector, and its
checkboxes and firm buttons no longer count as new inputs each time a page is drawn.

A node is a string or ``[tag, props, *children]`` (see ``node``). The browser draws only
the tags and props it knows (``TAGS``, ``PROPS``, ``data-*`` and ``aria-*``) and React
escapes every text. Events leave it as two props a callback can listen to: ``toggled``
({"boxes": {index: checked}, "n"}: every box changed since the tree was drawn) when a
checkbox made by ``checkbox`` changes, and ``opened`` ({"firm", "n"}) when a button made
by ``firm_button`` is clicked."""

from __future__ import annotations

from typing import Any

from dash import html
from dash.development.base_component import Component

TAGS = frozenset({"tbody", "tr", "td", "th", "div", "span", "strong", "small", "label", "input", "button",
                  "ul", "li", "p", "br", "details", "summary"})
"""The tags eco_park.Markup draws (keep in step with assets/eco_markup.js)."""
PROPS = frozenset({"id", "className", "title", "style", "htmlFor", "type", "scope", "role", "colSpan"})
"""The props it draws besides ``data-*``, ``aria-*`` and an input's ``checked``."""

Node = Any  # str | list: [tag, props, *children]


class Markup(Component):
    """One Dash component that draws ``tree`` (its root node takes the component's id)."""

    _namespace = "eco_park"
    _type = "Markup"
    _prop_names = ["id", "tree", "toggled", "opened"]
    _valid_wildcard_attributes: list[str] = []
    available_properties = _prop_names
    available_wildcard_properties: list[str] = []
    _base_nodes: list[str] = []
    _children_props: list[str] = []

    def __init__(self, id: str, tree: Node = None, **kwargs):  # noqa: A002 - Dash's name for it
        super().__init__(id=id, tree=tree, **kwargs)


def node(tag: str, props: dict | None = None, *children: Node) -> list:
    """``[tag, props, *children]``; a child that is None is left out. Raises ValueError
    for a tag or prop the browser would not draw, so a mistake shows here, not as a
    silently missing element."""
    if tag not in TAGS:
        raise ValueError(f"eco_park.Markup does not draw <{tag}>")
    props = props or {}
    unknown = [name for name in props if name not in PROPS and not name.startswith(("data-", "aria-"))
               and not (tag == "input" and name == "checked")]
    if unknown:
        raise ValueError(f"eco_park.Markup does not draw the props {unknown} of <{tag}>")
    return [tag, props, *(child for child in children if child is not None)]


def is_node(value: Any) -> bool:
    """Whether ``value`` is a node made by ``node`` (``[tag, props, *children]``)."""
    return isinstance(value, list) and len(value) > 1 and isinstance(value[0], str) and value[0] in TAGS \
        and isinstance(value[1], dict)


def checkbox(dom_id: str, index: str, checked: bool, label: str, class_name: str = "") -> list:
    """A real checkbox named by ``label`` (read by screen readers, not shown); changing it
    sets the Markup's ``toggled`` (its ``boxes`` name it by ``index``)."""
    return node("div", {"className": "form-check"},
                node("input", {"id": dom_id, "type": "checkbox", "className": f"form-check-input {class_name}".strip(),
                               "checked": bool(checked), "data-toggle": index}),
                node("label", {"htmlFor": dom_id, "className": "visually-hidden form-check-label"}, label))


def firm_button(firm_id: str, name: str, class_name: str) -> list:
    """A button that sets the Markup's ``opened`` to {"firm": firm_id, "n": count}."""
    return node("button", {"type": "button", "title": f"Open {name}'s panel", "className": class_name,
                           "data-firm": firm_id}, name)


def to_dash(tree: Node):
    """A node as ``dash.html`` components, for a part of a page that is not a Markup (the
    Decide page's KPI cards, a change in a table): one builder serves both."""
    if not isinstance(tree, list):
        return tree
    tag, props, *children = tree
    made = [to_dash(child) for child in children]
    return getattr(html, tag.capitalize())(made[0] if len(made) == 1 else made or None, **props)
