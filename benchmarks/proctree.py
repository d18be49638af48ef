"""Process trees on Linux, for the benchmarks: a process and its descendants, and what they use.

Standard library only; reads ``/proc``. Used by ``bench_endpoint.py`` and ``bench_startup.py``
(run from the project root, which puts this folder first on ``sys.path``).
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import NamedTuple


class Usage(NamedTuple):
    """What a process tree holds: how many processes, summed VmRSS and Pss (MB), and the CPU
    seconds they used (their own and their reaped children's)."""

    processes: int
    rss_mb: float
    pss_mb: float
    cpu_s: float


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from the parent ids of /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def usage(pid: int) -> Usage:
    """The ``Usage`` of ``pid`` and its descendants now (a process that ends meanwhile is skipped)."""
    rss = pss = ticks = 0
    pids = descendants(pid)
    for each in pids:
        try:
            stat = Path(f"/proc/{each}/stat").read_text()
            ticks += sum(int(field) for field in stat[stat.rindex(")") + 2:].split()[11:15])
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return Usage(len(pids), rss / 1024, pss / 1024, ticks / os.sysconf("SC_CLK_TCK"))


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and all of that session: SIGTERM, then
    SIGKILL after 20 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
