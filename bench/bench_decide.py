"""Median times of deciding: the sequential MACC, the best portfolio and the Pareto front.

    python bench/bench_decide.py [--repeat 5]

Prints a Markdown table for the README. Targets (2-core machine): the optimiser on
Kalundborg <= 1 s; on 16 free candidates that all compete <= 10 s with a proof; on a
1,000-firm park a best answer within 60 s, never worse than the MACC's links in order;
the MACC at 100 firms <= 1 s and at 1,000 firms / 5,000 exchanges <= 30 s. The machine is
shared and noisy, so each figure is the median of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from dashboard import model
from dashboard.model.generate import generate_contested_park, generate_park
from dashboard.model.macc import macc
from dashboard.model.portfolio import best_portfolio, pareto_front, question
from dashboard.paths import shipped_park


def timed(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def row(what: str, park: model.Park, seconds: float, note: str) -> None:
    candidates = sum(e.status is model.Status.CANDIDATE for e in park.exchanges)
    print(f"| {what} | {len(park.firms):,} | {len(park.exchanges):,} | {candidates:,} | {seconds:.3g} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| task | firms | exchanges | candidates | median (s) | answer |")
    print("|---|---:|---:|---:|---:|---|")

    kalundborg = model.load_park(shipped_park())
    for objective in ("co2_t", "cost"):
        seconds, best = timed(lambda: best_portfolio(kalundborg, objective), args.repeat * 4)
        row(f"optimise Kalundborg, minimise {objective}", kalundborg, seconds,
            f"{len(best.portfolio.on)} links, optimal: {best.optimal}")
    seconds, front = timed(lambda: pareto_front(kalundborg, ("cost", "freshwater_m3")), args.repeat * 4)
    row("Pareto front Kalundborg, cost against freshwater", kalundborg, seconds,
        f"{len(front.points)} points, optimal: {front.optimal}")

    contested = generate_contested_park(16, seed=0)
    base = model.evaluate(contested).totals
    limited = question(contested, budget=2e7, limits={"co2_t": base.co2_t * 0.99})
    for objective in ("co2_t", "cost", "freshwater_m3"):
        seconds, best = timed(lambda: best_portfolio(contested, objective, limited), args.repeat)
        row(f"optimise 16 competing candidates, minimise {objective} (budget, CO2e limit)", contested, seconds,
            f"{len(best.portfolio.on)} links, optimal: {best.optimal}")
    seconds, front = timed(lambda: pareto_front(contested, ("co2_t", "cost")), args.repeat)
    row("Pareto front, 16 competing candidates, CO2e against cost", contested, seconds,
        f"{len(front.points)} points, optimal: {front.optimal}")

    for firms in (100, 1000):
        park = generate_park(firms, firms * 5, seed=42)
        model.evaluate(park)  # builds the plan once, as loading a park does
        seconds, steps = timed(lambda: macc(park), args.repeat if firms == 100 else 1)
        row("MACC", park, seconds, f"{len(steps)} steps")

    big = generate_park(1000, 5000, seed=42)
    model.evaluate(big)
    steps = macc(big)
    seconds, best = timed(lambda: best_portfolio(big, "co2_t", time_limit=60), 1)
    in_order = min((s.kpis.co2_t for s in steps), default=model.evaluate(big).totals.co2_t)
    row("optimise 1,000 firms, minimise co2_t", big, seconds,
        f"{len(best.portfolio.on)} links, optimal: {best.optimal}; CO2e {best.portfolio.kpis.co2_t:,.0f} t "
        f"(MACC in order: {in_order:,.0f} t)")
    budget = sum(e.capex for e in big.exchanges if e.status is model.Status.CANDIDATE) / 4
    seconds, best = timed(lambda: best_portfolio(big, "cost", question(big, budget=budget), time_limit=60), 1)
    row("optimise 1,000 firms, minimise cost within a quarter of all capex", big, seconds,
        f"{len(best.portfolio.on)} links, optimal: {best.optimal}")


if __name__ == "__main__":
    main()
