"""Median times of the robustness model: Monte Carlo runs and every firm's leaving.

    python bench/bench_robustness.py [--repeat 3]

Prints a Markdown table for the README. Targets on a 2-core machine: 1,000 samples on
Kalundborg <= 2 s; 1,000 samples on the generated 1,000-firm, 5,000-exchange park
<= 30 s; the leaving of every firm of that park <= 30 s. The generated park is given
ranges the way a real one has them: every resource's prices and CO2e factors (which
move the service order, so each sample is served in its own order), every tenth
stream's quantity and every tenth exchange's capacity and per-unit cost.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import time

from dashboard import model
from dashboard.model.generate import generate_park
from dashboard.paths import shipped_park


def median_s(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def with_ranges(park: model.Park) -> model.Park:
    """The park with +/-20 % triangular ranges on the cells named in the module docstring."""
    ranges = []

    def add(table: model.RangedTable, row: str, column: str, value: float) -> None:
        if value and math.isfinite(value):
            low, high = sorted((value * 0.8, value * 1.2))
            ranges.append(model.Range(table, row, column, low, high))

    for resource in park.resources:
        for column in ("virgin_price", "virgin_co2", "disposal_fee", "disposal_co2"):
            add(model.RangedTable.RESOURCES, resource.id, column, getattr(resource, column))
    for stream in park.streams[::10]:
        add(model.RangedTable.STREAMS, f"{stream.firm}/{stream.kind.value}/{stream.resource}", "quantity",
            stream.quantity)
    for exchange in park.exchanges[::10]:
        add(model.RangedTable.EXCHANGES, exchange.id, "capacity", exchange.capacity)
        add(model.RangedTable.EXCHANGES, exchange.id, "cost_per_unit", exchange.cost_per_unit)
    return dataclasses.replace(park, uncertainty=tuple(ranges))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kalundborg = model.load_park(shipped_park())
    big = with_ranges(generate_park(1000, 5000, seed=42))
    model.evaluate(big)  # builds the service plan once, as a loaded park in the app has it
    scenario = model.Scenario(on=tuple(e.id for e in big.exchanges if e.status is model.Status.CANDIDATE)[:50])
    rows = [
        ("Kalundborg (11 firms, 19 exchanges)", f"{len(model.ranged_inputs(kalundborg))} ranged inputs",
         "1,000 samples and the tornado", median_s(lambda: model.monte_carlo(kalundborg, samples=1000),
                                                    args.repeat * 3), 2),
        ("generated, 1,000 firms, 5,000 exchanges", f"{len(model.ranged_inputs(big))} ranged inputs",
         "1,000 samples (50 candidates on): scenario and baseline on each",
         median_s(lambda: model.monte_carlo(big, scenario, samples=1000, with_tornado=False), args.repeat), 30),
        ("generated, 1,000 firms, 5,000 exchanges", f"{len(model.ranged_inputs(big))} ranged inputs",
         "the tornado (each input at its low and its high end)",
         median_s(lambda: model.tornado(big, scenario), args.repeat), ""),
        ("generated, 1,000 firms, 5,000 exchanges", "", "every firm's leaving, with network measures",
         median_s(lambda: model.resilience(big), args.repeat), 30),
    ]
    print("| park | inputs | what | median (s) | target (s) |")
    print("|---|---|---|---:|---:|")
    for park, inputs, what, seconds, target in rows:
        print(f"| {park} | {inputs} | {what} | {seconds:.2f} | {target} |")


if __name__ == "__main__":
    main()
