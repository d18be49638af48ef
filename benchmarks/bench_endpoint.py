"""Benchmark: atlas-graph's SPARQL endpoint and named-query API under load, against ``oxigraph serve``.

Input: two running servers on the same data -- atlas-graph (``--atlas``, base URL; SPARQL at
``/sparql``, named queries at ``/api/queries/<name>``) and Oxigraph (``--oxigraph``, base URL;
SPARQL at ``/query``, started with ``--union-default-graph`` so that both see the union of the
named graphs). Either server can instead be started by this script (``--atlas-cmd``,
``--oxigraph-cmd``: a shell-free command line, split on spaces); then its start-up time (process
start to the first 200 answer of ``GET /``) and resident memory (VmRSS and Pss from ``/proc``,
summed over the process and its children, e.g. atlas-graph's forked query workers) are measured
after start-up and again after the load, and the script stops it at the end.
``--oxigraph-load FILE`` first POSTs an N-Quads file to Oxigraph's ``/store`` (in-memory server).

What is measured: with ``--clients`` concurrent clients (threads, one new HTTP connection per
request, urllib), each sending ``--requests`` requests (a batch also stops after ``--time-limit``
seconds), for each query and server:
  partners, contacts, project-funding, projects-by-theme, funder-totals
              the named query's text (atlas_graph/queries/NAME.rq) with its parameter in a VALUES
              row opening the WHERE group (as ``inline_rows`` writes it), POSTed as
              application/sparql-query: partners of the collectivity, contacts of an embassy post,
              the funding of the project, the projects of a top-level theme; funder-totals has no
              parameter. (The rows come back unordered: the runner sorts them, not the query.)
  NAME-api    atlas-graph only: GET /api/queries/NAME?… for the same named queries and for
              network (2 hops from the collectivity: one query per hop);
  ask         ASK { ?p atlas:frenchPartner <collectivity> };
  construct   CONSTRUCT WHERE { <collectivity> ?p ?o } (N-Triples);
  describe    CONSTRUCT of a project's outgoing and incoming triples (N-Triples).
The collectivity is the typical one (the median by number of projects as a French partner, as in
bench_queries.py), the project one of its projects, the theme and the post the first by label;
all are read from the Oxigraph server.
Each round runs every query on both servers back to back, alternating which goes first.
``--cold`` ends each SPARQL text with a comment of its own, so that atlas-graph cannot answer
from its kept answers (the first time a question is asked, or after an update).

Output (stdout): per round and then the median over rounds of p50/p95 latency (ms) and requests
per second per query and server, the ratio atlas-graph/oxigraph (for rps: oxigraph/atlas-graph,
so that above 1 always means atlas-graph is slower), and the start-up and memory figures.
Answers are checked: a non-200 answer or a different number of partners rows is reported.

Run from the project root, e.g.:

    .venv/bin/python benchmarks/bench_endpoint.py --oxigraph http://127.0.0.1:7879 \\
        --atlas http://127.0.0.1:5001 \\
        --atlas-cmd ".venv/bin/atlas-graph serve --store oxigraph:/tmp/ep/store --port 5001" \\
        --rounds 3 --clients 4 --requests 25
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from proctree import stop, usage

ROOT = Path(__file__).resolve().parent.parent
PARTNERS = (ROOT / "atlas_graph" / "queries" / "partners.rq").read_text(encoding="utf-8")
PREFIXES = ("PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX dcterms: <http://purl.org/dc/terms/>\n")
PICK = PREFIXES + ("SELECT ?c (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p atlas:frenchPartner ?c . ?c skos:prefLabel ?l } "
                   "GROUP BY ?c ORDER BY DESC(?n) ?c")
JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


def inline_values(sparql: str, variable: str, iri: str) -> str:
    """The query with ``VALUES (?variable) { (<iri>) }`` opening its WHERE group (as inline_rows)."""
    lines = sparql.split("\n")
    blanked = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in lines)
    end = blanked.index("WHERE {") + len("WHERE {")
    return f"{sparql[:end]}\n  VALUES (?{variable}) {{ (<{iri}>) }}{sparql[end:]}"


def named_text(name: str, value: str | None = None) -> str:
    """The text of ``atlas_graph/queries/NAME.rq``, with ``value`` (an IRI) as its first parameter
    in a ``VALUES`` row opening the WHERE group, as the runner writes it."""
    text = (ROOT / "atlas_graph" / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    if value is None:
        return text
    variable = re.search(r"^#\s+\S+ \([^)]*\) -> \?(\w+)", text, re.MULTILINE)
    assert variable, f"{name}.rq names no parameter variable"
    return inline_values(text, variable.group(1), value)


def request(url: str, query: str | None, accept: str, timeout: float = 60.0) -> tuple[int, bytes]:
    """One HTTP request: POST application/sparql-query when ``query`` is given, else GET."""
    data = query.encode("utf-8") if query is not None else None
    headers = {"Accept": accept}
    if data is not None:
        headers["Content-Type"] = "application/sparql-query"
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def select(endpoint: str, query: str) -> list[dict]:
    status, body = request(endpoint, query, JSON_RESULTS)
    if status != 200:
        raise SystemExit(f"{endpoint}: {status} {body[:300]!r}")
    return json.loads(body)["results"]["bindings"]


def rows_in(body: bytes, accept: str) -> int:
    if accept == JSON_RESULTS:
        parsed = json.loads(body)
        return int(parsed["boolean"]) if "boolean" in parsed else len(parsed["results"]["bindings"])
    if accept == "application/json":  # the named-query API
        parsed = json.loads(body)
        for key in ("rows", "results", "data"):
            if isinstance(parsed, dict) and isinstance(parsed.get(key), list):
                return len(parsed[key])
        return -1
    return sum(1 for line in body.splitlines() if line.strip())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def batch(url: str, query: str | None, accept: str, clients: int, requests: int, limit: float,
          cold: bool = False) -> dict:
    """``clients`` threads each sending up to ``requests`` requests; latencies, rps, failures, rows.
    ``cold``: each query text ends with a comment of its own, so no answer can be kept."""
    deadline = time.perf_counter() + limit
    latencies: list[float] = []
    failures: list[str] = []
    rows: set[int] = set()
    lock = threading.Lock()
    unique = iter(range(10**9))

    def client() -> None:
        for _ in range(requests):
            if time.perf_counter() > deadline:
                return
            text = f"{query}\n# cold {time.time_ns()} {next(unique)}" if cold and query is not None else query
            start = time.perf_counter()
            try:
                status, body = request(url, text, accept)
            except OSError as exc:
                status, body = 0, str(exc).encode()
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    rows.add(rows_in(body, accept))
                else:
                    failures.append(f"{status} {body[:120]!r}")

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - start
    if not latencies:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "rps": 0.0, "failures": failures, "rows": rows}
    return {"n": len(latencies), "p50": 1000 * percentile(latencies, 0.5), "p95": 1000 * percentile(latencies, 0.95),
            "rps": len(latencies) / wall, "failures": failures, "rows": rows}


def start_server(command: str, base: str, limit: float = 600.0) -> tuple[subprocess.Popen, float]:
    """Start ``command`` (own session), poll GET ``base``/ until 200; the process and seconds taken."""
    start = time.perf_counter()
    process = subprocess.Popen(command.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise SystemExit(f"{command!r} exited with {process.returncode}")
        try:
            status, _ = request(base + "/", None, "text/html", timeout=30)
            if status == 200:
                return process, time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.02)
    stop(process)
    raise SystemExit(f"{command!r} not ready after {limit} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--atlas", required=True, help="atlas-graph base URL")
    parser.add_argument("--oxigraph", required=True, help="oxigraph serve base URL")
    parser.add_argument("--atlas-cmd", help="start atlas-graph with this command (start-up and memory measured)")
    parser.add_argument("--oxigraph-cmd", help="start oxigraph with this command")
    parser.add_argument("--oxigraph-load", type=Path, help="N-Quads file to POST to oxigraph's /store first")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=25, help="requests per client per batch")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per batch at most")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per query and server")
    parser.add_argument("--cold", action="store_true",
                        help="every SPARQL text different (a comment of its own): no answer kept; API cases left out")
    args = parser.parse_args()
    atlas, oxi = args.atlas.rstrip("/"), args.oxigraph.rstrip("/")
    started: list[subprocess.Popen] = []
    atlas_process = None
    try:
        if args.oxigraph_cmd:
            process, seconds = start_server(args.oxigraph_cmd, oxi)
            started.append(process)
            print(f"oxigraph ready in {seconds:.2f} s")
        if args.oxigraph_load:
            start = time.perf_counter()
            req = urllib.request.Request(oxi + "/store", data=args.oxigraph_load.read_bytes(), method="POST",
                                         headers={"Content-Type": "application/n-quads"})
            with urllib.request.urlopen(req, timeout=600) as response:
                response.read()
            print(f"oxigraph: {args.oxigraph_load} loaded over HTTP in {time.perf_counter() - start:.1f} s")
        if args.atlas_cmd:
            atlas_process, seconds = start_server(args.atlas_cmd, atlas)
            started.append(atlas_process)
            mem = usage(atlas_process.pid)
            print(f"atlas-graph ready (first 200 on GET /) in {seconds:.2f} s; after start-up "
                  f"{mem.processes} processes, VmRSS summed {mem.rss_mb:.0f} MB, "
                  f"Pss summed {mem.pss_mb:.0f} MB")
        sys.stdout.flush()

        ranked = select(oxi + "/query", PICK)
        typical = ranked[len(ranked) // 2]
        collectivity = typical["c"]["value"]
        project = select(oxi + "/query", PREFIXES + f"SELECT ?p WHERE {{ ?p atlas:frenchPartner <{collectivity}> }} "
                         "ORDER BY ?p LIMIT 1")[0]["p"]["value"]
        print(f"typical collectivity {collectivity} ({typical['n']['value']} projects of {len(ranked)} "
              f"collectivities); project {project}")
        partners = inline_values(PARTNERS, "collectivity", collectivity)
        theme = select(oxi + "/query", PREFIXES + "SELECT ?t WHERE { ?t skos:topConceptOf ?s ; skos:prefLabel ?l . "
                       "FILTER(CONTAINS(STR(?s), 'themes')) } ORDER BY ?l LIMIT 1")[0]["t"]["value"]
        post = select(oxi + "/query", PREFIXES + "SELECT ?x WHERE { ?x a atlas:EmbassyPost ; skos:prefLabel ?l } "
                      "ORDER BY ?l LIMIT 1")[0]["x"]["value"]
        print(f"theme {theme}; embassy post {post}")
        named = {  # named query -> (its parameters for the API, the same as a SPARQL text)
            "partners": ({"collectivity": collectivity}, partners),
            "contacts": ({"organization": post}, named_text("contacts", post)),
            "project-funding": ({"project": project}, named_text("project-funding", project)),
            "projects-by-theme": ({"theme": theme}, named_text("projects-by-theme", theme)),
            "funder-totals": ({}, named_text("funder-totals")),
            "network": ({"collectivity": collectivity, "hops": "2"}, None),  # a walk: one query per hop
        }
        queries = [
            *((name, text, JSON_RESULTS) for name, (_, text) in named.items() if text is not None),
            ("ask", PREFIXES + f"ASK {{ ?p atlas:frenchPartner <{collectivity}> }}", JSON_RESULTS),
            ("construct", f"CONSTRUCT WHERE {{ <{collectivity}> ?p ?o }}", NTRIPLES),
            ("describe", f"CONSTRUCT {{ <{project}> ?p ?o . ?s ?q <{project}> }} WHERE "
                         f"{{ {{ <{project}> ?p ?o }} UNION {{ ?s ?q <{project}> }} }}", NTRIPLES),
        ]
        # (name, server, url, query, accept)
        cases = []
        for name, text, accept in queries:
            cases.append((name, "atlas-graph", atlas + "/sparql", text, accept))
            cases.append((name, "oxigraph", oxi + "/query", text, accept))
        for name, (params, _) in named.items() if not args.cold else ():
            api = f"{atlas}/api/queries/{name}?{urllib.parse.urlencode(params)}"
            cases.append((f"{name}-api", "atlas-graph", api, None, "application/json"))
        for _, _, url, text, accept in cases:
            for _ in range(args.warmup):
                request(url, text, accept)

        results: dict[tuple[str, str], list[dict]] = {}
        for round_no in range(args.rounds):
            print(f"\nround {round_no + 1}/{args.rounds}")
            groups: list[list[tuple]] = []
            for case in cases:
                if groups and groups[-1][0][0] == case[0]:
                    groups[-1].append(case)
                else:
                    groups.append([case])
            for group in groups:
                order = group if round_no % 2 == 0 else list(reversed(group))
                for name, server, url, text, accept in order:
                    result = batch(url, text, accept, args.clients, args.requests, args.time_limit, args.cold)
                    results.setdefault((name, server), []).append(result)
                    note = f"; {len(result['failures'])} failed: {result['failures'][0]}" if result["failures"] else ""
                    print(f"  {name:13} {server:12} n={result['n']:4} p50={result['p50']:8.1f} ms "
                          f"p95={result['p95']:8.1f} ms rps={result['rps']:7.1f} rows={sorted(result['rows'])}{note}")
                    sys.stdout.flush()

        print(f"\nmedian over {args.rounds} rounds; {args.clients} clients x {args.requests} requests per batch")
        print(f"{'query':13} {'server':12} {'p50 ms':>8} {'p95 ms':>8} {'rps':>7}   ratio atlas/oxigraph")
        for (name, server), runs in results.items():
            p50 = statistics.median(r["p50"] for r in runs)
            p95 = statistics.median(r["p95"] for r in runs)
            rps = statistics.median(r["rps"] for r in runs)
            line = f"{name:13} {server:12} {p50:8.1f} {p95:8.1f} {rps:7.1f}"
            if server == "atlas-graph" and (name, "oxigraph") in results:
                other = results[(name, "oxigraph")]
                o50 = statistics.median(r["p50"] for r in other)
                o95 = statistics.median(r["p95"] for r in other)
                orps = statistics.median(r["rps"] for r in other)
                line += f"   p50 x{p50 / o50:.2f}  p95 x{p95 / o95:.2f}  rps x{orps / rps:.2f} (oxigraph/atlas)"
            print(line)
        if atlas_process is not None:
            mem = usage(atlas_process.pid)
            print(f"atlas-graph after the load: {mem.processes} processes, VmRSS summed {mem.rss_mb:.0f} MB, "
                  f"Pss summed {mem.pss_mb:.0f} MB")
    finally:
        for process in reversed(started):
            stop(process)


if __name__ == "__main__":
    main()
