"""What a callback accepts from the browser. Any client can post any JSON to Dash's
callback route, so every server callback checks its inputs before it uses them: a value
no page of this app sends (a list for the address, a dict for a firm id, ``true`` or
10**30 for a scenario number) raises ``BadInput``; the app answers it with 400 and a
plain sentence, and nothing changes (``register_input_errors``).

Each checker takes the raw value and returns it as the callback may use it.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable
from functools import wraps
from typing import Any

from dash.development.base_component import Component
from flask import Flask, Response, request

from .markup import is_node

logger = logging.getLogger(__name__)

MAX_ADDRESS = 20_000
"""Characters of an address query (``?park=..&on=..``): thousands of exchange ids."""

MAX_TEXT = 1_000
"""Characters of a name, an author or a view key typed or picked on a page."""

MAX_RECORD_ID = 2**63 - 1
"""Largest saved-scenario number the database holds."""


class BadInput(ValueError):
    """A callback input that no page of this app sends; the message names it."""


def address(value: Any) -> str:
    """The address's query (``?on=..``): text, or nothing."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_ADDRESS:
        raise BadInput("the address's query is not text of a sensible length")
    return value


def optional_address(value: Any) -> str | None:
    """An address's query kept in a store, or nothing."""
    return None if value is None else address(value)


def optional_text(value: Any, most: int = MAX_TEXT) -> str | None:
    """A typed or picked text, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > most:
        raise BadInput("a text field holds something other than text of a sensible length")
    return value


def upload_text(value: Any) -> str | None:
    """An uploaded file as Dash sends it (a data: URL); its size is checked by the upload."""
    return optional_text(value, most=10**9)


def anything(value: Any) -> Any:
    """A value the callback does not read (a trigger's count, a page store)."""
    return value


def flag(value: Any) -> bool:
    """A checkbox or an open/closed state: true, false or nothing."""
    if value is None or isinstance(value, bool):
        return bool(value)
    raise BadInput("a checkbox sent something other than true or false")


def count(value: Any) -> int:
    """A click or version count: a whole number from 0, or nothing (0)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**53:
        raise BadInput("a count is not a whole number of a sensible size")
    return value


def record_id(value: Any) -> int:
    """A saved scenario's number: a whole number from 1 (``true`` is not 1)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RECORD_ID:
        raise BadInput("a saved scenario's number is not a whole number from 1")
    return value


def park_key(value: Any) -> str:
    """A stored park's content hash: 64 hexadecimal digits."""
    if not isinstance(value, str) or len(value) != 64 or any(c not in string.hexdigits for c in value):
        raise BadInput("a park's key is not a content hash")
    return value


def firm_id(value: Any) -> str | None:
    """A firm id (text) or nothing."""
    return optional_text(value)


def click(value: Any) -> dict | None:
    """plotly's click data: a mapping, or nothing (its content is read defensively)."""
    if value is None or isinstance(value, dict):
        return value
    raise BadInput("a click on a figure is not plotly's click data")


def each(check: Callable[[Any], Any]) -> Callable[[Any], list]:
    """A list (from a pattern-matching input) whose items each pass ``check``."""
    def run(value: Any) -> list:
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > 10_000:
            raise BadInput("a list of inputs is not a list")
        return [check(item) for item in value]
    return run


def component_id(index: Callable[[Any], Any], *types: str) -> Callable[[Any], dict]:
    """A pattern-matching component id ``{"type": T, "index": I}``: T one of ``types``,
    I passing ``index``."""
    def run(value: Any) -> dict:
        if not isinstance(value, dict) or value.get("type") not in types or set(value) != {"type", "index"}:
            raise BadInput("a component id is not one of this page's")
        return {"type": value["type"], "index": index(value["index"])}
    return run


def checked(*checks: Callable[[Any], Any]):
    """Decorate a callback: its positional inputs pass ``checks`` in order (each may
    convert), else BadInput; a wrong number of inputs is BadInput too. Its outputs leave
    in their wire form (``wire_form``)."""
    def decorate(function):
        @wraps(function)
        def run(*args):
            if len(args) != len(checks):
                raise BadInput("the callback got another number of inputs than it takes")
            return wire_form(function(*(check(arg) for check, arg in zip(checks, args))))
        return run
    return decorate


def is_callback_request() -> bool:
    """Whether the request being served asks for a callback's outputs."""
    return request.method == "POST" and request.path.endswith("/_dash-update-component")


def wire_form(value: Any) -> Any:
    """``value`` with every Dash component in it (in lists, tuples and other components'
    props) as the plain dict Dash would send for it. Dash encodes a response with orjson
    directly when nothing in it is a component; one component anywhere makes plotly's
    encoder walk every number of every figure in the response first, in Python (a sixth
    of a toggle's server time went there)."""
    if isinstance(value, Component):
        data = value.to_plotly_json()
        # only the props that can hold components (a Markup's tree is plain data already)
        nested = {"children", *(name.split("[")[0].split(".")[0] for name in value._children_props)}
        data["props"] = {name: wire_form(prop) if name in nested else prop for name, prop in data["props"].items()}
        return data
    if isinstance(value, (list, tuple)):
        if is_node(value):
            return value  # plain data by construction (markup.node)
        return [wire_form(item) for item in value]
    return value


def register_input_errors(app) -> None:
    """Refuse a callback request whose shape is not one of ``app``'s callbacks (an
    unknown output, another number of inputs or states, a list where one value goes),
    and answer BadInput with 400 and its sentence; any other failure of a request with
    500 and a sentence naming no exception, module or path (the log has those)."""
    server: Flask = app.server

    @server.before_request
    def callback_shape():
        if is_callback_request():
            body = request.get_json(silent=True)
            spec = app.callback_map.get(body.get("output")) if isinstance(body, dict) \
                and isinstance(body.get("output"), str) else None
            if spec is None or not isinstance(body.get("changedPropIds", []), list) \
                    or not all(isinstance(p, str) for p in body.get("changedPropIds", [])) \
                    or not _matches(spec["inputs"], body.get("inputs")) \
                    or not _matches(spec["state"], body.get("state", [])):
                raise BadInput("the request is not a callback of this app")
        return None

    @server.errorhandler(BadInput)
    def bad_input(error: BadInput):
        return Response(f"Nothing was changed: {error}.", status=400, mimetype="text/plain")

    @server.errorhandler(Exception)
    def failure(error: Exception):
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException):  # 404, 405, 413, ...: Flask's own short answers
            return error
        logger.exception("a request failed")
        return Response("The server could not answer this request; nothing was changed. "
                        "If it happens again, tell whoever runs this server.", status=500, mimetype="text/plain")


def _matches(specs: list[dict], sent: Any) -> bool:
    """Whether ``sent`` (a callback request's inputs or state) has the shape of
    ``specs``: one item each, a {id, property, value} mapping for a plain id and a list
    of them for a pattern-matching one."""
    if not isinstance(sent, list) or len(sent) != len(specs):
        return False
    for spec, item in zip(specs, sent):
        pattern = spec["id"].startswith("{")
        items = item if pattern else [item]
        if not isinstance(items, list) or not all(
                isinstance(one, dict) and one.get("property") == spec["property"]
                and (isinstance(one.get("id"), dict) if pattern else one.get("id") == spec["id"]) for one in items):
            return False
    return True
