"""Bring your own park, and save, list, rename, delete and compare named scenarios.

Uploaded parks and scenarios live in the database (``dashboard.storage``); the page only
holds their keys, in the URL. A failed upload shows every problem and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import model
from dashboard.auth import Role
from dashboard.storage import StorageError

from . import ids
from . import inputs as check
from .access import Refused, current_user, recorded_name, require
from .state import AppState, resolve_lenient

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = int(float(os.environ.get("ECO_PARK_MAX_UPLOAD_MB", "10")) * 1024 * 1024)
"""Largest park file accepted, checked on the server (and in the browser, as a courtesy)."""

ACCEPTED = (".xlsx", ".xlsm", ".zip", ".json")
"""The park files the upload takes (a folder of CSV files travels as a zip)."""


def wrong_file_message(filename: str) -> str | None:
    """What to upload instead of ``filename``, or None when its type is one the upload
    takes. A single CSV is one table of a park, not a park (shown in the browser before
    anything is sent: assets/eco_park.js reads the text from the upload zone)."""
    name = filename or "this file"
    if name.lower().endswith(ACCEPTED):
        return None
    if name.lower().endswith((".csv", ".tsv", ".txt")):
        return (f"{name} is one table; a park is several. Upload the folder of CSV files as one zip "
                "(resources.csv, firms.csv, streams.csv, exchanges.csv and park.toml), or fill in the Excel "
                "template and upload that. The park shown has not changed.")
    return (f"{name} is not a park file. Upload an Excel workbook (.xlsx), a zip of the CSV folder or a JSON "
            "park file. The park shown has not changed.")


def storage_modals() -> list:
    # Signed in, a change is recorded under the user's name, not a typed one.
    signed_in = current_user().name
    author = {"value": signed_in, "disabled": True} if signed_in else {"placeholder": "anonymous"}
    upload = dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Upload your park", id=ids.UPLOAD_TITLE)),
        dbc.ModalBody([
            html.P(["An Excel workbook (.xlsx), a zip of the CSV folder, or a JSON file, "
                    f"up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Start from the ",
                    html.A("Excel template", id=ids.TEMPLATE_LINK, href="/download/template.xlsx"),
                    " (a sheet per table, a column reference and drop-down lists)."]),
            dbc.Label("Your name (recorded with the upload)", html_for=ids.UPLOAD_AUTHOR),
            dbc.Input(id=ids.UPLOAD_AUTHOR, type="text", maxlength=120, class_name="mb-2", **author),
            # data-max-bytes: assets/eco_park.js says why a file over the limit is not sent.
            html.Div(dcc.Upload(
                html.Div(["Drop the file here or ", html.Span("choose a file", className="text-decoration-underline")]),
                id=ids.UPLOAD, accept=",".join(ACCEPTED), max_size=MAX_UPLOAD_BYTES, multiple=False,
                className="upload-zone", className_active="upload-zone active"),
                **{"data-max-bytes": MAX_UPLOAD_BYTES, "data-accept": ",".join(ACCEPTED),
                   "data-table-message": wrong_file_message("{name}.csv").replace("{name}.csv", "{name}"),
                   "data-other-message": wrong_file_message("{name}")}),
            dcc.Loading(html.Div(id=ids.UPLOAD_RESULT, className="mt-3", role="status", **{"aria-live": "polite"}),
                        delay_show=300),
            html.H2("Parks on this server", className="h6 mt-4"),
            html.Div(id=ids.PARKS_MESSAGE, role="status", **{"aria-live": "polite"}),
            html.Div(id=ids.PARKS_BODY),
        ]),
    ], id=ids.UPLOAD_MODAL, is_open=False, size="lg", scrollable=True, labelledby=ids.UPLOAD_TITLE)
    save = dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Save this scenario", id=ids.SAVE_TITLE)),
        dbc.ModalBody([
            dbc.Label("Name", html_for=ids.SAVE_NAME),
            dbc.Input(id=ids.SAVE_NAME, type="text", maxlength=120, placeholder="e.g. Workshop 3: biogas and heat pump"),
            dbc.Label("Your name", html_for=ids.SAVE_AUTHOR, class_name="mt-2"),
            dbc.Input(id=ids.SAVE_AUTHOR, type="text", maxlength=120, **author),
            dbc.Checkbox(id=ids.SAVE_REPLACE, value=False, label="Replace a saved scenario of the same name",
                         class_name="mt-2"),
            html.Div(id=ids.SAVE_RESULT, className="mt-2", role="status", **{"aria-live": "polite"}),
        ]),
        dbc.ModalFooter(dbc.Button("Save", id=ids.SAVE_CONFIRM, color="primary")),
    ], id=ids.SAVE_MODAL, is_open=False, labelledby=ids.SAVE_TITLE)
    listing = dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Saved scenarios of this park", id=ids.SCENARIOS_TITLE)),
        dbc.ModalBody([
            html.Div(id=ids.SCENARIOS_MESSAGE, role="status", **{"aria-live": "polite"}),
            html.Div(id=ids.SCENARIOS_BODY),
        ]),
        dbc.ModalFooter([
            html.Span("Tick two to four to compare them.", className="small text-muted me-auto"),
            html.A("Compare selected", id=ids.COMPARE_LINK, href="#", className="btn btn-primary disabled",
                   **{"aria-disabled": "true"}),
        ]),
    ], id=ids.SCENARIOS_MODAL, is_open=False, size="xl", scrollable=True, labelledby=ids.SCENARIOS_TITLE)
    return [upload, save, listing, dcc.Store(id=ids.SCENARIOS_VERSION, data=0), dcc.Store(id=ids.PARKS_VERSION, data=0)]


def problems_table(problems, warnings=()) -> html.Div:
    """Validation problems as a table a park manager can work through; warnings (which
    can explain the problems, such as a file read in another encoding) follow them."""
    rows = [html.Tr([html.Td(p.file or ""), html.Td("" if p.row is None else str(p.row)),
                     html.Td(p.column or ""), html.Td(p.message)]) for p in problems]
    notes = [html.Tr([html.Td(p.file or ""), html.Td("" if p.row is None else str(p.row)),
                      html.Td(p.column or ""), html.Td(["Warning: ", p.message])], className="upload-warning")
             for p in warnings]
    return html.Div([
        dbc.Alert([html.Strong(f"The file was not loaded: {len(rows)} problem{'s' if len(rows) != 1 else ''}. "),
                   "The park on screen is unchanged. Fix these and upload again."], color="danger"),
        dbc.Table([html.Thead(html.Tr([html.Th("File or sheet"), html.Th("Row"), html.Th("Column"),
                                       html.Th("Problem")])), html.Tbody(rows + notes)],
                  size="sm", striped=True, class_name="upload-problems"),
    ])


def name_actions(name_type: str, rename_type: str, delete_type: str | None, key, name: str,
                 delete_message: str) -> html.Div:
    """A labelled new-name box, a Rename button and (unless ``delete_type`` is None) a
    Delete button that asks first."""
    actions = [
        html.Label([html.Span(f"New name for {name}", className="visually-hidden"),
                    dcc.Input(id={"type": name_type, "index": key}, type="text", placeholder="new name",
                              className="form-control form-control-sm", maxLength=120, n_submit=0)],
                   className="mb-0 rename-box"),
        html.Button("Rename", id={"type": rename_type, "index": key}, n_clicks=0,
                    className="btn btn-outline-secondary btn-sm"),
    ]
    if delete_type:
        actions.append(dcc.ConfirmDialogProvider(html.Button("Delete", className="btn btn-outline-danger btn-sm"),
                                                 id={"type": delete_type, "index": key}, message=delete_message))
    return html.Div(actions, className="d-flex align-items-center gap-1 name-actions")


def outcome(action, success, colour: str = "success") -> tuple[dbc.Alert, bool]:
    """Run a store action; (a message, whether anything changed). Storage errors become the
    message, in words a person understands."""
    try:
        record = action()
    except (StorageError, Refused) as error:
        return dbc.Alert(str(error), color="danger"), False
    return dbc.Alert(success(record), color=colour), True


def park_facts(record, default: bool) -> str:
    """What tells a stored park from another of the same name: the file it came from and
    its size, and the fingerprint of its content (the first 12 hex digits of its hash,
    as the report prints it); the default park says it is the server's."""
    size = f"{record.size / 1024:,.0f} kB" if record.size >= 1024 else f"{record.size} bytes"
    fingerprint = f"fingerprint {record.content_hash[:12]}"
    if default:
        return f"this server's default park \u00b7 {fingerprint}"
    kind = {"xlsx": "Excel workbook", "csv-zip": "zip of CSV files", "json": "JSON file",
            "folder": "park folder"}.get(str(record.format), str(record.format))
    return f"{record.filename} ({kind}, {size}) \u00b7 {fingerprint}"


