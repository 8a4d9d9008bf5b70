"""Organisation names -> one shared node per institution, and its ROR IRI where a lexicon knows it.

**Normalisation** (:func:`org_key`, documented in DESIGN terms as the slug of the key): Unicode NFKD
with accents dropped, case folded; ``&`` and ``+`` read as ``and``; punctuation as space; runs of
single letters joined (``M.D. Anderson`` = ``MD Anderson``); a leading ``The`` dropped; common
abbreviations written out (``Univ.`` -> ``university``, ``Hosp`` -> ``hospital``, ``Ctr``/``Centre``
-> ``center``, ``Inst`` -> ``institute``, ``Natl`` -> ``national``, ``St`` -> ``saint``...);
trailing country-neutral legal forms dropped (``Inc``, ``Ltd``, ``LLC``, ``Corp``; not ``GmbH``, ``K.K.``...);
a trailing qualifier in parentheses dropped when it is the acronym of the name (``Memorial Sloan
Kettering Cancer Center (MSKCC)``) or names the country the mention is located in (``Leiden University
Medical Center (Netherlands)`` at a Dutch site). Qualifiers after a comma are kept: ``University of
California, Davis`` and ``..., San Francisco`` are different institutions.

**Which node** (:class:`OrgNode`, IRI by :meth:`kg.iris.Iris.org`): a key names one institution only
within a country. A site's facility is the institution of that key in the site's country
(``org/queen-elizabeth-hospital--au`` and ``--gb`` are two hospitals); a sponsor, collaborator or
affiliation, which the registry places nowhere, is one node per key (``org/national-cancer-institute``,
not the Thai site of that name) unless its name links to a ROR entry, whose country places it (and then
it meets the sites of that institution). Affiliations that are positions or degrees are no
organisations (:mod:`kg.linking.affiliations`), nor sites' placeholders (:mod:`kg.linking.placeholders`);
each node's preferred name is chosen once the release is mapped (:mod:`kg.linking.labels`).

**Why a key and not clustering at build time.** The build streams: each study is mapped on its own,
and two builds of the same input must mint the same IRIs whatever the order of the records. A key
function is order-free by construction, so it decides the IRI. Fuzzy matching is order-dependent if
done greedily against "the names seen so far", so it is done only (a) against the ROR lexicon, which
is fixed before the build starts, and only within the mention's own country; and (b) offline, over a
whole corpus, by :func:`cluster` (sorted input, union of pairs within each country, a canonical name
chosen by a total order), whose result can be written as an SSSOM variants file of country-placed
IRIs (``trialkg link-report --variants FILE``) and given back to the build with ``--lexicon FILE``.
So the merge is deterministic and a streaming build never needs a second pass.

**Fuzzy rule** (:func:`same_institution`), precision before recall: the two keys must be in the same
country; have the same number of words, in the same order, each pair of words equal or a typo
apart (both at least 5 letters, the same first two letters, a prefix only as a plural, rapidfuzz
ratio >= 90; compass words and ordinals never); no digits may differ; and the whole keys must
have a ratio >= :data:`THRESHOLD`. So "University of Washington" never meets "Washington University",
nor "Medical University of Vienna" "University of Vienna".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.linking.countries import iso_code
from kg.linking.lexicon import Lexicon, OrgEntry
from kg.naming import fold

THRESHOLD = 92.0
WORD_THRESHOLD = 90.0
#: Words that tell institutions apart however close they are spelt: they must match exactly.
CONTRASTS = {
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "first",
    "second",
    "third",
    "upper",
    "lower",
    "new",
}
ABBREVIATIONS = {
    "univ": "university",
    "universtiy": "university",
    "hosp": "hospital",
    "ctr": "center",
    "cntr": "center",
    "centre": "center",
    "inst": "institute",
    "natl": "national",
    "nat": "national",
    "intl": "international",
    "med": "medical",
    "st": "saint",
    "ste": "sainte",
    "dept": "department",
    "assoc": "association",
    "coll": "college",
    "gen": "general",
    "res": "research",
    "mt": "mount",
}
#: Legal forms that do not tie the organisation to one country (``GmbH``, ``K.K.``, ``B.V.``, ``S.A.``
#: name national subsidiaries -- ``AstraZeneca K.K.`` is not ``AstraZeneca`` -- and are kept).
LEGAL_FORMS = {"inc", "incorporated", "llc", "corp", "corporation", "co", "ltd", "limited", "plc"}


def _words(text: str) -> list[str]:
    text = re.sub(r"[&+]", " and ", re.sub(r"['’`]", "", fold(text)))
    words = re.sub(r"[\W_]+", " ", text).split()
    joined: list[str] = []
    single = False  # whether joined[-1] was made of single letters only
    for w in words:  # join runs of single letters: "m d anderson" -> "md anderson"
        if len(w) == 1 and w.isalpha() and single:
            joined[-1] += w
        else:
            joined.append(w)
            single = len(w) == 1 and w.isalpha()
    return joined


def org_key(name: str, country: str | None = None) -> str:
    """The normalised key of an organisation name (see the module docstring); ``country`` is the
    ISO code of where the mention is, if known."""
    text = name.strip()
    match = re.match(r"^(.*\S)\s*\(([^()]*)\)$", text)
    if match:
        body, qualifier = match.groups()
        initials = "".join(w[0] for w in _words(body) if w not in {"of", "and", "the", "for", "de"})
        q = "".join(_words(qualifier))
        if q and (q == initials or (country and iso_code(qualifier) == country)):
            text = body
    words = [ABBREVIATIONS.get(w, w) for w in _words(text)]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words = words[:-1]
    return " ".join(words)


def same_institution(a: str, b: str) -> bool:
    """Whether two keys (already in one country) are spelling variants by the fuzzy rule."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    return all(_typo(x, y) for x, y in zip(wa, wb, strict=True)) and fuzz.ratio(a, b) >= THRESHOLD


