"""Canned and ad-hoc SPARQL queries, run on a release's embedded store, with table/CSV/TSV/JSON output.

A canned query is a ``queries/NAME.rq`` file whose header comments declare it as data::

    # title: Trial summary
    # description: One row per study ...
    # param: country string  Country name as the registry writes it
    # batch: 500

A query with a ``batch`` header is about studies (its ``?study``) and may be evaluated for that many
studies at a time (:func:`stream`): every ``WHERE`` group of it is restricted to the batch by a ``VALUES``
clause, the batches taken in NCT id order, so its first rows come at once on a release of any size and
the rows are those of the whole query when it is ordered by NCT id (``trial-summary``).

Parameters are bound as RDF terms, never pasted into the text: each value becomes a typed term
(pyoxigraph escapes it) and the query gets a ``VALUES`` clause of those terms (see :func:`prepared`),
as SPARQL 1.1 defines. This works the same on the embedded store and on any remote
endpoint, and no value can change the structure of a query.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox

from kg import guard
from kg.errors import QueryError
from kg.failures import unreadable
from kg.mapping.namespaces import TKG
from kg.packaged import QUERIES_DIR
from kg.publish import release as layout
from kg.remote import RemoteEndpoint

Row = dict[str, str]


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # string | integer | iri | date
    description: str = ""


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    text: str
    params: list[Param] = field(default_factory=list)
    batch: int = 0  # studies per evaluation (0: the query is evaluated whole)


_HEADER = re.compile(r"^#\s*(title|description|param|batch):\s*(.*)$")


def load_query(path: Path) -> CannedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot be read: {unreadable(exc)}; give a SPARQL query file in UTF-8") from exc
    meta: dict[str, str] = {"title": path.stem, "description": ""}
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        key, value = match.groups()
        if key == "param":
            name, kind, *rest = value.split(None, 2) + [""]
            params.append(Param(name, kind, rest[0].strip() if rest else ""))
        else:
            meta[key] = value.strip()
    if not meta.get("batch", "0").isdigit():
        raise QueryError(f"{path}: batch: {meta['batch']!r} is not a number of studies")
    batch = int(meta.get("batch", "0"))
    return CannedQuery(path.stem, meta["title"], meta["description"], text, params, batch)


def canned(directory: Path = QUERIES_DIR) -> dict[str, CannedQuery]:
    """Every canned query by name."""
    return {q.name: q for q in map(load_query, sorted(directory.glob("*.rq")))}


def resolve(name_or_file: str) -> CannedQuery:
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return load_query(path)
    queries = canned()
    if name_or_file not in queries:
        raise QueryError(f"no canned query {name_or_file!r}; known: {', '.join(sorted(queries))} (or give a .rq file)")
    return queries[name_or_file]


def bind(query: CannedQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """The parameter values as typed RDF terms; unknown or missing parameters are errors."""
    known = {p.name: p for p in query.params}
    unknown = set(values) - set(known)
    if unknown:
        raise QueryError(
            f"{query.name}: unknown parameter(s) {', '.join(sorted(unknown))}; it takes {', '.join(known) or 'none'}"
        )
    missing = [p.name for p in query.params if p.name not in values]
    if missing:
        raise QueryError(f"{query.name}: give {', '.join(f'--param {m}=...' for m in missing)}")
    return {name: _term(known[name], values[name]) for name in known}


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def prepared(query: CannedQuery, values: dict[str, str] | None = None) -> str:
    """The query text with its parameters bound by a ``VALUES`` clause of RDF terms.

    The clause opens the query's WHERE group, so engines join it first and evaluate the pattern only
    for the given values. Where the query itself assigns a parameter variable (``BIND(... AS ?p)`` or
    ``(... AS ?p)``), which a VALUES clause before it would clash with, the clause is appended at the
    end instead (joined with the query's results, as SPARQL 1.1 defines).
    """
    terms = bind(query, values or {})
    if not terms:
        return query.text
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    clause = f"VALUES ({names}) {{ ({row}) }}"
    code = _without_comments(query.text)
    match = _WHERE.search(code)
    assigned = any(re.search(rf"\bAS\s+\?{re.escape(name)}\b", code, re.IGNORECASE) for name in terms)
    if match is None or assigned:
        return f"{query.text.rstrip()}\n{clause}\n"
    return f"{query.text[: match.end()]}\n  {clause}\n{query.text[match.end() :]}"


def _without_comments(text: str) -> str:
    """The text with each comment line blanked out (same length), so positions still match the original."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)


def _term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    try:
        if param.type == "iri":
            return ox.NamedNode(value)
        if param.type == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(xsd + "integer"))
        if param.type == "date":
            return ox.Literal(value, datatype=ox.NamedNode(xsd + "date"))
    except ValueError as exc:
        raise QueryError(f"parameter {param.name}: {value!r} is not a valid {param.type}") from exc
    return ox.Literal(value)


class Source(Protocol):
    """Anything SELECT queries can run on: a release's embedded store or a remote SPARQL endpoint."""

    def select(self, text: str) -> tuple[list[str], list[Row]]:
        """The query's columns and rows, every cell as its lexical form ('' where unbound)."""
        ...


