"""Benchmark: how fast ``atlas-graph serve`` is ready, and how much memory it holds then.

Input: a served store (``--store``, default ``oxigraph:/tmp/ep/store``: the 12,000-record store
written by ``atlas-graph load``; the server only reads it) and the number of starts (``--runs``).

What is measured, for each start: the seconds from process start (``subprocess.Popen``) to the
first 200 answer of ``GET /`` (polled every 20 ms, one new connection per try, as
``bench_endpoint.py``'s ``start_server`` does); then, once the server's tree holds the query
workers (``--workers`` + 1 processes, or after ``--settle`` seconds), the summed VmRSS
(``/proc/PID/status``) and Pss (``/proc/PID/smaps_rollup``) of the server and its descendants,
and the CPU seconds (user + system, ``/proc/PID/stat``) they had used by then: on a machine whose
cores are shared, the wall time depends on the others' load, the CPU time much less.
The server is then stopped (SIGTERM to its session, SIGKILL after 20 s). Standard library only.

With several ``--command`` options (e.g. two versions of the code), their starts alternate, so
that both see the same load.

Output (stdout): one line per start, then per command the medians (and ranges) over the starts.
Run from the project root:

    .venv/bin/python benchmarks/bench_startup.py --runs 7
    .venv/bin/python benchmarks/bench_startup.py --runs 7 \
        --command "env PYTHONPATH=/tmp/old .venv/bin/atlas-graph" --command .venv/bin/atlas-graph
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from proctree import descendants, stop, usage

ATLAS = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "atlas-graph")


def ready(url: str) -> bool:
    """Whether GET ``url`` answers 200 now (the body is read in full)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}),
                                    timeout=30) as response:
            response.read()
            return response.status == 200
    except OSError:
        return False


def start_once(command: list[str], url: str, workers: int, settle: float, limit: float) -> tuple[float, tuple]:
    """Start ``command``, wait for 200 on ``url``; seconds to ready and (processes, rss, pss, cpu)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        while not ready(url):
            if process.poll() is not None:
                raise SystemExit(f"{' '.join(command)!r} exited with {process.returncode}")
            if time.perf_counter() - start > limit:
                raise SystemExit(f"not ready after {limit} s")
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        deadline = time.perf_counter() + settle
        while len(descendants(process.pid)) < workers + 1 and time.perf_counter() < deadline:
            time.sleep(0.05)
        return seconds, tuple(usage(process.pid))
    finally:
        stop(process)


def span(values: list[float], digits: int) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="oxigraph:/tmp/ep/store")
    parser.add_argument("--runs", type=int, default=7, help="starts per command")
    parser.add_argument("--port", type=int, default=5190)
    parser.add_argument("--workers", type=int, default=4, help="query workers (--workers of serve)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait after ready for the workers to exist before reading memory")
    parser.add_argument("--limit", type=float, default=120.0, help="give up on a start after this many seconds")
    parser.add_argument("--command", action="append",
                        help="the atlas-graph command line, split as a shell would (repeatable; default: "
                        f"{ATLAS})")
    args = parser.parse_args()
    commands = args.command or [ATLAS]
    serve = ["serve", "--store", args.store, "--port", str(args.port), "--workers", str(args.workers)]
    url = f"http://127.0.0.1:{args.port}/"
    results: dict[str, list[tuple[float, float, float, float]]] = {c: [] for c in commands}
    for run in range(1, args.runs + 1):
        for command in commands:
            seconds, (processes, rss, pss, cpu) = start_once([*shlex.split(command), *serve], url, args.workers,
                                                             args.settle, args.limit)
            results[command].append((seconds, rss, pss, cpu))
            label = f" [{command}]" if len(commands) > 1 else ""
            print(f"run {run}{label}: ready in {seconds:.2f} s; {processes} processes, VmRSS {rss:.0f} MB, "
                  f"Pss {pss:.0f} MB, CPU {cpu:.2f} s", flush=True)
            time.sleep(0.5)
    for command, rows in results.items():
        seconds, rss, pss, cpu = (list(column) for column in zip(*rows, strict=True))
        print(f"median of {len(rows)} [{command}]: ready {span(seconds, 2)} s; VmRSS {span(rss, 0)} MB; "
              f"Pss {span(pss, 0)} MB; CPU {span(cpu, 2)} s")


if __name__ == "__main__":
    main()
