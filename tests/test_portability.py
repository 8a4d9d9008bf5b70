"""Every canned query (``queries/*.rq``, parameters bound) gives the same rows on Apache Jena's ARQ, over the
corpus release's N-Triples dump, as on the release's embedded store: the queries are standard SPARQL 1.1,
not Oxigraph's dialect. Rows are compared as multisets of RDF terms (an IRI is not a string, "1" is not
1); where the query orders its rows, by the keys the rows show, the order must agree as well.

ARQ runs in one JVM that loads the dump once and answers every query (tests/ArqSelect.java, started
before the embedded store is queried, so both run at once). It parses the queries as strict SPARQL 1.1:
a query that needs an ARQ extension fails as one Oxigraph alone accepts would.

Needs Java and Apache Jena (Debian: ``apt-get install default-jre-headless libapache-jena-java``, which
`make test` installs); skips with the reason otherwise.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import guard
from kg import query as q
from kg.publish import release as layout
from tests.load.test_corpus import VALUES
from tests.validation import second_engine as jena

RUNNER = Path(__file__).with_name("ArqSelect.java")
CANNED = q.canned()
NAMES = sorted(CANNED)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
Solutions = tuple[list[str], list[tuple[Term, ...]]]
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def params(name: str) -> dict[str, str]:
    """Values with answers in the corpus for the query's parameters (tests/load/test_corpus.py's)."""
    absent = [p.name for p in CANNED[name].params if p.name not in VALUES]
    assert not absent, f"{name}: give {', '.join(absent)} a value with answers in tests/load/test_corpus.py"
    return {p.name: VALUES[p.name] for p in CANNED[name].params}


def order_keys(name: str, columns: list[str]) -> list[str]:
    """The variables the query's rows are ordered by, as far as the rows show them: the leading keys of its
    outermost ORDER BY that are plain variables among its columns (up to the first that is not)."""
    text = guard.normalise(CANNED[name].text)
    tail = re.search(r"\bORDER\s+BY\s+(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", text[text.rindex("}") + 1 :], re.I | re.S)
    keys: list[str] = []
    for token in tail.group(1).split() if tail else []:
        match = re.fullmatch(r"(?:(?:ASC|DESC)\(\s*)?\?(\w+)\s*\)?", token, re.I)
        if match is None or match.group(1) not in columns:
            break
        keys.append(match.group(1))
    return keys


def solutions(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Solutions:
    assert isinstance(results, ox.QuerySolutions), "a canned query is a SELECT query"
    columns = [v.value for v in results.variables]
    return columns, [tuple(canonical(solution[c]) for c in columns) for solution in results]


def canonical(term: Term) -> Term:
    """The term, an xsd:decimal in one lexical form for each value: engines write a computed decimal in
    different but equivalent forms (Oxigraph 100 and 8.5, as XSD 1.1 has it; Jena 100.0 and 8.5, as XSD 1.0)."""
    if isinstance(term, ox.Literal) and term.datatype == DECIMAL:
        return ox.Literal(format(Decimal(term.value).normalize(), "f"), datatype=DECIMAL)
    return term


class Arq:
    """One JVM running ARQ on every canned query, parameters bound, over the release's N-Triples dump.
    Started at once; its results are read once it has finished."""

    def __init__(self, release: Path, work: Path) -> None:
        self.queries, self.results = work / "queries", work / "results"
        self.queries.mkdir()
        self.results.mkdir()
        files = []
        for name in NAMES:
            files.append(self.queries / f"{name}.rq")
            files[-1].write_text(q.prepared(CANNED[name], params(name)), encoding="utf-8")
        self.log = (work / "arq.log").open("w+", encoding="utf-8")
        command = ["java", "-Xmx3g", "-XX:+UseParallelGC", "-cp", jena.classpath(work), str(RUNNER)]
        command += [str(release / layout.NTRIPLES), str(self.results), *map(str, files)]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def solutions(self, name: str) -> Solutions:
        if self.process.poll() is None:
            self.process.wait(timeout=900)
        error, answer = self.results / f"{name}.error", self.results / f"{name}.srj"
        if error.is_file():
            pytest.fail(f"ARQ refuses {name}: {error.read_text(encoding='utf-8')}", pytrace=False)
        if not answer.is_file():
            self.log.seek(0)
            pytest.fail(f"ARQ gave no answer to {name} (exit {self.process.returncode}): {self.log.read()[-3000:]}")
        return solutions(ox.parse_query_results(path=answer, format=ox.QueryResultsFormat.JSON))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def arq(corpus_release: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arq]:
    reason = jena.missing()
    if reason is not None:
        pytest.skip(f"Jena ARQ cannot run: {reason}")
    runner = Arq(corpus_release[0], tmp_path_factory.mktemp("arq"))
    yield runner
    runner.stop()


@pytest.fixture(scope="module")
def embedded(corpus_release: tuple[Path, object], arq: Arq) -> dict[str, Solutions]:
    """Every canned query's answer on the release's store, queried as `trialkg query` does (kg.query.run:
    the text screened, then run), terms kept. Computed while ARQ loads the dump."""
    store = q.open_store(str(corpus_release[0]))
    return {name: solutions(store.query(guard.screen(q.prepared(CANNED[name], params(name))))) for name in NAMES}


def differences(ours: list[tuple[Term, ...]], theirs: list[tuple[Term, ...]]) -> str:
    only_ours, only_theirs = Counter(ours) - Counter(theirs), Counter(theirs) - Counter(ours)
    shown = [f"  embedded only: {row}" for row in list(only_ours)[:5]]
    shown += [f"  ARQ only:      {row}" for row in list(only_theirs)[:5]]
    return (
        f"{sum(only_ours.values())} row(s) only on the embedded store, {sum(only_theirs.values())} only on ARQ\n"
        + "\n".join(shown)
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_arq_gives_the_rows_of_the_embedded_store(arq: Arq, embedded: dict[str, Solutions], name: str) -> None:
    columns, rows = embedded[name]
    assert rows, f"{name} finds nothing in the corpus: bind its parameters to values with answers"
    theirs, their_rows = arq.solutions(name)
    assert theirs == columns
    assert Counter(their_rows) == Counter(rows), differences(rows, their_rows)
    keys = order_keys(name, columns)
    ours, arqs = ([tuple(row[columns.index(k)] for k in keys) for row in rows_] for rows_ in (rows, their_rows))
    first = next((i for i, (a, b) in enumerate(zip(ours, arqs, strict=True)) if a != b), None)
    assert first is None, f"ordered by {keys}, row {first} is {arqs[first]} on ARQ, {ours[first]} embedded"


def test_order_keys_are_the_leading_plain_projected_variables_of_the_outer_order_by() -> None:
    """What the order comparison compares (on the queries as they are: nested ORDER BYs left out)."""
    assert order_keys("trial-summary", ["nct_id", "title"]) == ["nct_id"]
    assert order_keys("top-sponsors", ["sponsor", "name", "class", "studies", "lead_studies"]) == [
        "studies",
        "lead_studies",
        "name",
    ]
    assert order_keys("adverse-events", ["nct_id", "event_kind"]) == ["nct_id"]  # then ?event, not a column
    assert order_keys("studies-by-phase-status", ["phase", "status", "studies"]) == ["phase", "status"]


def test_decimals_compare_by_value_and_nothing_else_does() -> None:
    decimal, integer = (ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{t}") for t in ("decimal", "integer"))
    assert canonical(ox.Literal("100.0", datatype=decimal)) == canonical(ox.Literal("100", datatype=decimal))
    assert canonical(ox.Literal("8.50", datatype=decimal)) == ox.Literal("8.5", datatype=decimal)
    assert canonical(ox.Literal("100", datatype=decimal)) != canonical(ox.Literal("100", datatype=integer))
    assert canonical(ox.Literal("01", datatype=integer)) != canonical(ox.Literal("1", datatype=integer))
    assert canonical(ox.Literal("100.0")) != canonical(ox.Literal("100"))
