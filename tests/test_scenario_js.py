"""The browser writes the scenario's address itself (assets/eco_scenario.js), so a toggle
needs no round trip; that code must read and write addresses exactly as model.Scenario
does. Both sides run on one table of cases here (the JavaScript in node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard import model
from dashboard.app.callbacks import client_park
from dashboard.model import Scenario
from tests.helpers import load

SCRIPT = Path(__file__).resolve().parent.parent / "assets" / "eco_scenario.js"

SEARCHES = [
    "", "?", "??on=b", "?on=b", "?on=b,b,,b", "?on=b&on=c", "?on=b,c&off=a", "?off=a,a&on=a",
    "?on=nope,b&off=zzz", "?on= b , c ", "?park=&park=abc&on=b", "?park=%20k%20", "?park=x&park=y",
    "?without=f2,f1", "?without=f1&without=f1,nobody", "?on&off=&without", "?on=b%2Cc", "?on=b+c",
    "?on=%E2%9C%93", "?on=caf%C3%A9&off=a", "?x=1&on=b&y=2", "?on=b;c", "?without=f1&on=b&off=a&park=k",
]


def park_with_awkward_ids(tmp_path: Path) -> model.Park:
    """Firm f0 gives fly ash to f1..f7 by exchanges a (existing), b, c, 'b c', 'café', '✓'
    and 'x&y=(1)!' (candidates)."""
    ids = [("a", "existing"), ("b", "candidate"), ("c", "candidate"), ("b c", "candidate"),
           ("café", "candidate"), ("✓", "candidate"), ("x&y=(1)!", "candidate")]
    firms = "id,name\n" + "".join(f"f{n},Firm {n}\n" for n in range(8))
    streams = "firm,kind,resource,quantity,fate\nf0,supply,fly_ash,100,landfill\n" + "".join(
        f"f{n},demand,fly_ash,10,\n" for n in range(1, 8))
    exchanges = "id,from_firm,resource,to_firm,status\n" + "".join(
        f"\"{i}\",f0,fly_ash,f{n},{status}\n" for n, (i, status) in enumerate(ids, start=1))
    return load(tmp_path, firms=firms, streams=streams, exchanges=exchanges)


def run_js(calls: list[dict]) -> list:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    program = f"""
        const s = require({json.dumps(str(SCRIPT))});
        const calls = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const out = calls.map((c) => {{
          if (c.kind === "key") {{ return s.parkKeyOf(c.search); }}
          if (c.kind === "read") {{
            const r = s.readScenario(c.search, c.park);
            return {{active: Array.from(r.active).sort(), without: r.without}};
          }}
          return s.scenarioQuery(c.park, new Set(c.active), c.without);
        }});
        process.stdout.write(JSON.stringify(out));
    """
    done = subprocess.run([node, "-e", program], input=json.dumps(calls), capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


def test_the_browser_reads_and_writes_addresses_as_model_scenario_does(tmp_path):
    park = park_with_awkward_ids(tmp_path)
    assert park.baseline_active == {"a"}
    calls, expected = [], []
    for key in ("", "3f9a"):
        data = client_park(park, key)
        for search in SEARCHES:
            asked = Scenario.from_query(search)
            calls.append({"kind": "key", "search": search})
            expected.append(asked.park_key)
            lenient, _ = asked.with_park_key(key).lenient(park)
            calls.append({"kind": "read", "search": search, "park": data})
            expected.append({"active": sorted(lenient.active(park)), "without": list(lenient.without)})
            # every toggle of every exchange from this scenario, as the checkboxes do
            for exchange in park.exchanges:
                toggled = lenient.toggled(park, exchange.id)
                active = toggled.active(park)
                calls.append({"kind": "write", "park": data, "active": sorted(active), "without": list(lenient.without)})
                expected.append(toggled.to_query())
    assert run_js(calls) == expected


def test_the_table_covers_what_matters(tmp_path):
    """The cases include percent-encoding both ways, firms leaving and repeated ids."""
    park = park_with_awkward_ids(tmp_path)
    written = Scenario.of(park, park.baseline_active | {"b c", "café", "✓", "x&y=(1)!"}, ("f2", "f1")).to_query()
    # urlencode's quote_plus: space as +, & = ( ) ! escaped, commas kept between ids
    assert written == "?on=b+c,caf%C3%A9,%E2%9C%93,x%26y%3D%281%29%21&without=f1,f2"
    assert run_js([{"kind": "write", "park": client_park(park, ""),
                    "active": sorted(park.baseline_active | {"b c", "café", "✓", "x&y=(1)!"}),
                    "without": ["f2", "f1"]}]) == [written]
    assert Scenario.from_query("?on=b,b,,b&on=c").on == ("b", "c")
