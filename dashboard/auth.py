"""Users, roles, passwords and kiosk links, kept in one JSON file (``--auth FILE`` or
``ECO_PARK_AUTH``). Pure Python; no Flask or Dash (``dashboard.app.access`` applies it
to requests; ``eco-park users`` edits the file).

The file::

    {"secret": "<64 hex digits: signs sessions, CSRF tokens and kiosk links>",
     "users": {"ana": {"role": "editor", "password": "scrypt$16384$8$1$<salt>$<hash>"}},
     "kiosk_links": {"<id>": {"search": "?on=a,b", "by": "ana", "at": "2026-12-06T23:00:00+00:00"}}}

Roles, each allowed what the one before is: ``viewer`` (see, share links, export),
``editor`` (upload parks, save and rename scenarios and parks), ``admin`` (delete
scenarios and parks). A kiosk link opens one read-only kiosk page without a login;
deleting it from the file (``eco-park users kiosk-revoke ID``) closes it at once for
every server process, since each re-reads the file when it changes.

Passwords are stored as scrypt hashes (RFC 7914; n=2^14, r=8, p=1, 16-byte salt), compared
in constant time. The file is written atomically with mode 0600.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

AUTH_ENV = "ECO_PARK_AUTH"
USER_HEADER_ENV = "ECO_PARK_USER_HEADER"
NAME_MAX = 120
PASSWORD_MIN = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AuthError(Exception):
    """A users-file problem or a refused change, in words for a person."""


class Role(enum.IntEnum):
    """What a person may do; a higher role may do all a lower one may."""

    KIOSK = 0  # one kiosk page, by a signed link; no login
    VIEWER = 1
    EDITOR = 2
    ADMIN = 3

    @classmethod
    def named(cls, name: str) -> Role:
        try:
            role = cls[str(name).strip().upper()]
        except KeyError:
            role = None
        if role is None or role is cls.KIOSK:
            raise AuthError(f"unknown role '{name}'; use viewer, editor or admin")
        return role

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class User:
    """Who is asking: a user's name and role (``kiosk`` carries the kiosk link's id)."""

    name: str
    role: Role
    kiosk: str | None = None

    def may(self, role: Role) -> bool:
        return self.role >= role


LOCAL_USER = User("", Role.ADMIN)
"""Logins off (a single user on localhost): everything allowed, as before logins existed;
the name a person types is what gets recorded."""


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise AuthError(f"the password is too short; use at least {PASSWORD_MIN} characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected), maxmem=2**26)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _clean_user_name(name: str) -> str:
    name = str(name).strip()
    if not name or len(name) > NAME_MAX or any(c.isspace() and c != " " for c in name) or not name.isprintable():
        raise AuthError(f"a user name is 1 to {NAME_MAX} printable characters")
    return name


class Auth:
    """The users file at ``path``, re-read whenever it changes on disk."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._data: dict = {}
        if not self.path.exists():
            raise AuthError(f"there is no users file {self.path}; create it with 'eco-park users add NAME "
                            f"--role admin --auth {self.path}'")
        self._read()

    @classmethod
    def create(cls, path: str | Path) -> Auth:
        """Open ``path``, creating an empty users file (with a new secret) if there is none."""
        path = Path(path)
        if not path.exists():
            _write(path, {"secret": secrets.token_hex(32), "users": {}, "kiosk_links": {}})
        return cls(path)

    def _read(self) -> dict:
        with self._lock:
            try:
                stat = self.path.stat()
            except OSError as error:
                raise AuthError(f"the users file {self.path} cannot be read: {error.strerror}") from None
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if stamp != self._stamp:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise AuthError(f"the users file {self.path} is not valid: {error}") from None
                secret = str(data.get("secret", "")) if isinstance(data, dict) else ""
                if len(secret) < 32 or not _is_hex(secret):
                    raise AuthError(f"the users file {self.path} has no secret (32 or more hex digits)")
                data.setdefault("users", {})
                data.setdefault("kiosk_links", {})
                self._data, self._stamp = data, stamp
            return self._data

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self._read()["secret"])

    # users ------------------------------------------------------------------------

    def users(self) -> list[User]:
        return [User(name, Role.named(entry["role"])) for name, entry in sorted(self._read()["users"].items())]

    def user(self, name: str) -> User | None:
        entry = self._read()["users"].get(name)
        return User(name, Role.named(entry["role"])) if entry else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if ``password`` is theirs, else None (the same work either way)."""
        entry = self._read()["users"].get(str(name).strip())
        stored = entry["password"] if entry else _DUMMY_HASH
        ok = verify_password(password, stored)
        return User(str(name).strip(), Role.named(entry["role"])) if ok and entry else None

    def set_user(self, name: str, role: str | Role, password: str) -> User:
        name = _clean_user_name(name)
        role = role if isinstance(role, Role) else Role.named(role)
        entry = {"role": role.label, "password": hash_password(password)}
        self._change(lambda data: data["users"].__setitem__(name, entry))
        return User(name, role)

    def remove_user(self, name: str) -> None:
        def remove(data):
            if name not in data["users"]:
                raise AuthError(f"there is no user '{name}'")
            del data["users"][name]
        self._change(remove)

    # kiosk links ------------------------------------------------------------------

    def _sign(self, link_id: str, search: str) -> str:
        message = f"kiosk\n{link_id}\n{search}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]

    def add_kiosk_link(self, search: str, by: str) -> tuple[str, str]:
        """(id, the link's path and query) of a new read-only kiosk link to ``search``."""
        search = normal_search(search)
        link_id = secrets.token_hex(6)
        entry = {"search": search, "by": _clean_user_name(by), "at": datetime.now(UTC).isoformat(timespec="seconds")}
        self._change(lambda data: data["kiosk_links"].__setitem__(link_id, entry))
        return link_id, kiosk_path(search, f"{link_id}.{self._sign(link_id, search)}")

    def kiosk_links(self) -> dict[str, dict]:
        return dict(self._read()["kiosk_links"])

    def revoke_kiosk_link(self, link_id: str) -> None:
        def remove(data):
            if link_id not in data["kiosk_links"]:
                raise AuthError(f"there is no kiosk link '{link_id}'")
            del data["kiosk_links"][link_id]
        self._change(remove)

    def kiosk_link(self, token: str, search: str) -> str | None:
        """The link's id if ``token`` is a live (not revoked) kiosk link for ``search``."""
        link_id, _, signature = str(token).partition(".")
        entry = self._read()["kiosk_links"].get(link_id)
        if not entry or normal_search(search) != entry["search"]:
            return None
        return link_id if hmac.compare_digest(signature, self._sign(link_id, entry["search"])) else None

    def kiosk_search(self, link_id: str) -> str | None:
        """The scenario a live kiosk link shows, or None once it is revoked."""
        entry = self._read()["kiosk_links"].get(link_id or "")
        return entry["search"] if entry else None

    def _change(self, edit) -> None:
        data = json.loads(json.dumps(self._read()))
        edit(data)
        _write(self.path, data)
        self._read()


def normal_search(search: str) -> str:
    """A URL query without the kiosk token ``k`` and without a leading '?'."""
    from urllib.parse import parse_qsl, urlencode

    pairs = [(k, v) for k, v in parse_qsl(str(search or "").lstrip("?"), keep_blank_values=False) if k != "k"]
    return urlencode(pairs, safe=",")


def kiosk_path(search: str, token: str) -> str:
    query = normal_search(search)
    return "/kiosk?" + (query + "&" if query else "") + f"k={token}"


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _write(path: Path, data: dict) -> None:
    """Write atomically (a reader sees the old file or the new one), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_DUMMY_HASH = "scrypt$16384$8$1$" + base64.b64encode(b"0" * 16).decode() + "$" + base64.b64encode(b"0" * 32).decode()
"""Checked against when the user does not exist, so a wrong name takes as long as a wrong password."""
