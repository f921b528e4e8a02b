"""Small parks written as CSV text, so each test shows the numbers it hand-computes."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import openpyxl

from dashboard import model

PARK_TOML = """\
name = "Mini park"
country = "Nowhere"
currency = "EUR"
year = 2020
discount_rate = 0.0
"""

RESOURCES = """\
id,name,category,unit,freshwater,virgin_price,virgin_co2,disposal_fee,disposal_co2
fly_ash,Fly ash,material,t,,0,0,50,0.01
gypsum,Gypsum,material,t,,20,0.1,0,0
freshwater,Freshwater,water,m3,true,2,0.001,0,0
wastewater,Treated wastewater,water,m3,false,0,0,1,0
biomass,Biomass,material,t,,0,0,30,0.05
natural_gas,Natural gas,energy,MWh,,40,0.2,0,0
"""

FIRMS = """\
id,name,sector,x,y
power,Power station,power,0,0
plaster,Plasterboard,building materials,1,0
cement,Cement works,building materials,0,1
"""


def write_park(folder: Path, *, toml: str = PARK_TOML, resources: str = RESOURCES, firms: str = FIRMS,
               streams: str, exchanges: str) -> Path:
    """Write a park folder from CSV texts (dedented) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "park.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    for name, text in (("resources", resources), ("firms", firms), ("streams", streams),
                       ("exchanges", exchanges)):
        (folder / f"{name}.csv").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def load(folder: Path, **tables) -> model.Park:
    return model.load_park(write_park(folder, **tables))


def problems(folder: Path, **tables) -> list[str]:
    """The error lines loading gives, with the folder prefix taken off."""
    try:
        load(folder, **tables)
    except model.ParkError as error:
        return [str(p).replace(f"{folder}/", "") for p in error.problems]
    raise AssertionError("the park loaded, but errors were expected")


# -- small parks shared by several test modules --------------------------------------

STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
plaster,demand,gypsum,60,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status
ash,Fly ash to plaster,power,fly_ash,plaster,gypsum,existing
"""


def reference_park(tmp_path) -> model.Park:
    return load(tmp_path / "csv", streams=STREAMS + "cement,demand,gypsum,50,\n",
                exchanges=EXCHANGES + "more,More ash,power,fly_ash,cement,gypsum,candidate\n")


def workbook_bytes(park: model.Park, mutate=None) -> bytes:
    data = park.to_dict()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "park"
    sheet.append(["key", "value"])
    for key in ("name", "country", "currency", "year", "discount_rate"):
        sheet.append([key, data["park"][key]])
    for table in ("resources", "firms", "streams", "exchanges"):
        sheet = book.create_sheet(table)
        columns = list(dict.fromkeys(c for row in data[table] for c in row))  # a quality on some rows only
        sheet.append(columns)
        for row in data[table]:
            sheet.append([row.get(c) for c in columns])
    if mutate:
        mutate(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LOOP_STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,wastewater,100,discharge
plaster,demand,freshwater,80,
plaster,supply,wastewater,90,discharge
power,demand,freshwater,70,
cement,demand,freshwater,10,
"""
LOOP_EXCHANGES = """\
id,from_firm,resource,to_firm,replaces,status
there,power,wastewater,plaster,freshwater,existing
back,plaster,wastewater,power,freshwater,existing
more,power,wastewater,cement,freshwater,candidate
"""


