"""The ``atlas-graph`` command: thin wrappers over the library functions.

Input: command-line arguments. Output: files, tables on stdout, problems on stderr, and the
documented exit statuses:

* 0 - everything went through;
* 1 - the command ran but some input was bad (a record that could not be read, a value left
  out, a validation violation); the good part was still written or answered;
* 2 - the command could not run: wrong usage, an unknown query or parameter value, a file or
  store that cannot be read.

No Python traceback reaches the user for an input problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import FORMATS, build, serialize
from .identity import DEFAULT_BASE_IRI
from .output import TABLE_FORMATS, render_table
from .queries import QueryUsageError, UnknownValue, registry, run_named_query
from .records import RecordError
from .sources import open_sources
from .stores import StoreError, open_store

SUFFIX_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld"}


def fail(message: str, status: int = 2) -> None:
    click.echo(f"atlas-graph: {message}", err=True)
    sys.exit(status)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="atlas-graph")
def main() -> None:
    """Build, query, validate and serve the Atlas of French decentralised cooperation as linked data."""


@main.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="File to write ('-' for standard output).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)),
              help="Output format; by default from the output file's suffix, else turtle.")
@click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True, help="Base of every IRI minted.")
@click.option("--no-personal-data", is_flag=True, help="Leave out names and e-mails of people.")
def build_command(sources: tuple[Path, ...], output: Path, fmt: str | None, base_iri: str,
                  no_personal_data: bool) -> None:
    """Build the graph of record files or folders SOURCES into OUTPUT.

    Records that cannot be read are reported on stderr as 'FILE: reason' and the others are
    still written; the exit status is then 1.
    """
    fmt = fmt or SUFFIX_FORMATS.get(output.suffix.lower(), "turtle")
    result = build(sources, base_iri, personal_data=not no_personal_data)
    data = serialize(result.dataset, fmt, base_iri)
    try:
        if str(output) == "-":
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    for line in result.report_lines():
        click.echo(line, err=True)
    click.echo(f"{len(result.records)} records built, {len(result.failed)} could not be read", err=True)
    sys.exit(0 if result.ok else 1)


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
            store, built = open_sources(graphs=[g for g in graphs], store_uri=store_uri or "oxigraph:")
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


if __name__ == "__main__":  # pragma: no cover
    main()
