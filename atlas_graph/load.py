"""Load: record files -> their named graphs in a store, changed records only.

Input: paths of record files or folders, and a writable ``Store``. Output: the store updated
so that it holds exactly what a fresh ``build`` of its set of records gives (one graph per
record, ``graph/actors``, ``graph/vocabulary``), and a ``LoadReport`` naming every record
added, replaced, unchanged, refreshed, removed or failed.

The set of records of a store is the records it held plus the ones given (``sync=True``: only
the ones given; a given path that does not exist cancels removals, so a typo never empties the
store). A record is unchanged when the SHA-256 of its file is the one stored. The meta graph is
part of the store, so a query over the union default graph also sees its ``store:`` triples.

**Why the whole set is rebuilt, and how it stays cheap.** A record's graph is not a function of
its own file: actor IRIs depend on the partner tables of the other records (a funder named like
a foreign collectivity of another record is that collectivity), theme concepts on every
record's themes, and the actors and vocabulary graphs (preferred labels, alternative spellings,
countries, ambiguities) on all of them. Merging the actors graph of the new records into the
stored one would therefore be wrong. So the store keeps each record's file (compressed, in the
``graph/meta`` graph, see ``store_meta``); when something changed, ``load`` re-parses the stored
files it was not given, builds the whole set in memory, and writes only the graphs whose content
digest differs from the stored one. The shared graphs are thus always those of a fresh build of
the full set, and a record whose graph a change elsewhere alters is rewritten too (reported
"refreshed"). When nothing changed (same digests, no removal), nothing is parsed from the store.

**Atomicity.** Each graph is replaced atomically. For a changed record, the meta graph first
takes the new file with no content digest, then the graph is written, then the digest: an
interrupted load leaves a digest missing and the next load rewrites that graph; a load that
writes anything marks the store "in progress" until it ends, and the next load after an
interruption rebuilds the whole set and rewrites whatever differs. A record that
cannot be read, or whose graph cannot be written, keeps its previous graph and file (its new
version is left out of the build, which is run again without it); the report names it. The
shared graphs are written last. Two loads into one store at the same time are not supported.

**Versions.** The meta graph is stamped with the atlas-graph and ontology versions, base IRI
and personal-data choice; ``load`` refuses (``VersionMismatch``) a store stamped otherwise, or
holding atlas-graph graphs without a stamp. ``replace_all=True`` first drops every graph under
``{base}graph/`` (and the stamped base), then loads the given records as the full set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from . import paused_gc
from .build import Triple, map_records, record_files
from .identity import DEFAULT_BASE_IRI, Minter
from .parse import parse_bytes, record_id
from .records import Problem, Record, RecordError
from .store_meta import Entry, MetaGraph, Stamp, VersionMismatch, content_hash
from .stores import Store, StoreError

__all__ = ["Failure", "LoadReport", "VersionMismatch", "load"]

MAX_PASSES = 3


@dataclass(frozen=True)
class Failure:
    """A record (or path) that could not be loaded; its graph, if any, was left as it was."""

    source: str
    record_id: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class LoadReport:
    """Record ids per outcome, the failures, the problems of the given records, shared graphs written."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)  # same file, graph changed by other records
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # only parse problems when nothing changed
    shared: list[str] = field(default_factory=list)  # "actors", "vocabulary" when rewritten

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.severity == "error" for p in self.problems)

    def record_lines(self) -> list[str]:
        """``OUTCOME RECORD-ID`` lines, by outcome then id."""
        lines = []
        for outcome in ("added", "replaced", "refreshed", "removed", "unchanged"):
            lines += [f"{outcome} {rid}" for rid in sorted(getattr(self, outcome))]
        lines += [f"failed {f.record_id or '-'} ({f})" for f in self.failed]
        return lines

    def summary(self) -> str:
        counts = ", ".join(f"{len(getattr(self, k))} {k}" for k in (
            "added", "replaced", "unchanged", "refreshed", "removed", "failed"))
        shared = f"; rewrote {' and '.join(self.shared)}" if self.shared else ""
        return counts + shared


@dataclass
class _Given:
    record: Record
    data: bytes


def _read_given(sources: Iterable[Path], report: LoadReport) -> tuple[dict[str, _Given], set[str], bool]:
    """Parse the given files: record id -> record and bytes; ids that failed; whether a path is missing."""
    files, missing = record_files(sources)
    report.failed += [Failure(m.source, None, m.reason) for m in missing]
    given: dict[str, _Given] = {}
    failed_ids: set[str] = set()
    for path in files:
        rid = record_id(path.name)
        try:
            data = path.read_bytes()
            record = parse_bytes(data, path.name, str(path))
        except OSError as exc:
            report.failed.append(Failure(str(path), rid, f"cannot be read ({exc.strerror or exc})"))
            failed_ids.add(rid)
            continue
        except RecordError as exc:
            report.failed.append(Failure(str(path), rid, exc.reason))
            failed_ids.add(rid)
            continue
        if rid in given:
            report.failed.append(Failure(str(path), rid, f"same record id as {given[rid].record.shown_as}; left out"))
            continue
        given[rid] = _Given(record, data)
    return given, failed_ids - set(given), bool(missing)


def _clear(store: Store, minter: Minter, meta: MetaGraph) -> None:
    prefixes = {minter.base + "graph/"}
    prefixes |= {Minter(s.base_iri).base + "graph/" for s in meta.stamps()}
    for graph in store.graph_names():
        if str(graph).startswith(tuple(prefixes)):
            store.drop_graph(graph)


