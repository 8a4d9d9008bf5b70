"""A few dozen real records of the corpus (``ctgov-json``), for small releases that behave like real ones:
their MeSH terms, PubMed references and, with the Dutch and Belgian ROR dump as lexicon, organisations in
ROR; some of them with SHACL warnings."""

from __future__ import annotations

from pathlib import Path

#: Studies with an organisation in the NL/BE ROR dump (and MeSH terms, most with a PubMed reference).
IN_ROR = (
    "NCT02856893",
    "NCT03222895",
    "NCT04014634",
    "NCT04057209",
    "NCT04576156",
    "NCT04688775",
    "NCT05064397",
    "NCT05184725",
    "NCT05477459",
    "NCT05514054",
)
#: Studies with no organisation in it, each with MeSH terms and PubMed references.
NOT_IN_ROR = (
    "NCT00000410",
    "NCT00162175",
    "NCT00184587",
    "NCT00195884",
    "NCT00205894",
    "NCT00353704",
    "NCT00405041",
    "NCT00662935",
    "NCT00684879",
    "NCT00710099",
    "NCT00804895",
    "NCT00831909",
    "NCT00841061",
    "NCT00934284",
)
SAMPLE = IN_ROR + NOT_IN_ROR


def records(corpus: Path, ids: tuple[str, ...] = SAMPLE) -> list[str]:
    """The corpus files of ``ids`` (read where they are: never copied)."""
    paths = [corpus / "ctgov-json" / f"{nct_id}.json" for nct_id in ids]
    missing = [p.name for p in paths if not p.is_file()]
    assert not missing, f"not in the corpus: {missing}"
    return [str(p) for p in paths]


def ror_lexicon(corpus: Path) -> str:
    return str(corpus / "vocab" / "ror" / "ror_NL_BE_schema_v2.json")
