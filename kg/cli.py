"""The ``trialkg`` command line: a thin layer over the pipeline stages (see DESIGN.md for the verbs)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kg.errors import TrialkgError
from kg.mapping.namespaces import DEFAULT_BASE
from kg.sources import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(func: F) -> F:
    """Turn trialkg's own errors into one clear line on stderr and exit code 2."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TrialkgError as exc:
            click.echo(f"trialkg: {exc}", err=True)
            sys.exit(2)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="trialkg")
def main() -> None:
    """Publish ClinicalTrials.gov records as a validated RDF knowledge graph."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(), help="Release directory to write (replaced atomically).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Read every input as this format (default: detect).")
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of the minted IRIs.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (faster; nothing is quarantined for shapes).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option(
    "--previous",
    type=click.Path(exists=True, file_okay=False),
    help="An earlier release: reuse its unchanged studies and write the delta against it (may be --out).",
)
@click.option("--endpoint-url", help="URL of a SPARQL endpoint serving this release (stated in void.ttl).")
@click.option("--release-version", help="Version of the release (default: the date and a hash of the content).")
@click.option("--download-url", help="URL the release's files will be served under (default: relative to void.ttl).")
@click.option("--publisher", help="Publisher named in void.ttl (default: The trialkg project).")
@click.option("--jobs", type=click.IntRange(min=1), help="Validation worker processes (default: one per core, ≤ 4).")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A lexicon file (ROR dump JSON v1/v2, SSSOM TSV, MeSH table), added to the shipped ones; repeatable.",
)
@_friendly
def build(
    inputs: tuple[str, ...],
    out: str,
    fmt: str | None,
    base: str,
    no_validate: bool,
    quiet: bool,
    **release: Any,
) -> None:
    """Parse, map, validate and publish INPUTS (files, directories, .zip) as a release in --out."""
    from kg.publish.build import build as run_build

    release["lexicons"] = list(release.get("lexicons") or [])
    summary = run_build(list(inputs), out, fmt=fmt, base=base, validate=not no_validate, progress=not quiet, **release)
    for line in summary.lines():
        click.echo(line)
    for entry in summary.quarantine[:10]:
        click.echo(
            f"quarantined    {entry['nct_id'] or '?'} ({entry['stage']}): {entry['reason']}  [{entry['location']}]"
        )
    click.echo(f"release        {out}")


@main.command()
@click.argument("name_or_file")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False), help="A release directory.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A named parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@_friendly
def query(name_or_file: str, data: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run a canned query (by NAME) or a .rq FILE on a release."""
    from kg import query as q
    from kg.errors import QueryError

    if data is None:
        raise QueryError("give --data DIR (a release built by `trialkg build`)")
    values = dict(p.split("=", 1) for p in params if "=" in p)
    if len(values) != len(params):
        raise QueryError("write parameters as --param NAME=VALUE")
    canned = q.resolve(name_or_file)
    columns, rows = q.run(q.open_store(data), canned, values)
    click.echo(q.FORMATTERS[fmt](columns, rows), nl=False)


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--out", type=click.Path(file_okay=False), help="Also write report.ttl and report.html here.")
def validate(path: str, out: str | None) -> None:
    """SHACL-validate a release or an RDF file. Exit 0 conforms, 1 does not, 2 error."""
    from kg.validation.engine import validate_path

    sys.exit(validate_path(path, out))


@main.command()
@click.argument("data", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--base", default=None, help="Base IRI of the data's IRIs (default: the one the release was built with).")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option(
    "--max-results", default=100_000, show_default=True, type=int, help="Most solutions or triples a query may give."
)
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@_friendly
def serve(data: str, host: str, port: int, base: str | None, timeout: float, max_results: int, workers: int) -> None:
    """Serve the release DATA: SPARQL endpoint, resource pages, canned queries, downloads."""
    from kg.serve.app import serve as run_server
    from kg.serve.site import Settings

    settings = Settings(data, base=base, timeout=timeout, max_results=max_results, workers=workers)
    run_server(settings, host, port, announce=lambda url: click.echo(f"trialkg: serving {data} at {url}"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def queries(fmt: str) -> None:
    """List the canned queries: name, title, parameters."""
    import json

    from kg import query as q

    listed = q.canned().values()
    if fmt == "json":
        out = [{"name": c.name, "title": c.title, "description": c.description,
                "params": [{"name": p.name, "type": p.type, "description": p.description} for p in c.params]}
               for c in listed]  # fmt: skip
        click.echo(json.dumps(out, indent=1, ensure_ascii=False))
        return
    for c in listed:
        params = " ".join(f"--param {p.name}=<{p.type}>" for p in c.params)
        click.echo(f"{c.name:32} {c.title}{'  ' + params if params else ''}")
