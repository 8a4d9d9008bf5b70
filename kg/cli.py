"""The ``trialkg`` command line: a thin layer over the pipeline stages (see DESIGN.md for the verbs)."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from kg.errors import AnalyticsError, LoadError, QueryError, TrialkgError
from kg.failures import DENIED, FULL, READ_ONLY, explain
from kg.mapping.namespaces import DEFAULT_BASE
from kg.packaged import PACKAGE
from kg.sources import DEFAULT_LIMITS, FORMATS, Limits
from kg.stores import PRESETS
from kg.transport import TIMEOUT

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_ENV = "TRIALKG_DEBUG"
_BUG = f"this is a bug: re-run with --debug (or {DEBUG_ENV}=1) to see the traceback, and report it"


class _OneLine(click.Group):
    """The command group whose every failure ends as one ``trialkg: ...`` line on stderr: trialkg's own
    errors, the operating system's (disk full, read-only, missing files), usage errors and bugs (exit 2),
    and Ctrl-C (exit 130). ``--debug`` adds the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                _flush_stdout()  # a full disk behind a redirected stdout shows here, not at exit
        except (SystemExit, click.exceptions.Exit, click.Abort):
            raise
        except BaseException as exc:  # noqa: BLE001 - each kind is put in words by _failure
            _fail(ctx, exc)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise  # `trialkg` alone: the help
        except click.UsageError as exc:  # an option of trialkg itself (the commands' are parsed in invoke)
            _say(_failure(click.Context(self), exc)[0])
            sys.exit(2)


def _fail(ctx: click.Context, exc: BaseException) -> NoReturn:
    if isinstance(exc, BrokenPipeError):  # the reader of stdout went away (`| head`): not a failure
        _silence_stdout()
        sys.exit(141)
    stdout_failed = False
    try:
        sys.stdout.flush()
    except OSError:  # the output goes to a full disk: say so, and do not try again at exit
        stdout_failed = True
        _silence_stdout()
    if isinstance(exc, OSError) and not exc.filename and (stdout_failed or _in_echo(exc)):
        exc.filename = "standard output"
    if ctx.params.get("debug") and not isinstance(exc, click.ClickException):
        traceback.print_exception(exc)
    line, code = _failure(ctx, exc)
    _say(line)
    sys.exit(code)


def _say(line: str) -> None:
    click.echo("trialkg: " + re.sub(r"\s*\n\s*", " ", line.strip()), err=True)


