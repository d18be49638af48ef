"""Benchmark of SHACL validation (``atlas_graph.validate``) on synthetic Atlases.

Run: ``.venv/bin/python benchmarks/bench_validate.py [--records 1000 12000] [--runs 3]``.
For each size: writes the synthetic records (``atlas_graph.synth``), builds them once (not timed
here), then times, median of ``--runs``: the whole validation (every record graph in parallel,
the actors and vocabulary graphs, the corpus rules) with its CPU time (all processes: the
machine's other jobs show in the wall-clock time, less in this), and the re-validation of one
record alone.
Prints one Markdown table row per size; figures go to docs/benchmarks.md, "Validation".
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from atlas_graph.build import build
from atlas_graph.synth import write_synthetic_atlas
from atlas_graph.validate import _shared, validate_dataset, validate_record


def median_time(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Medians of the wall-clock time and of the CPU time (this process and its workers)."""
    times, cpu = [], []
    for _ in range(runs):
        before, start = os.times(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        after = os.times()
        cpu.append(sum(after[:4]) - sum(before[:4]))  # user, system, children's user and system
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 12000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    print("| records | triples | whole validation (s) | its CPU time (s) | one record (s) | violations | runs |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count in args.records:
        with tempfile.TemporaryDirectory() as tmp:
            write_synthetic_atlas(Path(tmp), count, args.seed)
            result = build([Path(tmp)])
        graphs = result.graphs
        triples = sum(len(t) for t in graphs.values())
        reports: list = []  # type: ignore[type-arg]
        whole, cpu = median_time(lambda g=graphs, r=reports: r.append(validate_dataset(g)), args.runs)
        one_id = _shared(graphs).records[count // 2]
        one, _ = median_time(lambda g=graphs, i=one_id: validate_record(g, i), max(args.runs, 5))
        violations = reports[-1].counts()["Violation"]
        print(f"| {count} | {triples} | {whole:.1f} | {cpu:.1f} | {one:.2f} | {violations} | {args.runs} |", flush=True)


if __name__ == "__main__":
    main()
