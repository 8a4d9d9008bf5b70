"""Lexicons are data: MeSH names, ROR organisations and mapping sets, read from files.

:func:`load` detects a file's kind from its content, not its name:

* **ROR data dump** (JSON array, or ``{"items": [...]}``): schema v1 (``name``, ``aliases``,
  ``acronyms``, ``labels``, ``country.country_code``) and schema v2 (``names[]`` with ``types``,
  ``locations[].geonames_details.country_code``). Each record becomes an :class:`OrgEntry`.
* **SSSOM TSV** (a ``#`` YAML header with a ``curie_map``, then ``subject_id  predicate_id
  object_id ...``): CURIEs are expanded with the curie_map. Rows whose object is a MeSH IRI teach the
  lexicon a name (``subject_label``) for that MeSH UI with the row's predicate (exact or close match);
  rows whose object is a ROR IRI teach an organisation name; rows whose object is a trialkg
  organisation (``.../org/...``) teach a spelling variant (``subject_label`` -> ``object_label``),
  within the country the organisation's IRI names (``.../org/{slug}--{cc}``) if it names one.
* **MeSH descriptor table** (TSV): the AACT 3-column form without header (tree number, UI, name),
  or any table with a header naming a UI column (``ui``, ``descriptor_ui``, ``mesh_id``...) and a
  name column (``name``, ``term``, ``heading``...). Tree numbers, where given, give the hierarchy.

:func:`default_lexicon` reads the small files shipped in ``kg/lexicons/``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.iris import MESH_NS, ROR_NS, in_space, org_country, ror
from kg.naming import fold, mesh_ui
from kg.packaged import LEXICONS_DIR

if TYPE_CHECKING:
    from kg.linking.headings import Headings

SKOS = "http://www.w3.org/2004/02/skos/core#"
EXACT, CLOSE = SKOS + "exactMatch", SKOS + "closeMatch"
DEFAULTS = LEXICONS_DIR
_UI_COLUMNS = ("descriptor_ui", "mesh_ui", "ui", "mesh_id", "id", "descriptorui")
_NAME_COLUMNS = ("name", "term", "heading", "descriptor_name", "label", "mesh_term", "preferred_name")


def name_key(name: str) -> str:
    """Matching key of a term name: accents dropped, case folded, ``&`` as ``and``, punctuation as space."""
    text = fold(name).replace("&", " and ")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def sorted_key(name: str) -> str:
    """:func:`name_key` with its words sorted: ``Diabetes Mellitus, Type 2`` = ``Type 2 Diabetes Mellitus``."""
    return " ".join(sorted(name_key(name).split()))


@dataclass(frozen=True)
class OrgEntry:
    """An organisation of a ROR lexicon: its ROR IRI, display name, every other name, country code."""

    ror: str
    name: str
    names: tuple[str, ...]
    country: str | None


@dataclass
class Lexicon:
    """Everything the lexicon files say, merged. Later files add to, never replace, earlier ones."""

    mesh_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # name key -> (UI, predicate)
    mesh_labels: dict[str, str] = field(default_factory=dict)  # UI -> preferred name
    mesh_trees: dict[str, set[str]] = field(default_factory=dict)  # UI -> tree numbers
    orgs: list[OrgEntry] = field(default_factory=list)
    org_variants: dict[str, str] = field(default_factory=dict)  # variant name -> canonical name
    local_variants: dict[tuple[str, str], str] = field(default_factory=dict)  # (country, variant) -> canonical
    sources: list[str] = field(default_factory=list)
    #: The (UI, name) pairs of the build's own registry records (kg.linking.headings), set by the build.
    headings: Headings | None = None
    _sorted: dict[str, str] = field(default_factory=dict, repr=False)  # caches, rebuilt when stale
    _by_tree: dict[str, str] = field(default_factory=dict, repr=False)
    _sizes: tuple[int, int] = (-1, -1)

    def _index(self) -> None:
        sizes = (len(self.mesh_names), sum(len(t) for t in self.mesh_trees.values()))
        if sizes != self._sizes:
            self._sorted = {sorted_key(k): v[0] for k, v in sorted(self.mesh_names.items())}
            self._by_tree = {tree: u for u, trees in sorted(self.mesh_trees.items()) for tree in trees}
            self._sizes = sizes

    def add_mesh(self, ui: str, name: str, predicate: str = EXACT, tree: str | None = None) -> None:
        canonical = mesh_ui(ui)
        key = name_key(name)
        if key and (key not in self.mesh_names or self.mesh_names[key][1] != EXACT):
            self.mesh_names[key] = (canonical, predicate)
        if predicate == EXACT:
            self.mesh_labels.setdefault(canonical, name.strip())
        if tree:
            self.mesh_trees.setdefault(canonical, set()).add(tree.strip())

    def mesh_match(self, name: str) -> tuple[str, str] | None:
        """(canonical UI, SKOS predicate IRI) of a name, or ``None``: exact key, then word-order-free
        key (a close match)."""
        hit = self.mesh_names.get(name_key(name))
        if hit:
            return hit
        self._index()
        ui = self._sorted.get(sorted_key(name))
        return (ui, CLOSE) if ui else None

    def heading_ui(self, name: str) -> str | None:
        """The UI of a MeSH heading given by name only (legacy XML): the one UI that the build's registry
        records (:attr:`headings`) and the lexicons' exact names give it, else ``None`` (unknown, or
        given different UIs). Never a broader or close match."""
        found = set(self.headings.uis(name)) if self.headings else set()
        hit = self.mesh_names.get(name_key(name))
        if hit and hit[1] == EXACT:
            found.add(hit[0])
        return found.pop() if len(found) == 1 else None

    def heading_ancestors(self, ui: str, module: str) -> set[str]:
        """The ancestors of a descriptor: those the build's registry records give it where it stands alone
        in a record's ``module`` (``condition``, ``intervention``), and those the lexicons' tree numbers show."""
        found = set(self.headings.ancestors.get((module, ui), ())) if self.headings else set()
        self._index()
        for tree in self.mesh_trees.get(ui, ()):
            parts = tree.split(".")
            found |= {u for i in range(1, len(parts)) if (u := self._by_tree.get(".".join(parts[:i])))}
        return found - {ui}

    def mesh_label(self, ui: str) -> str | None:
        """A name of the descriptor ``ui``: the registry records', else the lexicons'."""
        label = self.headings.labels.get(ui) if self.headings else None
        return label or self.mesh_labels.get(ui)

    def broader(self, ui: str) -> set[str]:
        """UIs of the MeSH parents of ``ui`` the tree numbers in the lexicon show."""
        self._index()
        parents = {self._by_tree.get(tree.rpartition(".")[0]) for tree in self.mesh_trees.get(ui, ())}
        return {p for p in parents if p and p != ui}

    def extend(self, other: Lexicon) -> None:
        for key, value in other.mesh_names.items():
            if key not in self.mesh_names or self.mesh_names[key][1] != EXACT:
                self.mesh_names[key] = value
        for ui, label in other.mesh_labels.items():
            self.mesh_labels.setdefault(ui, label)
        for ui, trees in other.mesh_trees.items():
            self.mesh_trees.setdefault(ui, set()).update(trees)
        self.orgs.extend(other.orgs)
        for variant, canonical in other.org_variants.items():
            self.org_variants.setdefault(variant, canonical)
        for local, canonical in other.local_variants.items():
            self.local_variants.setdefault(local, canonical)
        self.sources.extend(other.sources)


def load(path: str | Path) -> Lexicon:
    """The lexicon in one file, its kind detected from the content."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    lex = Lexicon(sources=[str(path)])
    head = text.lstrip()[:1]
    if head in "[{" and head:
        data = json.loads(text)
        records = data.get("items", data) if isinstance(data, dict) else data
        if not isinstance(records, list) or not all(isinstance(r, dict) and "id" in r for r in records):
            raise InputError(f"{path}: JSON, but not a ROR data dump (a list of records with ids)")
        lex.orgs.extend(ror_entry(r) for r in records)
    elif head == "#" and "curie_map" in text:
        _sssom(text, lex)
    else:
        _mesh_table(text, lex, path)
    return lex


