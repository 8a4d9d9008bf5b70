"""The registry's free text read the same from every format (issue 15, item 4), on the real corpus.

API v2 JSON (and the study page, which shows its text) escapes markdown characters (``\\>``, ``\\[``, ``\\_``);
the legacy XML wraps its text blocks at about 100 columns and lays lists out in columns. Both are undone, so
that a study read from JSON and from XML gives the same text where the registry's text is the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.model import Study
from kg.sources import read
from kg.sources.markup import escaped, plain

#: The fields that the comparison covers, by name.
COMPARED = ("brief_summary", "detailed_description", "criteria")
#: Pairs (NCT id, field) whose texts differ for a real reason, with the reason. None in the corpus today.
DIFFER_FOR_REAL: dict[tuple[str, str], str] = {}
#: A backslash escape as API v2 writes it.
ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
#: A line of unwrapped text that is not a paragraph's first line: a list item (``* x``, ``12. x``), maybe nested.
ITEM_LINE = re.compile(r" *(\*|-|\d+\.) \S")


def _texts(study: Study) -> dict[str, str | None]:
    return {
        "brief_summary": study.brief_summary,
        "detailed_description": study.detailed_description,
        "criteria": study.eligibility.criteria,
    }


def _studies(*paths: Path) -> dict[str, Study]:
    return {r.nct_id: r for r in read([str(p) for p in paths]) if isinstance(r, Study)}


@pytest.fixture(scope="module")
def xml_studies(corpus: Path) -> dict[str, Study]:
    return _studies(corpus / "ctgov-xml")


@pytest.fixture(scope="module")
def json_studies(corpus: Path) -> dict[str, Study]:
    return _studies(corpus / "ctgov-json", corpus / "other" / "ctgov-json-partial")


def _markup_texts(study: Study) -> list[str]:
    """Every text of a study that API v2 gives as markdown."""
    texts = [study.brief_summary, study.detailed_description, study.eligibility.criteria]
    texts += [study.eligibility.study_population, study.ipd_description]
    texts += [study.design.intervention_model_description, study.design.masking_description]
    texts += [a.description for a in study.arm_groups] + [i.description for i in study.interventions]
    texts += [o.description for o in study.outcomes]
    return [t for t in texts if t]


def test_a_study_read_from_json_and_from_xml_has_the_same_text(
    xml_studies: dict[str, Study], json_studies: dict[str, Study]
) -> None:
    """Every study the corpus holds as API v2 JSON and as legacy XML (NCT00000410, and NCT00500591 in the
    partial JSON records): its summary, description and criteria are equal. Before: 0 of the 4 compared."""
    xml, json = xml_studies, json_studies
    both = sorted(set(xml) & set(json))
    assert both == ["NCT00000410", "NCT00500591"]
    compared = {
        (nct, field): (_texts(json[nct])[field], _texts(xml[nct])[field])
        for nct in both
        for field in COMPARED
        if _texts(json[nct])[field] and _texts(xml[nct])[field]
    }
    assert len(compared) == 4  # NCT00500591's partial JSON has a brief summary only
    unequal = {key: texts for key, texts in compared.items() if texts[0] != texts[1] and key not in DIFFER_FOR_REAL}
    assert unequal == {}


def test_json_text_has_no_markdown_escape_left(json_studies: dict[str, Study]) -> None:
    studies = json_studies
    left = {s.nct_id: m.group() for s in studies.values() for t in _markup_texts(s) for m in [ESCAPE.search(t)] if m}
    assert left == {}
    criteria = studies["NCT05814159"].eligibility.criteria or ""
    assert "CRP > 30 mg/L" in criteria and "\\>" not in criteria
    assert "https://go.roche.com/data_sharing" in (studies["NCT04764188"].ipd_description or "")


def test_xml_text_blocks_are_unwrapped(xml_studies: dict[str, Study]) -> None:
    """In every paragraph of the legacy XML corpus's summaries, descriptions and criteria, a line break only
    starts a list item: the XML's wraps are joined, as API v2 gives the text."""
    wrapped: dict[str, str] = {}
    for study in xml_studies.values():
        for text in filter(None, _texts(study).values()):
            for paragraph in text.split("\n\n"):
                later = [line for line in paragraph.split("\n")[1:] if not ITEM_LINE.match(line)]
                if later:
                    wrapped.setdefault(study.nct_id, later[0])
    assert wrapped == {}


def test_xml_lists_are_written_as_api_v2_writes_them(xml_studies: dict[str, Study]) -> None:
    study = xml_studies["NCT00000410"]
    criteria = (study.eligibility.criteria or "").split("\n")
    assert criteria[:3] == ["Inclusion Criteria:", "", "* Duration of symptoms: 6 or more weeks."]
    assert criteria[3] == "* Treatments tried: Non-steroidal anti-inflammatory medical therapy and physical therapy."


def test_the_page_text_shows_api_v2_escapes_and_they_are_undone(seeds: Path) -> None:
    (study,) = _studies(seeds / "NCT04282928.txt").values()
    assert "1×10\\^6" in (seeds / "NCT04282928.txt").read_text(encoding="utf-8")
    assert "(1×10^6 cells/Kg" in (study.arm_groups[1].description or "")
    assert "(1×10^6 cells/Kg" in (study.detailed_description or "")
    assert "(child Pugh score > 12)" in (study.eligibility.criteria or "")


def test_escaping_for_the_page_is_undone_exactly(xml_studies: dict[str, Study], json_studies: dict[str, Study]) -> None:
    texts = [t for s in [*xml_studies.values(), *json_studies.values()] for t in _markup_texts(s)]
    assert len(texts) > 1000
    assert [t for t in texts if plain(escaped(t)) != t] == []
    assert plain(escaped("a \\ b \\> c \\\\")) == "a \\ b \\> c \\\\"
