"""Organisation merging: real variant pairs from the corpus merge, near misses never do; ROR links."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.iris import Iris, org_country
from kg.linking.affiliations import is_position
from kg.linking.lexicon import Lexicon, load
from kg.linking.orgs import OrgResolver, cluster, org_key, same_institution
from kg.linking.report import write_variants
from kg.mapping.rdf import Mapper
from kg.model import Study
from kg.naming import slug
from kg.sources import read

# (name, name, ISO country): the same institution written differently, all seen in ../shared/corpus
VARIANTS = [
    ("Cleveland Clinic Foundation", "The Cleveland Clinic Foundation", "US"),
    ("M.D. Anderson Cancer Center", "MD Anderson Cancer Center", "US"),
    ("M D Anderson Cancer Center", "MD Anderson Cancer Center", "US"),
    ("Saint Louis University", "St. Louis University", "US"),
    ("Leiden University Medical Center", "Leiden University Medical Center (LUMC)", "NL"),
    ("Danish Headache Center", "Danish Headache Centre", "DK"),
    ("Neurologie & Kopfschmerzzentrum Munchner Freiheit", "Neurologie + Kopfschmerzzentrum Münchner Freiheit", "DE"),
    ("Starship Children's Hospital", "Starship Childrens Hospital", "NZ"),
    ("Hopital Saint Louis", "Hôpital Saint-Louis", "FR"),
    ("Hopital St Louis", "Hôpital Saint-Louis", "FR"),
    ("Canisius-Wilhelmina Ziekenhuis (CWZ)", "Canisius Wilhelmina Ziekenhuis", "NL"),
    ("Hosp. de La Santa Creu I Sant Pau", "Hospital de la Santa Creu i Sant Pau", "ES"),
    ("King Faisal Specialist Hospital & Research Center", "King Faisal Specialist Hospital and Research Centre", "SA"),
    ("St. Jude Children's Research Hospital, Inc", "Saint Jude Children's Research Hospital", "US"),
    ("Alaska Oncology and Hematology LLC", "Alaska Oncology and Hematology", "US"),
    ("Oregon Health & Science University (OHSU)", "Oregon Health and Science University", "US"),
]
# typos only the fuzzy rule joins (same country), also seen in the corpus
FUZZY = [
    ("First Affilated Hospital of Soochow University", "First Affiliated Hospital of Soochow University", "CN"),
    ("Chang Gung Memoral Hospital", "Chang Gung Memorial Hospital", "TW"),
    ("Kurume University Hospial", "Kurume University Hospital", "JP"),
    ("Intitut Gustave Roussy", "Institut Gustave Roussy", "FR"),
    ("Kantonspital Baden", "Kantonsspital Baden", "CH"),
]
NEAR_MISSES = [
    ("University of Washington", "Washington University", "US"),
    ("Medical University of Vienna", "University of Vienna", "AT"),
    ("First People's Hospital of Changzhou", "First People's Hospital of Hangzhou", "CN"),
    ("Christiana Hospital", "Christian Hospital", "US"),
    ("Northeast Clinical Research Center", "Northwest Clinical Research Center", "US"),
    ("University of California, Davis", "University of California, San Francisco", "US"),
    ("AstraZeneca", "AstraZeneca K.K.", "JP"),
    ("Hospital 12 de Octubre", "Hospital 11 de Octubre", "ES"),
    ("University Hospital", "University Hospital Basel", "CH"),
]


@pytest.mark.parametrize(("a", "b", "country"), VARIANTS)
def test_variants_share_a_key(a: str, b: str, country: str) -> None:
    assert org_key(a, country) == org_key(b, country)


@pytest.mark.parametrize(("a", "b", "country"), FUZZY)
def test_typos_merge_within_a_country(a: str, b: str, country: str) -> None:
    assert org_key(a, country) != org_key(b, country)
    assert same_institution(org_key(a, country), org_key(b, country))
    merged = cluster([(a, country), (b, country), (b, country)])
    assert merged == {(country, org_key(a, country)): org_key(b, country)}  # to the more frequent spelling
    assert cluster([(a, country), (b, "XX")]) == {}  # never across countries


@pytest.mark.parametrize(("a", "b", "country"), NEAR_MISSES)
def test_near_misses_never_merge(a: str, b: str, country: str) -> None:
    ka, kb = org_key(a, country), org_key(b, country)
    assert ka != kb
    assert not same_institution(ka, kb)
    assert cluster([(a, country), (b, country)]) == {}


def test_cluster_is_order_free() -> None:
    mentions = [(a, c) for a, b, c in FUZZY + NEAR_MISSES] + [(b, c) for a, b, c in FUZZY + NEAR_MISSES]
    assert cluster(mentions) == cluster(list(reversed(mentions)))


def test_ror_links_v2_nl_be(corpus: Path) -> None:
    resolver = OrgResolver(load(corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json"))
    key, entry = resolver.resolve("Leiden University Medical Centre", "NL")
    assert (
        entry is not None
        and entry.ror == "https://ror.org/05xvt9f17"
        and key == org_key("Leiden University Medical Center")
    )
    assert resolver.resolve("UMC Utrecht", "NL")[1] is not None
    assert resolver.resolve("Erasmus MC", None)[1] is not None  # exact, unique name: no country needed
    assert resolver.resolve("Leiden University Medical Center", "US")[1] is None  # wrong country


def test_ror_links_v1(corpus: Path) -> None:
    resolver = OrgResolver(load(corpus / "vocab" / "ror" / "alexandria3k_v1.17.1-2022-12-16-ror-data.json"))
    assert resolver.resolve("The Australian National University", "AU")[1] is not None
    assert resolver.resolve("ANU", "AU")[1] is not None  # an acronym, with the country
    assert resolver.resolve("ANU", None)[1] is None  # an acronym alone is not enough


def test_variants_lexicon() -> None:
    lex = Lexicon(org_variants={"Acme Hosp": "Acme General Hospital"})
    assert OrgResolver(lex).resolve("ACME Hosp.", "US")[0] == "acme general hospital"


def test_the_variants_file_merges_within_its_country_only(tmp_path: Path) -> None:
    """``link-report --variants`` -> ``build --lexicon``: the typo of a Japanese site is merged in Japan,
    not where another institution may be spelt so."""
    typo, right = "Kurume University Hospial", "Kurume University Hospital"
    variants = cluster([(typo, "JP"), (right, "JP"), (right, "JP")])
    path = tmp_path / "variants.sssom.tsv"
    write_variants(variants, str(path))
    assert f"tkgo:{slug(typo)}--jp" in path.read_text(encoding="utf-8")
    lex = load(path)
    assert lex.local_variants == {("JP", org_key(typo, "JP")): org_key(right, "JP")} and not lex.org_variants
    resolver = OrgResolver(lex)
    assert resolver.resolve(typo, "JP")[0] == org_key(right)
    assert resolver.resolve(typo, "US")[0] == org_key(typo) and resolver.resolve(typo)[0] == org_key(typo)


def test_a_node_is_placed_in_the_mention_s_country_else_its_ror_entry_s(corpus: Path) -> None:
    resolver = OrgResolver(load(corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json"))
    assert resolver.node("National Cancer Institute").country is None  # a sponsor: no country, no ROR link
    assert resolver.node("National Cancer Institute", "TH").country == "TH"  # a site in Thailand
    erasmus = resolver.node("Erasmus MC")  # a sponsor the ROR lexicon knows, unambiguously: Dutch
    assert erasmus.ror is not None and erasmus.country == "NL"
    iri = Iris().org(slug(erasmus.key), erasmus.country)
    assert iri.endswith("/org/erasmus-mc--nl") and org_country(iri) == "NL" and org_country(Iris().org("x")) is None


# affiliations of overall officials in the corpus that name a position or a degree, and some that do not
POSITIONS = ["Professor", "Associate Professor", "Chief Medical Officer", "Consulting Chief Medical Officer",
             "Director of Research", "Chair of Hematology", "Assistant Professor, Radiation Oncology",
             "Study Principal Investigator", "MD, PhD", "M.D., Ph.D."]  # fmt: skip
NOT_POSITIONS = ["Director, Pfizer", "Professor,Tata Memorial Centre", "Dean Foods", "Medical Research Council",
                 "Christian Keller MD, M.Sc.", "Pfizer", "Clinical Research Associates"]  # fmt: skip


@pytest.mark.parametrize("text", POSITIONS)
def test_positions_and_degrees(text: str) -> None:
    assert is_position(text)


@pytest.mark.parametrize("text", NOT_POSITIONS)
def test_organisations_are_no_positions(text: str) -> None:
    assert not is_position(text)


def test_a_position_affiliation_is_no_organisation(corpus: Path) -> None:
    """Regression: NCT05382585's official, affiliation "Professor", was affiliated with org:professor."""
    (study,) = [r for r in read([str(corpus / "ctgov-json" / "NCT05382585.json")]) if isinstance(r, Study)]
    assert "Professor" in {o.affiliation for o in study.officials}
    t = Mapper().map(study)
    assert not {x.object.value for x in t.own if x.predicate.value.endswith("#affiliation")} & {Iris().org("professor")}
    assert Iris().org("professor") not in {x.subject.value for x in t.shared}
