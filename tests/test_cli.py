"""The eco-park command line: exit codes, the error line format and the JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import model
from tests.helpers import run_cli as run
from tests.helpers import write_park

STREAMS = """\
firm,kind,resource,quantity,fate
power,supply,fly_ash,100,landfill
plaster,demand,gypsum,70,
cement,demand,gypsum,50,
"""
EXCHANGES = """\
id,name,from_firm,resource,to_firm,replaces,status
a_plaster,Ash to plaster,power,fly_ash,plaster,gypsum,existing
b_cement,Ash to cement,power,fly_ash,cement,gypsum,candidate
"""


@pytest.fixture
def park_dir(tmp_path):
    return write_park(tmp_path / "mini", streams=STREAMS, exchanges=EXCHANGES)


def test_validate_summarises_a_good_park(capsys, park_dir):
    code, out, err = run(capsys, "validate", str(park_dir))
    assert code == 0 and err == ""
    assert "Mini park: OK" in out
    assert "firms       3" in out and "streams     3" in out and "resources   6" in out
    assert "1 existing, 1 candidate" in out


def test_validate_bad_park_prints_one_error_per_line_and_exits_2(capsys, tmp_path):
    folder = write_park(tmp_path / "bad", streams=STREAMS.replace("100", "-1"),
                        exchanges=EXCHANGES.replace("candidate", "maybe"))
    code, out, err = run(capsys, "validate", str(folder))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{folder}/streams.csv:2:quantity: is -1; it cannot be negative",
        f"{folder}/exchanges.csv:3:status: 'maybe' is not one of: existing, candidate",
    ]
    assert "Traceback" not in err


def test_evaluate_json_has_the_documented_shape(capsys, park_dir):
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--on", "b_cement", "--json", "--marginal")
    assert code == 0
    report = json.loads(out)
    assert report["park"] == "Mini park" and report["currency"] == "EUR"
    assert set(report["kpis"]) == {"no_symbiosis", "baseline", "scenario"}
    for view in report["kpis"].values():
        assert set(view) == set(model.KPI_NAMES)
    # scenario: both on, 70 + 30 t carried: nothing landfilled, 20 t gypsum bought
    assert report["kpis"]["scenario"] == pytest.approx({"freshwater_m3": 0, "co2_t": 2, "landfill_t": 0, "cost": 400})
    assert report["kpis"]["baseline"]["landfill_t"] == 30
    exchanges = {e["id"]: e for e in report["exchanges"]}
    assert exchanges["b_cement"] | {"marginal": None} == exchanges["b_cement"] | {
        "status": "candidate", "active": True, "carried": 30, "bound": "supply", "marginal": None}
    # switching b off again: +30 t landfill
    assert exchanges["b_cement"]["marginal"]["landfill_t"] == pytest.approx(30)
    assert {f["id"] for f in report["firms"]} == {"power", "plaster", "cement"}
    assert set(report["firms"][0]["scenario"]) == set(model.KPI_NAMES)


def test_evaluate_off_and_comma_lists(capsys, park_dir):
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--off", "a_plaster", "--on", "b_cement", "--json")
    report = json.loads(out)
    assert report["scenario"] == {"on": ["b_cement"], "off": ["a_plaster"], "without": []}
    assert {e["id"]: e["carried"] for e in report["exchanges"]} == {"a_plaster": 0, "b_cement": 50}
    code, out, _ = run(capsys, "evaluate", str(park_dir), "--on", "b_cement,a_plaster", "--json")
    assert json.loads(out)["scenario"] == {"on": ["b_cement"], "off": [], "without": []}


def test_evaluate_unknown_exchange_exits_2_and_names_it(capsys, park_dir):
    code, out, err = run(capsys, "evaluate", str(park_dir), "--on", "nope")
    assert code == 2 and "unknown exchange id 'nope'" in err


def test_evaluate_table_shows_three_views_and_reported_savings(capsys, tmp_path):
    toml = ('name = "Mini park"\ncurrency = "EUR"\nyear = 2020\ndiscount_rate = 0.0\n'
            '[[sources]]\nid = "s"\ncitation = "A report"\n'
            '[[reported]]\nkpi = "landfill_t"\nvalue = 80\nyear = 2020\nsource = "s"\n')
    folder = write_park(tmp_path / "r", toml=toml, streams=STREAMS, exchanges=EXCHANGES)
    code, out, _ = run(capsys, "evaluate", str(folder), "--marginal")
    assert code == 0
    assert "no symbiosis" in out and "baseline" in out and "scenario" in out
    # model saving on landfill: 100 - 30 = 70 against 80 reported: -12.5 %
    line = next(line for line in out.splitlines() if line.startswith("Waste to landfill"))
    assert "70" in line and "80 (2020; model \u221212.5 %)" in line


def test_generate_writes_a_loadable_park(capsys, tmp_path):
    code, out, _ = run(capsys, "generate", "--firms", "12", "--exchanges", "30", "--seed", "3", str(tmp_path / "g"))
    assert code == 0
    park = model.load_park(tmp_path / "g")
    assert len(park.firms) == 12 and len(park.exchanges) == 30


def test_missing_path_is_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err


def test_console_script_and_module_run():
    script = Path(sys.executable).parent / "eco-park"
    for command in ([str(script), "--help"], [sys.executable, "-m", "dashboard", "--help"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "validate" in done.stdout


def test_template_writes_a_workbook_that_loads(capsys, tmp_path):
    code, out, _ = run(capsys, "template", str(tmp_path / "t.xlsx"))
    assert code == 0 and "wrote" in out
    park = model.load_park(tmp_path / "t.xlsx")
    assert park.exchanges and park.firms
    code, _, err = run(capsys, "template", str(tmp_path / "t.csv"))
    assert code == 2 and ".xlsx" in err


def test_report_writes_html_with_the_scenario_kpis(capsys, park_dir, tmp_path):
    out = tmp_path / "report.html"
    code, _, _ = run(capsys, "report", str(park_dir), "--on", "b_cement", "--out", str(out))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    # scenario: 20 t of gypsum still bought at EUR 20: cost 400
    assert 'data-kpi="cost" data-view="scenario" data-value="400.0"' in text and "Mini park" in text
    code, _, err = run(capsys, "report", str(park_dir), "--out", str(tmp_path / "report.docx"))
    assert code == 2 and "report" in err


def test_serve_refuses_a_bad_park_without_a_traceback(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ECO_PARK_DB", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    folder = write_park(tmp_path / "bad", streams=STREAMS.replace("100", "-1"), exchanges=EXCHANGES)
    code, _, err = run(capsys, "serve", str(folder), "--port", "1")
    assert code == 2 and "cannot be loaded" in err and "cannot be negative" in err and "Traceback" not in err


def test_report_into_a_missing_folder_says_so_and_exits_2(capsys, park_dir, tmp_path):
    out = tmp_path / "nowhere" / "deeper" / "x.html"
    code, printed, err = run(capsys, "report", str(park_dir), "--out", str(out))
    assert (code, printed) == (2, "")
    assert err == f"eco-park report: cannot write {out}: the folder does not exist\n"
    assert not out.parent.exists()
    code, _, err = run(capsys, "report", str(park_dir), "--out", str(tmp_path))
    assert code == 2 and err == f"eco-park report: cannot write {tmp_path}: it is a folder; " \
                                "give a file name such as report.html\n"


@pytest.mark.parametrize("suffix", [".html", ".xlsx", ".csv"])
def test_report_to_a_read_only_place_says_so_and_exits_2(capsys, park_dir, tmp_path, monkeypatch, suffix):
    out = tmp_path / f"x{suffix}"

    def refuse(self, data):  # what writing into a read-only folder raises (tests may run as root)
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    code, printed, err = run(capsys, "report", str(park_dir), "--out", str(out))
    assert (code, printed) == (2, "")
    assert err == f"eco-park report: cannot write {out}: permission denied (a read-only folder or file?)\n"
    assert "unexpected" not in err and "Traceback" not in err