class StorageHandlers:
    """Upload and scenario logic as plain methods (tested directly)."""

    def __init__(self, state: AppState):
        self.state = state

    def upload(self, contents: str | None, filename: str | None, author: str | None):
        """(message, new URL query or no_update)."""
        if not contents or not filename:
            return no_update, no_update
        try:
            require(Role.EDITOR)
        except Refused as error:
            return self._refuse(str(error).rstrip(".")), no_update
        wrong = wrong_file_message(filename)
        if wrong:
            return dbc.Alert([html.Strong("The file was not loaded. "), wrong], color="danger"), no_update
        header, _, payload = contents.partition(",")
        if len(payload) * 3 // 4 > MAX_UPLOAD_BYTES + 3:
            return self._refuse(f"{filename} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"), no_update
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return self._refuse(f"{filename} arrived damaged; try again"), no_update
        if len(data) > MAX_UPLOAD_BYTES:
            return self._refuse(f"{filename} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"), no_update
        try:
            record = self.state.store.add_park(filename, data, recorded_name(author))
            park = self.state.store.get_park(record.content_hash)
        except model.ParkError as error:
            return problems_table(error.problems, error.warnings), no_update
        except StorageError as error:
            return self._refuse(str(error)), no_update
        except Exception:  # a bug or a file no check foresaw: keep the park, say so, log it
            logger.exception("upload of %s failed", filename)
            return self._refuse(f"{filename} could not be read: this server did not foresee something in it "
                                "(its log has the details for whoever runs it)"), no_update
        existing = sum(e.status is model.Status.EXISTING for e in park.exchanges)
        message = dbc.Alert([html.Strong(f"Loaded {park.name}. "),
                             f"{len(park.firms)} firms, {len(park.streams)} streams, {existing} existing and "
                             f"{len(park.exchanges) - existing} candidate exchanges. It is now on screen; "
                             "its link can be shared."]
                            + ([html.Div(f"{len(park.warnings)} warning(s), e.g.: {park.warnings[0]}",
                                         className="small")] if park.warnings else []), color="success")
        return message, model.Scenario(self.state.park_key(park)).to_query()

    @staticmethod
    def _refuse(text: str) -> dbc.Alert:
        return dbc.Alert([html.Strong("The file was not loaded. "), text, ". The park on screen is unchanged."],
                         color="danger")

    def save(self, search: str | None, name: str | None, author: str | None, replace: bool):
        """Save the scenario of the address exactly as it is: a link whose park is gone or that
        names exchanges the park lacks is refused, not saved as something else."""
        try:
            require(Role.EDITOR)
        except Refused as error:
            return dbc.Alert(str(error), color="danger"), False
        try:
            park, active, _ = self.state.resolve(search)
        except model.ParkError as error:
            return dbc.Alert([html.Strong("Not saved: this link does not fit. "),
                              "; ".join(p.message for p in error.problems),
                              ". Reset to baseline or open the park again, then save."], color="danger"), False
        on, off = model.scenario_toggles(park, active)
        try:
            record = self.state.store.save_scenario(park.content_hash, name or "", on, off,
                                                    recorded_name(author), overwrite=bool(replace))
        except (StorageError, model.ParkError) as error:
            return dbc.Alert(str(error), color="danger"), False
        return dbc.Alert(f"Saved \u201c{record.name}\u201d.", color="success"), True

    def listing(self, search: str | None):
        park, _, _ = resolve_lenient(self.state, search)
        records = self.state.store.list_scenarios(park.content_hash)
        if not records:
            return html.P("No scenario of this park is saved yet. Use \u201cSave scenario\u201d to keep one.")
        rows = []
        for record in records:
            link = model.Scenario(self.state.park_key(park), tuple(record.on), tuple(record.off)).to_query() or "?"
            toggles = model.scenario_summary(park, model.Scenario(on=tuple(record.on), off=tuple(record.off)),
                                             most=4).removeprefix("Scenario: ")
            rows.append(html.Tr([
                html.Td(dbc.Checkbox(id={"type": ids.SCENARIO_PICK, "index": record.id}, value=False,
                                     label=html.Span(f"Compare {record.name}", className="visually-hidden"))),
                html.Td([html.A(record.name, href="/" + link, className="fw-semibold"),
                         html.Div(toggles, className="small text-muted text-wrap")]),
                html.Td(record.author),
                html.Td([record.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                         html.Div(f"changed {record.updated_at.strftime('%Y-%m-%d %H:%M UTC')}",
                                  className="small text-muted")
                         if record.updated_at.replace(microsecond=0) != record.created_at.replace(microsecond=0)
                         else None]),
                html.Td(name_actions(ids.SCENARIO_NEW_NAME, ids.SCENARIO_RENAME, ids.SCENARIO_DELETE, record.id,
                                     record.name, f"Delete the saved scenario \u201c{record.name}\u201d? "
                                                  "This cannot be undone.")),
            ]))
        return dbc.Table([html.Thead(html.Tr([html.Th("Compare"), html.Th("Scenario"), html.Th("By"),
                                              html.Th("Saved"), html.Th("Actions")])), html.Tbody(rows)],
                         size="sm", hover=True, class_name="align-middle")

    def rename(self, scenario_id: int, new_name: str | None):
        def rename():
            require(Role.EDITOR)
            return self.state.store.rename_scenario(scenario_id, new_name or "", by=recorded_name(None))
        return outcome(rename, lambda r: f"Renamed to \u201c{r.name}\u201d.")

    def delete(self, scenario_id: int):
        def remove():
            require(Role.ADMIN)
            record = self.state.store.get_scenario(scenario_id)
            self.state.store.delete_scenario(scenario_id, by=recorded_name(None))
            return record
        return outcome(remove, lambda r: f"Deleted \u201c{r.name}\u201d.", "secondary")

    def parks_listing(self):
        """The stored parks: open, rename, delete (the default park cannot be deleted)."""
        rows = []
        for record in self.state.store.list_parks():
            default = record.content_hash == self.state.default_park.content_hash
            link = "/" + (model.Scenario(self.state.park_key(self.state.default_park) if default else record.content_hash)
                          .to_query() or "")
            rows.append(html.Tr([
                html.Td([html.A(record.name, href=link, className="fw-semibold"),
                         html.Div(park_facts(record, default), className="small text-muted")]),
                html.Td(record.uploaded_by),
                html.Td(record.uploaded_at.strftime("%Y-%m-%d %H:%M UTC")),
                html.Td(name_actions(ids.PARK_NEW_NAME, ids.PARK_RENAME, None if default else ids.PARK_DELETE,
                                     record.content_hash, record.name,
                                     f"Delete the park \u201c{record.name}\u201d and every scenario saved on it? "
                                     "This cannot be undone.")),
            ]))
        return dbc.Table([html.Thead(html.Tr([html.Th("Park"), html.Th("By"), html.Th("Added"), html.Th("Actions")])),
                          html.Tbody(rows)], size="sm", hover=True, class_name="align-middle")

    def rename_park(self, content_hash: str, new_name: str | None):
        def rename():
            require(Role.EDITOR)
            return self.state.store.rename_park(content_hash, new_name or "", by=recorded_name(None))
        return outcome(rename, lambda r: f"Renamed to \u201c{r.name}\u201d.")

    def delete_park(self, content_hash: str):
        if content_hash == self.state.default_park.content_hash:
            return dbc.Alert("The default park cannot be deleted.", color="warning"), False

        def remove():
            require(Role.ADMIN)
            record = self.state.store.get_park_record(content_hash)
            self.state.store.delete_park(content_hash, by=recorded_name(None))
            return record
        return outcome(remove, lambda r: f"Deleted \u201c{r.name}\u201d and its saved scenarios.", "secondary")

    @staticmethod
    def compare_link(picked: list[int]) -> tuple[str, str, str]:
        """(href, class, aria-disabled) of the compare button for the ticked scenario ids, oldest first."""
        if 2 <= len(picked) <= 4:
            return "/compare?s=" + ",".join(str(i) for i in sorted(picked)), "btn btn-primary", "false"
        return "#", "btn btn-primary disabled", "true"


