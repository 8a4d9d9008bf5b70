"""MeSH headings the registry gives by name only (legacy XML), and the pairs its own records carry to resolve them.

Legacy XML names the registry's MeSH headings (``condition_browse/mesh_term``,
``intervention_browse/mesh_term``) without descriptor UIs and without ancestors. API v2 JSON gives
both: every ``meshes`` and ``ancestors`` entry of a study's ``conditionBrowseModule`` and
``interventionBrowseModule`` is a (UI, name) pair the registry itself assigned. :class:`Headings` holds
the pairs of the JSON records of one build, and for a descriptor that is the only one of a record's
module, the ancestors the registry gives it there (with several descriptors the record's ancestors are
their union, which cannot be told apart; where records disagree, as MeSH changes from year to year,
only the ancestors they all give are kept).

A heading given by name resolves to a UI only by its exact normalised name
(:meth:`kg.linking.lexicon.Lexicon.heading_ui`: these pairs, the shipped lexicons and ``--lexicon``
files; a name two of them give different UIs stays unresolved), never to a broader or a similar
descriptor: ``Hypertension, Pulmonary`` is D006976 or nothing, never Hypertension (D006973).

**Why a pre-pass over the inputs.** The build streams and maps each study on its own, in worker
processes, so an XML record may be mapped before the JSON record that carries its heading is read.
The pairs are therefore gathered first (:func:`of_inputs`): a look at the first bytes of each input file
decides whether there is legacy XML at all (a JSON-only build gathers nothing and pays only that look),
and only then are the JSON files parsed once more for their pairs (measured on the corpus, 880 JSON and
2,549 XML files: 2 to 6 s, against about 7 minutes for its build; 0.06 s for the look alone). The
table is a set, so the result does not depend on the order of the inputs; the workers get it at start
with the lexicons, and its digest goes into the conversion fingerprint, so that a study converted with
other pairs is never reused. Deferring the XML studies to the end of the build instead would hold them
all (or read them twice, which costs more than the JSON pass: legacy XML is the bulk archive's format).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.linking.lexicon import name_key
from kg.model import MeshTerm, Study
from kg.naming import mesh_ui
from kg.sources import DEFAULT_LIMITS, Entry, Limits, Rejected, entries, guarded, parser
from kg.sources import detect as detect_format


@dataclass
class Headings:
    """The (UI, name) pairs of a build's API v2 records, and the ancestors of the descriptors that stand alone."""

    names: dict[str, set[str]] = field(default_factory=dict)  # name key -> canonical UIs
    labels: dict[str, str] = field(default_factory=dict)  # UI -> the registry's name (the least, if several)
    ancestors: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # (module, UI) -> UIs

    def add(self, study: Study) -> None:
        """The pairs of one study (only those with UIs: an XML record adds none)."""
        for module, terms, above in (
            ("condition", study.condition_mesh, study.condition_mesh_ancestors),
            ("intervention", study.intervention_mesh, study.intervention_mesh_ancestors),
        ):
            leaves = [ui for ui in map(self._pair, terms) if ui]
            parents = frozenset(ui for ui in map(self._pair, above) if ui)
            if len(set(leaves)) == 1:
                key = (module, leaves[0])
                self.ancestors[key] = self.ancestors[key] & parents if key in self.ancestors else parents

    def _pair(self, term: MeshTerm) -> str | None:
        if not term.ui:
            return None
        try:
            ui = mesh_ui(term.ui)
        except ValueError:  # not a UI: nothing to learn from it
            return None
        key = name_key(term.term)
        if key:
            self.names.setdefault(key, set()).add(ui)
            name = term.term.strip()
            self.labels[ui] = min(self.labels.get(ui, name), name)
        return ui

    def uis(self, name: str) -> set[str]:
        """The UIs the records give the name ``name`` (normally one)."""
        return self.names.get(name_key(name), set())

    def __bool__(self) -> bool:
        return bool(self.names)

    def digest(self) -> str:
        """A hash of the whole table (for the conversion fingerprint)."""
        h = hashlib.sha256()
        for key in sorted(self.names):
            h.update(f"n\t{key}\t{'|'.join(sorted(self.names[key]))}\n".encode())
        for ui in sorted(self.labels):
            h.update(f"l\t{ui}\t{self.labels[ui]}\n".encode())
        for (module, ui), above in sorted(self.ancestors.items()):
            h.update(f"a\t{module}\t{ui}\t{'|'.join(sorted(above))}\n".encode())
        return h.hexdigest()


def gather(studies: Iterable[Study | Rejected]) -> Headings:
    """The headings of some records (rejected ones and XML records add nothing)."""
    headings = Headings()
    for study in studies:
        if isinstance(study, Study):
            headings.add(study)
    return headings


def of_inputs(inputs: list[str], fmt: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Headings:
    """The headings of a build's inputs: gathered from their API v2 records where legacy XML is among
    them, else none (nothing would use them); none where ``fmt`` forces one format on every input (then
    there is no XML, or no API v2 record). See the module docstring."""
    if fmt is not None or not any(kind == "xml" for _, kind in _formats(inputs, limits)):
        return Headings()
    json_files = (entry for entry, kind in _formats(inputs, limits) if kind == "json")
    return gather(record for entry in json_files for record in guarded(parser("json"), entry))


def _formats(inputs: list[str], limits: Limits) -> Iterator[tuple[Entry, str | None]]:
    for path in inputs:
        for entry in entries(path, limits):
            if isinstance(entry, Rejected):
                continue
            try:
                yield entry, detect_format(entry)
            except OSError:  # the build reports it when it reads the file
                continue