@paused_gc()  # a load of the whole Atlas makes millions of long-lived objects (see paused_gc)
def load(
    sources: Iterable[Path],
    store: Store,
    *,
    sync: bool = False,
    replace_all: bool = False,
    base_iri: str = DEFAULT_BASE_IRI,
    personal_data: bool = True,
) -> LoadReport:
    """Load record files into ``store`` (see the module docstring); StoreError when it cannot."""
    minter = Minter(base_iri)
    meta = MetaGraph(store, minter.iri("graph", "meta"))
    stamp = Stamp.current(base_iri, personal_data)
    if replace_all:
        _clear(store, minter, meta)
        sync = True
    names = store.graph_names()
    stamped = meta.check(stamp, names - {meta.graph})
    report = LoadReport()
    given, failed_ids, missing = _read_given(sources, report)
    entries, shared_hashes = meta.entries()
    stored = {e.record_id: g for g, e in entries.items()}

    target = set(stored) | set(given)
    if sync and not missing:  # a mistyped path never empties the store
        target = set(given) | (set(stored) & failed_ids)
    removed = sorted(set(stored) - target)
    changed = {rid for rid, item in given.items()
               if rid not in stored or entries[stored[rid]].source_sha256 != item.record.sha256}
    shown = {item.record.shown_as for item in given.values()}
    shared_graphs = (minter.actors_graph(), minter.vocabulary_graph())
    consistent = all(e.content_sha256 and g in names for g, e in entries.items()) and all(
        g in shared_hashes for g in shared_graphs if entries) and not meta.in_progress()
    if not stamped:
        meta.write_stamp(stamp)
    if not changed and not removed and consistent:
        report.unchanged = sorted(given)
        report.problems = [p for item in given.values() for p in item.record.problems]
        return report

    meta.set_in_progress(True)
    stored_data = meta.sources() if stored else {}

    def old_version(rid: str) -> Record | None:
        graph = stored.get(rid)
        if graph is None or graph not in stored_data:
            return None
        try:
            return parse_bytes(stored_data[graph], entries[graph].source_name)
        except RecordError as exc:
            raise StoreError(f"the stored file of record {rid} cannot be parsed again: {exc.reason}") from None

    records: dict[str, Record] = {}
    for rid in sorted(target):
        record = given[rid].record if rid in given else old_version(rid)
        if record is not None:
            records[rid] = record
    rewritten: set[str] = set()
    before = {g: Entry(**vars(e)) for g, e in entries.items()}
    for _ in range(MAX_PASSES):
        graphs, problems = map_records(list(records.values()), base_iri, personal_data)
        failed = _write_records(store, meta, minter, graphs, records, given, entries, names, rewritten)
        if failed is None:
            break
        rid, exc, touched = failed
        report.failed.append(Failure(given[rid].record.shown_as, rid, f"cannot be written: {exc}"))
        failed_ids.add(rid)
        graph = minter.record_graph(rid)
        old = old_version(rid)
        if old is not None:  # back to the stored file (its graph is rewritten if it was touched)
            records[rid] = old
            digest = None if touched else before[graph].content_sha256
            entries[graph] = Entry(rid, old.source_name, old.sha256, digest)
            meta.set_source(graph, entries[graph], stored_data[graph])
            if digest:
                meta.set_hash(graph, digest)
        else:
            del records[rid]
            entries.pop(graph, None)
            if touched:
                store.drop_graph(graph)
            meta.forget(graph)
    else:
        raise StoreError(f"store {store.uri}: too many failed writes, load stopped")

    for rid in removed:
        store.drop_graph(stored[rid])
        meta.forget(stored[rid])
        report.removed.append(rid)
    for graph, name in zip(shared_graphs, ("actors", "vocabulary"), strict=True):
        triples = graphs.get(graph, [])
        digest = content_hash(triples)
        if shared_hashes.get(graph) == digest and (graph in names or not triples):
            continue
        store.replace_graph(graph, triples)
        if triples:
            meta.set_hash(graph, digest)
        else:
            meta.forget(graph)
        report.shared.append(name)
    meta.set_in_progress(False)

    for rid in sorted(given):
        if rid in failed_ids:
            continue
        if rid in changed:
            (report.replaced if rid in stored else report.added).append(rid)
        elif rid not in rewritten:
            report.unchanged.append(rid)
    report.refreshed = sorted(rewritten - changed - failed_ids)
    report.problems = [p for p in problems if p.source in shown]
    return report


def _write_records(store: Store, meta: MetaGraph, minter: Minter, graphs: dict[URIRef, list[Triple]],
                   records: dict[str, Record],
                   given: dict[str, _Given], entries: dict[URIRef, Entry], names: set[URIRef],
                   rewritten: set[str]) -> tuple[str, StoreError, bool] | None:
    """Write every record graph whose content differs from the stored one (file first, then graph,
    then digest); returns the first record whose new file could not be written, the error, and
    whether its graph was replaced."""
    for rid in sorted(records):
        graph = minter.record_graph(rid)
        triples = graphs.get(graph, [])
        digest = content_hash(triples)
        record, entry = records[rid], entries.get(graph)
        new_source = entry is None or entry.source_sha256 != record.sha256
        if entry is not None and not new_source and entry.content_sha256 == digest and graph in names:
            continue
        touched = False
        try:
            if new_source:
                entry = entries[graph] = Entry(rid, record.source_name, record.sha256)
                meta.set_source(graph, entry, given[rid].data)
            store.replace_graph(graph, triples)
            touched = True
            meta.set_hash(graph, digest)
        except StoreError as exc:
            if not new_source:
                raise
            return rid, exc, touched
        assert entry is not None
        entry.content_sha256 = digest
        names.add(graph)
        rewritten.add(rid)
    return None
