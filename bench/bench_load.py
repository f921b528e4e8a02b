"""Load benchmark: many simulated users toggling exchanges against a real server.

    python bench/bench_load.py [--workers 4] [--users 50] [--seconds 20] [--runs 3] [--park PATH]

Starts ``eco-park serve --workers N`` (gunicorn gthread) on 127.0.0.1 with a throwaway
database, then replays what the browser sends for a toggle: the server callback whose
input is the address (``url.search``), then, once it has answered, those whose input is
the address it drew (``last-search``: the network with the cards' bands), read from
the server's own ``/_dash-dependencies`` and posted as Dash's renderer posts them, for a
scenario no user has asked for before (so no cache answers). A toggle's time is from its
first request to its last answer, as in the browser. Three measurements,
each bounded in time and count, each run ``--runs`` times (medians reported):

1. throughput: ``--users`` users toggling back to back (a closed loop): toggles/s;
2. paced: ``--users`` users each toggling every 2 s: p50/p95/p99 of a toggle, errors;
3. slow clients: the paced load again while six clients send request bodies a byte at
   a time: p99 and the slowest of everyone else's toggles.

Targets (issue 13; this 2-core machine, 4 workers, Kalundborg): throughput >= 80
toggles/s; paced p95 <= 300 ms with no errors; with slow clients no toggle over 1 s.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import model  # noqa: E402
from dashboard.app.components import SORT_COLUMNS  # noqa: E402
from dashboard.app.ids import MainIds  # noqa: E402
from dashboard.paths import shipped_park  # noqa: E402

HOST = "127.0.0.1"
MAX_TOGGLES_PER_USER = 2000
PACE_SECONDS = 2.0
SLOW_CLIENTS = 6
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
"""What chromium accepts (the server answers in zstd, the first of its own choices)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, park: Path | None, workers: int, folder: Path, plain_gunicorn: bool = False):
        self.port = free_port()
        if plain_gunicorn:  # the deployment before `serve --workers`: gunicorn's default sync workers
            command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{self.port}",
                       "dashboard.wsgi:server"]
        else:
            command = [sys.executable, "-m", "dashboard", "serve", "--workers", str(workers), "--host", HOST,
                       "--port", str(self.port)] + ([str(park)] if park else [])
        env = dict(os.environ, ECO_PARK_DB=f"sqlite:///{folder / 'bench.sqlite3'}",
                   ECO_PARK_JOBS_DIR=str(folder / "jobs"), ECO_PARK_PARK=str(park or ""))
        env.pop("ECO_PARK_AUTH", None)
        env.pop("ECO_PARK_REDIS_URL", None)
        self.log = open(folder / "server.log", "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((folder / "server.log").read_text()[-2000:])
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start within 120 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def _output_ids(output: str) -> set[str]:
    """The component ids (a wildcard's type) of a callback's output string."""
    found = set()
    for part in output.strip(".").split("..."):
        ident = part.rpartition(".")[0]
        found.add(json.loads(ident)["type"] if ident.startswith("{") else ident)
    return found


TOGGLE_INPUTS = {("url", "search"), ("last-search", "data")}
"""The inputs a toggle changes: the address, then the address the cards' answer drew."""


class Toggle:
    """The bodies of the callback requests a toggle makes, built from the server's own
    callback list exactly as Dash's renderer fills them in."""

    def __init__(self, port: int):
        with urllib.request.urlopen(f"http://{HOST}:{port}/_dash-dependencies", timeout=30) as response:
            dependencies = json.loads(response.read())
        main_page = {member.value for member in MainIds}
        # the scenario's answer (input: the address) and the two asked for once it is
        # drawn (input: the address it drew, last-search)
        self.callbacks = [c for c in dependencies if c.get("clientside_function") is None
                          and any((i["id"], i["property"]) in TOGGLE_INPUTS for i in c["inputs"])
                          and _output_ids(c["output"]) <= main_page]  # the dashboard's, not /decide's
        self.shown = None  # what the page holds after its first load (the park's exchange list)
        # the browser asks for these first; the others once their answer is drawn
        self.first = [position for position, c in enumerate(self.callbacks)
                      if any((i["id"], i["property"]) == ("url", "search") for i in c["inputs"])]
        self.then = [i for i in range(len(self.callbacks)) if i not in self.first]

    @staticmethod
    def _value(entry: dict, search: str, shown):
        known = {("url", "search"): search, ("last-search", "data"): search or "?", ("main-page", "data"): True,
                 ("sankey-tabs", "value"): None, ("park-exchanges", "data"): shown}
        return {"id": entry["id"], "property": entry["property"], "value": known.get((entry["id"], entry["property"]))}

    def bodies(self, search: str) -> list[bytes]:
        out = []
        for callback in self.callbacks:
            outputs = []
            for part in callback["output"].strip(".").split("..."):
                ident, _, prop = part.rpartition(".")
                if ident.startswith("{"):  # a wildcard output: the list headings, one per column
                    kind = json.loads(ident)["type"]
                    outputs.append([{"id": {"type": kind, "index": column}, "property": prop}
                                    for column in SORT_COLUMNS])
                else:
                    outputs.append({"id": ident, "property": prop})
            body = {"output": callback["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                    "inputs": [self._value(i, search, self.shown) for i in callback["inputs"]],
                    "state": [self._value(s, search, self.shown) for s in callback["state"]],
                    "changedPropIds": [next(f"{i['id']}.{i['property']}" for i in callback["inputs"]
                                            if (i["id"], i["property"]) in TOGGLE_INPUTS)]}
            out.append(json.dumps(body).encode())
        return out


class Scenarios:
    """A new scenario for every toggle, shared by all users (thread-safe)."""

    def __init__(self, park: model.Park, seed: int = 0):
        self.ids = [e.id for e in park.exchanges]
        self.existing = frozenset(park.baseline_active)
        self.rng = random.Random(seed)
        self.seen: set[frozenset[str]] = set()
        self.size = 1  # how many exchanges a scenario switches: grows once smaller ones are (nearly) used up
        self.lock = threading.Lock()

    def next(self) -> str:
        with self.lock:
            for size in itertools.count(self.size):
                for _ in range(200):
                    picked = frozenset(self.rng.sample(self.ids, min(size, len(self.ids))))
                    if picked not in self.seen:
                        self.seen.add(picked)
                        self.size = size  # (this client shares the server's two cores: no draws wasted)
                        # each picked exchange is switched from its baseline state: candidates on, existing off
                        return "?" + "&".join(f"{k}={','.join(v)}" for k, v in self._split(picked).items() if v)

    def _split(self, picked) -> dict[str, list[str]]:
        return {"on": sorted(i for i in picked if i not in self.existing),
                "off": sorted(i for i in picked if i in self.existing)}


def post(connection: http.client.HTTPConnection, body: bytes) -> int:
    connection.request("POST", "/_dash-update-component", body=body,
                       headers={"Content-Type": "application/json", "Accept-Encoding": BROWSER_ENCODINGS})
    response = connection.getresponse()
    response.read()
    return response.status


def user(port: int, toggle: Toggle, scenarios: Scenarios, stop_at: float, pace: float | None,
         times: list, errors: list, start_delay: float = 0.0) -> None:
    """One simulated user: a connection per callback (the browser keeps several open)."""
    time.sleep(start_delay)
    connections = [http.client.HTTPConnection(HOST, port, timeout=30) for _ in toggle.callbacks]
    pool = ThreadPoolExecutor(max_workers=len(connections)) if len(connections) > 1 else None
    try:
        for _ in range(MAX_TOGGLES_PER_USER):
            began = time.monotonic()
            if began >= stop_at:
                return
            bodies = toggle.bodies(scenarios.next())
            try:
                statuses = []
                for group in (toggle.first, toggle.then):  # the scenario's answer, then the network with the bands
                    if len(group) == 1 or pool is None:
                        statuses += [post(connections[i], bodies[i]) for i in group]
                    elif group:
                        statuses += list(pool.map(post, [connections[i] for i in group], [bodies[i] for i in group]))
            except (OSError, http.client.HTTPException) as error:
                errors.append(type(error).__name__)
                connections = [http.client.HTTPConnection(HOST, port, timeout=30) for _ in toggle.callbacks]
                continue
            took = time.monotonic() - began
            bad = [s for s in statuses if s not in (200, 204)]
            (errors.extend(bad) if bad else times.append(took))
            if pace is not None:
                time.sleep(max(0.0, pace - took))
    finally:
        if pool is not None:
            pool.shutdown()
        for connection in connections:
            connection.close()


def slow_client(port: int, stop_at: float) -> None:
    """A body announced as 1 MB and sent a byte every 0.5 s until ``stop_at``."""
    try:
        sock = socket.create_connection((HOST, port), timeout=10)
        sock.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
        while time.monotonic() < stop_at:
            sock.sendall(b" ")
            time.sleep(0.5)
        sock.close()
    except OSError:
        pass


def load(port: int, toggle: Toggle, scenarios: Scenarios, users: int, seconds: float, pace: float | None,
         slow: int = 0) -> dict:
    times: list[float] = []
    errors: list = []
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=slow_client, args=(port, stop_at)) for _ in range(slow)]
    threads += [threading.Thread(target=user, args=(port, toggle, scenarios, stop_at, pace, times, errors,
                                                    (pace or 0.0) * i / users)) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - started
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    if errors:
        kinds = sorted({str(e) for e in errors})
        print(f"  errors seen: {len(errors)} ({', '.join(kinds)})", file=sys.stderr)
    return {"toggles": len(times), "per_second": len(times) / elapsed, "p50": pct(50), "p95": pct(95),
            "p99": pct(99), "max": ordered[-1] * 1000 if ordered else float("nan"), "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark of toggles against eco-park serve --workers N")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measurement (at most 120)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--park", type=Path, default=None, help="default: the shipped Kalundborg park")
    parser.add_argument("--plain-gunicorn", action="store_true",
                        help="run `gunicorn -w N dashboard.wsgi:server` (sync workers) instead, for comparison")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 2.0), 120.0)
    users = min(max(args.users, 1), 500)
    park = model.load_park(args.park or shipped_park())
    scenarios = Scenarios(park)
    with tempfile.TemporaryDirectory(prefix="eco-park-load-") as folder:
        server = Server(args.park, args.workers, Path(folder), args.plain_gunicorn)
        try:
            toggle = Toggle(server.port)
            first = http.client.HTTPConnection(HOST, server.port, timeout=30)
            for body in toggle.bodies(""):  # the page's first load; it then holds the park's exchange list
                first.request("POST", "/_dash-update-component", body=body, headers={"Content-Type": "application/json"})
                answer = json.loads(first.getresponse().read() or b"{}")
                held = answer.get("response", {}).get("park-exchanges", {}).get("data")
                toggle.shown = held if held is not None else toggle.shown
            first.close()
            kind = "sync" if args.plain_gunicorn else "gthread"
            print(f"{park.name}: {args.workers} gunicorn {kind} workers; a toggle = {len(toggle.callbacks)} "
                  f"callback request(s); {users} users, {seconds:g} s a measurement, {args.runs} runs")
            results = {"throughput": [], "paced": [], "slow clients": []}
            load(server.port, toggle, scenarios, min(users, 8), 3.0, None)  # warm every worker up
            for _ in range(args.runs):
                results["throughput"].append(load(server.port, toggle, scenarios, users, seconds, None))
                results["paced"].append(load(server.port, toggle, scenarios, users, seconds, PACE_SECONDS))
                results["slow clients"].append(load(server.port, toggle, scenarios, users, seconds, PACE_SECONDS,
                                                    slow=SLOW_CLIENTS))
        finally:
            server.stop()
    print("| load | toggles | toggles/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    labels = {"throughput": f"{users} users, back to back", "paced": f"{users} users, a toggle every 2 s",
              "slow clients": f"{users} users every 2 s + {SLOW_CLIENTS} slow-body clients"}
    for name, runs in results.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(f"| {labels[name]} | {med['toggles']:.0f} | {med['per_second']:.1f} | {med['p50']:.0f} | "
              f"{med['p95']:.0f} | {med['p99']:.0f} | {med['max']:.0f} | {med['errors']:.0f} |")


if __name__ == "__main__":
    main()
