"""Helper processes that must not outlive the process that started them."""

from __future__ import annotations

import contextlib
import ctypes
import signal

import psutil

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (call it in the child,
    after fork). Elsewhere it does nothing: timeouts and closed pipes still end helpers."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def kill_tree(pid: int) -> None:
    """SIGKILL the process ``pid`` and every process below it; waits for them."""
    try:
        root = psutil.Process(pid)
        family = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            process.kill()
    psutil.wait_procs(family, timeout=10)
