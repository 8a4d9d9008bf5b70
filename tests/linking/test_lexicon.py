"""Lexicon loaders: kinds detected from content; MeSH names -> canonical UIs; SSSOM; ROR v1 and v2."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.linking.lexicon import CLOSE, EXACT, default_lexicon, load, name_key
from kg.naming import mesh_ui

SSSOM = """# curie_map:
#   MESH: http://id.nlm.nih.gov/mesh/
#   ROR: https://ror.org/
#   skos: http://www.w3.org/2004/02/skos/core#
#   tkgo: https://w3id.org/trialkg/org/
# mapping_set_id: https://example.org/test
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label
x:1\tLung cancer\tskos:closeMatch\tMESH:D008175\tLung Neoplasms
x:2\tBronchial Asthma\tskos:exactMatch\tMESH:D000001249\tAsthma
tkgo:acme-univ\tAcme Univ\tskos:exactMatch\tROR:012345678\tAcme University
tkgo:acme-hosp\tAcme Hosp.\tskos:exactMatch\ttkgo:acme-hospital\tAcme Hospital
"""


def test_known_pairs_in_the_defaults() -> None:
    lex = default_lexicon()
    assert lex.mesh_match("Asthma") == ("D001249", EXACT)
    assert lex.mesh_match("covid-19") == ("D000086382", EXACT)
    assert lex.mesh_match("Type 2 Diabetes Mellitus") == ("D003924", CLOSE)  # word order


def test_every_aact_row_resolves(corpus: Path) -> None:
    table = corpus / "vocab" / "mesh" / "aact_mesh_terms.tsv"
    lex = load(table)
    rows = list(csv.reader(table.open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) > 100
    for _tree, ui, name in rows:
        assert lex.mesh_match(name) == (mesh_ui(ui), EXACT), name
    asthma = lex.mesh_match("Asthma")
    assert asthma == ("D001249", EXACT)
    assert "C08.127.108" in lex.mesh_trees["D001249"]


def test_header_table_and_padded_uis(corpus: Path) -> None:
    lex = load(corpus / "vocab" / "mesh" / "mesh_descriptors_from_ctgov_v2_derived.tsv")
    assert lex.mesh_match("COVID-19") == ("D000086382", EXACT)
    assert lex.mesh_match("Asthma") == ("D001249", EXACT)
    assert lex.mesh_match("Pembrolizumab") == ("C582435", EXACT)  # supplementary, old style
    assert lex.mesh_match("Remdesivir") == ("C000606551", EXACT)  # supplementary, new style


def test_defaults_agree_with_the_registry(corpus: Path) -> None:
    """Every default name the registry's own MeSH terms also use has the registry's UI."""
    ref = {}
    with (corpus / "vocab" / "mesh" / "mesh_descriptors_from_ctgov_v2_derived.tsv").open() as f:
        for row in list(csv.reader(f, delimiter="\t"))[1:]:
            ref[name_key(row[1])] = mesh_ui(row[0])
    lex = default_lexicon()
    checked = [k for k in lex.mesh_names if k in ref]
    assert len(checked) >= 20
    assert {k: lex.mesh_names[k][0] for k in checked} == {k: ref[k] for k in checked}


def test_tree_numbers_give_broader(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text(
        "C08\tD012140\tRespiratory Tract Diseases\nC08.127\tD001982\tBronchial Diseases\nC08.127.108\tD001249\tAsthma\n"
    )
    assert load(path).broader("D001249") == {"D001982"}


def test_sssom(tmp_path: Path) -> None:
    path = tmp_path / "x.sssom.tsv"
    path.write_text(SSSOM)
    lex = load(path)
    assert lex.mesh_match("lung cancer") == ("D008175", CLOSE)
    assert lex.mesh_match("Bronchial asthma") == ("D001249", EXACT)
    assert lex.orgs[0].ror == "https://ror.org/012345678"
    assert lex.org_variants == {"Acme Hosp.": "Acme Hospital"}


def test_ror_v2_and_v1(corpus: Path) -> None:
    v2 = load(corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json")
    assert len(v2.orgs) > 2000
    assert {o.country for o in v2.orgs} >= {"NL", "BE"}
    assert all(o.ror.startswith("https://ror.org/") for o in v2.orgs)
    v1 = load(corpus / "vocab" / "ror" / "alexandria3k_v1.17.1-2022-12-16-ror-data.json")
    anu = next(o for o in v1.orgs if o.name == "Australian National University")
    assert anu.country == "AU" and "ANU" in anu.names
    es7 = load(corpus / "vocab" / "ror" / "ror-api_test_search_es7_v2_records.json")
    assert any(o.name == "Monash University" and o.country == "AU" for o in es7.orgs)


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("hello\tworld\n")
    with pytest.raises(InputError, match="not a ROR dump, an SSSOM mapping set or a MeSH table"):
        load(path)
