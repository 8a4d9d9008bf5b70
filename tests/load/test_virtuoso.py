"""`trialkg load` into a real Virtuoso (tests/load/virtuoso.py), with Virtuoso's defaults: the commands of the
README's Virtuoso section, run as written there (on one small release, then its delta to the next), and the
same loads through SPARQL Update.

After every load the store must hold exactly the release, read back through the graph store service and
compared triple by triple (quad by quad per study), and every canned query must give the local release's
rows. Forms Virtuoso writes differently are the same values and count as equal: ``xsd:boolean`` as
``1``/``0``, numbers by value, and an ``xsd:duration`` of years and months as its number of months
(``"P18Y"`` comes back as ``"216"``: openlink/virtuoso-opensource#936, open since 2020). The releases:
the hand-made studies of tests/serve/known_release.py and tests/results/records.py, and corpus records
with posted results (adverse events, participant flow, outcomes, baseline); the next release changes one
study, withdraws two and adds three.
"""

from __future__ import annotations

import gzip
import json
import re
import shlex
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import query as q
from kg.cli import main
from kg.iris import Iris
from kg.load.loader import release_info
from kg.publish import release as layout
from kg.publish.build import build
from kg.remote import RemoteEndpoint
from tests.conftest import ROOT
from tests.fixtures import write_json
from tests.load.virtuoso import PASSWORD, VirtuosoServer
from tests.results.records import records
from tests.serve.known_release import known_studies

#: The corpus records taken: the first, by NCT ID, with all four results modules (adverse events, participant
#: flow, outcome measures, baseline); NCT01298921 among them has an adverse-event group with no one at risk.
CORPUS_STUDIES = 12
RESULTS = {"adverseEventsModule", "participantFlowModule", "outcomeMeasuresModule", "baselineCharacteristicsModule"}
#: Parameter values with answers in both releases (Migraine Disorders; a sponsor of one study, then two).
VALUES = {"mesh": "D003027", "sponsor": "ElectroCore INC", "country": "FR", "as_of": "2024-01-01"}
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
DURATION = "http://www.w3.org/2001/XMLSchema#duration"
YEARS_MONTHS = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@pytest.fixture(scope="module")
def releases(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``build/corpus`` and ``build/corpus-next`` of the README: the second built with ``--previous`` the first."""
    root = tmp_path_factory.mktemp("virtuoso-releases")
    corpus_records = with_results(corpus)
    s1, s2, s3, s4, s5 = known_studies()
    write_json(root / "known-a" / "studies.json", [s1, s2, s3, s4, *records()])
    build([str(root / "known-a"), *corpus_records[:-2]], str(root / "corpus"), validate=False, progress=False)
    s1["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    s1["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"].append({"name": "Gamma", "class": "OTHER"})
    write_json(root / "known-b" / "studies.json", [s1, s3, s4, s5, *records()])
    build(
        [str(root / "known-b"), *corpus_records[1:]],
        str(root / "corpus-next"),
        validate=False,
        progress=False,
        previous=str(root / "corpus"),
    )
    log = json.loads((root / "corpus-next" / layout.CHANGELOG_JSON).read_text())["summary"]
    assert (log["added"], log["changed"], log["withdrawn"]) == (3, 1, 2)
    return {"build/corpus": root / "corpus", "build/corpus-next": root / "corpus-next"}


def with_results(corpus: Path) -> list[str]:
    found = []
    for path in sorted((corpus / "ctgov-json").glob("NCT*.json")):
        if set(json.loads(path.read_text(encoding="utf-8")).get("resultsSection") or {}) >= RESULTS:
            found.append(str(path))
    assert len(found) >= CORPUS_STUDIES
    return found[:CORPUS_STUDIES]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso") / "db")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_graphs(server: VirtuosoServer) -> set[str]:
    """The graphs a fresh Virtuoso database holds (its own: quad maps and the like)."""
    return set(server.graphs())


@pytest.fixture()
def store(server: VirtuosoServer, own_graphs: set[str]) -> VirtuosoServer:
    """The server with nothing but its own graphs (Virtuoso's default graph is the union of all of them)."""
    server.drop(sorted(set(server.graphs()) - own_graphs))
    assert set(server.graphs()) == own_graphs
    return server


# -- the README's commands ---------------------------------------------------------------------------------


def readme_blocks() -> list[list[list[str]]]:
    """The ```sh blocks of the README's Virtuoso section, each as its trialkg commands (argv after ``trialkg``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Virtuoso\n", 1)[1].split("\n### ", 1)[0]
    blocks = [
        [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line.strip()]
        for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    ]
    assert blocks and all(c[0] == ".venv/bin/trialkg" for block in blocks for c in block), blocks
    return [[c[1:] for c in block] for block in blocks]


def on(server: VirtuosoServer, releases: dict[str, Path], argv: list[str]) -> list[str]:
    """A README command aimed at the test's server and releases, with the password of a fresh database."""
    subs = {"$DBA_PASSWORD": PASSWORD, **{name: str(path) for name, path in releases.items()}}
    return [subs.get(a, a.replace("http://localhost:8890", server.url)) for a in argv]


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def invoke(argv: list[str]) -> str:
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, f"trialkg {shlex.join(argv)}:\n{result.output}"
    return result.output


@pytest.mark.parametrize("block", [0, 1], ids=["graph", "per-study"])
def test_the_readme_commands_load_and_query_virtuoso(
    store: VirtuosoServer, releases: dict[str, Path], block: int
) -> None:
    commands = readme_blocks()[block]
    assert [c[0] for c in commands] == ["load", "load", "query"]
    assert "--delta" not in commands[0] and "--delta" in commands[1]
    for argv in commands:
        argv = on(store, releases, argv)
        graph = option(argv, "--graph")
        if argv[0] == "load":
            output = invoke(argv)
            assert ": ok" in output and ("delta from" in output) == ("--delta" in argv)
            release = Path(argv[1])
            holds_exactly(store, release, graph)
            answers_as_locally(store, release, graph)
        else:  # the query, as the README gives it, against the same one on the release loaded last
            remote = json.loads(invoke([*argv, "--format", "json"]))
            local = json.loads(invoke(["query", argv[1], "--data", str(release), "--format", "json"]))
            assert remote["rows"] and remote["columns"] == local["columns"]
            assert multiset(remote["rows"]) == multiset(local["rows"])


@pytest.mark.parametrize("block", [0, 1], ids=["graph", "per-study"])
def test_loads_through_sparql_update_in_requests_virtuoso_takes(
    store: VirtuosoServer, releases: dict[str, Path], block: int
) -> None:
    """The default --chunk (50,000) is far over what Virtuoso parses in one update: the preset cuts it."""
    for argv in readme_blocks()[block][:2]:
        argv = on(store, releases, [*argv, "--method", "update"])
        output = invoke(argv)
        assert "through SPARQL Update" in output and ": ok" in output
        holds_exactly(store, Path(argv[1]), option(argv, "--graph"))


# -- what the store holds, what it answers ------------------------------------------------------------------


def holds_exactly(server: VirtuosoServer, release: Path, graph: str | None) -> None:
    """The store's trialkg graphs hold exactly the release's quads (one graph, or the per-study graphs)."""
    base, _, triples = release_info(release)
    dump = release / (layout.NTRIPLES if graph else layout.NQUADS)
    with gzip.open(dump, "rb") as data:
        quads = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES if graph else ox.RdfFormat.N_QUADS))
    want: dict[str, set[str]] = {}
    for quad in quads:
        want.setdefault(graph or quad.graph_name.value, set()).add(str(as_virtuoso_writes(quad.triple)))
    present = set(server.graphs())
    ours = {graph} if graph else {g for g in present if g.startswith(base)}
    assert ours <= present and ours == set(want)
    got = {g: read_graph(server, g) for g in ours}
    assert {g: len(t) for g, t in got.items()} == {g: len(t) for g, t in want.items()}
    differ = {g: (sorted(got[g] - want[g])[:5], sorted(want[g] - got[g])[:5]) for g in ours if got[g] != want[g]}
    assert not differ, differ  # per graph: (only in the store, only in the dump), five of each
    assert sum(map(len, got.values())) == triples
    if not graph:
        assert Iris(base).shared_graph() in got


