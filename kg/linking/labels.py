"""One preferred name per organisation (``skos:prefLabel``), its other spellings as ``skos:altLabel``.

Every mention of an organisation adds the name as the record writes it (``schema:name``) to the shared
node, so a node that several spellings meet has several names (``MD Anderson Cancer Center``,
``M.D. Anderson Cancer Center``, ``UNIVERSITY OF TEXAS M.D. ANDERSON...`` ...). Which one is preferred
can only be said once all studies are mapped (the build streams, and each study knows its own
spelling only), so the build asks :func:`org_labels` for the label triples over the release's shared
triples, once, before it writes them: exactly one ``skos:prefLabel`` per organisation and a
``skos:altLabel`` for each other name (SKOS keeps the two disjoint). ``schema:name`` stays: queries
find an organisation by any name the registry gives it.

The preferred name (:func:`preferred`) depends on the set of names only, not on their order: the name
written like the node's own key first (its slug is the IRI's, so ``Pfizer`` before ``Pfizer, Inc.``,
``University of Michigan`` before ``Univ. of Michigan``, ``MD Anderson`` before ``M.D. Anderson``),
then one in mixed case (``Mayo Clinic`` before ``MAYO CLINIC``), then the first in code-point order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.iris import ORG_COUNTRY, Iris
from kg.mapping.namespaces import SCHEMA, SKOS
from kg.naming import slug

_NAME = f" <{SCHEMA.name.value}> "


def preferred(node: str, names: Iterable[ox.Literal]) -> ox.Literal:
    """The preferred name of the organisation ``node`` (its IRI) among ``names`` (see the module docstring)."""
    own = node.rsplit("/", 1)[-1].split(ORG_COUNTRY)[0]
    return min(names, key=lambda n: (slug(n.value) != own, n.value.isupper() or n.value.islower(), n.value, str(n)))


def org_labels(shared: Iterable[str], base: str) -> Iterator[str]:
    """The ``skos:prefLabel`` and ``skos:altLabel`` lines (N-Triples) of every organisation in ``shared``,
    the release's shared triples as sorted N-Triples lines (so that each node's lines are together)."""
    orgs = "<" + Iris(base).space("org")
    names = (line for line in shared if line.startswith(orgs) and _NAME in line)
    for subject, lines in itertools.groupby(names, key=lambda line: line.split(" ", 1)[0]):
        parsed = ox.parse("\n".join(lines), format=ox.RdfFormat.N_TRIPLES)
        literals = [t.object for t in parsed if isinstance(t.object, ox.Literal)]
        chosen = preferred(subject[1:-1], literals)
        for literal in literals:
            yield f"{subject} {SKOS.prefLabel if literal == chosen else SKOS.altLabel} {literal} ."
