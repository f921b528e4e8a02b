"""The ``eco-park`` command line. It calls the same model functions as the app."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from dashboard import model
from dashboard.auth import AUTH_ENV
from dashboard.formatting import KPI_LABELS, full, kpi_unit, payback, per_tonne, percent, price_range, reported_measure
from dashboard.model.macc import macc
from dashboard.model.portfolio import best_portfolio, pareto_front, question
from dashboard.paths import shipped_park

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eco-park",
        description="Industrial symbiosis: load, check and evaluate an eco-industrial park, or serve its dashboard.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check a park's data and summarise it")
    validate.add_argument("path", help="park folder, .xlsx, .json or .zip")
    validate.add_argument("--warnings", action="store_true", help="also list warnings")

    evaluate = sub.add_parser("evaluate", help="KPIs of the no-symbiosis, baseline and scenario views")
    evaluate.add_argument("path", help="park folder, .xlsx, .json or .zip")
    evaluate.add_argument("--on", action="append", default=[], metavar="ID",
                          help="switch this exchange on (repeatable; commas allowed)")
    evaluate.add_argument("--off", action="append", default=[], metavar="ID",
                          help="switch this exchange off (repeatable; commas allowed)")
    evaluate.add_argument("--without", action="append", default=[], metavar="FIRM",
                          help="evaluate the scenario as if this firm left the park (repeatable; commas allowed)")
    evaluate.add_argument("--json", action="store_true", help="machine-readable output")
    evaluate.add_argument("--marginal", action="store_true",
                          help="add each exchange's marginal effect (that exchange alone toggled)")

    macc = sub.add_parser("macc", help="the marginal abatement cost curve: which links cut CO2e, cheapest first")
    macc.add_argument("path", help="park folder, .xlsx, .json or .zip")
    macc.add_argument("--on", action="append", default=[], metavar="ID", help="start with this exchange on")
    macc.add_argument("--off", action="append", default=[], metavar="ID", help="start with this exchange off")
    macc.add_argument("--json", action="store_true", help="machine-readable output")

    optimise = sub.add_parser("optimise", aliases=["optimize"],
                              help="the best set of candidate links for one KPI, or the Pareto front of two")
    optimise.add_argument("path", help="park folder, .xlsx, .json or .zip")
    goal = optimise.add_mutually_exclusive_group(required=True)
    goal.add_argument("--minimise", "--minimize", metavar="KPI", choices=model.KPI_NAMES,
                      help="the KPI to make as low as possible: " + ", ".join(model.KPI_NAMES))
    goal.add_argument("--pareto", metavar="KPI,KPI", help="two KPIs to trade off, e.g. co2_t,cost")
    optimise.add_argument("--budget", type=float, metavar="CAPEX",
                          help="most capex the candidates switched on may cost together")
    optimise.add_argument("--limit", action="append", default=[], metavar="KPI=VALUE",
                          help="a KPI of the scenario must stay at or below VALUE a year (repeatable)")
    optimise.add_argument("--on", action="append", default=[], metavar="ID", help="force this exchange on")
    optimise.add_argument("--off", action="append", default=[], metavar="ID", help="force this exchange off")
    optimise.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                          help="stop searching a large park after this long (default 60)")
    optimise.add_argument("--json", action="store_true", help="machine-readable output")

    resilience = sub.add_parser("resilience", help="what each firm's leaving would cost the others")
    resilience.add_argument("path", help="park folder, .xlsx, .json or .zip")
    resilience.add_argument("--on", action="append", default=[], metavar="ID", help="switch this exchange on")
    resilience.add_argument("--off", action="append", default=[], metavar="ID", help="switch this exchange off")
    resilience.add_argument("--json", action="store_true", help="machine-readable output")

    uncertainty = sub.add_parser("uncertainty", help="how sure the KPIs are: Monte Carlo bands and the tornado")
    uncertainty.add_argument("path", help="park folder, .xlsx, .json or .zip")
    uncertainty.add_argument("--on", action="append", default=[], metavar="ID", help="switch this exchange on")
    uncertainty.add_argument("--off", action="append", default=[], metavar="ID", help="switch this exchange off")
    uncertainty.add_argument("--without", action="append", default=[], metavar="FIRM",
                             help="as if this firm left the park (repeatable)")
    uncertainty.add_argument("--samples", type=int, default=1000, metavar="N", help="draws (default 1000)")
    uncertainty.add_argument("--seed", type=int, default=0, metavar="S",
                             help="random seed: the same seed gives the same numbers (default 0)")
    uncertainty.add_argument("--json", action="store_true", help="machine-readable output")

    generate = sub.add_parser("generate", help="write a synthetic park of any size")
    generate.add_argument("--firms", type=int, required=True)
    generate.add_argument("--exchanges", type=int, required=True)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("out", help="folder to write park.toml and the CSV files into")

    template = sub.add_parser("template", help="write the Excel template for a park of your own")
    template.add_argument("out", help="the .xlsx file to write")

    report = sub.add_parser("report", help="write a scenario report (.html or .pdf) or results (.xlsx, .zip)")
    report.add_argument("path", help="park folder, .xlsx, .json or .zip")
    report.add_argument("--on", action="append", default=[], metavar="ID", help="switch this exchange on")
    report.add_argument("--off", action="append", default=[], metavar="ID", help="switch this exchange off")
    report.add_argument("--without", action="append", default=[], metavar="FIRM",
                        help="the scenario as if this firm left the park (repeatable; commas allowed)")
    report.add_argument("--out", required=True,
                        help="report.html, report.pdf, results.xlsx, exchanges.csv, or a .zip of report, figures and tables")

    serve = sub.add_parser("serve", help="run the dashboard in a browser")
    serve.add_argument("path", nargs="?", default=None, help="park to open (default: the shipped Kalundborg park)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared server)")
    serve.add_argument("--db", default=None, help="SQLAlchemy URL of the database (default: ECO_PARK_DB or a SQLite file)")
    serve.add_argument("--auth", default=None, metavar="FILE",
                       help="users file: logins and roles on (default: ECO_PARK_AUTH; off when neither is set)")
    serve.add_argument("--user-header", default=None, metavar="HEADER",
                       help="trust this request header (set by a login proxy) as the user's name; needs --auth")
    serve.add_argument("--workers", type=int, default=0, metavar="N",
                       help="serve with N gunicorn worker processes, 8 threads each (default: one process, "
                            "Flask's server)")

    worker = sub.add_parser("worker", help="run a Celery worker for exports and other long jobs (needs Redis)")
    worker.add_argument("path", nargs="?", default=None, help="the server's default park (default: ECO_PARK_PARK "
                                                               "or the shipped Kalundborg park)")
    worker.add_argument("--redis", default=None, metavar="URL", help="Redis URL (default: ECO_PARK_REDIS_URL)")
    worker.add_argument("--db", default=None, help="the server's database URL (default: ECO_PARK_DB)")
    worker.add_argument("--concurrency", type=int, default=2, metavar="N", help="jobs at once (default 2)")

    users = sub.add_parser("users", help="manage the users file: logins, roles and kiosk links")
    users.add_argument("--auth", default=None, metavar="FILE", help="users file (default: ECO_PARK_AUTH)")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_sub.add_parser("add", help="add a user, or give one a new role and password")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    remove = users_sub.add_parser("remove", help="remove a user (signs them out everywhere)")
    remove.add_argument("name")
    users_sub.add_parser("list", help="list users and kiosk links")
    kiosk = users_sub.add_parser("kiosk-link", help="make a signed read-only kiosk link (no login needed)")
    kiosk.add_argument("query", nargs="?", default="", help="the scenario, e.g. 'on=a,b&off=c' or 's=3'")
    kiosk.add_argument("--by", default="admin", help="who made it (recorded)")
    revoke = users_sub.add_parser("kiosk-revoke", help="withdraw a kiosk link at once")
    revoke.add_argument("id")
    return parser


def load_park(path: str) -> model.Park:
    """``model.load_park``; a failure no check foresaw (a bug, or a file of a kind nobody
    thought of) is reported as that file's problem, exit status 2, not as a crash."""
    try:
        return model.load_park(path)
    except model.ParkError:
        raise
    except Exception as error:
        logging.getLogger(__name__).debug("loading %s failed", path, exc_info=True)
        raise model.ParkError.single(f"could not be read ({type(error).__name__})", str(path)) from error


