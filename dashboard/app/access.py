"""Logins, roles and CSRF for the Flask server under Dash (the rules are in
``dashboard.auth``; this applies them to requests).

Off (``auth=None``, the default for one person on localhost): every request is the
local user, allowed everything, as before logins existed. On:

- every request but the login page, health check and static files needs a signed-in
  session, a trusted proxy's user header (only when ``user_header`` is configured) or a
  live kiosk link (read-only: the kiosk page of that link and the Dash requests it makes);
- every state-changing request (any method but GET/HEAD/OPTIONS) must carry the session's
  CSRF token: Dash's renderer sends it by itself, as the ``X-CSRFToken`` header, from the
  ``_csrf_token`` cookie set here; the login and sign-out forms carry it as a field;
- the write callbacks ask :func:`require` for the role they need, and record
  :func:`recorded_name` as who made the change.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from html import escape
from urllib.parse import quote

from flask import Flask, Response, current_app, g, has_request_context, redirect, request, session

from dashboard.auth import LOCAL_USER, Auth, Role, User, normal_search

from .http import HTTPS_ENV

CSRF_COOKIE = "_csrf_token"  # the names Dash's renderer reads and sends
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/healthz", "/login", "/_favicon.ico")
KIOSK_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_dash-update-component")
KIOSK_CALLBACKS = frozenset({"page-content.children"})
"""The only server callback a kiosk screen calls (its views turn in the browser)."""


class Refused(Exception):
    """The signed-in user's role does not allow this change; the message says so."""


def auth_of(server: Flask | None = None) -> Auth | None:
    app = server or (current_app if has_request_context() else None)
    return app.config.get("ECO_PARK_AUTH") if app is not None else None


def current_user() -> User:
    """Who is asking. Outside a request, or with logins off: the local user."""
    if not has_request_context():
        return LOCAL_USER
    user = g.get("eco_user")
    if user is not None:
        return user
    return LOCAL_USER if auth_of() is None else User("", Role.KIOSK)  # on, but not through the gate: nothing


WHAT_NEEDS = {Role.VIEWER: "viewing", Role.EDITOR: "uploading, saving and renaming", Role.ADMIN: "deleting"}


def require(role: Role) -> User:
    """The current user, if their role is ``role`` or higher; else Refused."""
    user = current_user()
    if not user.may(role):
        who = f"You are signed in as {user.name} ({user.role.label})" if user.role is not Role.KIOSK \
            else "This is a read-only kiosk screen"
        raise Refused(f"{who}; {WHAT_NEEDS[role]} needs the {role.label} role. Nothing was changed.")
    return user


def recorded_name(typed: str | None) -> str:
    """The name a write is recorded under: the signed-in user's; with logins off, the
    name typed in the form, else 'anonymous'."""
    user = current_user()
    return user.name or (typed or "").strip() or "anonymous"


