"""What the server holds for the release it serves, opened once at start: the store (read-only), the
vocabulary, the canned queries, the list of downloadable files and the query workers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import query as q
from kg.errors import ReleaseError
from kg.iris import prefixes
from kg.mapping.namespaces import PREFIXES
from kg.publish import release as layout
from kg.serve import metadata
from kg.serve.canned import Answers
from kg.serve.downloads import ReleaseFile, release_files
from kg.serve.pool import Limits, QueryPool
from kg.serve.resources import Document, Resources

#: Where the vocabulary lives whatever the data's base: the ontology and the enumeration concepts.
VOCABULARY_ROOT = PREFIXES["tkgv"].removesuffix("vocab/")
EXAMPLES = 5


@dataclass(frozen=True)
class Settings:
    release: str
    base: str | None = None  # default: the base the release was built with
    max_results: int = 100_000  # solutions or triples a query may give
    limits: Limits = field(default_factory=Limits)  # query workers: how many, timeout, memory, per client


def identity(path: Path) -> tuple[int, int, int]:
    """What tells one release at ``path`` from the next build's: its directory, and its build report."""
    root, report = os.stat(path), os.stat(path / layout.REPORT)
    return root.st_ino, report.st_ino, report.st_mtime_ns


class Site:
    def __init__(self, settings: Settings) -> None:
        self.root = layout.require_release(settings.release).resolve()
        self.identity = identity(self.root)
        store_dir = self.root / layout.STORE
        if not (store_dir / "CURRENT").is_file():
            raise ReleaseError(
                f"{settings.release}: no query index ({layout.STORE}/); rebuild the release with `trialkg build`"
            )
        if settings.max_results < 1:
            raise ReleaseError("--max-results must be at least 1")
        try:
            self.report = layout.read_report(self.root)
            self.store = ox.Store.read_only(str(store_dir))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ReleaseError(
                f"{settings.release}: cannot open the release ({exc}); rebuild it with `trialkg build`"
            ) from exc
        base = settings.base or layout.base_of(self.root)
        self.base = base if base.endswith("/") else base + "/"
        self.timeout, self.max_results = settings.limits.timeout, settings.max_results
        self.vocabulary = Document.of_folder(self.root / "ontology")  # classes, properties, concepts
        self.namespaces = list(dict.fromkeys([self.base, VOCABULARY_ROOT]))
        self.prefixes = prefixes(self.base)
        shapes = Document.of_folder(self.root / "shapes")
        void = self.root / layout.VOID  # its relative IRIs (<trialkg.nt.gz>): the files under /downloads
        dataset = Document([void] if void.is_file() else [], f"{self.base}downloads/{layout.VOID}")
        self.resources = Resources(self.store, self.vocabulary, self.namespaces, shapes, dataset)
        self.queries: dict[str, q.CannedQuery] = q.canned()
        self.files: dict[str, ReleaseFile] = release_files(self.root)
        self.examples = _examples(self.store)
        self.statistics: list[tuple[str, str]] = metadata.statistics(self)
        stat = os.stat(store_dir)
        self.pool = QueryPool(str(store_dir), (stat.st_dev, stat.st_ino), settings.limits)
        self.answers = Answers()  # of canned queries: this release's, so a new release starts afresh

    def local(self, iri: str) -> str | None:
        return self.resources.local(iri)


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