COMPETING_STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
plaster,demand,gypsum,70,
cement,demand,gypsum,50,
"""


def competing(tmp_path, rows: str, toml: str = PARK_TOML):
    header = "id,from_firm,resource,to_firm,replaces,status,cost_per_unit,co2_per_unit\n"
    return load(tmp_path, toml=toml, streams=COMPETING_STREAMS, exchanges=header + rows)


def kpis(result) -> tuple[float, float, float, float]:
    return tuple(round(v, 9) for v in result.totals.values())


# -- Dash component trees ------------------------------------------------------------

def is_markup(item) -> bool:
    """A node of dashboard.app.markup ([tag, props, *children])."""
    from dashboard.app.markup import is_node

    return is_node(item)


def from_markup(item):
    """``markup`` nodes as objects named by their tag ("Tr", "Td", "Input", ...), with their
    props as attributes and their children as ``children``, as Dash components are."""
    if is_markup(item):
        made = type(item[0].capitalize(), (), {})()
        for key, value in item[1].items():
            setattr(made, key, value)
        children = [from_markup(child) for child in item[2:]]
        made.children = children[0] if len(children) == 1 and isinstance(children[0], str) else children
        return made
    if isinstance(item, list):
        return [from_markup(i) for i in item]
    return item


def markup_texts(tree) -> list[str]:
    """Every text of a ``markup`` tree, in order."""
    if isinstance(tree, str):
        return [tree]
    return [text for child in tree[2:] for text in markup_texts(child)] if is_markup(tree) else []


def markup_find(tree, tag: str) -> list[list]:
    """Every node of a ``markup`` tree with ``tag``, in document order."""
    if not is_markup(tree):
        return []
    here = [tree] if tree[0] == tag else []
    return here + [found for child in tree[2:] for found in markup_find(child, tag)]


def find_all(component, predicate):
    """Every component in a Dash tree (or a ``markup`` tree) for which predicate(component)
    holds."""
    found = []

    def visit(item):
        if is_markup(item):
            item = from_markup(item)
        if isinstance(item, (list, tuple)):
            for child in item:
                visit(child)
            return
        if item is None or isinstance(item, (str, int, float)):
            return
        if predicate(item):
            found.append(item)
        visit(getattr(item, "children", None))
        visit(getattr(item, "label", None))

    visit(component)
    return found


def by_id(component, wanted):
    return find_all(component, lambda c: getattr(c, "id", None) == wanted)


def text_of(component) -> str:
    if is_markup(component):
        component = from_markup(component)
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


# -- deciding: two candidates compete for the ash (tests/test_decide.py computes it) -

DECIDE_EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status,capex,lifetime_years,cost_per_unit,price_per_unit
c1,Ash to plaster,power,fly_ash,plaster,gypsum,candidate,{capex},10,0,{price}
c2,Ash to cement,power,fly_ash,cement,gypsum,candidate,0,10,5,0
"""
"""c1 (capex over 10 years, no discounting) and c2 (5 EUR/t to carry, so served after
c1) compete for the 100 t of ash of COMPETING_STREAMS."""


def decide_park(tmp_path, capex: float = 7700, price: float = 0, toml: str = PARK_TOML) -> model.Park:
    return load(tmp_path, toml=toml, streams=COMPETING_STREAMS,
                exchanges=DECIDE_EXCHANGES.format(capex=capex, price=price))


SCRIPT_NAME = "</title><script>alert(1)</script>"
"""A park name that closes the page's title and opens a script, if written unescaped."""

DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
"""A source address that would run a script in the reader's browser if linked."""


def hostile_park() -> model.Park:
    """Kalundborg with the name SCRIPT_NAME and its first source linking to DATA_URL."""
    import dataclasses

    from dashboard.paths import shipped_park

    park = model.load_park(shipped_park())
    first = dataclasses.replace(park.sources[0], url=DATA_URL)
    return dataclasses.replace(park, name=SCRIPT_NAME, sources=(first, *park.sources[1:]))


def run_cli(capsys, *argv):
    """``eco-park ARGV...`` in this process: (exit code, standard output, standard error)."""
    from dashboard.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def list_cells(park: model.Park, evaluation: model.Evaluation, marginal) -> dict[str, list[dict]]:
    """{exchange id: its row's cells} as the exchange list draws them (each ``td``'s props
    with its text as "children"): checkbox, name, firms, resource, carried, what limits it,
    the four KPI savings, then payback, NPV and cost per t CO2e."""
    from dashboard.app.components import exchange_row

    drawn = {}
    for row in model.exchange_rows(park, evaluation, marginal):
        tag, _, *cells = exchange_row(row, park.currency)
        assert tag == "tr" and all(cell[0] == "td" for cell in cells)
        drawn[row.exchange.id] = [{**cell[1], "children": "".join(markup_texts(cell))} for cell in cells]
    return drawn