def _typo(x: str, y: str) -> bool:
    """Whether two words are one word misspelt: same first two letters (so Changzhou is not Hangzhou),
    a prefix only if a plural (Christian is not Christiana), long enough, and close by rapidfuzz."""
    if x == y:
        return True
    if x in CONTRASTS or y in CONTRASTS:
        return False
    short, long_ = sorted((x, y), key=len)
    if long_.startswith(short) and long_[len(short) :] not in ("s", "es"):
        return False
    return min(len(x), len(y)) >= 5 and x[:2] == y[:2] and fuzz.ratio(x, y) >= WORD_THRESHOLD


@dataclass(frozen=True)
class OrgNode:
    """What identifies an organisation node: its canonical key, the country it is placed in, its ROR entry.

    The country is the mention's (a site's facility is one institution of that name in that country),
    else that of the ROR entry the name links to, else none: a sponsor, collaborator or affiliation
    with no ROR link is one node per key, as the registry gives no country for it. So the US sponsor
    ``National Cancer Institute`` and a Thai site of that name are two nodes, and a sponsor linked to
    ROR meets the sites of the same institution in its country."""

    key: str
    country: str | None
    ror: OrgEntry | None


@dataclass
class OrgResolver:
    """Organisation mentions -> (canonical key, display name, ROR IRI or None), from a lexicon."""

    lexicon: Lexicon
    _exact: dict[str, list[OrgEntry]] = field(default_factory=dict, init=False, repr=False)
    _by_country: dict[str, dict[str, OrgEntry]] = field(default_factory=dict, init=False, repr=False)
    _variants: dict[tuple[str | None, str], str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in sorted(self.lexicon.orgs, key=lambda e: e.ror):
            for name in entry.names:
                key = org_key(name)
                if not key:
                    continue
                if entry not in self._exact.setdefault(key, []):
                    self._exact[key].append(entry)
                if entry.country:
                    self._by_country.setdefault(entry.country, {}).setdefault(key, entry)
        for variant, canonical in sorted(self.lexicon.org_variants.items()):
            self._variants[(None, org_key(variant))] = org_key(canonical)
        for (where, variant), canonical in sorted(self.lexicon.local_variants.items()):
            self._variants[(where, org_key(variant, where))] = org_key(canonical, where)

    def node(self, name: str, country: str | None = None) -> OrgNode:
        """The node of a mention located in ``country`` (ISO code; ``None`` for sponsors and affiliations)."""
        key, entry = self.resolve(name, country)
        return OrgNode(key, country or (entry.country if entry else None), entry)

    def resolve(self, name: str, country: str | None = None) -> tuple[str, OrgEntry | None]:
        """The canonical key of a mention and the ROR entry it links to (or ``None``); the variants
        files of ``trialkg link-report --variants`` apply within their country."""
        key = org_key(name, country)
        key = self._variants.get((country, key)) or self._variants.get((None, key)) or key
        entries = self._exact.get(key, [])
        if country:
            local = [e for e in entries if e.country == country]
            if len(local) == 1:
                return key, local[0]
        # a one-word key (an acronym) links only where the country agrees
        fits = country is None or entries[0].country in (None, country) if entries else False
        if len(entries) == 1 and fits and (" " in key or country):
            return key, entries[0]
        if country and country in self._by_country:
            matches = {
                e.ror: e for k, e in self._by_country[country].items() if k[:1] == key[:1] and same_institution(key, k)
            }
            if len(matches) == 1:
                entry = next(iter(matches.values()))
                return org_key(entry.name), entry
        return key, None


def cluster(mentions: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str], str]:
    """Offline, order-free merge of a corpus's mentions ``(name, country code)``: (country, key) ->
    canonical key, for keys the fuzzy rule joins within one country. The canonical key of a group is
    the most frequent one in that country, ties broken by the key itself."""
    counts: dict[str, dict[str, int]] = {}  # country -> key -> mentions
    for name, country in mentions:
        if country:
            keys = counts.setdefault(country, {})
            key = org_key(name, country)
            keys[key] = keys.get(key, 0) + 1
    result: dict[tuple[str, str], str] = {}
    for country, keys in sorted(counts.items()):
        result.update({(country, key): best for key, best in _merged(keys).items()})
    return result


def _merged(counts: dict[str, int]) -> dict[str, str]:
    """Within one country: key -> canonical key for the keys the fuzzy rule joins (union of pairs)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    keys = sorted(counts)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if b[:1] == a[:1] and abs(len(a) - len(b)) <= 3 and same_institution(a, b):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    result: dict[str, str] = {}
    for root, members in groups.items():
        members = sorted({root, *members})
        best = min(members, key=lambda k: (-counts.get(k, 0), k))
        result.update({m: best for m in members if m != best})
    return result
