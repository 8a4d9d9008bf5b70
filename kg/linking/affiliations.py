"""Affiliations that name no organisation: a person's position or degree (``Professor``, ``MD, PhD``).

The registry's ``affiliation`` of an overall official (and a responsible investigator's) is free text,
and now and then it holds what the person is rather than where: ``Professor``, ``Chief Medical
Officer``, ``Director of Research``, ``Assistant Professor, Radiation Oncology``, ``MD, PhD`` (all
seen in the corpus). Taken as organisation names, each would become one shared node joining unrelated
people. The mapping keeps such a string as the official's ``tkg:affiliationName`` and links no
``tkg:affiliation`` organisation.

The test (:func:`is_position`) errs towards organisations: every word must be a word of positions
(:data:`POSITIONS`), degrees (:data:`DEGREES`), their qualifiers (:data:`QUALIFIERS`) or fields of work
(:data:`FIELDS`, and any word ending in ``-logy``), and at least one a position or degree. So ``Director,
Pfizer``, ``Dean Foods``, ``Professor, Tata Memorial Centre`` and ``Medical Research Council`` stay
organisations.
"""

from __future__ import annotations

import re

from kg.naming import fold

POSITIONS = {
    "professor",
    "professer",
    "prof",
    "director",
    "officer",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "dean",
    "physician",
    "investigator",
    "scholar",
    "head",
    "vp",
    "president",
    "researcher",
    "psychologist",
    "lecturer",
    "consultant",
    "fellow",
    "resident",
    "nurse",
    "scientist",
    "coordinator",
    "manager",
    "surgeon",
    "doctor",
    "dr",
    "clinician",
    "pharmacist",
    "student",
    "specialist",
    "therapist",
    "pi",
    "cmo",
    "ceo",
    "cso",
}
DEGREES = {
    "md",
    "phd",
    "mph",
    "msc",
    "ms",
    "ma",
    "ba",
    "bs",
    "bsc",
    "mba",
    "rn",
    "np",
    "do",
    "dds",
    "dmd",
    "pharmd",
    "frcp",
    "frcpc",
    "frcs",
    "mbbs",
    "mbchb",
    "mrcp",
    "facp",
    "dm",
    "dphil",
    "msn",
    "dnp",
    "psyd",
    "dvm",
    "mpharm",
    "bpharm",
}
QUALIFIERS = {
    "senior",
    "junior",
    "associate",
    "assistant",
    "adjunct",
    "executive",
    "chief",
    "deputy",
    "vice",
    "consulting",
    "clinical",
    "medical",
    "research",
    "scientific",
    "study",
    "principal",
    "principle",
    "co",
    "sub",
    "lead",
    "global",
    "program",
    "programme",
    "project",
    "trial",
    "trials",
    "emeritus",
    "visiting",
    "attending",
    "staff",
    "general",
    "managing",
    "full",
    "and",
    "of",
    "in",
    "the",
}
FIELDS = {
    "oncology",
    "surgery",
    "surgical",
    "radiation",
    "development",
    "pharmacy",
    "affairs",
    "operations",
    "medicine",
    "pediatrics",
    "paediatrics",
    "psychiatry",
    "nursing",
    "statistics",
    "biostatistics",
    "orthopedics",
    "orthopaedics",
    "dentistry",
    "rehabilitation",
    "internal",
    "oral",
}


def _words(text: str) -> list[str]:
    """Lower-case words, dots dropped first so that ``M.D.`` and ``Ph.D.`` are ``md`` and ``phd``."""
    return re.sub(r"[\W_]+", " ", fold(text).replace(".", "")).split()


def is_position(affiliation: str) -> bool:
    """Whether an affiliation names a person's position or degree and no organisation (see the module docstring)."""
    words = _words(affiliation)
    known = POSITIONS | DEGREES | QUALIFIERS | FIELDS
    return any(w in POSITIONS or w in DEGREES for w in words) and all(w in known or w.endswith("logy") for w in words)