def _failure(ctx: click.Context, exc: BaseException) -> tuple[str, int]:
    """The failure in one line (without the ``trialkg:``) and the exit code."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", 130
    if isinstance(exc, TrialkgError):
        return str(exc), 2
    if isinstance(exc, click.ClickException):
        helping = f" (see `{exc.ctx.command_path} --help`)" if isinstance(exc, click.UsageError) and exc.ctx else ""
        return exc.format_message() + helping, 2
    failure = explain(exc)
    if failure is not None:
        has_out = any(p.name == "out" for p in _subcommand_params(ctx))
        advice = failure.advice
        if has_out and failure.kind in (READ_ONLY, DENIED):
            advice = "choose a writable --out"
        elif has_out and failure.kind == FULL:
            advice += " or choose another --out"
        where = f"{failure.path}: " if failure.path else ""
        return f"{where}{failure.cause}{'; ' + advice if advice else ''}", 2
    if isinstance(exc, UnicodeDecodeError):
        return f"an input is not UTF-8 text (a binary file?): {exc}; re-run with --debug to see which", 2
    if isinstance(exc, EOFError):
        return f"an input ends too early (truncated?): {exc}; re-run with --debug to see which", 2
    detail = " ".join(str(exc).split())[:300]
    return f"unexpected {type(exc).__name__}{': ' + detail if detail else ''}; {_BUG}", 2


def _subcommand_params(ctx: click.Context) -> list[click.Parameter]:
    command = ctx.command.commands.get(ctx.invoked_subcommand or "") if isinstance(ctx.command, click.Group) else None
    return list(command.params) if command else []


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        exc.filename = exc.filename or "standard output"
        raise


def _in_echo(exc: BaseException) -> bool:
    """Raised while writing the command's output (``click.echo``)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(f.name == "echo" and f.filename.endswith(os.path.join("click", "utils.py")) for f in frames)


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (tests): nothing to silence
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@click.group(cls=_OneLine)
@click.version_option(package_name="trialkg")
@click.option("--debug", is_flag=True, envvar=DEBUG_ENV, help=f"Show the traceback of a failure (or {DEBUG_ENV}=1).")
def main(debug: bool) -> None:
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
@click.option("--jobs", type=click.IntRange(min=1), help="Processes that map and validate (default: a core each, ≤ 4).")
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: fast (compiled shapes) or pyshacl (the reference engine; slower).",
)
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A lexicon file (ROR dump JSON v1/v2, SSSOM TSV, MeSH table), added to the shipped ones; repeatable.",
)
@click.option(
    "--max-record-size",
    "record_bytes",
    default=DEFAULT_LIMITS.record_bytes // (1 << 20),
    show_default=True,
    type=click.IntRange(min=1),
    help="MiB one record may take (the registry's largest is ~3.6); a larger record is quarantined.",
)
@click.option("--strict", is_flag=True, help="Stop at the first internal error instead of quarantining its record.")
@click.option(
    "--contact-details",
    is_flag=True,
    help="Publish contacts' e-mail addresses and telephone numbers (personal data: left out by default).",
)
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
    from kg.publish.build import build as run_build  # loaded when the command runs

    release["lexicons"] = list(release.get("lexicons") or [])
    release["limits"] = Limits(record_bytes=release.pop("record_bytes") << 20)
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
        click.option(
            "--store",
            type=click.Choice(list(PRESETS)),
            help="The kind of store (default: Oxigraph for "
            "a bare http://host:port or a /query URL, else any SPARQL endpoint at that URL).",
        ),
        click.option("--graph", metavar="IRI", help="The release is (to be) in this one named graph."),
        click.option("--per-study", is_flag=True, help="The release is (to be) in one named graph per study."),
        click.option("--user", help="User for HTTP basic auth (or TRIALKG_ENDPOINT_USER)."),
        click.option("--password", help="Password for HTTP basic auth (or TRIALKG_ENDPOINT_PASSWORD)."),
        click.option("--token", help="Bearer token (or TRIALKG_ENDPOINT_TOKEN)."),
        click.option("--digest", is_flag=True, help="HTTP digest auth, not basic (Virtuoso's -auth services)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command()
@click.argument("name_or_file")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False), help="A release directory.")
@click.option("--endpoint", metavar="URL", help="A remote SPARQL endpoint instead (a store's base or query URL).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A named parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--allow-service", is_flag=True, help="Let a query on --data call other endpoints (SERVICE).")
@_endpoint_options
def query(
    name_or_file: str,
    data: str | None,
    endpoint: str | None,
    params: tuple[str, ...],
    fmt: str,
    allow_service: bool,
    **remote: Any,
) -> None:
    """Run a canned query (by NAME) or a .rq FILE on a release or a remote endpoint."""
    from kg import query as q  # loaded when the command runs

    values = dict(p.split("=", 1) for p in params if "=" in p)
    if len(values) != len(params):
        raise QueryError("write parameters as --param NAME=VALUE")
    if data is not None and any(remote.values()):
        raise QueryError("--store, --graph, --per-study and credentials go with --endpoint, not --data")
    canned = q.resolve(name_or_file)
    source = q.open_source(data, endpoint, **remote) if endpoint else q.open_source(data, allow_service=allow_service)
    columns, rows = q.stream(source, canned, values)  # CSV and TSV rows are written as they come
    q.write(fmt, columns, rows, sys.stdout)