def load_all(paths: Iterable[str | Path], *, defaults: bool = True) -> Lexicon:
    """The shipped defaults (unless ``defaults`` is false) and then every file of ``paths``, merged."""
    lex = default_lexicon() if defaults else Lexicon()
    for path in paths:
        lex.extend(load(path))
    return lex


def default_lexicon() -> Lexicon:
    lex = Lexicon()
    for path in sorted(DEFAULTS.glob("*.tsv")) + sorted(DEFAULTS.glob("*.json")):
        lex.extend(load(path))
    return lex


def ror_entry(r: dict[str, Any]) -> OrgEntry:
    """One ROR record, schema v1 or v2."""
    if "names" in r:  # schema v2
        names = [n["value"] for n in r["names"] if n.get("value")]
        display = next((n["value"] for n in r["names"] if "ror_display" in n.get("types", [])), names[0])
        countries = [(loc.get("geonames_details") or {}).get("country_code") for loc in r.get("locations") or []]
        country = next((c for c in countries if c), None)
    else:  # schema v1
        display = r["name"]
        names = [display, *r.get("aliases", []), *r.get("acronyms", [])]
        names += [label["label"] for label in r.get("labels", []) if label.get("label")]
        country = (r.get("country") or {}).get("country_code")
    rid = ror(r["id"])
    return OrgEntry(rid, display, tuple(dict.fromkeys(names)), country)