def split_ids(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def command_validate(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    existing = sum(e.status is model.Status.EXISTING for e in park.exchanges)
    print(f"{park.name}: OK")
    print(f"  firms       {len(park.firms)}")
    print(f"  streams     {len(park.streams)}")
    print(f"  resources   {len(park.resources)}")
    print(f"  exchanges   {existing} existing, {len(park.exchanges) - existing} candidate")
    if park.warnings:
        if args.warnings:
            for warning in park.warnings:
                print(f"warning: {warning}", file=sys.stderr)
        else:
            print(f"  {len(park.warnings)} warning(s); --warnings lists them")
    return EXIT_OK


_NESTED = ("marginal_", "value_", "deal_")  # flat record columns the JSON nests instead


def evaluation_report(park: model.Park, scenario: model.Scenario | frozenset[str], with_marginal: bool) -> dict:
    """The JSON document of ``eco-park evaluate --json``. ``scenario``: a Scenario, or
    the ids of the exchanges on. Firms that leave are absent from ``firms`` and their
    exchanges from ``exchanges``."""
    if not isinstance(scenario, model.Scenario):
        scenario = model.Scenario.of(park, scenario)
    active = scenario.active(park)
    views = model.views(park, scenario)
    shown = views.scenario.park  # without the firms that leave
    marginal = model.marginal_effects(shown, views.scenario.active, base=views.scenario) if with_marginal else {}
    exchanges = []
    for row in model.exchange_rows(shown, views.scenario, marginal if with_marginal else None):
        item = {key: value for key, value in row.record().items() if not key.startswith(_NESTED)}
        if with_marginal:
            item["marginal"] = row.marginal.as_dict()
            item["value"] = row.value.as_dict()
            item["deal"] = row.deal.as_dict() if row.deal is not None else None
        exchanges.append(item)
    return {
        "park": park.name,
        "currency": park.currency,
        "year": park.year,
        "scenario": {**dict(zip(("on", "off"), map(list, model.scenario_toggles(park, active)))),
                     "without": list(scenario.without)},
        "kpis": {"no_symbiosis": views.no_symbiosis.kpis, "baseline": views.baseline.kpis,
                 "scenario": views.scenario.kpis},
        "reported": [{"kpi": r.reported.kpi, "value": r.reported.value, "year": r.reported.year,
                      "source": r.reported.source, "boundary": r.boundary, "firm": r.reported.firm,
                      "exchanges": list(r.exchanges), "resources": list(r.reported.resources),
                      "unit": reported_measure(r.reported.kpi, r.unit, park.currency)[1],
                      "model": r.modelled, "model_vs_reported": r.relative}
                     for r in model.reported_savings(views)],
        "exchanges": exchanges,
        "firms": [{"id": firm.id, "name": firm.name,
                   "baseline": views.baseline.firm_kpis[firm.id].as_dict(),
                   "scenario": views.scenario.firm_kpis[firm.id].as_dict()} for firm in shown.firms],
    }


def print_table(rows: list[list[str]], right: set[int]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())


def print_evaluation(park: model.Park, report: dict, with_marginal: bool) -> None:
    kpis = report["kpis"]
    header = f"{park.name}" + (f" ({park.year})" if park.year else "") + f": per year, money in {park.currency}"
    print(header)
    on, off, without = report["scenario"]["on"], report["scenario"]["off"], report["scenario"]["without"]
    print("Scenario: " + ("baseline" if not on and not off and not without else
                          ", ".join([f"+{i}" for i in on] + [f"-{i}" for i in off]
                                    + [f"without {i}" for i in without])))
    print()
    whole_park = [r for r in report["reported"] if r["kpi"] in model.KPI_NAMES and not r["firm"]
                  and not r["resources"] and len(r["exchanges"]) == len(park.baseline_active)]
    reported = {r["kpi"]: r for r in reversed(whole_park)}  # the first whole-park entry of each KPI
    rows = [["KPI", "unit", "no symbiosis", "baseline", "scenario", "vs baseline", "model saving", "reported saving"]]
    for name, label in KPI_LABELS.items():
        base, scen, none = kpis["baseline"][name], kpis["scenario"][name], kpis["no_symbiosis"][name]
        rel = model.relative_change(scen, base)
        rep = reported.get(name)
        rep_text = "-"
        if rep:
            diff = rep["model_vs_reported"]
            rep_text = f"{full(rep['value'])} ({rep['year'] or 'n.d.'}; model {percent(diff)})"
        rows.append([label, kpi_unit(name, park.currency), full(none), full(base), full(scen),
                     f"{full(scen - base)} ({percent(rel)})", full(none - base), rep_text])
    print_table(rows, right={2, 3, 4, 5, 6})
    print()
    if report["reported"]:
        print("Published figures and the model's, each on its own boundary (per year):")
        rows = [["measure", "boundary", "unit", "reported", "model", "model vs reported", "year, source"]]
        for rep in report["reported"]:
            rows.append([reported_measure(rep["kpi"], rep["unit"], park.currency)[0], rep["boundary"], rep["unit"],
                         full(rep["value"]), full(rep["model"]), percent(rep["model_vs_reported"]),
                         f"{rep['year'] or 'n.d.'} {rep['source']}"])
        print_table(rows, right={3, 4, 5})
        print()
    ex_header = ["exchange", "status", "on", "carried", "unit", "bound"]
    if with_marginal:
        ex_header += [f"d {KPI_LABELS[k].split()[0].lower()}" for k in model.KPI_NAMES]
    rows = [ex_header]
    for item in report["exchanges"]:
        bound = item["bound"] + (f" (by {item['bound_by']})" if item["bound_by"] else "")
        row = [item["id"], item["status"], "yes" if item["active"] else "no", full(item["carried"]),
               item["unit"], bound]
        if with_marginal:
            row += [full(item["marginal"][k]) for k in model.KPI_NAMES]
        rows.append(row)
    print_table(rows, right={3} | ({6, 7, 8, 9} if with_marginal else set()))
    if with_marginal:
        print()
        print(f"What each link is worth (on against off, everything else as in the scenario; {park.currency}):")
        rows = [["exchange", "saving a year", "payback", "NPV", "abatement cost", "fair price"]]
        for item in report["exchanges"]:
            value, deal = item["value"], item["deal"]
            exchange = park.exchange[item["id"]]
            rows.append([item["id"], full(value["operating_saving"]), payback(value["payback_years"]),
                         full(value["npv"]), per_tonne(value["abatement_cost"], park.currency),
                         "-" if exchange.status is model.Status.EXISTING else
                         price_range(*(deal or {}).values() or (None, None), park.currency, item["unit"])])
        print_table(rows, right={1, 2, 3, 4})


def scenario_of(park: model.Park, args: argparse.Namespace) -> model.Scenario:
    """The scenario the command line asks for, checked strictly on the park."""
    scenario = model.Scenario(on=tuple(split_ids(args.on)), off=tuple(split_ids(args.off)),
                              without=tuple(split_ids(getattr(args, "without", []))))
    scenario.active(park)  # unknown ids: ParkError naming each
    return scenario


def command_evaluate(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    report = evaluation_report(park, scenario_of(park, args), args.marginal)
    if args.json:
        json.dump(report, sys.stdout, indent=2, allow_nan=False)
        print()
    else:
        print_evaluation(park, report, args.marginal)
    return EXIT_OK


def command_macc(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    active = model.scenario_active(park, split_ids(args.on), split_ids(args.off))
    steps = macc(park, active)
    if args.json:
        json.dump({"currency": park.currency, "carbon_price": park.carbon_price,
                   "steps": [step.as_dict() for step in steps]}, sys.stdout, indent=2, allow_nan=False)
        print()
        return EXIT_OK
    print(f"{park.name}: links that cut CO2e, cheapest per tonne first, each measured on top of those before it")
    print(f"Carbon price: {park.currency} {full(park.carbon_price)} /t CO2e")
    if not steps:
        print("No candidate link that is off cuts CO2e.")
        return EXIT_OK
    rows = [["step", "exchange", "CO2e cut (t/yr)", f"cost change ({park.currency}/yr)", "abatement cost",
             "payback", "cumulative cut (t/yr)"]]
    cumulative = 0.0
    for number, step in enumerate(steps, 1):
        cumulative += step.co2_cut
        rows.append([str(number), step.id, full(step.co2_cut), full(step.cost_change),
                     per_tonne(step.abatement_cost, park.currency), payback(step.payback_years), full(cumulative)])
    print_table(rows, right={0, 2, 3, 4, 5, 6})
    return EXIT_OK


def parse_limits(texts: list[str]) -> dict[str, float]:
    """``KPI=VALUE`` options as a dict; a bad one raises ParkError saying how to write it."""
    limits, problems = {}, []
    for text in texts:
        name, sep, value = text.partition("=")
        name = name.strip()
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or name not in model.KPI_NAMES or number is None or number != number:
            problems.append(model.Problem(None, None, "--limit",
                                          f"'{text}' is not KPI=VALUE with KPI one of {', '.join(model.KPI_NAMES)}"))
        else:
            limits[name] = number
    if problems:
        raise model.ParkError(problems)
    return limits


def command_optimise(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    on, off = split_ids(args.on), split_ids(args.off)
    active = model.scenario_active(park, on, off)
    q = question(park, active, budget=args.budget, limits=parse_limits(args.limit), force_on=on, force_off=off)
    if args.pareto is not None:
        objectives = tuple(part.strip() for part in args.pareto.split(","))
        if len(objectives) != 2:
            raise model.ParkError.single(f"'{args.pareto}' is not two KPIs such as co2_t,cost", column="--pareto")
        front = pareto_front(park, objectives, q, time_limit=args.time_limit)
        if args.json:
            json.dump(front.as_dict(), sys.stdout, indent=2, allow_nan=False)
            print()
        else:
            print_front(park, front)
        return EXIT_OK
    best = best_portfolio(park, args.minimise, q, time_limit=args.time_limit)
    if args.json:
        json.dump(best.as_dict() | {"baseline": model.evaluate(park, active).kpis},
                  sys.stdout, indent=2, allow_nan=False)
        print()
    else:
        print_best(park, best, model.evaluate(park, active).totals)
    return EXIT_OK


def print_best(park: model.Park, best, before: model.Kpis) -> None:
    label = KPI_LABELS[best.objective]
    print(f"{park.name}: the candidate links that make {label} lowest")
    if not best.feasible:
        print(f"No portfolio works: {best.message}.")
        return
    portfolio = best.portfolio
    print("Proven optimal: no other choice does better." if best.optimal else
          "Best found (the park is too large to prove it optimal).")
    print(f"Links on: {', '.join(portfolio.on) if portfolio.on else 'none'}")
    print(f"Capex: {park.currency} {full(portfolio.capex)}")
    rows = [["KPI", "unit", "scenario now", "with these links", "change"]]
    for name, kpi_label in KPI_LABELS.items():
        now, then = getattr(before, name), getattr(portfolio.kpis, name)
        rows.append([kpi_label, kpi_unit(name, park.currency), full(now), full(then),
                     f"{full(then - now)} ({percent(model.relative_change(then, now))})"])
    print_table(rows, right={2, 3, 4})


def print_front(park: model.Park, front) -> None:
    first, second = front.objectives
    print(f"{park.name}: choices no other choice beats on both {KPI_LABELS[first]} and {KPI_LABELS[second]}")
    if not front.feasible:
        print(f"No portfolio works: {front.message}.")
        return
    print("Proven: this is the whole front." if front.optimal else
          "Best found (the park is too large to prove the front complete).")
    rows = [[f"{KPI_LABELS[first]} ({kpi_unit(first, park.currency)})",
             f"{KPI_LABELS[second]} ({kpi_unit(second, park.currency)})", f"capex ({park.currency})", "links on"]]
    for point in front.points:
        rows.append([full(getattr(point.kpis, first)), full(getattr(point.kpis, second)), full(point.capex),
                     ", ".join(point.on) or "none"])
    print_table(rows, right={0, 1, 2})

def resilience_report(park: model.Park, scenario: model.Scenario) -> dict:
    """The JSON document of ``eco-park resilience --json``: every firm's leaving from the
    scenario, most costly to the others first (docs/accounting.md, "A firm leaves")."""
    result = model.resilience(park, scenario.active(park), scenario.without)
    firms = []
    for item in result.leaving:
        measures = result.measures[item.firm]
        firms.append({
            "id": item.firm, "name": park.firm[item.firm].name,
            "exchanges_lost": list(item.exchanges_lost),
            "impact_on_others": item.impact_on_others.as_dict(),
            "cost_to_others": item.cost_to_others(),
            "kpis_without": item.kpis.as_dict(),
            "hit_hardest": [{"id": firm, "change": change.as_dict()} for firm, change in item.hit_hardest()],
            "partners": measures.partners, "betweenness": measures.betweenness,
            "flow_share": dict(measures.flow_share),
            "single_point_of_failure": measures.single_point or None,
        })
    return {"park": park.name, "currency": park.currency, "carbon_price": park.carbon_price,
            "scenario": {"on": list(scenario.on), "off": list(scenario.off), "without": list(scenario.without)},
            "firms": firms, "single_points_of_failure": list(result.single_points_of_failure)}


def command_resilience(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    report = resilience_report(park, scenario_of(park, args))
    if args.json:
        json.dump(report, sys.stdout, indent=2, allow_nan=False)
        print()
        return EXIT_OK
    print(f"{park.name}: if a firm left, per year, money in {park.currency} "
          f"(valued at {full(park.carbon_price)} {park.currency} per t CO2e)")
    print()
    rows = [["firm", "exchanges lost", *(f"others' {KPI_LABELS[k].split()[0].lower()}" for k in model.KPI_NAMES),
             "cost to others", "partners", "betweenness", "single point of failure"]]
    for item in report["firms"]:
        impact = item["impact_on_others"]
        rows.append([item["id"], str(len(item["exchanges_lost"])), *(full(impact[k]) for k in model.KPI_NAMES),
                     full(item["cost_to_others"]), str(item["partners"]), f"{item['betweenness']:.2f}",
                     item["single_point_of_failure"] or "-"])
    print_table(rows, right={1, 2, 3, 4, 5, 6, 7, 8})
    return EXIT_OK


def command_uncertainty(args: argparse.Namespace) -> int:
    park = load_park(args.path)
    scenario = scenario_of(park, args)
    if not 1 <= args.samples <= model.uncertainty.MAX_SAMPLES:
        print(f"eco-park uncertainty: --samples must be between 1 and {model.uncertainty.MAX_SAMPLES:,}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    run = model.monte_carlo(park, scenario, samples=args.samples, seed=args.seed)
    if args.json:
        json.dump(run.as_dict(), sys.stdout, indent=2, allow_nan=False)
        print()
        return EXIT_OK
    print(f"{park.name}: {args.samples:,} samples, seed {args.seed}; per year, money in {park.currency}")
    if not run.has_ranges:
        print("No ranges given: the park has no uncertainty table and no row with a quality, so every "
              "percentile is the value itself.")
    print()
    rows = [["KPI", "unit", "value", "P5", "P50", "P95", "mean", "change", "change P5", "change P95"]]
    for name, label in KPI_LABELS.items():
        band, change = run.scenario[name], run.vs_baseline[name]
        rows.append([label, kpi_unit(name, park.currency), full(getattr(run.value, name)), full(band.p5),
                     full(band.p50), full(band.p95), full(band.mean), full(getattr(run.value_vs_baseline, name)),
                     full(change.p5), full(change.p95)])
    print_table(rows, right=set(range(2, 10)))
    for name, label in KPI_LABELS.items():
        bars = run.tornado_for(name)[:5]
        if bars:
            print()
            print(f"What moves {label.lower()} most ({kpi_unit(name, park.currency)}):")
            print_table([["input", "range", "at low", "at high"]]
                        + [[bar.label, f"{full(bar.input.low)} to {full(bar.input.high)}",
                            full(getattr(bar.at_low, name)), full(getattr(bar.at_high, name))] for bar in bars],
                        right={2, 3})
    return EXIT_OK


def command_generate(args: argparse.Namespace) -> int:
    from dashboard.model.generate import generate_park
    from dashboard.model.writing import write_park_folder

    if args.firms < 2 or args.exchanges < 1:
        print("eco-park generate: --firms must be at least 2 and --exchanges at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    park = generate_park(args.firms, args.exchanges, args.seed)
    folder = write_park_folder(park, args.out)
    print(f"wrote {folder}: {len(park.firms)} firms, {len(park.streams)} streams, {len(park.exchanges)} exchanges")
    return EXIT_OK


def command_template(args: argparse.Namespace) -> int:
    from dashboard.exports import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print("eco-park template: the template is an Excel workbook; name it something.xlsx", file=sys.stderr)
        return EXIT_BAD_INPUT
    write_template(out)
    print(f"wrote {out}: a sheet per table, a column reference and drop-down lists")
    return EXIT_OK


def _cannot_write(out: Path, error: OSError | None = None) -> str:
    """Why the report cannot be written to ``out``, in plain words, or "" if nothing is
    seen against it. Asked before the report is made (so a PDF is not drawn for nothing)
    and with ``error`` when writing failed."""
    import errno

    try:
        if isinstance(error, PermissionError):
            reason = "permission denied (a read-only folder or file?)"
        elif error is not None and error.errno == errno.EROFS:
            reason = "the file system is read-only"
        elif isinstance(error, IsADirectoryError) or out.is_dir():
            reason = "it is a folder; give a file name such as report.html"
        elif not out.parent.exists():
            reason = "the folder does not exist"
        elif not out.parent.is_dir() or isinstance(error, NotADirectoryError):
            reason = f"{out.parent} is not a folder"
        else:
            reason = error and (error.strerror or type(error).__name__)
    except OSError as looking:  # the folder cannot even be looked at
        reason = looking.strerror or type(looking).__name__
    return f"cannot write {out}: {reason}" if reason else ""


def command_report(args: argparse.Namespace) -> int:
    from dashboard import reports

    park = load_park(args.path)
    scenario = model.Scenario(on=tuple(split_ids(args.on)), off=tuple(split_ids(args.off)),
                              without=tuple(split_ids(args.without)))
    active = scenario.active(park)  # unknown ids: a ParkError, exit 2
    out = Path(args.out)
    if problem := _cannot_write(out):
        print(f"eco-park report: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        reports.write_report(park, scenario if scenario.without else active, out)
    except reports.OutputSuffixError as error:
        print(f"eco-park report: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except reports.ReportError as error:  # no browser for PDF or images, say
        print(f"eco-park report: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:
        if error.filename is not None and Path(error.filename) != out:
            raise  # not the output file: unexpected
        print(f"eco-park report: {_cannot_write(out, error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {out}")
    return EXIT_OK


def command_serve(args: argparse.Namespace) -> int:
    from dashboard.app.server import run

    path = Path(args.path) if args.path else shipped_park()
    try:  # loaded here, once, so a failure names the file like the other commands do
        park = load_park(str(path))
    except model.ParkError:
        print(f"eco-park serve: the park at {path} cannot be loaded:", file=sys.stderr)
        raise
    if args.user_header and not (args.auth or os.environ.get(AUTH_ENV)):
        print("eco-park serve: --user-header needs --auth FILE (its secret signs sessions)", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers < 0 or args.workers > 64:
        print("eco-park serve: --workers must be 1 to 64", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.workers:
        from dashboard.app.server import run_workers

        return run_workers(path if args.path else None, args.host, args.port, args.workers, database_url=args.db,
                           auth=args.auth, user_header=args.user_header)
    return run(park, host=args.host, port=args.port, debug=args.debug, database_url=args.db, auth=args.auth,
               user_header=args.user_header)


def command_worker(args: argparse.Namespace) -> int:
    from dashboard.app.jobs import REDIS_ENV

    if args.redis:
        os.environ[REDIS_ENV] = args.redis
    if not os.environ.get(REDIS_ENV):
        print(f"eco-park worker: give the Redis URL with --redis URL or {REDIS_ENV}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.path:
        load_park(args.path)  # a bad park is reported here, as by the other commands
        os.environ["ECO_PARK_PARK"] = args.path
    if args.db:
        os.environ["ECO_PARK_DB"] = args.db
    if not 1 <= args.concurrency <= 64:
        print("eco-park worker: --concurrency must be 1 to 64", file=sys.stderr)
        return EXIT_BAD_INPUT
    from dashboard.worker import celery_app

    celery_app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}", "--pool=prefork",
                            "--without-gossip", "--without-mingle", "-n", f"eco-park-{os.getpid()}@%h"])
    return EXIT_OK


def command_users(args: argparse.Namespace) -> int:
    import getpass

    from dashboard.auth import Auth, AuthError

    path = args.auth or os.environ.get(AUTH_ENV)
    if not path:
        print("eco-park users: give the users file with --auth FILE or ECO_PARK_AUTH", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        auth = Auth.create(path) if args.users_command == "add" else Auth(path)
        if args.users_command == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass(f"Password for {args.name}: ")
                if getpass.getpass("Again: ") != password:
                    print("eco-park users: the passwords differ; nothing changed", file=sys.stderr)
                    return EXIT_BAD_INPUT
            user = auth.set_user(args.name, args.role, password)
            print(f"{user.name}: {user.role.label} (in {auth.path})")
        elif args.users_command == "remove":
            auth.remove_user(args.name)
            print(f"removed {args.name}")
        elif args.users_command == "list":
            for user in auth.users():
                print(f"{user.name}\t{user.role.label}")
            for link_id, entry in sorted(auth.kiosk_links().items()):
                print(f"kiosk {link_id}\t?{entry['search']}\tby {entry['by']} at {entry['at']}")
        elif args.users_command == "kiosk-link":
            link_id, path_and_query = auth.add_kiosk_link(args.query, args.by)
            print(f"kiosk link {link_id} (withdraw it with: eco-park users kiosk-revoke {link_id}):")
            print(path_and_query)
        elif args.users_command == "kiosk-revoke":
            auth.revoke_kiosk_link(args.id)
            print(f"kiosk link {args.id} withdrawn")
    except AuthError as error:
        print(f"eco-park users: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


COMMANDS = {"validate": command_validate, "evaluate": command_evaluate, "macc": command_macc,
            "optimise": command_optimise, "optimize": command_optimise, "resilience": command_resilience,
            "uncertainty": command_uncertainty, "generate": command_generate,
            "template": command_template, "report": command_report, "serve": command_serve,
            "users": command_users, "worker": command_worker}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except model.ParkError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        for warning in error.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except Exception as error:  # a bug, not bad input: say so briefly, no traceback
        print(f"eco-park: unexpected error ({type(error).__name__}: {error}); please report it",
              file=sys.stderr)
        return EXIT_FAILURE