@main.command()
@click.argument("release", type=click.Path(exists=True, file_okay=False))
@click.option("--endpoint", required=True, metavar="URL", help="The store's base or query URL.")
@click.option("--update-url", metavar="URL", help="The store's SPARQL Update service (default: from --store).")
@click.option("--gsp-url", metavar="URL", help="The store's Graph Store Protocol service (default: from --store).")
@click.option("--replace", is_flag=True, help="Clear the target graph(s) first.")
@click.option("--delta", is_flag=True, help="Apply the release's delta/ (removed, then added), not all of it.")
@click.option(
    "--method",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="Graph Store Protocol (auto: when the store has it) or SPARQL Update INSERT DATA.",
)
@click.option("--chunk", default=50_000, show_default=True, type=click.IntRange(min=1), help="Triples per request.")
@click.option(
    "--retries",
    default=5,
    show_default=True,
    type=click.IntRange(min=0),
    help="Retries of a request failing transiently (no connection, 429, 502-504), with backoff.",
)
@click.option(
    "--timeout",
    default=TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds to wait for the store to answer a request; one it does not answer in time is "
    "not retried: the load gives up, saying how much of the release the store holds.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_endpoint_options
def load(
    release: str,
    endpoint: str,
    update_url: str | None,
    gsp_url: str | None,
    replace: bool,
    delta: bool,
    method: str,
    chunk: int,
    retries: int,
    timeout: float,
    quiet: bool,
    store: str | None,
    graph: str | None,
    per_study: bool,
    user: str | None,
    password: str | None,
    token: str | None,
    digest: bool,
) -> None:
    """Push the release RELEASE into a SPARQL 1.1 store, then verify the triple count."""
    from pathlib import Path

    from kg.load.loader import Loader, Target  # loaded when the command runs
    from kg.load.protocol import Client  # loaded when the command runs
    from kg.stores import resolve  # loaded when the command runs
    from kg.transport import Auth, Retry  # loaded when the command runs

    if delta and replace:
        raise LoadError("--delta patches what the store holds; --replace reloads everything: choose one")
    endpoints = resolve(endpoint, store, update_url, gsp_url)
    with Client(Auth.resolve(user, password, token, digest), Retry(attempts=retries + 1), timeout) as client:
        loader = Loader(endpoints, client, Target(graph, per_study), method=method, chunk=chunk, progress=not quiet)
        report = loader.delta(Path(release)) if delta else loader.load(Path(release), replace=replace)
    for line in report.lines():
        click.echo(line)


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--out", type=click.Path(file_okay=False), help="Also write report.ttl and report.html here.")
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="SHACL engine: fast (compiled shapes) or pyshacl (the reference engine; slower).",
)
def validate(path: str, out: str | None, engine: str) -> None:
    """SHACL-validate a release or an RDF file. Exit 0 conforms, 1 does not, 2 error."""
    from kg.validation.engines import validate_path  # loaded when the command runs

    sys.exit(validate_path(path, out, engine))


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
@click.option(
    "--memory-limit",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    help="MB of address space a query worker may use (0: no limit); one over it is replaced.",
)
@click.option(
    "--per-client",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Ad-hoc queries one client address may have running or waiting.",
)
@click.option(
    "--max-connections",
    default=4096,
    show_default=True,
    type=click.IntRange(min=16),
    help="Open connections at most (fewer if the file-descriptor limit is lower).",
)
@click.option(
    "--read-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client may take to send a request's headers (and three times that, its body).",
)
def serve(
    data: str,
    host: str,
    port: int,
    base: str | None,
    timeout: float,
    max_results: int,
    workers: int,
    memory_limit: int,
    per_client: int,
    max_connections: int,
    read_timeout: float,
) -> None:
    """Serve the release DATA: SPARQL endpoint, resource pages, canned queries, downloads."""
    from kg.serve.app import serve as run_server  # loaded when the command runs
    from kg.serve.connections import ConnectionLimits  # loaded when the command runs
    from kg.serve.pool import Limits  # loaded when the command runs
    from kg.serve.site import Settings  # loaded when the command runs

    limits = Limits(workers, timeout, memory_limit or None, per_client)
    settings = Settings(data, base=base, max_results=max_results, limits=limits)
    connections = ConnectionLimits(max_connections, read_timeout, 3 * read_timeout)
    run_server(settings, host, port, lambda url: click.echo(f"trialkg: serving {data} at {url}"), connections)


