"""Median times of the park model on generated parks (5 exchanges per firm).

    python bench/bench_model.py [--repeat 15]

Prints a Markdown table for the README. Targets on a 2-core machine for 1,000 firms
and 5,000 exchanges: evaluate <= 20 ms, all marginal effects <= 1 s. The machine is
shared and noisy, so each figure is the median of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dashboard import model
from dashboard.model.generate import generate_park
from dashboard.model.writing import write_park_folder


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print("| firms | exchanges | load (ms) | first evaluate, builds the plan (ms) | evaluate (ms) "
          "| evaluate + every flow and firm KPI object (ms) | all marginal effects (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for firms in (10, 100, 1000):
            park = generate_park(firms, firms * 5, seed=42)
            folder = write_park_folder(park, Path(tmp) / f"park{firms}")
            load = median_ms(lambda: model.load_park(folder), max(3, args.repeat // 3))
            first_times = []
            for _ in range(3):
                fresh = model.load_park(folder)  # a new park object: its plan is not built yet
                start = time.perf_counter()
                model.evaluate(fresh)
                first_times.append(time.perf_counter() - start)
            first = statistics.median(first_times) * 1000
            loaded = model.load_park(folder)
            model.evaluate(loaded)  # builds and caches the service plan once per park
            evaluate = median_ms(lambda: model.evaluate(loaded), args.repeat * 2)

            def evaluate_everything():
                result = model.evaluate(loaded)
                return result.flows, result.firm_kpis, result.stream_flows

            everything = median_ms(evaluate_everything, args.repeat)
            base = model.evaluate(loaded)
            marginal = median_ms(lambda: model.marginal_effects(loaded, base=base), args.repeat)
            print(f"| {firms:,} | {len(loaded.exchanges):,} | {load:.1f} | {first:.1f} | {evaluate:.2f} "
                  f"| {everything:.1f} | {marginal:.1f} |")


if __name__ == "__main__":
    main()