def as_virtuoso_writes(triple: ox.Triple) -> ox.Triple:
    """``triple`` with an ``xsd:duration`` of years and months as Virtuoso gives it back: months (#936)."""
    term = triple.object
    duration = isinstance(term, ox.Literal) and term.datatype.value == DURATION
    found = YEARS_MONTHS.fullmatch(term.value) if duration else None
    if found is None or term.value == "P":
        return triple
    months = int(found.group(1) or 0) * 12 + int(found.group(2) or 0)
    return ox.Triple(triple.subject, triple.predicate, ox.Literal(str(months), datatype=term.datatype))


def read_graph(server: VirtuosoServer, graph: str) -> set[str]:
    """A graph's triples, read through the graph store service, with Virtuoso's booleans written canonically
    (its durations are compared as it writes them: :func:`as_virtuoso_writes`)."""
    response = httpx.get(
        server.url + "/sparql-graph-crud", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    )
    response.raise_for_status()
    triples = set()
    for quad in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
        term = quad.object
        if isinstance(term, ox.Literal) and term.datatype.value == BOOLEAN and term.value in ("0", "1"):
            term = ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
        triples.add(str(ox.Triple(quad.subject, quad.predicate, term)))
    return triples


@cache
def local_answers(release: Path) -> dict[str, tuple[list[str], list[q.Row]]]:
    store = q.open_store(str(release))
    return {name: q.run(store, q.resolve(name), params(name)) for name in sorted(q.canned())}


def params(name: str) -> dict[str, str]:
    return {p.name: VALUES[p.name] for p in q.resolve(name).params}


def answers_as_locally(server: VirtuosoServer, release: Path, graph: str | None) -> None:
    """Every canned query gives the same columns and rows (as a multiset) as on the local release."""
    remote = RemoteEndpoint.connect(server.url + "/sparql", store="virtuoso", graph=graph, per_study=not graph)
    answered = 0
    for name, (columns, rows) in local_answers(release).items():
        got_columns, got_rows = q.run(remote, q.resolve(name), params(name))
        assert (got_columns, multiset(got_rows)) == (columns, multiset(rows)), name
        answered += bool(rows)
    assert answered == len(q.canned())  # every query has rows to compare


def multiset(rows: list[q.Row]) -> Counter[tuple[object, ...]]:
    """Rows as a multiset of value tuples, numbers by value (``14.30`` is ``14.3``)."""
    return Counter(tuple(Decimal(v) if NUMBER.fullmatch(v) else v for v in row.values()) for row in rows)