@main.command()
@click.option("--serve-url", required=True, help="Where `trialkg serve` answers, e.g. https://kg.example.org/.")
def w3id(serve_url: str) -> None:
    """Print the .htaccess with which w3id.org redirects https://w3id.org/trialkg/ IRIs to --serve-url."""
    from kg.serve.w3id import htaccess  # loaded when the command runs

    click.echo(htaccess(serve_url), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def queries(fmt: str) -> None:
    """List the canned queries: name, title, parameters."""
    import json

    from kg import query as q  # loaded when the command runs

    listed = q.canned().values()
    if fmt == "json":
        out = [
            {
                "name": c.name,
                "title": c.title,
                "description": c.description,
                "params": [{"name": p.name, "type": p.type, "description": p.description} for p in c.params],
            }
            for c in listed
        ]
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
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="MESH",
    help="Only studies of this MeSH descriptor (UI such as D001249, or IRI) or a narrower one; repeatable.",
)
@click.option(
    "--phase", "phases", multiple=True, metavar="CODE", help="Only studies in this phase (PHASE2); repeatable."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    metavar="CODE",
    help="Only studies with this overall status (RECRUITING); repeatable.",
)
@click.option(
    "--start-from", metavar="DATE", help="Only studies starting on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)."
)
@click.option("--start-to", metavar="DATE", help="Only studies starting on or before DATE (at DATE's precision).")
@click.option(
    "--sponsor-class",
    "sponsor_classes",
    multiple=True,
    metavar="CODE",
    help="Only studies whose lead sponsor is of this class (INDUSTRY, NIH, ...); repeatable.",
)
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="Rows of the top-k tables.")
@click.option(
    "--similar", default=10, show_default=True, type=click.IntRange(min=1), help="Most similar studies kept per study."
)
@click.option("--no-plots", is_flag=True, help="Skip the pictures (faster; the report has tables only).")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@_endpoint_options
def analyze(
    data: str | None,
    out: str,
    endpoint: str | None,
    base: str | None,
    conditions: tuple[str, ...],
    phases: tuple[str, ...],
    statuses: tuple[str, ...],
    start_from: str | None,
    start_to: str | None,
    sponsor_classes: tuple[str, ...],
    top: int,
    similar: int,
    no_plots: bool,
    quiet: bool,
    **remote: Any,
) -> None:
    """Network analytics of the release DATA (or of --endpoint): graphs, metrics, exports, plots, report."""
    from pathlib import Path

    from kg import analytics  # loaded when the command runs
    from kg import query as q  # loaded when the command runs

    if (data is None) == (endpoint is None):
        raise AnalyticsError("give a release directory DATA or --endpoint URL (one of them)")
    if data is not None and any(remote.values()):
        raise AnalyticsError("--store, --graph, --per-study and credentials go with --endpoint, not with DATA")
    filters = analytics.Filters(conditions, phases, statuses, sponsor_classes, start_from, start_to)
    source: q.Source
    if data is not None:
        from kg.publish.release import open_store  # loaded when the command runs

        source, label, base = q.LocalStore(open_store(data)), data, base or analytics.base_of(data)
    else:
        assert endpoint is not None
        source, label, base = q.open_source(endpoint=endpoint, **remote), endpoint, base or DEFAULT_BASE
    result = analytics.analyze(
        source,
        out,
        base=base if base.endswith("/") else base + "/",
        filters=filters,
        top=top,
        similar_k=similar,
        draw=not no_plots,
        label=label,
        progress=None if quiet else lambda line: click.echo(line, err=True),
    )
    for line in result.lines():
        click.echo(line)
    click.echo(f"report         {Path(out) / 'report.html'}")


