"""The job queue's one construction point and its clean-up of helper processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from dash import CeleryManager, DiskcacheManager

from dashboard.app import jobs


def test_diskcache_by_default_and_celery_when_redis_is_configured(monkeypatch, tmp_path, redis_server):
    monkeypatch.delenv(jobs.REDIS_ENV, raising=False)
    monkeypatch.setenv(jobs.JOBS_DIR_ENV, str(tmp_path / "jobs"))
    manager = jobs.background_manager()
    assert isinstance(manager, DiskcacheManager) and (tmp_path / "jobs").is_dir()
    monkeypatch.setenv(jobs.REDIS_ENV, redis_server.url)
    manager = jobs.background_manager()
    assert isinstance(manager, CeleryManager)
    assert manager.handle.conf.broker_url == redis_server.url
    assert manager.handle.conf.worker_prefetch_multiplier == 1
    assert manager.handle.backend.client.ping()  # the real redis-server answers


def test_a_result_written_as_its_job_ends_is_still_collected(monkeypatch, tmp_path):
    """Dash asks for the result, then whether the job runs: a job that writes its result
    and ends between the two questions must not be taken for a cancelled one."""
    monkeypatch.delenv(jobs.REDIS_ENV, raising=False)
    manager = jobs.background_manager(folder=tmp_path / "jobs")
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert manager.get_result("front", str(ended.pid)) is manager.UNDEFINED  # not written yet
    manager.handle.set("front", ["the figure"])  # the job writes it and ends, now
    assert manager.job_running(str(ended.pid))  # so the page polls once more ...
    assert manager.get_result("front", str(ended.pid)) == ["the figure"]  # ... and collects it
    # a job that ended and left nothing was cancelled: the page stops asking
    assert manager.get_result("deals", str(ended.pid)) is manager.UNDEFINED
    assert not manager.job_running(str(ended.pid))
    # a running job runs, whatever the last poll found
    running = subprocess.Popen(["sleep", "30"])
    try:
        assert manager.job_running(str(running.pid))
    finally:
        running.kill()
        running.wait()


def test_a_failed_job_leaves_no_process_behind():
    with pytest.raises(RuntimeError), jobs.no_stray_processes():
        helper = subprocess.Popen(["sleep", "60"])
        raise RuntimeError("the export failed")
    assert helper.wait(timeout=10) == -signal.SIGKILL


JOB = """
import subprocess, sys, time
from dashboard.app import jobs
with jobs.no_stray_processes():
    helper = subprocess.Popen(["sleep", "60"], start_new_session=True)  # as Chromium is started
    print(helper.pid, flush=True)
    time.sleep(60)
"""


def test_a_job_stopped_by_sigterm_takes_its_helpers_with_it():
    """What Celery does to cancel a job: SIGTERM to the process running it."""
    job = subprocess.Popen([sys.executable, "-c", JOB], stdout=subprocess.PIPE, text=True)
    helper = int(job.stdout.readline())
    assert psutil.pid_exists(helper)
    job.send_signal(signal.SIGTERM)
    assert job.wait(timeout=20) == -signal.SIGTERM
    deadline = time.monotonic() + 10
    while psutil.pid_exists(helper) and psutil.Process(helper).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the helper outlived its job"
        time.sleep(0.1)


STARTED_WHILE_A_LOCK_IS_HELD = """
import os, sys, threading, time
import psutil
from dashboard.app import jobs

manager = jobs.background_manager(folder=sys.argv[1])
busy = threading.Lock()  # as a module's import lock, or SQLite's mutex, in a busy server


def work(value):
    with busy:
        return value * 2


manager.func_registry["double"] = manager.make_job_fn(work, False)
if sys.argv[2] == "launcher":
    jobs.start_job_launcher(manager)  # as the server does before its first thread
held, release = threading.Event(), threading.Event()


def request_thread():
    with busy:
        held.set()
        release.wait()


threading.Thread(target=request_thread).start()
held.wait()
job = manager.call_job_fn("answer", manager.func_registry["double"], [21], {})  # while the lock is held
release.set()
deadline = time.monotonic() + float(sys.argv[3])
while not manager.result_ready("answer") and time.monotonic() < deadline:
    time.sleep(0.05)
parent = psutil.Process(job).ppid() if psutil.pid_exists(job) else None
print(manager.get_result("answer", None) if manager.result_ready("answer") else "stuck",
      "from the server" if parent == os.getpid() else "not from the server", flush=True)
psutil.Process(job).kill() if psutil.pid_exists(job) else None
"""


@pytest.mark.parametrize("how, waited, expected", [
    ("launcher", 30, "42 not from the server"),
    # what Dash's own fork does: the job is a copy of the server with the lock held for ever
    ("fork", 3, "stuck from the server"),
])
def test_a_job_started_while_a_request_thread_holds_a_lock_runs(tmp_path, how, waited, expected):
    done = subprocess.run([sys.executable, "-c", STARTED_WHILE_A_LOCK_IS_HELD, str(tmp_path), how, str(waited)],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == expected, done.stderr


SERVING_PROCESS = """
import gc, json, sys
from threadpoolctl import threadpool_info
import numpy  # noqa: F401  (loads OpenBLAS)
from dashboard.app import create_app, start_serving
from dashboard.storage import Store
def state():
    return ([pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"],
            gc.get_threshold(), gc.get_freeze_count())
app = create_app(store=Store("sqlite:///" + sys.argv[1]))
before = state()
start_serving(app)
print(json.dumps([before, state()]), flush=True)
"""


def test_a_serving_process_keeps_numpy_s_blas_to_one_thread_and_tunes_its_garbage_collector(tmp_path):
    from dashboard.app import SERVING_GC_THRESHOLD

    done = subprocess.run([sys.executable, "-c", SERVING_PROCESS, str(tmp_path / "s.sqlite3")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "OPENBLAS_NUM_THREADS": "2"})
    (blas_before, threshold_before, frozen_before), (blas_after, threshold_after, frozen_after) = \
        json.loads(done.stdout.strip().splitlines()[-1])
    assert blas_before and all(n == 2 for n in blas_before), done.stderr
    assert blas_after and all(n == 1 for n in blas_after)
    # the app as built is frozen out of the collector's work; young objects wait longer
    assert frozen_before == 0 and frozen_after > 100_000
    assert threshold_before[0] < SERVING_GC_THRESHOLD  # Python's default (700 on 3.11)
    assert threshold_after == [SERVING_GC_THRESHOLD, *threshold_before[1:]]
