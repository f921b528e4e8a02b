"""What every response carries: compression, cache lifetimes and security headers; and
how many callback requests a process works on at once.

- Compression (flask-compress): zstd, brotli or gzip, whichever the browser takes first,
  for HTML, CSS, JavaScript and JSON over 500 bytes; the app's plotly.js goes from 1.46 MB
  to about 0.5 MB, a big park's callback JSON to a fifth. Compressed static files are kept
  (a few dozen, by URL) so each worker compresses plotly.js once.
- Cache: Dash's component files carry a version fingerprint in their URL and ``/assets/``
  files a ``?m=<modified time>`` query, so both are cached for a year, ``immutable``;
  everything else (pages, callbacks, downloads) is not stored by shared caches.
- Security headers: a Content-Security-Policy allowing only this server's scripts plus
  the hashes of Dash's own inline scripts (``app.csp_hashes()``, computed once the
  callbacks are registered), no framing by other sites, ``nosniff``, a same-origin
  Referrer-Policy (scenario links stay on this server), and HSTS when ``ECO_PARK_HTTPS=1``.
- Turns: at most ``CALLBACKS_AT_ONCE`` callback requests are worked on at once in a
  process, each once its body has arrived.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

from dash import Dash
from flask import g, request
from flask_compress import Compress

from .inputs import is_callback_request

YEAR_SECONDS = 365 * 24 * 3600
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
HTTPS_ENV = "ECO_PARK_HTTPS"


class StaticCompressionCache:
    """flask-compress's cache backend: keeps the compressed bytes of versioned static
    files only (keys name their URL), least recently used first out."""

    def __init__(self, size: int = 48):
        self.size = size
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def _kept(key: str) -> bool:
        return any(prefix in key for prefix in STATIC_PREFIXES)

    def get(self, key: str) -> bytes | None:
        if not self._kept(key):
            return None
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if not self._kept(key):
            return
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _cache_key(req) -> str:
    return req.full_path if req.path.startswith(STATIC_PREFIXES) else ""


def content_security_policy(app: Dash) -> str:
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # plotly and React set style attributes
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


CALLBACKS_AT_ONCE = 1
"""Callback requests a server process works on at once; the others wait their turn once
their body has arrived. Threads working in one Python process mostly fight over its
interpreter lock: on two cores with four processes, a toggle cost 27 ms of CPU with eight
at once a process and 23 ms with one. The other threads still read slow clients' bodies
and write answers. The price: a long callback (an upload being read) holds up the
requests its process has taken; the other processes go on."""


def install_http(app: Dash) -> None:
    server = app.server
    turns = threading.BoundedSemaphore(CALLBACKS_AT_ONCE)

    @server.before_request
    def take_a_turn():
        if is_callback_request():
            request.get_data()  # the whole body first: a slow client holds its thread, not a turn
            turns.acquire()
            g.callback_turn = True

    @server.teardown_request
    def end_the_turn(_error):
        if g.pop("callback_turn", False):
            turns.release()

    server.config.update(COMPRESS_CACHE_BACKEND=StaticCompressionCache, COMPRESS_CACHE_KEY=_cache_key)
    Compress(server)
    policy: list[str] = []  # filled at the first response: every callback is registered by then
    https = os.environ.get(HTTPS_ENV) == "1"

    @server.after_request
    def headers(response):
        if not policy:
            policy.append(content_security_policy(app))
        path = request.path
        versioned = path.startswith("/_dash-component-suites/") or (path.startswith("/assets/") and "m" in request.args)
        if versioned and response.status_code == 200:
            response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache" if path.startswith(STATIC_PREFIXES) else "private, no-cache"
        response.headers.setdefault("Content-Security-Policy", policy[0])
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