def _api_options(func: F) -> F:
    """The options of every command that talks to the registry's API."""
    options = [
        click.option("--api-url", metavar="URL", help="The API v2 base (default: https://clinicaltrials.gov/api/v2)."),
        click.option(
            "--rate",
            default=3.0,
            show_default=True,
            type=click.FloatRange(min=0),
            help="Requests per second at most (0: no limit).",
        ),
        click.option(
            "--retries",
            default=7,
            show_default=True,
            type=click.IntRange(min=0),
            help="Retries of a failing request (429, 5xx, dropped, cut short), with backoff and jitter.",
        ),
        click.option(
            "--page-size",
            default=1000,
            show_default=True,
            type=click.IntRange(1, 1000),
            help="Studies per page (the API gives 1000 at most).",
        ),
        click.option("--quiet", is_flag=True, help="No progress bar."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory to write the studies into.")
@click.option("--query", "term", metavar="TEXT", help="Any text (query.term, the registry's search syntax).")
@click.option("--condition", metavar="TEXT", help="Condition or disease (query.cond).")
@click.option("--intervention", metavar="TEXT", help="Intervention or treatment (query.intr).")
@click.option("--sponsor", metavar="TEXT", help="Sponsor or collaborator (query.spons).")
@click.option("--location", metavar="TEXT", help="Location: facility, city, state, country (query.locn).")
@click.option("--status", "statuses", multiple=True, metavar="CODE", help="Overall status (RECRUITING); repeatable.")
@click.option("--ids", "ids", multiple=True, metavar="NCT...", help="NCT ids (comma- or space-separated); repeatable.")
@click.option("--ids-file", type=click.File("r"), help="A file of NCT ids (any separators; '-' for stdin).")
@click.option("--since", metavar="DATE", help="Only studies last updated (posted) on or after DATE (YYYY-MM-DD).")
@click.option("--all", "everything", is_flag=True, help="The whole registry: the bulk file, saved as a verified zip.")
@click.option("--max", "most", type=click.IntRange(min=1), help="At most N studies.")
@_api_options
def fetch(
    out: str,
    term: str | None,
    condition: str | None,
    intervention: str | None,
    sponsor: str | None,
    location: str | None,
    statuses: tuple[str, ...],
    ids: tuple[str, ...],
    ids_file: Any,
    since: str | None,
    everything: bool,
    most: int | None,
    api_url: str | None,
    rate: float,
    retries: int,
    page_size: int,
    quiet: bool,
) -> None:
    """Download studies from the ClinicalTrials.gov API v2 into --out: one NCT########.json each, fetch.json."""
    from kg.fetch import FetchError  # loaded when the command runs
    from kg.fetch.bulk import fetch_all  # loaded when the command runs
    from kg.fetch.client import ApiClient  # loaded when the command runs
    from kg.fetch.fetch import fetch as run_fetch  # loaded when the command runs
    from kg.fetch.paging import Query  # loaded when the command runs
    from kg.transport import Retry  # loaded when the command runs

    wanted = re.split(r"[\s,;]+", " ".join(ids) + " " + (ids_file.read() if ids_file else ""))
    chosen = tuple(i for i in wanted if i)
    query = Query(term, condition, intervention, sponsor, location, statuses, chosen, since, most)
    with ApiClient(api_url, rate=rate, retry=Retry(attempts=retries + 1)) as api:
        if everything:
            if query != Query():
                raise FetchError("--all takes the whole registry (the bulk file has no filters): give no filters")
            result = fetch_all(api, out, progress=not quiet)
        else:
            result = run_fetch(api, out, query, progress=not quiet, page_size=page_size)
    for line in result.lines():
        click.echo(line)


@main.command()
@click.argument("release", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--endpoint",
    "endpoints",
    multiple=True,
    metavar="STORE_URL",
    help="A store holding the release: the delta is applied to it (as `load --delta`); repeatable.",
)
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A lexicon file the release was built with; repeatable.",
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of the changed studies.")
@_api_options
@_endpoint_options
def update(
    release: str,
    endpoints: tuple[str, ...],
    lexicons: tuple[str, ...],
    no_validate: bool,
    api_url: str | None,
    rate: float,
    retries: int,
    page_size: int,
    quiet: bool,
    **store: Any,
) -> None:
    """Fetch what changed since RELEASE's data timestamp, rebuild RELEASE incrementally, patch --endpoint stores."""
    from pathlib import Path

    from kg.fetch.update import update as run_update  # loaded when the command runs
    from kg.load.loader import Loader, Target  # loaded when the command runs
    from kg.load.protocol import Client  # loaded when the command runs
    from kg.stores import resolve  # loaded when the command runs
    from kg.transport import Auth, Retry  # loaded when the command runs

    result = run_update(
        release,
        api_url=api_url,
        rate=rate,
        retry=Retry(attempts=retries + 1),
        progress=not quiet,
        page_size=page_size,
        lexicons=list(lexicons),
        validate=not no_validate,
    )
    for line in result.lines():
        click.echo(line)
    if result.summary is None:
        return
    auth = Auth.resolve(store.pop("user"), store.pop("password"), store.pop("token"), store.pop("digest"))
    for endpoint in endpoints:
        with Client(auth) as client:
            target = Target(store["graph"], store["per_study"])
            loader = Loader(resolve(endpoint, store["store"], None, None), client, target, progress=not quiet)
            for line in loader.delta(Path(release)).lines():
                click.echo(line)


@main.command("link-report")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A lexicon file, added to the shipped ones (as build --lexicon); repeatable.",
)
@click.option("--variants", type=click.Path(dir_okay=False), help="Write the organisation variants found here (SSSOM).")
def link_report(inputs: tuple[str, ...], lexicons: tuple[str, ...], variants: str | None) -> None:
    """How INPUTS link: organisation nodes before and after merging, ROR coverage, result groups and outcomes."""
    from kg.linking.report import link_report as run_report  # heavy: mapping and linking, loaded when it runs

    for line in run_report(list(inputs), list(lexicons), variants):
        click.echo(line)


@main.command()
@click.option("--check", is_flag=True, help="Only say whether the generated parts are up to date (exit 1 if not).")
def ontology(check: bool) -> None:
    """Regenerate the parts of ontology/ and shapes/ made from kg/codes.py (for developers)."""
    from kg.ontology_build import generate  # loaded when it runs

    stale = generate(check)
    for path in stale:
        click.echo(f"{'out of date' if check else 'rewrote'}: {path.relative_to(PACKAGE.parent)}")
    sys.exit(1 if check and stale else 0)
