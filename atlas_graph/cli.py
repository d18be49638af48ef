"""The ``atlas-graph`` command: thin wrappers over the library functions.

Input: command-line arguments. Output: files, tables on stdout, problems on stderr, and the
documented exit statuses:

* 0 - everything went through;
* 1 - the command ran but some input was bad (a record that could not be read, a value left
  out, a validation violation); the good part was still written or answered;
* 2 - the command could not run: wrong usage, an unknown query or parameter value, a file or
  store that cannot be read.

No Python traceback reaches the user for an input problem.

Validation (pyshacl) and reading sources are imported by the commands that use them, so that
``atlas-graph serve --store …`` starts without loading them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import __version__, paused_gc

with paused_gc():  # imports make next to no garbage: a fifth less time without the collector
    import click

    from .build import Build, BuildReport, build, write_build
    from .identity import DEFAULT_BASE_IRI
    from .output import TABLE_FORMATS, render_table
    from .queries import QueryUsageError, UnknownValue, registry, run_named_query
    from .rdf_files import FORMATS, serialize_quads
    from .records import RecordError
    from .stores import StoreError, open_store

SUFFIX_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld"}


def fail(message: str, status: int = 2) -> None:
    click.echo(f"atlas-graph: {message}", err=True)
    sys.exit(status)


def _base_iri(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An absolute IRI ending in '/' or '#' (every IRI minted is it followed by a path)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*[/#]", value):
        raise click.BadParameter(f"{value!r} is not an absolute IRI ending in '/' or '#' "
                                 f"(e.g. {DEFAULT_BASE_IRI})")
    return value


BASE_IRI = click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, callback=_base_iri,
                        help="Base of every IRI minted: an absolute IRI ending in '/' or '#'.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="atlas-graph")
def main() -> None:
    """Build, query, validate and serve the Atlas of French decentralised cooperation as linked data."""


@main.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write ('-' for standard output); optional with --store.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)),
              help="Output format; by default from the output file's suffix, else turtle.")
@BASE_IRI
@click.option("--no-personal-data", is_flag=True, help="Leave out names and e-mails of people.")
@click.option("--store", "store_uri", help="Also build into this store (memory, oxigraph:PATH, http://…): "
              "it then holds exactly SOURCES (as 'load --sync' does).")
@click.option("--replace-all", is_flag=True, help="With --store: first drop every atlas-graph graph of the store.")
@click.option("--validate", "run_validation", is_flag=True,
              help="Also validate the graph against the SHACL shapes (report on stderr; a violation gives 1).")
def build_command(sources: tuple[Path, ...], output: Path | None, fmt: str | None, base_iri: str,
                  no_personal_data: bool, store_uri: str | None, replace_all: bool, run_validation: bool) -> None:
    """Build the graph of record files or folders SOURCES into OUTPUT and/or a store.

    Records that cannot be read are reported on stderr as 'FILE: reason' and the others are
    still written; the exit status is then 1.
    """
    if output is None and store_uri is None:
        fail("name an output file with -o/--output, a store with --store, or both")
    built: Build | None = None  # the graphs themselves, when they are validated or only loaded
    result: BuildReport
    if output is not None and not run_validation:
        fmt = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), "turtle")
        data, result = write_build(sources, fmt, base_iri, personal_data=not no_personal_data)
    else:
        built = result = build(sources, base_iri, personal_data=not no_personal_data)
    if output is not None:
        if built is not None:
            fmt = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), "turtle")
            data = serialize_quads(built.quads(), fmt, base_iri)
        try:
            if str(output) == "-":
                sys.stdout.buffer.write(data)
            else:
                output.parent.mkdir(parents=True, exist_ok=True)
                output.write_bytes(data)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    for line in result.report_lines():
        click.echo(line, err=True)
    click.echo(f"{len(result.records)} records built, {len(result.failed)} could not be read", err=True)
    ok = result.ok
    if store_uri is not None:
        report = load_into_store(store_uri, sources, sync=True, replace_all=replace_all, base_iri=base_iri,
                                 personal_data=not no_personal_data)
        for failure in report.failed:
            if failure.reason.startswith("cannot be written"):
                click.echo(str(failure), err=True)
        click.echo(f"store {store_uri}: {report.summary()}", err=True)
        ok = ok and report.ok
    if run_validation:
        from .validate import validate_build

        assert built is not None
        ok = _print_validation(lambda: validate_build(built, personal_data=not no_personal_data), "text", "en",
                               err=True) and ok
    sys.exit(0 if ok else 1)


@main.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--graph", "graphs", multiple=True, type=click.Path(path_type=Path),
              help="RDF file or record file/folder to query (repeatable); default: the bundled data/.")
@click.option("--store", "store_uri", help="Query this store instead (memory, oxigraph:PATH, http://…).")
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and stop.")
def query_command(name: str | None, params: tuple[str, ...], graphs: tuple[Path, ...], store_uri: str | None,
                  fmt: str, list_queries: bool) -> None:
    """Run the named query NAME (see --list)."""
    if list_queries or not name:
        for query in registry().values():
            click.echo(f"{query.name}: {query.purpose}")
            for p in query.parameters:
                need = "required" if p.required else f"optional{', default ' + p.default if p.default else ''}"
                click.echo(f"    --param {p.name}=…  ({p.kind}, {need}) {p.description}")
            click.echo(f"    columns: {', '.join(query.columns)}")
        if not list_queries:
            fail("name a query to run", 2)
        return
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--param takes KEY=VALUE, not {item!r}")
        values[key.strip()] = value
    try:
        if store_uri and not graphs:
            store = open_store(store_uri, read_only=True)
        else:
            from .sources import open_sources

            store, built = open_sources(graphs, store_uri=store_uri or "oxigraph:")
            if built is not None:
                for line in built.report_lines():
                    click.echo(line, err=True)
        table = run_named_query(store, name, values)
    except (QueryUsageError, UnknownValue) as exc:
        fail(str(exc))
    except RecordError as exc:
        fail(f"cannot read {exc.source}: {exc.reason}")
    except StoreError as exc:
        fail(str(exc))
    click.echo(render_table(table, fmt), nl=False)


def load_into_store(store_uri: str, sources: tuple[Path, ...], **options):  # -> load.LoadReport
    """Open the store and load SOURCES into it; exit 2 when the store cannot be used."""
    from .load import load

    try:
        store = open_store(store_uri)
        try:
            return load(list(sources), store, **options)
        finally:
            store.close()
    except StoreError as exc:
        fail(str(exc))


@main.command("load")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--store", "store_uri", required=True, help="Store to load into (memory, oxigraph:PATH, http://…).")
@click.option("--sync", is_flag=True, help="Remove the graphs of records not among SOURCES.")
@click.option("--replace-all", is_flag=True,
              help="First drop every atlas-graph graph of the store (e.g. one built by another version).")
@BASE_IRI
@click.option("--no-personal-data", is_flag=True, help="Leave out names and e-mails of people.")
def load_command(sources: tuple[Path, ...], store_uri: str, sync: bool, replace_all: bool, base_iri: str,
                 no_personal_data: bool) -> None:
    """Load record files or folders SOURCES into a store, one named graph per record.

    Only records whose file changed are rewritten; the actors and vocabulary graphs are kept
    those of the whole set. Prints one 'OUTCOME RECORD-ID' line per record (added, replaced,
    refreshed, removed, unchanged, failed); problems and a summary go to stderr. Exit status 1
    when a record could not be loaded (the others are), 2 when the store cannot be used or was
    built by another version.
    """
    report = load_into_store(store_uri, sources, sync=sync, replace_all=replace_all, base_iri=base_iri,
                             personal_data=not no_personal_data)
    for line in report.record_lines():
        click.echo(line)
    for failure in report.failed:
        click.echo(str(failure), err=True)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(report.summary(), err=True)
    sys.exit(0 if report.ok else 1)


@main.command("serve")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--graph", "graphs", multiple=True, type=click.Path(path_type=Path),
              help="RDF file (Turtle, TriG, N-Quads, …) or record file/folder to serve (repeatable).")
@click.option("--store", "store_uri", help="Store to serve (memory, oxigraph:PATH, http://…); with no SOURCES "
              "it is served as it is, else SOURCES are loaded into it.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@BASE_IRI
@click.option("--query-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              metavar="SECONDS", help="Queries running longer are stopped (503).")
@click.option("--max-rows", default=10000, show_default=True, type=int, metavar="N",
              help="Most rows of a SELECT answer of /sparql (0: no limit).")
@click.option("--no-personal-data", is_flag=True,
              help="Remove names and e-mails of people from everything served (a --store served as it is "
              "is copied first, not changed).")
@click.option("--enable-update", is_flag=True, help="Accept SPARQL updates on /sparql (needs --token-file).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False),
              help="File holding the bearer token updates must carry.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1), metavar="N",
              help="Query worker processes.")
def serve_command(sources: tuple[Path, ...], graphs: tuple[Path, ...], store_uri: str | None, host: str, port: int,
                  base_iri: str, query_timeout: float, max_rows: int, no_personal_data: bool, enable_update: bool,
                  token_file: Path | None, workers: int) -> None:
    """Serve SOURCES (record files/folders, RDF files) over HTTP: /sparql, pages, /api/queries, dumps.

    With no SOURCES and no --store, the bundled data is served.
    """
    from .web.config import WebConfig
    from .web.serve import serve
    from .web.setup import served_store

    token = None
    if enable_update != (token_file is not None):
        fail("--enable-update and --token-file go together (the token is never given on the command line)")
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the token file {token_file}: {getattr(exc, 'strerror', None) or exc}")
        if not token:
            fail(f"the token file {token_file} is empty")
    try:
        store, built = served_store([*sources, *graphs], store_uri, base_iri, personal_data=not no_personal_data,
                                    writable=enable_update)
    except RecordError as exc:
        fail(f"cannot read {exc.source}: {exc.reason}")
    except StoreError as exc:
        fail(str(exc))
    if built is not None:
        for line in built.report_lines():
            click.echo(line, err=True)
    config = WebConfig(store=store, base_iri=base_iri, query_timeout=query_timeout, max_rows=max_rows,
                       personal_data=not no_personal_data, enable_update=enable_update, update_token=token,
                       query_workers=workers)
    click.echo(f"atlas-graph: serving on http://{host}:{port}/ (SPARQL endpoint http://{host}:{port}/sparql); "
               "Ctrl-C stops", err=True)
    click.echo(f"http://{host}:{port}/")
    sys.stdout.flush()
    try:
        serve(config, host=host, port=port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


def _print_validation(run, fmt: str, lang: str, err: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """Run a validation and print its report; exit 2 when an input or the shapes cannot be read."""
    from .validate import ValidationInputError

    try:
        report = run()
    except ValidationInputError as exc:
        fail(f"cannot read {exc.source}: {exc.reason}")
    click.echo(report.render(fmt, lang), nl=False, err=err)
    return report.conforms


@main.command("validate")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--graph", "graphs", multiple=True, type=click.Path(path_type=Path),
              help="An RDF file to validate (repeatable): TriG/N-Quads keep the record graphs, "
              "Turtle is validated as one graph.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True,
              help="Language of the messages.")
@BASE_IRI
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the CPU count).")
@click.option("--store", "store_uri", help="Validate what this store holds (memory, oxigraph:PATH, http://…).")
def validate_command(sources: tuple[Path, ...], graphs: tuple[Path, ...], fmt: str, lang: str, base_iri: str,
                     jobs: int | None, store_uri: str | None) -> None:
    """Validate record files or folders SOURCES (default: the bundled data/) or --graph RDF files
    against the SHACL shapes of shapes/.

    Exit status: 0 the data conforms (warnings and infos are printed and allowed); 1 at least one
    violation (a value that cannot be represented, such as 31/02/2012 or an unknown country, is
    one); 2 an input file or the shapes cannot be read (empty, binary, not an Atlas page,
    truncated, not RDF).
    """
    from .sources import default_sources
    from .validate import validate_build, validate_files, validate_store

    if sum(map(bool, (graphs, sources, store_uri))) > 1:
        fail("give record SOURCES, --graph files or --store, not several")
    if store_uri:
        try:
            store = open_store(store_uri, read_only=True)
        except StoreError as exc:
            fail(str(exc))
        conforms = _print_validation(lambda: validate_store(store, jobs), fmt, lang)
        sys.exit(0 if conforms else 1)
    if graphs:
        conforms = _print_validation(lambda: validate_files(list(graphs), jobs), fmt, lang)
        sys.exit(0 if conforms else 1)
    try:
        paths = list(sources) or default_sources()
    except RecordError as exc:
        fail(f"{exc.source}: {exc.reason}")
    result = build(paths, base_iri)
    conforms = _print_validation(lambda: validate_build(result, jobs), fmt, lang)
    for failure in result.failed:
        click.echo(f"atlas-graph: cannot read {failure.source}: {failure.reason}", err=True)
    sys.exit(2 if result.failed else 0 if conforms else 1)


@main.command("synth")
@click.option("--records", "count", type=click.IntRange(1, 1_000_000), required=True, help="How many records.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the record files into (created if needed).")
def synth_command(count: int, seed: int, output: Path) -> None:
    """Write a synthetic Atlas of COUNT records in the Atlas text format (for benchmarks and tests)."""
    from .synth import write_synthetic_atlas

    try:
        written = write_synthetic_atlas(output, count, seed)
    except OSError as exc:
        fail(f"cannot write into {output}: {exc.strerror or exc}")
    click.echo(f"{len(written)} synthetic records written to {output}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
