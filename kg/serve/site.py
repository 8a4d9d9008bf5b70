"""What the server holds for the release it serves, opened once at start: the store (read-only), the
vocabulary, the canned queries, the list of downloadable files and the query workers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import query as q
from kg.errors import ReleaseError
from kg.mapping.namespaces import PREFIXES
from kg.publish import release as layout
from kg.publish.dumps import turtle_prefixes
from kg.serve import metadata
from kg.serve.downloads import ReleaseFile, release_files
from kg.serve.pool import QueryPool
from kg.serve.resources import Resources

#: Where the vocabulary lives whatever the data's base: the ontology and the enumeration concepts.
VOCABULARY_ROOT = PREFIXES["tkgv"].removesuffix("vocab/")
EXAMPLES = 5


@dataclass(frozen=True)
class Settings:
    release: str
    base: str | None = None  # default: the base the release was built with
    timeout: float = 30.0  # seconds a query may run
    max_results: int = 100_000  # solutions or triples a query may give
    workers: int = 2  # query worker processes


class Site:
    def __init__(self, settings: Settings) -> None:
        self.root = layout.require_release(settings.release).resolve()
        store_dir = self.root / layout.STORE
        if not (store_dir / "CURRENT").is_file():
            raise ReleaseError(f"{settings.release}: no query index ({layout.STORE}/); rebuild the release")
        if settings.max_results < 1:
            raise ReleaseError("--max-results must be at least 1")
        self.report = layout.read_report(self.root)
        base = settings.base or layout.base_of(self.root)
        self.base = base if base.endswith("/") else base + "/"
        self.timeout, self.max_results = settings.timeout, settings.max_results
        self.store = ox.Store.read_only(str(store_dir))
        self.vocabulary = _vocabulary(self.root)
        self.namespaces = list(dict.fromkeys([self.base, VOCABULARY_ROOT]))
        self.prefixes = turtle_prefixes(self.base)
        self.resources = Resources(self.store, self.vocabulary, self.namespaces)
        self.queries: dict[str, q.CannedQuery] = q.canned()
        self.files: dict[str, ReleaseFile] = release_files(self.root)
        self.examples = _examples(self.store)
        self.statistics: list[tuple[str, str]] = metadata.statistics(self)
        self.pool = QueryPool(str(store_dir), settings.workers, settings.timeout)

    def local(self, iri: str) -> str | None:
        return self.resources.local(iri)


def _vocabulary(root: Path) -> ox.Store:
    """The release's ontology files (classes, properties, enumeration concepts) in memory."""
    store = ox.Store()
    for path in sorted((root / "ontology").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _examples(store: ox.Store) -> list[str]:
    """A few study IRIs to start browsing from."""
    rdf_type, study = ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(PREFIXES["tkg"] + "ClinicalStudy")
    found = []
    for quad in store.quads_for_pattern(None, rdf_type, study, ox.DefaultGraph()):
        if isinstance(quad.subject, ox.NamedNode):
            found.append(quad.subject.value)
        if len(found) == EXAMPLES:
            break
    return found
