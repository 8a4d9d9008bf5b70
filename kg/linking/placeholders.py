"""Facility names that name no institution: a sponsor's placeholder for "one of our sites".

Industry sponsors often hide their sites behind one generic name: ``Research Site`` (AstraZeneca, 9,816
sites in 64 countries in the corpus), ``GSK Investigational Site``, ``Novartis Investigative Site``,
``Local Institution - 0012``, ``Site Reference ID/Investigator# 12345``, or a sentence such as ``For
additional information regarding investigative sites for this trial, contact 1-877-CTLILLY ...``. Taken
as organisation names, each would become one shared node linking thousands of unrelated sites
world-wide. The mapping therefore gives a site whose facility name is a placeholder no ``tkg:facility``
organisation: the site keeps the name as given (``schema:name``) with its address and country.

The test is on the normalised key (:func:`kg.linking.orgs.org_key`) of the name without a trailing site
number, and errs towards real names: ``Research Site`` or ``Clinical Trial Site`` only as the whole name
(``Wits Clinical Research Site`` and ``Vitality Clinical Research- Site Number : 8400142`` are
institutions), ``<sponsor> Investigational Site`` with any prefix, and ``center``/``facility`` only as
the whole name (``Research Facility``, ``Investigational Center``), so ``Fred Hutchinson Cancer Research
Center`` stays an institution.
"""

from __future__ import annotations

import re

from kg.linking.orgs import org_key

_GENERIC = (
    r"(?:research|investigational|investigative|investigator|clinical research|clinical trials?|clinical|study|trial)"
)
_SPONSORS = r"(?:investigational|investigative|investigator)"  # "<sponsor> Investigational Site"
_NUMBER = r"(?: (?:number|no|nr|id))?(?: [a-z]*\d[a-z\d]*)*"
#: A site number after an institution's name: "Vitality Clinical Research- Site Number : 8400142",
#: "... Medical Center-Oncology Research ( Site 0015)", "... /ID# 252931". What is left is tested.
SITE_NUMBER = re.compile(
    r"\s*(?:[-\u2013(/]\s*(?:site(?: number)?\s*:?|id\s*#)\s*[\w.-]*\d[\w.-]*\s*\)?)+$", re.IGNORECASE
)

PLACEHOLDER = re.compile(
    "|".join(
        (
            rf"^{_GENERIC} sites?{_NUMBER}$",  # Research Site, Investigational Site Number : 8260005
            rf"^(?:.+ )?{_SPONSORS} sites?{_NUMBER}$",  # GSK Investigational Site, Teva Investigational Site 301
            rf"^(?:research|investigational|investigative|study|trial) (?:center|facility|location)s?{_NUMBER}$",
            rf"^(?:local institution|site|sites){_NUMBER}$",  # Local Institution - 0012, Site 001
            r"^site (?:reference|ref) .*\d",  # Site Reference ID/Investigator# 12345
            r"^for (?:additional|more) information\b",  # For additional information ... contact ...
            r"^contact .* for (?:facility|site|location) (?:details|information)$",
            r"^(?:.+ )?clinical trials? call center$",
            r"^(?:.+ )?administrative office$",
        )
    )
)


def is_placeholder(facility: str) -> bool:
    """Whether a facility name is a sponsor's placeholder rather than an institution's name."""
    return bool(PLACEHOLDER.match(org_key(SITE_NUMBER.sub("", facility) or facility)))
