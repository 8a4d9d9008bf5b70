"""Names of interventions and conditions -> shared concept keys and MeSH matches.

Intervention concepts (``{base}intervention/{slug}``) are keyed by :func:`intervention_key`: the
:func:`~kg.linking.lexicon.name_key` of the name without doses (``100 mg``, ``0.5%``, ``10 mg/kg``),
dosage-form words at the end (tablet, capsule, injection, oral, ...) and salt forms at the end
(hydrochloride, sodium, mesylate, ...), each dropped only when a word is left. Where the record's
own MeSH terms (or the lexicon) name the intervention or one of its ``otherNames``, the concept is
keyed by the MeSH heading instead, so that ``Keytruda`` (other name ``pembrolizumab``) and
``Pembrolizumab`` meet. Everything depends on the record and the lexicon only: order-free.
"""

from __future__ import annotations

import re

from kg.linking.lexicon import EXACT, Lexicon, name_key
from kg.model import Intervention, MeshTerm
from kg.naming import mesh_ui

SALTS = {
    "hydrochloride",
    "hcl",
    "dihydrochloride",
    "sodium",
    "potassium",
    "calcium",
    "magnesium",
    "mesylate",
    "mesilate",
    "maleate",
    "sulfate",
    "sulphate",
    "citrate",
    "tartrate",
    "besylate",
    "besilate",
    "fumarate",
    "acetate",
    "phosphate",
    "succinate",
    "bromide",
    "hydrobromide",
    "tosylate",
}
FORMS = {
    "tablet",
    "tablets",
    "capsule",
    "capsules",
    "injection",
    "injections",
    "oral",
    "solution",
    "infusion",
    "iv",
    "po",
    "sc",
    "im",
    "dose",
    "doses",
    "film",
    "coated",
    "extended",
    "release",
}
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|ug|µg|g|ml|iu|units?|%|mmol|mg/kg|mg/m2|mg/ml)(?:/\w+)?(?=\s|$)")


def intervention_key(name: str) -> str:
    """The concept key of an intervention name (see the module docstring)."""
    text = _DOSE.sub(" ", name.casefold().replace("µ", "u"))
    words = name_key(text).split() or name_key(name).split()
    while len(words) > 1 and (words[-1] in FORMS or words[-1] in SALTS):
        words.pop()
    while len(words) > 1 and words[0] in FORMS:
        words.pop(0)
    return " ".join(words) or name_key(name)


def registry_mesh(terms: list[MeshTerm], lexicon: Lexicon) -> dict[str, tuple[str, str]]:
    """name key -> (canonical UI, heading) of a record's MeSH terms; names without UIs (legacy XML)
    are resolved by their exact name (:meth:`~kg.linking.lexicon.Lexicon.heading_ui`)."""
    found: dict[str, tuple[str, str]] = {}
    for term in terms:
        ui = resolve_ui(term, lexicon)
        if ui:
            found.setdefault(name_key(term.term), (ui, term.term.strip()))
    return found


def resolve_ui(term: MeshTerm, lexicon: Lexicon) -> str | None:
    """The canonical UI of a registry MeSH term: its own UI, else the one its exact heading has in the
    build's registry records and the lexicons (legacy XML gives headings only; kg.linking.headings)."""
    if term.ui:
        return mesh_ui(term.ui)
    return lexicon.heading_ui(term.term)


def heading_ancestors(terms: list[MeshTerm], module: str, lexicon: Lexicon) -> list[MeshTerm]:
    """The ancestors of a record's MeSH headings given by name only (legacy XML, which gives none), as the
    registry's records and the lexicons' trees give them (:meth:`~kg.linking.lexicon.Lexicon.heading_ancestors`),
    sorted by UI; none for terms with UIs (API v2 gives their ancestors itself). As in API v2, a
    descriptor that is one of the record's own headings is not among its ancestors."""
    leaves = {ui for term in terms if not term.ui and (ui := lexicon.heading_ui(term.term))}
    found = set().union(*(lexicon.heading_ancestors(ui, module) for ui in leaves)) - leaves
    return [MeshTerm(ui, label) for ui in sorted(found) if (label := lexicon.mesh_label(ui))]


def intervention_mesh(
    iv: Intervention, registry: dict[str, tuple[str, str]], lexicon: Lexicon
) -> tuple[str, str] | None:
    """(canonical UI, heading) for an intervention: the record's MeSH term named like it (or like one
    of its other names), else the lexicon's exact match of the name."""
    names = [iv.name, *iv.other_names]
    for name in names:
        for key in (name_key(name), intervention_key(name)):
            if key in registry:
                return registry[key]
    hit = lexicon.mesh_match(iv.name)
    if hit and hit[1] == EXACT:
        return hit[0], lexicon.mesh_labels.get(hit[0], iv.name.strip())
    return None