class LocalStore:
    """A :class:`Source` over a pyoxigraph store (a release's ``store/``, opened read-only).

    Queries are screened as the server screens them (:mod:`kg.guard`): no updates, and no
    ``SERVICE`` (which would make this process fetch other endpoints) unless ``allow_service``."""

    def __init__(self, store: ox.Store, allow_service: bool = False) -> None:
        self.store, self.allow_service = store, allow_service

    def select(self, text: str) -> tuple[list[str], list[Row]]:
        if not self.allow_service:
            text = guard.screen(text)
        elif guard.is_update(guard.normalise(text)):
            raise guard.update_refused()
        try:
            result = self.store.query(text)
        except (SyntaxError, OSError, RuntimeError) as exc:
            raise QueryError(str(exc)) from exc
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT queries give rows")
        columns = [v.value for v in result.variables]
        rows = [{c: (solution[c].value if solution[c] is not None else "") for c in columns} for solution in result]
        return columns, rows


def open_store(release: str) -> ox.Store:
    """The release's store, read-only; a :class:`ReleaseError` if it is missing or cannot be opened."""
    return layout.open_store(release)


def open_source(
    release: str | None = None, endpoint: str | None = None, allow_service: bool = False, **remote: object
) -> Source:
    """The release's embedded store, or a remote endpoint (``remote`` options go to :mod:`kg.remote`).
    ``allow_service`` lets queries on the release call other endpoints (SERVICE)."""
    if (release is None) == (endpoint is None):
        raise QueryError("give either --data DIR (a release built by `trialkg build`) or --endpoint URL")
    if endpoint is not None:
        return RemoteEndpoint.connect(endpoint, **remote)  # type: ignore[arg-type]
    assert release is not None
    return LocalStore(open_store(release), allow_service)


def run(
    source: ox.Store | Source, query: CannedQuery, values: dict[str, str] | None = None
) -> tuple[list[str], list[Row]]:
    """Run a canned SELECT query with its parameters bound; every cell as its lexical form ('' where unbound)."""
    return _select(LocalStore(source) if isinstance(source, ox.Store) else source, query, prepared(query, values))


def _select(source: Source, query: CannedQuery, text: str) -> tuple[list[str], list[Row]]:
    try:
        return source.select(text)
    except QueryError as exc:  # named once: a parameter's error may name the query already
        said = str(exc)
        raise QueryError(said if said.startswith(f"{query.name}: ") else f"{query.name}: {said}") from exc


_STUDIES = f"SELECT ?study WHERE {{ ?study a {TKG.ClinicalStudy} }}"
FIRST = 50  # studies in the first batch: the first rows come sooner
_GROUP = re.compile(r"\bWHERE\s*\{(?!\s*SELECT\b)", re.IGNORECASE)  # a group, not a sub-select's braces


def stream(
    source: ox.Store | Source, query: CannedQuery, values: dict[str, str] | None = None
) -> tuple[list[str], Iterator[Row]]:
    """:func:`run`, with the rows as they come: batch by batch of studies where the query has a ``batch``
    header. The studies are listed first and sorted in Python, by IRI, which is NCT id order (a study's IRI
    is ``{base}trial/{NCT id}``): no ORDER BY over the whole release."""
    source = LocalStore(source) if isinstance(source, ox.Store) else source
    if not query.batch:
        columns, rows = run(source, query, values)
        return columns, iter(rows)
    studies = sorted(row["study"] for row in _select(source, query, _STUDIES)[1])
    text = prepared(query, values)
    columns, _ = _select(source, query, restricted(text, []))

    def batches() -> Iterator[Row]:
        starts = [0, *range(min(FIRST, query.batch), len(studies), query.batch)]
        for start, end in zip(starts, [*starts[1:], len(studies)], strict=True):
            yield from _select(source, query, restricted(text, studies[start:end]))[1]

    return columns, batches()


def restricted(text: str, studies: list[str]) -> str:
    """The query with each of its groups (but a sub-select's own braces) opening with ``VALUES ?study``."""
    clause = "VALUES ?study { " + " ".join(str(ox.NamedNode(iri)) for iri in studies) + " }"
    code = _without_comments(text)
    cuts = [m.end() for m in _GROUP.finditer(code)]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return f"\n  {clause}\n".join(pieces)


def _table(columns: list[str], rows: list[Row]) -> str:
    widths = {c: min(60, max([len(c), *(len(r[c]) for r in rows)])) for c in columns}

    def cell(value: str, c: str) -> str:
        value = value if len(value) <= widths[c] else value[: widths[c] - 1] + "…"
        return value.ljust(widths[c])

    lines = [" ".join(cell(c, c) for c in columns), " ".join("-" * widths[c] for c in columns)]
    lines += [" ".join(cell(r[c], c) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _delimited(delimiter: str) -> Callable[[list[str], list[Row]], str]:
    def write(columns: list[str], rows: list[Row]) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    return write


def _json(columns: list[str], rows: list[Row]) -> str:
    return json.dumps({"columns": columns, "rows": rows}, ensure_ascii=False, indent=1) + "\n"


def write(fmt: str, columns: list[str], rows: Iterable[Row], out: IO[str]) -> None:
    """The rows in the format ``fmt`` on ``out``: CSV and TSV row by row as they come, the others at the end
    (a table's widths and a JSON document need every row)."""
    if fmt not in ("csv", "tsv"):
        out.write(FORMATTERS[fmt](columns, list(rows)))
        return
    writer = csv.DictWriter(out, columns, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        out.flush()


#: Output formats of `trialkg query --format`.
FORMATTERS: dict[str, Callable[[list[str], list[Row]], str]] = {
    "table": _table,
    "csv": _delimited(","),
    "tsv": _delimited("\t"),
    "json": _json,
}
