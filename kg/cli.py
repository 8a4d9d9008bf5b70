"""The ``trialkg`` command line: a thin layer over the pipeline stages (see DESIGN.md for the verbs)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kg.errors import TrialkgError
from kg.load.stores import PRESETS
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


def _endpoint_options(func: F) -> F:
    """The options that say where a store is, how the release lies in it, and who is asking."""
    options = [
        click.option("--store", type=click.Choice(list(PRESETS)), help="The kind of store (default: Oxigraph for "
                     "a bare http://host:port or a /query URL, else any SPARQL endpoint at that URL)."),
        click.option("--graph", metavar="IRI", help="The release is (to be) in this one named graph."),
        click.option("--per-study", is_flag=True, help="The release is (to be) in one named graph per study."),
        click.option("--user", help="User for HTTP basic auth (or TRIALKG_ENDPOINT_USER)."),
        click.option("--password", help="Password for HTTP basic auth (or TRIALKG_ENDPOINT_PASSWORD)."),
        click.option("--token", help="Bearer token (or TRIALKG_ENDPOINT_TOKEN)."),
        click.option("--digest", is_flag=True, help="HTTP digest auth, not basic (Virtuoso's -auth services)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@main.command()
@click.argument("name_or_file")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False), help="A release directory.")
@click.option("--endpoint", metavar="URL", help="A remote SPARQL endpoint instead (a store's base or query URL).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A named parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@_endpoint_options
@_friendly
def query(
    name_or_file: str, data: str | None, endpoint: str | None, params: tuple[str, ...], fmt: str, **remote: Any
) -> None:
    """Run a canned query (by NAME) or a .rq FILE on a release or a remote endpoint."""
    from kg import query as q
    from kg.errors import QueryError

    values = dict(p.split("=", 1) for p in params if "=" in p)
    if len(values) != len(params):
        raise QueryError("write parameters as --param NAME=VALUE")
    if data is not None and any(remote.values()):
        raise QueryError("--store, --graph, --per-study and credentials go with --endpoint, not --data")
    canned = q.resolve(name_or_file)
    source = q.open_source(data, endpoint, **remote) if endpoint else q.open_source(data)
    columns, rows = q.run(source, canned, values)
    click.echo(q.FORMATTERS[fmt](columns, rows), nl=False)


@main.command()
@click.argument("release", type=click.Path(exists=True, file_okay=False))
@click.option("--endpoint", required=True, metavar="URL", help="The store's base or query URL.")
@click.option("--update-url", metavar="URL", help="The store's SPARQL Update service (default: from --store).")
@click.option("--gsp-url", metavar="URL", help="The store's Graph Store Protocol service (default: from --store).")
@click.option("--replace", is_flag=True, help="Clear the target graph(s) first.")
@click.option("--delta", is_flag=True, help="Apply the release's delta/ (removed, then added), not all of it.")
@click.option("--method", type=click.Choice(["auto", "gsp", "update"]), default="auto", show_default=True,
              help="Graph Store Protocol (auto: when the store has it) or SPARQL Update INSERT DATA.")  # fmt: skip
@click.option("--chunk", default=50_000, show_default=True, type=click.IntRange(min=1), help="Triples per request.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(min=0),
              help="Retries of a request failing transiently (no connection, 429, 502-504), with backoff.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_endpoint_options
@_friendly
def load(release: str, endpoint: str, update_url: str | None, gsp_url: str | None, replace: bool, delta: bool,
         method: str, chunk: int, retries: int, quiet: bool, store: str | None, graph: str | None, per_study: bool,
         user: str | None, password: str | None, token: str | None, digest: bool) -> None:  # fmt: skip
    """Push the release RELEASE into a SPARQL 1.1 store, then verify the triple count."""
    from pathlib import Path

    from kg.errors import LoadError
    from kg.load.loader import Loader, Target
    from kg.load.protocol import Auth, Client, Retry
    from kg.load.stores import resolve

    if delta and replace:
        raise LoadError("--delta patches what the store holds; --replace reloads everything: choose one")
    endpoints = resolve(endpoint, store, update_url, gsp_url)
    with Client(Auth.resolve(user, password, token, digest), Retry(attempts=retries + 1)) as client:
        loader = Loader(endpoints, client, Target(graph, per_study), method=method, chunk=chunk, progress=not quiet)
        report = loader.delta(Path(release)) if delta else loader.load(Path(release), replace=replace)
    for line in report.lines():
        click.echo(line)


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


@main.command()
@click.argument("data", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--out", required=True, type=click.Path(), help="Directory to write (an earlier analysis is replaced).")
@click.option("--endpoint", metavar="URL", help="Analyse a remote SPARQL endpoint instead of the release DATA.")
@click.option("--base", help="Base IRI of the data (default: the release's; with --endpoint: the default base).")
@click.option("--condition", "conditions", multiple=True, metavar="MESH",
              help="Only studies of this MeSH descriptor (UI such as D001249, or IRI) or a narrower one; repeatable.")
@click.option("--phase", "phases", multiple=True, metavar="CODE",
              help="Only studies in this phase (PHASE2); repeatable.")
@click.option("--status", "statuses", multiple=True, metavar="CODE",
              help="Only studies with this overall status (RECRUITING); repeatable.")
@click.option("--start-from", metavar="DATE",
              help="Only studies starting on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--start-to", metavar="DATE", help="Only studies starting on or before DATE (at DATE's precision).")
@click.option("--sponsor-class", "sponsor_classes", multiple=True, metavar="CODE",
              help="Only studies whose lead sponsor is of this class (INDUSTRY, NIH, ...); repeatable.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="Rows of the top-k tables.")
@click.option("--similar", default=10, show_default=True, type=click.IntRange(min=1),
              help="Most similar studies kept per study.")
@click.option("--no-plots", is_flag=True, help="Skip the pictures (faster; the report has tables only).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@_endpoint_options
@_friendly
def analyze(
    data: str | None, out: str, endpoint: str | None, base: str | None, conditions: tuple[str, ...],
    phases: tuple[str, ...], statuses: tuple[str, ...], start_from: str | None, start_to: str | None,
    sponsor_classes: tuple[str, ...], top: int, similar: int, no_plots: bool, quiet: bool, **remote: Any,
) -> None:  # fmt: skip
    """Network analytics of the release DATA (or of --endpoint): graphs, metrics, exports, plots, report."""
    from pathlib import Path

    from kg import analytics
    from kg import query as q
    from kg.errors import AnalyticsError

    if (data is None) == (endpoint is None):
        raise AnalyticsError("give a release directory DATA or --endpoint URL (one of them)")
    if data is not None and any(remote.values()):
        raise AnalyticsError("--store, --graph, --per-study and credentials go with --endpoint, not with DATA")
    filters = analytics.Filters(conditions, phases, statuses, sponsor_classes, start_from, start_to)
    if data is not None:
        source, label, base = q.open_source(data), data, base or analytics.base_of(data)
    else:
        assert endpoint is not None
        source, label, base = q.open_source(endpoint=endpoint, **remote), endpoint, base or DEFAULT_BASE
    result = analytics.analyze(
        source, out, base=base if base.endswith("/") else base + "/", filters=filters, top=top, similar_k=similar,
        draw=not no_plots, label=label, progress=None if quiet else lambda line: click.echo(line, err=True),
    )  # fmt: skip
    for line in result.lines():
        click.echo(line)
    click.echo(f"report         {Path(out) / 'report.html'}")
