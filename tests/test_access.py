"""Logins, roles, CSRF and kiosk links, through the real Flask server under Dash: each
write callback is posted the way Dash's renderer posts it, as viewer, editor, admin,
kiosk and nobody, and the database is checked for what changed (and who is on record)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import model
from dashboard.app import create_app
from dashboard.auth import Auth, AuthError, Role, hash_password, verify_password
from dashboard.model.generate import generate_park
from dashboard.model.writing import park_json
from dashboard.paths import shipped_park
from dashboard.storage import Store

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"


@pytest.fixture
def auth(tmp_path) -> Auth:
    auth = Auth.create(tmp_path / "users.json")
    for name, role in (("vic", "viewer"), ("eda", "editor"), ("ada", "admin")):
        auth.set_user(name, role, PASSWORD)
    return auth


@pytest.fixture
def app(tmp_path, kalundborg, auth):
    return create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'test.sqlite3'}"), auth=auth)


@pytest.fixture
def store(app) -> Store:
    return app.server.config["ECO_PARK_STATE"].store


@pytest.fixture
def seeded(store, kalundborg):
    """A second park and a saved scenario, to rename and delete."""
    ulsan = model.load_park(shipped_park("ulsan"))
    record = store.add_park("ulsan.json", park_json(ulsan).encode(), "setup")
    scenario = store.save_scenario(kalundborg.content_hash, "Plan A", [], [], "setup")
    return record, scenario


def csrf_of(client) -> str:
    cookie = client.get_cookie("_csrf_token")
    return cookie.value if cookie else ""


def sign_in(app, name: str, password: str = PASSWORD):
    client = app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(client),
                                           "next": "/"})
    assert response.status_code == 302, response.data
    client.get("/")  # the page sets the new session's CSRF cookie
    return client


def post_callback(app, client, output_key_part: str, values: dict, triggered: str, csrf: str | None = "auto"):
    """POST /_dash-update-component for the callback whose output key contains
    ``output_key_part``, as Dash's renderer would: ``values`` maps "id.property" (or the
    JSON wildcard id + ".property", giving a list of (id dict, value): the components
    on the page, for a wildcard output too) to values."""
    key = output_key_part if output_key_part in app.callback_map else \
        next(k for k in app.callback_map if output_key_part in k)
    spec = app.callback_map[key]

    def item(entry):
        name = f"{entry['id']}.{entry['property']}"
        value = values.get(name)
        if entry["id"].startswith("{"):
            return [{"id": i, "property": entry["property"], "value": v} for i, v in (value or [])]
        return {"id": entry["id"], "property": entry["property"], "value": value}

    outputs = []
    for part in key.strip(".").split("..."):
        ident, _, prop = part.rpartition(".")
        outputs.append([{"id": i, "property": prop} for i, _ in values.get(part) or []] if ident.startswith("{")
                       else {"id": ident, "property": prop})
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [item(e) for e in spec["inputs"]], "state": [item(e) for e in spec["state"]],
            "changedPropIds": [triggered]}
    headers = {"X-CSRFToken": csrf_of(client) if csrf == "auto" else csrf} if csrf else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def text(response) -> str:
    return response.get_data(as_text=True)


def wild(kind: str, index) -> str:
    return json.dumps({"index": index, "type": kind}, separators=(",", ":"), sort_keys=True)


ALL_OF = {kind: json.dumps({"index": ["ALL"], "type": kind}, separators=(",", ":"))
          for kind in ("scenario-rename", "scenario-delete", "scenario-new-name", "park-rename", "park-delete",
                       "park-new-name")}


def save(app, client, name="Plan B", author="Mallory", csrf="auto"):
    return post_callback(app, client, "save-result", {
        "save-confirm.n_clicks": 1, "url.search": "?on=tisso2_novozymes", "save-name.value": name,
        "save-author.value": author, "save-replace.value": False, "scenarios-version.data": 0},
        "save-confirm.n_clicks", csrf)


def rename_scenario(app, client, scenario_id, new_name):
    ident = {"index": scenario_id, "type": "scenario-rename"}
    box = {"index": scenario_id, "type": "scenario-new-name"}
    return post_callback(app, client, "save-result", {
        f"{ALL_OF['scenario-rename']}.n_clicks": [(ident, 1)],
        f"{ALL_OF['scenario-new-name']}.value": [(box, new_name)],
        f"{ALL_OF['scenario-new-name']}.id": [(box, box)],
        f"{ALL_OF['scenario-new-name']}.n_submit": [(box, 0)],
        f"{ALL_OF['scenario-delete']}.submit_n_clicks": [({"index": scenario_id, "type": "scenario-delete"}, None)],
    }, wild("scenario-rename", scenario_id) + ".n_clicks")


def delete_scenario(app, client, scenario_id):
    ident = {"index": scenario_id, "type": "scenario-delete"}
    box = {"index": scenario_id, "type": "scenario-new-name"}
    return post_callback(app, client, "save-result", {
        f"{ALL_OF['scenario-delete']}.submit_n_clicks": [(ident, 1)],
        f"{ALL_OF['scenario-rename']}.n_clicks": [({"index": scenario_id, "type": "scenario-rename"}, 0)],
        f"{ALL_OF['scenario-new-name']}.value": [(box, None)], f"{ALL_OF['scenario-new-name']}.id": [(box, box)],
        f"{ALL_OF['scenario-new-name']}.n_submit": [(box, 0)],
    }, wild("scenario-delete", scenario_id) + ".submit_n_clicks")


def park_action(app, client, content_hash, action, new_name=None):
    box = {"index": content_hash, "type": "park-new-name"}
    clicks = {"rename": (1, None), "delete": (0, 1)}[action]
    return post_callback(app, client, "parks-message", {
        f"{ALL_OF['park-rename']}.n_clicks": [({"index": content_hash, "type": "park-rename"}, clicks[0])],
        f"{ALL_OF['park-delete']}.submit_n_clicks": [({"index": content_hash, "type": "park-delete"}, clicks[1])],
        f"{ALL_OF['park-new-name']}.n_submit": [(box, 0)],
        f"{ALL_OF['park-new-name']}.value": [(box, new_name)], f"{ALL_OF['park-new-name']}.id": [(box, box)],
        "parks-version.data": 0,
    }, wild(f"park-{action}", content_hash) + (".n_clicks" if action == "rename" else ".submit_n_clicks"))


def upload(app, client):
    data = park_json(generate_park(6, 10, 3)).encode()
    contents = "data:application/json;base64," + base64.b64encode(data).decode()
    return post_callback(app, client, "upload-result", {
        "upload.contents": contents, "upload.filename": "up.json", "upload-author.value": "Mallory"},
        "upload.contents")


def snapshot(store: Store):
    return (store.list_parks(), store.list_scenarios(), store.changes())


# Roles -----------------------------------------------------------------------------


def test_a_viewer_is_refused_every_write_and_nothing_changes(app, store, seeded):
    park, scenario = seeded
    client = sign_in(app, "vic")
    before = snapshot(store)
    for response in (save(app, client), rename_scenario(app, client, scenario.id, "Renamed"),
                     delete_scenario(app, client, scenario.id), park_action(app, client, park.content_hash, "rename",
                                                                            "Renamed park"),
                     park_action(app, client, park.content_hash, "delete"), upload(app, client)):
        assert response.status_code == 200, text(response)
        assert "signed in as vic (viewer)" in text(response) and "Nothing was changed" in text(response)
    assert snapshot(store) == before
    # but a viewer sees, shares and exports
    assert client.get("/").status_code == 200
    assert client.get("/download/results.xlsx?on=tisso2_novozymes").data[:2] == b"PK"


def test_an_editor_saves_uploads_and_renames_as_themselves_but_may_not_delete(app, store, seeded, kalundborg):
    park, scenario = seeded
    client = sign_in(app, "eda")
    assert "Saved" in text(save(app, client, author="Mallory"))  # the typed name is not what is recorded
    saved = [s for s in store.list_scenarios() if s.name == "Plan B"][0]
    assert saved.author == "eda" and saved.on == ("tisso2_novozymes",)
    assert "Renamed to" in text(rename_scenario(app, client, scenario.id, "Plan A2"))
    assert "Renamed to" in text(park_action(app, client, park.content_hash, "rename", "Ulsan 2014"))
    assert "Loaded" in text(upload(app, client))
    refused = delete_scenario(app, client, scenario.id)
    assert "deleting needs the admin role" in text(refused)
    assert "deleting needs the admin role" in text(park_action(app, client, park.content_hash, "delete"))
    assert store.get_scenario(scenario.id).name == "Plan A2"
    assert len(store.list_parks()) == 3
    assert {(c.by, c.action) for c in store.changes()} >= {("eda", "save scenario"), ("eda", "rename scenario"),
                                                           ("eda", "rename park"), ("eda", "add park")}
    assert store.list_parks()[-1].uploaded_by == "eda"


def test_an_admin_deletes_and_is_on_record(app, store, seeded):
    park, scenario = seeded
    client = sign_in(app, "ada")
    assert "Deleted" in text(delete_scenario(app, client, scenario.id))
    assert "Deleted" in text(park_action(app, client, park.content_hash, "delete"))
    assert store.list_scenarios() == [] and len(store.list_parks()) == 1
    assert [(c.by, c.action) for c in store.changes()[:2]] == [("ada", "delete park"), ("ada", "delete scenario")]


# Signing in --------------------------------------------------------------------------


def test_nobody_signed_in_gets_the_login_page_and_no_data(app, store):
    client = app.server.test_client()
    response = client.get("/?on=tisso2_novozymes")
    assert response.status_code == 302 and response.location == "/login?next=%2F%3Fon%3Dtisso2_novozymes"
    assert client.get("/download/results.xlsx").status_code == 302
    assert client.get("/_dash-layout").status_code == 401
    before = snapshot(store)
    assert save(app, client).status_code in (401, 403)
    assert snapshot(store) == before
    assert client.get("/healthz").status_code == 200
    static = client.get("/assets/app.css")
    assert static.status_code == 200 and "Set-Cookie" not in static.headers  # cacheable, no session


def test_wrong_password_unknown_user_and_foreign_redirects(app):
    client = app.server.test_client()
    client.get("/login")
    for name, password in (("eda", "wrong password"), ("nobody", PASSWORD)):
        response = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)})
        assert response.status_code == 401 and "Wrong name or password" in text(response)
    response = client.post("/login", data={"name": "eda", "password": PASSWORD, "csrf_token": csrf_of(client),
                                           "next": "//evil.example/"})
    assert response.status_code == 302 and response.location == "/"
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get("/").status_code == 302


def test_a_removed_user_is_signed_out(app, auth):
    client = sign_in(app, "eda")
    assert client.get("/").status_code == 200
    auth.remove_user("eda")
    assert client.get("/").status_code == 302


def test_passwords_are_salted_scrypt_hashes(auth):
    stored = json.loads(auth.path.read_text())["users"]["eda"]["password"]
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in auth.path.read_text()
    assert verify_password(PASSWORD, stored) and not verify_password(PASSWORD + "x", stored)
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # a new salt each time
    assert auth.path.stat().st_mode & 0o077 == 0
    with pytest.raises(AuthError, match="too short"):
        auth.set_user("x", "viewer", "short")
    with pytest.raises(AuthError, match="unknown role"):
        Role.named("kiosk")


# CSRF ----------------------------------------------------------------------------------


def test_a_write_without_this_sessions_csrf_token_is_refused(app, store):
    client = sign_in(app, "ada")
    before = snapshot(store)
    for token in (None, "", "forged-token"):
        response = save(app, client, csrf=token)
        assert response.status_code == 403 and "CSRF" in text(response)
    assert snapshot(store) == before
    assert client.post("/logout").status_code == 403  # the sign-out form carries it too
    other = sign_in(app, "ada")  # another session's token does not fit this one
    assert save(app, client, csrf=csrf_of(other)).status_code == 403
    assert snapshot(store) == before
    assert save(app, client).status_code == 200  # Dash's renderer sends the cookie's token as X-CSRFToken
    assert len(store.list_scenarios()) == 1


# Kiosk links and a login proxy ------------------------------------------------------------


def page(app, client, pathname, search):
    response = post_callback(app, client, "page-content", {"url.pathname": pathname, "url.search": search},
                             "url.pathname")
    return response.status_code, text(response)


def test_a_kiosk_link_opens_its_kiosk_page_only_until_withdrawn(app, auth, store):
    link_id, path = auth.add_kiosk_link("?on=tisso2_novozymes", by="ada")
    assert path.startswith("/kiosk?on=tisso2_novozymes&k=" + link_id + ".")
    search = path[len("/kiosk"):]
    client = app.server.test_client()
    assert client.get(path).status_code == 200
    status, body = page(app, client, "/kiosk", search)
    assert status == 200 and "kpi-value" in body and "own scenario only" not in body
    assert "own scenario only" in page(app, client, "/kiosk", "?on=biogas_novozymes_bioenergi")[1]
    assert "own scenario only" in page(app, client, "/", search)[1]
    assert client.get("/").status_code == 403 and client.get("/download/results.xlsx").status_code == 403
    before = snapshot(store)
    refused = save(app, client)  # any callback but the page's own is refused at the door
    assert refused.status_code == 403 and "read-only" in text(refused)
    assert snapshot(store) == before
    # a changed scenario or signature is not a kiosk link
    fresh = app.server.test_client()
    assert fresh.get(path.replace("tisso2_novozymes", "biogas_novozymes_bioenergi")).status_code == 403
    assert fresh.get(path[:-2] + ("00" if not path.endswith("00") else "11")).status_code == 403
    auth.revoke_kiosk_link(link_id)  # closes it at once, for the open screen too
    assert page(app, client, "/kiosk", search)[0] == 401
    assert client.get(path).status_code == 403


def test_a_trusted_proxy_header_names_the_user(tmp_path, kalundborg, auth):
    app = create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'p.sqlite3'}"), auth=auth,
                     user_header="X-Remote-User")
    store = app.server.config["ECO_PARK_STATE"].store
    client = app.server.test_client()
    client.environ_base["HTTP_X_REMOTE_USER"] = "eda"
    assert client.get("/").status_code == 200
    assert "Saved" in text(save(app, client))
    assert store.list_scenarios()[0].author == "eda"
    client.environ_base["HTTP_X_REMOTE_USER"] = "someone-new"  # known to the proxy only: a viewer
    assert "(viewer)" in text(save(app, client, name="Plan C"))
    assert app.server.test_client().get("/").status_code == 302  # no header, no session: sign in
    plain = create_app(kalundborg, store=store, auth=auth)  # not configured: the header means nothing
    sneaky = plain.server.test_client()
    sneaky.environ_base["HTTP_X_REMOTE_USER"] = "ada"
    assert sneaky.get("/").status_code == 302


def test_logins_off_by_default_allows_everything_as_before(tmp_path, kalundborg, monkeypatch):
    monkeypatch.delenv("ECO_PARK_AUTH", raising=False)
    app = create_app(kalundborg, store=Store(f"sqlite:///{tmp_path / 'o.sqlite3'}"))
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert "Saved" in text(save(app, client, author="Ana", csrf=None))
    assert app.server.config["ECO_PARK_STATE"].store.list_scenarios()[0].author == "Ana"


def test_users_command_manages_the_file(tmp_path):
    path = tmp_path / "users.json"

    def users(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "dashboard", "users", "--auth", str(path), *args],
                              input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60)

    done = users("add", "ana", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0 and "ana: editor" in done.stdout
    assert Auth(path).authenticate("ana", PASSWORD).role is Role.EDITOR
    assert users("add", "bo", "--role", "viewer", "--password-stdin", stdin="short\n").returncode == 2
    link = users("kiosk-link", "on=tisso2_novozymes", "--by", "ana")
    assert link.returncode == 0 and "/kiosk?on=tisso2_novozymes&k=" in link.stdout
    link_id = link.stdout.split()[2]
    assert f"kiosk {link_id}" in users("list").stdout and "ana\teditor" in users("list").stdout
    assert users("kiosk-revoke", link_id).returncode == 0 and link_id not in users("list").stdout
    assert users("remove", "ana").returncode == 0 and "ana" not in users("list").stdout
    assert users("remove", "ana").returncode == 2
