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
@_friendly
def build(inputs: tuple[str, ...], out: str, fmt: str | None, base: str, no_validate: bool, quiet: bool) -> None:
    """Parse, map, validate and publish INPUTS (files, directories, .zip) as a release in --out."""
    from kg.publish.build import build as run_build

    summary = run_build(list(inputs), out, fmt=fmt, base=base, validate=not no_validate, progress=not quiet)
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