def _sssom(text: str, lex: Lexicon) -> None:
    header = [re.sub(r"^# ?", "", line) for line in text.splitlines() if line.startswith("#")]
    prefixes = _curie_map(header)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#") and line.strip())
    for row in csv.DictReader(io.StringIO(body), delimiter="\t"):
        subject, obj = _expand(row["subject_id"], prefixes), _expand(row["object_id"], prefixes)
        predicate = _expand(row["predicate_id"], prefixes)
        label = (row.get("subject_label") or "").strip()
        if obj.startswith(MESH_NS) and label:
            lex.add_mesh(obj[len(MESH_NS) :], label, predicate if predicate in (EXACT, CLOSE) else CLOSE)
            if row.get("object_label") and predicate == EXACT:
                lex.add_mesh(obj[len(MESH_NS) :], row["object_label"])
        elif obj.startswith(ROR_NS) and label:
            country = (row.get("subject_category") or "").strip() or None
            lex.orgs.append(OrgEntry(obj, (row.get("object_label") or label).strip(), (label,), country))
        elif in_space(obj, "org") and label and row.get("object_label") and predicate == EXACT:
            country = org_country(obj)  # a variants file of trialkg link-report: a facility's country
            if country:
                lex.local_variants[(country, label)] = row["object_label"].strip()
            else:
                lex.org_variants[label] = row["object_label"].strip()
        del subject


def _curie_map(header: list[str]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    inside = False
    for line in header:
        if re.match(r"^curie_map\s*:", line):
            inside = True
            continue
        if inside:
            match = re.match(r"^\s+([\w.-]+)\s*:\s*['\"]?([^'\"\s]+)['\"]?\s*$", line)
            if not match:
                inside = line.startswith((" ", "\t"))
                continue
            prefixes[match.group(1)] = match.group(2)
    return prefixes


def _expand(curie: str, prefixes: dict[str, str]) -> str:
    curie = curie.strip()
    prefix, sep, rest = curie.partition(":")
    if sep and prefix in prefixes and not rest.startswith("//"):
        return prefixes[prefix] + rest
    return curie


def _mesh_table(text: str, lex: Lexicon, path: Path) -> None:
    rows = [r for r in csv.reader(io.StringIO(text), delimiter="\t") if r and any(c.strip() for c in r)]
    if not rows:
        return
    first = [c.strip().casefold() for c in rows[0]]
    if any(c in _UI_COLUMNS for c in first) and any(c in _NAME_COLUMNS for c in first):
        ui_col = next(first.index(c) for c in _UI_COLUMNS if c in first)
        name_col = next(first.index(c) for c in _NAME_COLUMNS if c in first)
        tree_col = next((i for i, c in enumerate(first) if "tree" in c), None)
        for row in rows[1:]:
            tree = row[tree_col] if tree_col is not None and tree_col < len(row) else None
            lex.add_mesh(row[ui_col], row[name_col], tree=tree)
        return
    for row in rows:  # AACT: tree number, UI, name; or headerless UI, name
        cells = [c.strip() for c in row]
        if len(cells) >= 3 and re.match(r"^[A-Z]\d\d(\.\d{3})*$", cells[0]):
            lex.add_mesh(cells[1], cells[2], tree=cells[0])
        elif len(cells) >= 2 and re.match(r"^[CD]\d+$", cells[0]):
            lex.add_mesh(cells[0], cells[1])
        else:
            raise InputError(f"{path}: not a ROR dump, an SSSOM mapping set or a MeSH table (row {str(row)[:200]})")
