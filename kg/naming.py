"""Names as IRI path segments and matching keys: the helpers mapping and linking share (imports nothing of ours).

Slugs (``{base}org/{slug}``, ``{base}condition/{slug}``, ``{base}intervention/{slug}``) come from
names by one documented normalisation, :func:`slug`: Unicode NFKD, accents dropped, case folded,
``&`` read as ``and``, every run of characters other than letters and digits turned into one ``-``.
So ``Hôpital Saint-Louis`` and ``HOPITAL SAINT LOUIS`` share ``hopital-saint-louis``. Letters of
other scripts are kept (IRIs may hold them). A name with no letters or digits at all gets
``x-`` and a short hash of the name, so that it still has a stable IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: MeSH gave 10-character UIs to records created from May 2014 on (NLM Tech Bull 2013;391:e1); older
#: UIs kept 7 characters. API v2 pads every UI to 10 (D000001249), so a padded UI whose number is
#: below the first 10-character number of its kind is an old one: D001249. Evidence in the registry's
#: own data: D066087 (Perinatal Death) is old style, D000066888 (Diet, Food, and Nutrition) is new.
MESH_FIRST_LONG_NUMBER = {"D": 66491, "C": 589000}
_MESH_UI = re.compile(r"^([DC])(\d+)$")


def mesh_ui(raw: str) -> str:
    """The canonical MeSH UI of a UI as the registry wrote it (``D000001249`` -> ``D001249``)."""
    match = _MESH_UI.match(raw.strip())
    if not match:
        raise ValueError(f"{raw!r} is not a MeSH descriptor or supplementary concept UI")
    kind, digits = match.groups()
    number = int(digits)
    if len(digits) > 6 and number < MESH_FIRST_LONG_NUMBER[kind]:
        return f"{kind}{number:06d}"
    if len(digits) <= 6:
        return f"{kind}{number:06d}"
    return f"{kind}{number:09d}"


def fold(text: str) -> str:
    """``text`` with its accents dropped and its case folded (Unicode NFKD, combining marks removed)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def slug(name: str) -> str:
    """The slug of a name; see the module docstring for the normalisation."""
    text = fold(name).replace("&", " and ")
    text = re.sub(r"[\W_]+", "-", text).strip("-")
    if not text:
        return "x-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    if len(text) > 120:
        text = text[:100].rstrip("-") + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return text


def local(value: str) -> str:
    """A value safe as one IRI path segment (NCT ids, codes): keep what is safe, hyphenate the rest."""
    return re.sub(r"[^A-Za-z0-9._~-]+", "-", value).strip("-") or "x"
