"""Benchmark: every named query on a synthetic Atlas, on the embedded Oxigraph store.

Builds a synthetic Atlas (``atlas-graph synth``, then ``build`` to N-Quads), loads it into an
in-memory Oxigraph store and runs each named query ``--runs`` times through
``run_named_query`` (label resolution cached, as the server does), printing p50 and p95 in ms.
Parameters are chosen from the data: a typical collectivity (the median by number of projects)
and the busiest one. Run from the project root:

    .venv/bin/python benchmarks/bench_queries.py --records 12000 --runs 20

``--nquads FILE`` skips the synth and build steps and loads an N-Quads build made before
(``atlas-graph build RECORDS -o FILE.nq``); ``--only NAME`` runs the cases of one query; ``--cpu``
adds the p50 of the thread's CPU time (Oxigraph answers in the calling thread), steadier than
the wall clock when other processes share the cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from atlas_graph.queries import run_named_query
from atlas_graph.queries.resolve import Resolver
from atlas_graph.stores.oxigraph import OxigraphStore

PICK = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?label (COUNT(?p) AS ?n) WHERE { ?p atlas:frenchPartner ?c . ?c skos:prefLabel ?label }
GROUP BY ?label ORDER BY DESC(?n) ?label"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--nquads", type=Path, help="an N-Quads build to load instead of synth + build")
    parser.add_argument("--only", action="append", help="only the cases of this query (repeatable)")
    parser.add_argument("--cpu", action="store_true",
                        help="add a column: the p50 of the CPU time of the thread (steadier on a busy machine)")
    args = parser.parse_args()
    store = OxigraphStore(None)
    if args.nquads:
        store.store.bulk_load(path=str(args.nquads), format=ox.RdfFormat.N_QUADS)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            records, dump = Path(tmp) / "records", Path(tmp) / "atlas.nq"
            cli = [sys.executable, "-m", "atlas_graph.cli"]
            subprocess.run([*cli, "synth", "--records", str(args.records), "--seed", "1", "-o", str(records)],
                           check=True, capture_output=True)
            subprocess.run([*cli, "build", str(records), "-o", str(dump)], check=True, capture_output=True)
            store.store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    resolver = Resolver(store)
    ranked = [str(row["label"]) for row in store.select(PICK)]
    busiest, typical = ranked[0], ranked[len(ranked) // 2]
    title = str(store.select("PREFIX dcterms: <http://purl.org/dc/terms/> "
                             "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 1")[0]["t"])
    post = str(store.select("PREFIX atlas: <https://w3id.org/atlas-coop/ontology#> "
                            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE "
                            "{ ?x a atlas:EmbassyPost ; skos:prefLabel ?l } ORDER BY ?l LIMIT 1")[0]["l"])
    theme = str(store.select("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE "
                             "{ ?t skos:topConceptOf ?s ; skos:prefLabel ?l . FILTER(CONTAINS(STR(?s), 'themes')) }"
                             " ORDER BY ?l LIMIT 1")[0]["l"])
    cases = [
        ("partners", {"collectivity": typical}), ("partners", {"collectivity": busiest}),
        ("contacts", {"organization": post}), ("project-funding", {"project": title}),
        ("projects-by-theme", {"theme": theme}),
        ("network", {"collectivity": typical, "hops": "2"}), ("network", {"collectivity": busiest, "hops": "2"}),
        ("funder-totals", {}), ("shared-partners", {}), ("project-funding", {}), ("contacts", {}),
    ]
    if args.only:
        cases = [case for case in cases if case[0] in args.only]
    run_named_query(store, "partners", {"collectivity": typical}, resolver)  # labels read once, as in serve
    source = args.nquads or f"{args.records} records"
    print(f"{source}, {len(store.store)} quads, {args.runs} runs; typical collectivity {typical!r}, "
          f"busiest {busiest!r}")
    for name, params in cases:
        times, cpu, rows = [], [], 0
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.thread_time()
            rows = len(run_named_query(store, name, params, resolver).rows)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        shown = ", ".join(f"{k}={v[:30]}" for k, v in params.items()) or "-"
        extra = f" {statistics.median(cpu):.0f} |" if args.cpu else ""
        print(f"| {name} | {shown} | {rows} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} |{extra}")


if __name__ == "__main__":
    main()
