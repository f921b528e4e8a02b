"""Small parks written as CSV text, so each test shows the numbers it hand-computes."""

from __future__ import annotations

import textwrap
from pathlib import Path

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
