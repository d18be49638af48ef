"""Benchmark: build (record files -> N-Quads) and load (-> an embedded Oxigraph store).

Writes a synthetic Atlas of each size (``atlas-graph synth``), then times whole commands with
the standard library (wall clock, median of several runs) and reads their peak memory from
``resource.getrusage`` of the children. Run from the project root:

    .venv/bin/python benchmarks/bench_build.py --records 1000 12000 --runs 3
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "atlas_graph.cli"]


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-runs", type=int, default=None, help="runs of load (default: --runs; 0: none)")
    args = parser.parse_args()
    load_runs = args.runs if args.load_runs is None else args.load_runs
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.records:
            records = Path(tmp) / f"synth{count}"
            subprocess.run([*CLI, "synth", "--records", str(count), "--seed", "1", "-o", str(records)], check=True,
                           capture_output=True)
            builds, loads, peaks = [], [], []
            for run in range(args.runs):
                wall, peak = timed([*CLI, "build", str(records), "-o", f"{tmp}/out{count}.nq"])
                builds.append(wall)
                peaks.append(peak)
                if run >= load_runs:
                    continue
                store = Path(tmp) / f"store{count}-{run}"
                wall, _ = timed([*CLI, "load", str(records), "--store", f"oxigraph:{store}"])
                loads.append(wall)
                shutil.rmtree(store, ignore_errors=True)
            build = statistics.median(builds)
            print(f"{count} records: build {build:.1f} s ({count / build:.0f} records/s, peak of runs "
                  f"{max(peaks):.0f} MB; runs {', '.join(f'{b:.1f}' for b in builds)}), median of {args.runs}")
            if loads:
                load = statistics.median(loads)
                print(f"{count} records: load into a new oxigraph store {load:.1f} s ({count / load:.0f} records/s), "
                      f"median of {len(loads)}")


if __name__ == "__main__":
    main()
