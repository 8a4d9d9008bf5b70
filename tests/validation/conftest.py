"""The JSON corpus mapped once per session, as the build sees it: per study, its own and shared N-Triples
lines; and its validation report, batch by batch and whole (both slow: about a minute each)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib

from kg.mapping.rdf import Mapper
from kg.publish.provenance import study_lines
from kg.sources import Rejected, read
from kg.validation.engine import Validator
from kg.validation.results import Report

BATCH = 150  # as kg.publish.build


@dataclass(frozen=True)
class MappedStudy:
    nct_id: str
    own: tuple[str, ...]
    shared: tuple[str, ...]


def _lines(triples: set) -> tuple[str, ...]:  # type: ignore[type-arg]
    return tuple(sorted(f"{t.subject} {t.predicate} {t.object} ." for t in triples))


@pytest.fixture(scope="session")
def json_corpus(corpus: Path) -> list[MappedStudy]:
    """Every record of the API v2 JSON corpus, mapped (none may be rejected)."""
    mapper = Mapper()
    studies = []
    for record in read([str(corpus / "ctgov-json")]):
        assert not isinstance(record, Rejected), record
        triples = mapper.map(record)
        own = (*_lines(triples.own), *study_lines(record, mapper.base))  # with its provenance, as the build does
        studies.append(MappedStudy(record.nct_id, own, _lines(triples.shared)))
    assert studies, f"no records in {corpus / 'ctgov-json'}"
    return studies


@pytest.fixture(scope="session")
def json_corpus_lines(json_corpus: list[MappedStudy]) -> list[str]:
    """The whole mapped corpus as one sorted set of N-Triples lines (the shared ones once)."""
    return sorted({line for s in json_corpus for line in (*s.own, *s.shared)})


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="session")
def batched_report(json_corpus: list[MappedStudy], validator: Validator) -> Report:
    """The corpus validated as the build does it: batches of studies with their own and shared triples."""
    batches = [json_corpus[i : i + BATCH] for i in range(0, len(json_corpus), BATCH)]
    return validator.validate_batches([line for s in batch for line in (*s.own, *s.shared)] for batch in batches)


@pytest.fixture(scope="session")
def whole_report(json_corpus_lines: list[str], validator: Validator) -> Report:
    """The corpus validated as one graph."""
    return validator.validate(rdflib.Graph().parse(data="\n".join(json_corpus_lines), format="nt"))