SCENARIO_NAME_ID = check.component_id(check.record_id, ids.SCENARIO_NEW_NAME)
SCENARIO_TRIGGER = check.component_id(check.record_id, ids.SCENARIO_NEW_NAME, ids.SCENARIO_RENAME, ids.SCENARIO_DELETE)
PARK_NAME_ID = check.component_id(check.park_key, ids.PARK_NEW_NAME)
PARK_TRIGGER = check.component_id(check.park_key, ids.PARK_NEW_NAME, ids.PARK_RENAME, ids.PARK_DELETE)
"""The pattern-matching ids the scenario and park lists send back."""


def register_storage_callbacks(app: Dash, state: AppState) -> StorageHandlers:
    handlers = StorageHandlers(state)

    for button, modal in ((ids.UPLOAD_BUTTON, ids.UPLOAD_MODAL), (ids.SAVE_BUTTON, ids.SAVE_MODAL),
                          (ids.SCENARIOS_BUTTON, ids.SCENARIOS_MODAL)):
        app.callback(Output(modal, "is_open", allow_duplicate=True), Input(button, "n_clicks"),
                     prevent_initial_call=True)(lambda _clicks: True)

    @app.callback(Output(ids.UPLOAD_RESULT, "children"), Output(ids.URL, "search", allow_duplicate=True),
                  Output(ids.PARKS_VERSION, "data", allow_duplicate=True),
                  Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"), State(ids.UPLOAD_AUTHOR, "value"),
                  State(ids.PARKS_VERSION, "data"), prevent_initial_call=True)
    @check.checked(check.upload_text, check.optional_text, check.optional_text, check.anything)
    def _upload(contents, filename, author, version):
        message, search = handlers.upload(contents, filename, author)
        return message, search, no_update if search is no_update else (version or 0) + 1  # list the new park

    @app.callback(Output(ids.SAVE_RESULT, "children"), Output(ids.SCENARIOS_MESSAGE, "children"),
                  Output(ids.SCENARIOS_VERSION, "data"),
                  Input(ids.SAVE_CONFIRM, "n_clicks"),
                  Input({"type": ids.SCENARIO_RENAME, "index": ALL}, "n_clicks"),
                  Input({"type": ids.SCENARIO_DELETE, "index": ALL}, "submit_n_clicks"),
                  Input({"type": ids.SCENARIO_NEW_NAME, "index": ALL}, "n_submit"),
                  State(ids.URL, "search"), State(ids.SAVE_NAME, "value"), State(ids.SAVE_AUTHOR, "value"),
                  State(ids.SAVE_REPLACE, "value"), State({"type": ids.SCENARIO_NEW_NAME, "index": ALL}, "value"),
                  State({"type": ids.SCENARIO_NEW_NAME, "index": ALL}, "id"), State(ids.SCENARIOS_VERSION, "data"),
                  prevent_initial_call=True)
    @check.checked(check.anything, check.anything, check.anything, check.anything, check.address,
                   check.optional_text, check.optional_text, check.flag, check.each(check.optional_text),
                   check.each(SCENARIO_NAME_ID), check.count)
    def _change_scenarios(_save, _renames, _deletes, _submits, search, name, author, replace, new_names, name_ids,
                          version):
        trigger = ctx.triggered_id
        value = ctx.triggered[0]["value"] if len(ctx.triggered) == 1 else None
        bump = version + 1
        if trigger == ids.SAVE_CONFIRM:
            message, changed = handlers.save(search, name, author, replace)
            return message, no_update, bump if changed else no_update
        if not isinstance(trigger, dict) or not value:
            return no_update, no_update, no_update
        trigger = SCENARIO_TRIGGER(dict(trigger))
        if trigger["type"] in (ids.SCENARIO_RENAME, ids.SCENARIO_NEW_NAME):  # the button, or Enter in the box
            wanted = {i["index"]: v for i, v in zip(name_ids, new_names)}.get(trigger["index"])
            message, changed = handlers.rename(trigger["index"], wanted)
        else:
            message, changed = handlers.delete(trigger["index"])
        return no_update, message, bump if changed else no_update

    @app.callback(Output(ids.SCENARIOS_BODY, "children"), Input(ids.SCENARIOS_MODAL, "is_open"),
                  Input(ids.SCENARIOS_VERSION, "data"), State(ids.URL, "search"), prevent_initial_call=True)
    @check.checked(check.flag, check.anything, check.address)
    def _list(is_open, _version, search):
        return handlers.listing(search) if is_open else no_update

    @app.callback(Output(ids.PARKS_MESSAGE, "children"), Output(ids.PARKS_VERSION, "data"),
                  Input({"type": ids.PARK_RENAME, "index": ALL}, "n_clicks"),
                  Input({"type": ids.PARK_DELETE, "index": ALL}, "submit_n_clicks"),
                  Input({"type": ids.PARK_NEW_NAME, "index": ALL}, "n_submit"),
                  State({"type": ids.PARK_NEW_NAME, "index": ALL}, "value"),
                  State({"type": ids.PARK_NEW_NAME, "index": ALL}, "id"), State(ids.PARKS_VERSION, "data"),
                  prevent_initial_call=True)
    @check.checked(check.anything, check.anything, check.anything, check.each(check.optional_text),
                   check.each(PARK_NAME_ID), check.count)
    def _change_parks(_renames, _deletes, _submits, new_names, name_ids, version):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or len(ctx.triggered) != 1 or not ctx.triggered[0]["value"]:
            return no_update, no_update
        trigger = PARK_TRIGGER(dict(trigger))
        if trigger["type"] in (ids.PARK_RENAME, ids.PARK_NEW_NAME):
            wanted = {i["index"]: v for i, v in zip(name_ids, new_names)}.get(trigger["index"])
            message, changed = handlers.rename_park(trigger["index"], wanted)
        else:
            message, changed = handlers.delete_park(trigger["index"])
        return message, version + 1 if changed else no_update

    @app.callback(Output(ids.PARKS_BODY, "children"), Input(ids.UPLOAD_MODAL, "is_open"),
                  Input(ids.PARKS_VERSION, "data"), prevent_initial_call=True)
    @check.checked(check.flag, check.anything)
    def _list_parks(is_open, _version):  # not on every toggle: only when the dialog opens or a park changes
        return handlers.parks_listing() if is_open else no_update

    @app.callback(Output(ids.COMPARE_LINK, "href"), Output(ids.COMPARE_LINK, "className"),
                  Output(ids.COMPARE_LINK, "aria-disabled"),
                  Input({"type": ids.SCENARIO_PICK, "index": ALL}, "value"),
                  State({"type": ids.SCENARIO_PICK, "index": ALL}, "id"))
    @check.checked(check.each(check.flag), check.each(check.component_id(check.record_id, ids.SCENARIO_PICK)))
    def _compare_link(values, pick_ids):
        return handlers.compare_link([i["index"] for i, v in zip(pick_ids, values) if v])

    return handlers