def install_access(server: Flask, auth: Auth | None, user_header: str | None = None) -> None:
    """Put the gate in front of every request of ``server`` (see the module's docstring)."""
    server.config["ECO_PARK_AUTH"] = auth
    if auth is None:
        return
    server.secret_key = hmac.new(auth.secret, b"flask session", hashlib.sha256).digest()
    server.config.update(SESSION_COOKIE_NAME="eco_park_session", SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=os.environ.get(HTTPS_ENV) == "1",
                         PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    header = (user_header or "").strip() or None

    def identify() -> User | None:
        if header and request.headers.get(header):
            name = request.headers[header].strip()
            return auth.user(name) or User(name, Role.VIEWER)
        if session.get("user"):
            return auth.user(session["user"])  # None once removed from the file
        if session.get("kiosk") and auth.kiosk_search(session["kiosk"]) is not None:
            return User(f"kiosk {session['kiosk']}", Role.KIOSK, session["kiosk"])
        return None

    @server.before_request
    def gate():
        path = request.path
        user = identify()
        if path.endswith("/kiosk") and request.args.get("k"):
            link = auth.kiosk_link(request.args["k"], request.query_string.decode("utf-8", "replace"))
            if link is None:
                return Response("This kiosk link is not valid or has been withdrawn.", status=403,
                                mimetype="text/plain")
            if user is None or user.role is Role.KIOSK:
                session.clear()
                session["kiosk"] = link
                user = User(f"kiosk {link}", Role.KIOSK, link)
        g.eco_user = user
        if path.startswith(PUBLIC_PREFIXES) and not path.startswith("/login"):  # static: no session cookie
            return None if request.method in SAFE_METHODS else _forbidden("")
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        if path.startswith("/login"):
            return None  # the login form checks its own token
        if user is None:
            if request.method == "GET" and not path.startswith("/_dash"):
                target = request.full_path.rstrip("?") if request.query_string else path
                return redirect("/login?next=" + quote(target, safe=""))
            return Response("Sign in first.", status=401, mimetype="text/plain")
        if user.role is Role.KIOSK and not (path.endswith("/kiosk") or path in KIOSK_PATHS):
            return _forbidden("A kiosk link opens its kiosk page only.")
        if user.role is Role.KIOSK and path == "/_dash-update-component" and \
                (request.get_json(silent=True) or {}).get("output") not in KIOSK_CALLBACKS:
            return _forbidden("A kiosk screen is read-only.")
        if request.method not in SAFE_METHODS and not csrf_ok():
            return _forbidden("The request did not carry this session's CSRF token; reload the page.")
        return None

    @server.after_request
    def csrf_cookie(response):
        token = session.get("csrf")
        if token and request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, samesite="Strict", httponly=False,
                                secure=server.config["SESSION_COOKIE_SECURE"], path="/")
        return response

    @server.route("/login", methods=["GET", "POST"])
    def login():
        target = _local(request.values.get("next"))
        if request.method == "GET":
            return _login_page(target, "")
        if not csrf_ok():
            return _login_page(target, "The form was too old; try again."), 403
        user = auth.authenticate(request.form.get("name", ""), request.form.get("password", ""))
        if user is None:
            return _login_page(target, "Wrong name or password."), 401
        session.clear()
        session.permanent = True
        session["user"] = user.name
        session["csrf"] = secrets.token_urlsafe(32)  # a new session, a new token
        return redirect(target)

    @server.route("/logout", methods=["POST"])
    def logout():
        session.clear()
        return redirect("/login")


def csrf_ok() -> bool:
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    return bool(expected) and hmac.compare_digest(str(sent), str(expected))


def kiosk_allows(user: User, pathname: str | None, search: str | None) -> bool:
    """Whether a kiosk-link session may see this page: its own kiosk link only."""
    if user.role is not Role.KIOSK:
        return True
    auth = auth_of()
    return (auth is not None and (pathname or "").rstrip("/").endswith("/kiosk")
            and auth.kiosk_search(user.kiosk) == normal_search(search or ""))


def _local(target: str | None) -> str:
    """A redirect target on this server only (no //host or scheme)."""
    target = target or "/"
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _forbidden(text: str) -> Response:
    return Response(text or "Forbidden.", status=403, mimetype="text/plain")


def _login_page(target: str, message: str) -> str:
    alert = f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · eco-park</title><link rel="stylesheet" href="/assets/00-bootstrap-5.3.9.min.css"></head>
<body class="bg-light"><main class="container" style="max-width: 26rem; margin-top: 10vh">
<h1 class="h4 mb-3">Sign in to eco-park</h1>{alert}
<form method="post" action="/login">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(session['csrf'])}">
<input type="hidden" name="next" value="{escape(target)}">
<label class="form-label" for="name">Name</label>
<input class="form-control mb-2" id="name" name="name" autocomplete="username" required autofocus>
<label class="form-label" for="password">Password</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary" type="submit">Sign in</button>
</form></main></body></html>"""
